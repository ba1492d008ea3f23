"""Backlinks: which pages link to each page, read from their Markdown and raw-HTML links."""

from __future__ import annotations

import html
import posixpath
import re

_MD_LINK = re.compile(r"\]\(([^)\s#]+\.md)(?:#[^)\s]*)?(?:\s+\"[^\"]*\")?\)")
_H1 = re.compile(r"^#\s+(.+)$", re.M)


def page_title(markdown: str, fallback: str) -> str:
    """The plain text of a page's H1 (its Markdown escapes and character references undone)."""
    match = _H1.search(markdown)
    if not match:
        return fallback
    return html.unescape(re.sub(r"\\([\\`*_{}\[\]#+!|.()-])", r"\1", match.group(1))).strip()


def markdown_links(path: str, markdown: str) -> set[str]:
    """The pages that the Markdown of page `path` links to (paths under docs/)."""
    base = posixpath.dirname(path)
    return {posixpath.normpath(posixpath.join(base, target)) for target in _MD_LINK.findall(markdown)}


def backlinks(outgoing: dict[str, set[str]]) -> dict[str, list[str]]:
    """For each page, the pages that link to it. `outgoing` has every page, with the pages it
    links to: by a link in its Markdown (`markdown_links`) or by one the renderer wrote as raw
    HTML (`Renderer.html_links`). One pass over all links."""
    found: dict[str, set[str]] = {path: set() for path in outgoing}
    for source, targets in outgoing.items():
        for resolved in targets:
            if resolved in found and resolved != source:
                found[resolved].add(source)
    return {path: sorted(linkers) for path, linkers in found.items()}
