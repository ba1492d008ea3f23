"""The print document: the site's pages as chapters, grouped in sections and printed in parts,
and the addresses inside it (every id of a chapter is prefixed with the chapter's anchor)."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import unquote, urljoin, urlsplit


@dataclass
class PrintPage:
    """One page of the site as a chapter of the print document."""

    path: str  # its URL path under the site: "" for home, "sources/<slug>/"
    title: str
    html: str = ""
    anchor: str = field(init=False)
    ids: set[str] = field(default_factory=set)  # every id of the chapter, prefixed
    links: set[str] = field(default_factory=set)  # every id of the document the chapter links to

    def __post_init__(self) -> None:
        self.anchor = page_anchor(self.path)


@dataclass
class Section:
    title: str
    pages: list[PrintPage]


@dataclass
class PrintDocument:
    site_name: str
    description: str
    licence: str
    site_url: str
    lang: str
    stylesheets: list[str]
    body_attrs: dict[str, str]
    sections: list[Section]

    @property
    def pages(self) -> list[PrintPage]:
        return [page for section in self.sections for page in section.pages]


@dataclass
class Part:
    """A piece of the document printed by one chromium run: the cover and contents, or a run of chapters."""

    pages: list[PrintPage]
    front: bool = False
    targets: list[str] = field(default_factory=list)  # its ids that other parts link to
    foreign: list[str] = field(default_factory=list)  # ids of other parts that it links to

    @property
    def anchors(self) -> set[str]:
        return {page.anchor for page in self.pages}


def page_anchor(path: str) -> str:
    return "page:" + (path.strip("/") or "home")


def owner_anchor(target: str) -> str:
    """The chapter an id belongs to: `page:sources/x:claim-y` -> `page:sources/x` (paths have no colon)."""
    return ":".join(target.split(":", 2)[:2])


def section_of(path: str) -> str:
    return path.split("/")[0]


def is_external(href: str) -> bool:
    parts = urlsplit(href)
    return bool(parts.scheme or parts.netloc)


def resolve_site_path(page_path: str, href: str) -> tuple[str, str] | None:
    """(site path, fragment) of a relative link from a page, or None for external and in-page links."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    target = urljoin("/" + page_path, unquote(parts.path)).lstrip("/")
    if target.endswith("index.html"):
        target = target[: -len("index.html")]
    return target, unquote(parts.fragment)
