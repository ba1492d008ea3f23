"""Relative links between pages, as Markdown (paths under docs/) and as the site's URLs (raw HTML,
which MkDocs leaves alone)."""

from __future__ import annotations

import posixpath
from functools import lru_cache


def html_url(path: str, use_directory_urls: bool) -> str:
    """The site URL of a page, as MkDocs will write it ('topics/x.md' -> 'topics/x/')."""
    stem = path[:-3]
    if not use_directory_urls:
        return stem + ".html"
    if stem == "index" or stem.endswith("/index"):
        return stem[:-5]
    return stem + "/"


def html_link(here: str, target: str, use_directory_urls: bool, anchor: str | None = None) -> str:
    """A relative URL from page `here` to page `target`, for raw HTML (which MkDocs leaves alone)."""
    rel = _relative_url(here, target, use_directory_urls)
    return f"{rel}#{anchor}" if anchor else rel


@lru_cache(maxsize=16384)  # pure, and called tens of thousands of times for the same pages (one anchor per claim)
def _relative_url(here: str, target: str, use_directory_urls: bool) -> str:
    here_url = html_url(here, use_directory_urls)
    base = here_url if here_url.endswith("/") or not here_url else posixpath.dirname(here_url) + "/"
    target_url = html_url(target, use_directory_urls)
    rel = _relpath(target_url or ".", base or ".")
    if not target_url or target_url.endswith("/"):
        rel = "./" if rel == "." else rel + "/"
    return rel



@lru_cache(maxsize=4096)
def _sources_folder(here: str, use_directory_urls: bool) -> str:
    """The relative URL of the folder of source pages from page `here` ('../sources/')."""
    return posixpath.dirname(html_link(here, "sources/index.md", use_directory_urls)) + "/"



def _link(here: str, target: str, anchor: str | None = None) -> str:
    """A relative Markdown link from page `here` to page `target` (paths under docs/)."""
    rel = _relative(posixpath.dirname(here) or ".", target)
    return f"{rel}#{anchor}" if anchor else rel


@lru_cache(maxsize=16384)  # pages link to the same few folders
def _relative(folder: str, target: str) -> str:
    return _relpath(target, folder)


def _relpath(target: str, start: str) -> str:
    """posixpath.relpath for two paths under the same root (docs/ or the site). Made absolute
    first, so that relpath does not ask the system for the working directory twice per call
    (a third of the time of composing a source page went into getcwd)."""
    return posixpath.relpath("/" + target, "/" + start)

