"""What contributors' Markdown may not do, told to them by `make check` with the line to fix.

Source summaries and topic introductions are Markdown only: no raw HTML, no attribute that
attr_list lets anyone set (`{: onclick=... style=...}`), no link or image but http(s), mailto
and the site's own pages. The build removes all of these anyway (`kb.sanitize`); this says so
to the contributor, who would otherwise see a page silently differ from what was written.

The text is rendered once by Python-Markdown with the extensions of mkdocs.yml, and what it
made is read back with lxml: a tag split over two lines, a reference-style link
(`[x][r]` ... `[r]: javascript:...`), an entity-encoded scheme (`&#106;avascript:`) are seen as
the build sees them, which line-by-line patterns were not. Only texts that hold one of the
characters any of these needs are rendered: most summaries are plain prose with citations.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from .sanitize import ALLOWED_ATTRIBUTE_PREFIXES, ALLOWED_ATTRIBUTES, URL_SCHEMES, is_local_url, url_scheme

#: The Markdown extensions of mkdocs.yml, with their settings (tests/test_hostile.py compares), but
#: md_in_html: without it, a `<div markdown>` is raw HTML like any other, and reported.
MARKDOWN_EXTENSIONS = ["abbr", "admonition", "attr_list", "def_list", "footnotes", "tables",
                       "toc", "pymdownx.details", "pymdownx.superfences"]
MARKDOWN_SETTINGS = {"tables": {"use_align_attribute": True}, "toc": {"permalink": True}}
#: Without one of these, Markdown can make no HTML, attribute or link.
_MAY_HAVE_MARKUP = re.compile(r"[<&{]|\]\s*[(\[:]")
_HTML_START = re.compile(r"<!--|</?[a-zA-Z][\w-]*")
_SCRIPT_SCHEMES = {"javascript", "data", "vbscript"}


def markup_problems(text: str) -> Iterator[tuple[int, str]]:
    """(line offset in `text`, message) for each thing the build would remove from it."""
    if not _MAY_HAVE_MARKUP.search(text):
        return
    html, raw, references = _render(text)
    reported_lines = set()
    for piece in [p for p in raw if not p.startswith("</")] or raw[:1]:  # an element once, by its opening tag
        line = _offset(text, text.find(piece))
        if line not in reported_lines:  # the first tag of a line is enough to find the others
            reported_lines.add(line)
            yield line, f"contains HTML '{_HTML_START.match(piece).group()}': write Markdown only (raw HTML is not allowed)"
    if raw:  # what attr_list and links made, without the HTML reported above
        html, _, references = _render(text.replace("<", "&lt;"))
    bad_references = set()
    for name, (url, _title) in references.items():
        if message := _url_problem("a", url):
            bad_references.add(url)
            definition = re.search(rf"^[ ]{{0,3}}\[{re.escape(name)}\]:", text, re.I | re.M)
            yield _offset(text, definition.start() if definition else -1), message
    yield from _element_problems(text, html, bad_references)


def _element_problems(text: str, html: str, reported_urls: set[str]) -> Iterator[tuple[int, str]]:
    import lxml.html

    for element in lxml.html.fragment_fromstring(html, create_parent="div").iterdescendants():
        if not isinstance(element.tag, str):
            continue
        allowed = ALLOWED_ATTRIBUTES["*"] | ALLOWED_ATTRIBUTES.get(element.tag, set())
        refused = [name for name in element.attrib
                   if name not in allowed and not name.startswith(tuple(ALLOWED_ATTRIBUTE_PREFIXES))]
        if refused:  # one line per element, naming them all
            where = re.search(rf"\{{[^{{}}]*\b{re.escape(refused[0])}\s*=", text)
            names = ", ".join(f"'{name}'" for name in refused)
            yield _offset(text, where.start() if where else -1), (
                f"attribute{'s' if len(refused) > 1 else ''} {names} (set with {{: ...}}) not allowed: "
                "attr_list may set only an #id and .classes")
        for name, value in element.attrib.items():
            if name == "id" and value.startswith("__"):
                yield _offset(text, text.find(value)), f"id '{value}' starts with '__', which the theme's own elements use: choose another"
            elif name in {"href", "src"} and value not in reported_urls and (message := _url_problem(element.tag, value)):
                label = element.text_content().strip() or element.get("alt", "")
                where = text.find(f"[{label}]") if label else -1
                yield _offset(text, where if where >= 0 else text.find("](")), message


def _url_problem(tag: str, url: str) -> str | None:
    scheme = url_scheme(url)
    if scheme in _SCRIPT_SCHEMES:
        return "link to a script ('javascript:' or 'data:'): link to an http(s) address only"
    if scheme is not None and scheme not in URL_SCHEMES:
        return f"link to a '{scheme}:' address: link to an http(s) address only"
    if tag == "img" and not is_local_url(url):
        return (f"image from another site ('{url}'): the site makes no request to other servers; "
                "put the image under docs/assets/ or link to it instead")
    return None


def _render(text: str) -> tuple[str, list[str], dict[str, tuple[str, str | None]]]:
    """The HTML Markdown makes of `text`, the raw HTML it passed through (as written), and its
    reference-style link definitions."""
    md = _markdown()
    md.reset()
    html = md.convert(text)
    # The stash also holds what extensions made (highlighted code, entities): raw HTML is what
    # stands in the text as written and starts like a tag or comment.
    raw = [piece.strip() for piece in md.htmlStash.rawHtmlBlocks
           if isinstance(piece, str) and _HTML_START.match(piece.strip()) and piece.strip() in text]
    return html, raw, dict(md.references)


@cache
def _markdown():
    import markdown

    return markdown.Markdown(extensions=MARKDOWN_EXTENSIONS, extension_configs=MARKDOWN_SETTINGS)


def _offset(text: str, position: int) -> int:
    """The line (from 0) of a position in `text`; the first line when it was not found."""
    return text.count("\n", 0, position) if position > 0 else 0
