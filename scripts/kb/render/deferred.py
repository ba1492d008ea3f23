"""Deferred raw HTML: fragments of a page (claim blocks, figures, cite boxes) that skip
Python-Markdown and go into the page after it (`Renderer(defer_html=True)`, the MkDocs adapter).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial


class DeferredHtml:
    """The deferred-HTML mechanism of a Renderer: `defer_html` and `deferred` are set by it."""

    defer_html: bool
    #: {(kind, page path): raw HTML fragments, or what makes them}, filled by `deferred` and `render_later` when defer_html is on.
    deferred: dict[tuple[str, str], list[str | Callable[[], str]]]

    def _defer(self, fragment: str | Callable[[], str], here: str, indexed: bool = False) -> str:
        """Raw HTML that Markdown has nothing to do with: claim blocks, figures, cite boxes.

        At 1,000 sources the list pages hold 4.4 times as many claims as the source pages, and
        pushing them through Python-Markdown and the search plugin's HTML parser (which would
        drop them anyway: they are data-search-exclude) was most of the build. With defer_html
        (the MkDocs adapter), the page gets a placeholder comment and `fill_deferred` puts the
        fragment in after Markdown: `indexed` fragments (the claims of source pages) before the
        search plugin reads the page, the others into the finished HTML. Without defer_html
        (`kb generate`, export, golden tests) the fragment stays inline: self-contained Markdown.
        """
        if not self.defer_html:
            return fragment
        kind = "indexed" if indexed else "deferred"
        fragments = self.deferred.setdefault((kind, here), [])
        fragments.append(fragment)
        return f"<!-- kb-{kind}:{len(fragments) - 1} -->"

    def _render_later(self, here: str, macro: Callable[..., str], *args: object) -> str:
        """Like `deferred`, but the fragment is made when it is put in (`fill_deferred`), not now.

        For the claim lists of list pages: together they hold every claim four or five times
        (the timeline alone holds them all), so storing them rendered from the start of the build
        to the end was most of the generation's memory (50 MB at 1,000 sources). Without
        defer_html the macro is called at once."""
        if not self.defer_html:
            return macro(*args)
        return self._defer(partial(macro, *args), here)

    def fill_deferred(self, here: str, html_page: str, indexed: bool = False) -> str:
        """The HTML of page `here` with its deferred (or, with `indexed`, its indexed) fragments in place.
        Each page is filled once per build: its fragments are let go (memory grows with the site)."""
        kind = "indexed" if indexed else "deferred"
        fragments = self.deferred.pop((kind, here), None)
        if not fragments:
            return html_page
        made = _made if indexed else _inert
        return _PLACEHOLDERS[kind].sub(lambda m: made(fragments[int(m.group(1))]), html_page)


def _made(fragment: str | Callable[[], str]) -> str:
    return fragment() if callable(fragment) else fragment


#: Inline code in raw HTML, what a Content-Security-Policy must allow by hash: a script or style
#: element, or a style or event attribute inside a tag (values are escaped: a '<' is markup).
_INLINE_CODE = re.compile(r"<script|<style|<[^>]*\s(?:style|on[a-z]+)\s*=", re.IGNORECASE)


def _inert(fragment: str | Callable[[], str]) -> str:
    """A deferred fragment, which must hold no inline code: it goes into the finished page after
    the CSP hook has hashed the page's inline scripts and styles (parsing pages with their claim
    lists in took 59 MB for the timeline alone at 1,000 sources). Values in it are escaped, so
    only a template could break this."""
    made = _made(fragment)
    if found := _INLINE_CODE.search(made):
        raise ValueError(f"a deferred fragment holds inline code ({found.group(0).strip()!r}), which the "
                         f"page's Content-Security-Policy would block: make it an indexed fragment or a class")
    return made


_PLACEHOLDERS = {kind: re.compile(rf"<!-- kb-{kind}:(\d+) -->") for kind in ("deferred", "indexed")}

