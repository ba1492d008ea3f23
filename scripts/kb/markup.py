"""What contributors' Markdown may not do, told to them by `make check` with the line to fix.

Source summaries and topic introductions are Markdown only: no raw HTML, no attribute that
attr_list lets anyone set (`{: onclick=... style=...}`), no link or image but http(s), mailto
and the site's own pages. The build removes all of these anyway (`kb.sanitize`); this says so
to the contributor, who would otherwise see a page silently differ from what was written.

The text is rendered once by Python-Markdown with the extensions of mkdocs.yml, and what it
made is read from its own element tree and its stash of raw HTML: a tag split over two lines, a reference-style link
(`[x][r]` ... `[r]: javascript:...`), an entity-encoded scheme (`&#106;avascript:`) are seen as
the build sees them, which line-by-line patterns were not. Only texts that hold one of the
characters any of these needs are rendered: most summaries are plain prose with citations.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from functools import cache
from typing import Any, NamedTuple

from .sanitize import ALLOWED_ATTRIBUTE_PREFIXES, ALLOWED_ATTRIBUTES, ALLOWED_TAGS, URL_SCHEMES, is_local_url, theme_classes, url_scheme

#: The Markdown extensions of mkdocs.yml, with their settings (tests/test_hostile.py compares), but
#: md_in_html: without it, a `<div markdown>` is raw HTML like any other, and reported.
MARKDOWN_EXTENSIONS = ["abbr", "admonition", "attr_list", "def_list", "footnotes", "tables",
                       "toc", "pymdownx.details", "pymdownx.superfences"]
MARKDOWN_SETTINGS = {"tables": {"use_align_attribute": True}, "toc": {"permalink": True}}
#: Without one of these, Markdown can make no HTML, attribute or link.
_MAY_HAVE_MARKUP = re.compile(r"[<&{]|\]\s*[(\[:]")
_HTML_START = re.compile(r"<!--|</?[a-zA-Z][\w-]*")
_SCRIPT_SCHEMES = {"javascript", "data", "vbscript"}


def markup_problems(text: str, html_allowed: bool = False) -> Iterator[tuple[int, str]]:
    """(line offset in `text`, message) for each thing the build would remove from it.

    Without `html_allowed` (summaries, topic introductions) any raw HTML is one; with it (the
    editors' hand-written pages) only what the sanitizer would remove from that HTML."""
    if not _MAY_HAVE_MARKUP.search(text):
        return
    _, raw, references, tree = _render(text)
    if html_allowed:
        for piece in raw:
            yield from _raw_html_problems(text, piece)
        raw = []
    reported_lines = set()
    for piece in [p for p in raw if not p.startswith("</")] or raw[:1]:  # an element once, by its opening tag
        line = _offset(text, text.find(piece))
        if line not in reported_lines:  # the first tag of a line is enough to find the others
            reported_lines.add(line)
            yield line, f"contains HTML '{_HTML_START.match(piece).group()}': write Markdown only (raw HTML is not allowed)"
    if raw:  # what attr_list and links made, without the HTML reported above
        _, _, references, tree = _render(text.replace("<", "&lt;"))
    bad_references = set()
    for name, (url, _title) in references.items():
        if message := _url_problem("a", url):
            bad_references.add(url)
            definition = re.search(rf"^[ ]{{0,3}}\[{re.escape(name)}\]:", text, re.I | re.M)
            yield _offset(text, definition.start() if definition else -1), message
    yield from _element_problems(text, tree, bad_references)


def _raw_html_problems(text: str, piece: str) -> Iterator[tuple[int, str]]:
    """What the sanitizer would remove from a piece of raw HTML of an editors' page."""
    import lxml.html

    if piece.startswith(("</", "<!--")):
        return
    line = _offset(text, text.find(piece))
    for element in lxml.html.fragments_fromstring(piece, no_leading_text=False):
        if not isinstance(element, str):
            yield from ((line, message) for _, message in _element_problems(piece, element, set(), raw=True))


def _element_problems(text: str, root, reported_urls: set[str], raw: bool = False) -> Iterator[tuple[int, str]]:
    """What attr_list and links put on the elements of Markdown's own tree (`root`, as the last
    tree step left it: no parser's depth limit hides an element, as lxml's 255 levels did), or,
    `raw`, what an editor's raw HTML holds."""
    for element in root.iter():
        if not isinstance(element.tag, str) or (element is root and not raw):
            continue
        if raw and element.tag not in ALLOWED_TAGS:
            yield 0, f"HTML '<{element.tag}>' is not allowed on the site (the build removes it): remove it or write Markdown"
            continue
        allowed = ALLOWED_ATTRIBUTES["*"] | ALLOWED_ATTRIBUTES.get(element.tag, set())
        refused = [name for name in element.attrib
                   if name not in allowed and not name.startswith(tuple(ALLOWED_ATTRIBUTE_PREFIXES))]
        names = ", ".join(f"'{name}'" for name in refused)
        if refused and raw:
            yield 0, (f"attribute{'s' if len(refused) > 1 else ''} {names} of '<{element.tag}>' not allowed on the site "
                      "(the build removes it): remove it")
        elif refused:  # one line per element, naming them all
            where = re.search(rf"\{{[^{{}}]*\b{re.escape(refused[0])}\s*=", text)
            yield _offset(text, where.start() if where else -1), (
                f"attribute{'s' if len(refused) > 1 else ''} {names} (set with {{: ...}}) not allowed: "
                "attr_list may set only an #id and .classes")
        for name, written in element.attrib.items():
            value = html.unescape(written)  # as the browser reads it: &#106; is a 'j'
            if name == "id" and value.startswith("__"):
                yield _offset(text, text.find(value)), f"id '{value}' starts with '__', which the theme's own elements use: choose another"
            elif name == "class" and (taken := theme_classes(value)):
                yield _offset(text, text.find("." + taken[0])), f"class '{taken[0]}' is the theme's own: choose another"
            elif name in {"href", "src"} and value not in reported_urls and (message := _url_problem(element.tag, value)):
                label = "".join(element.itertext()).strip() or element.get("alt", "")
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


class _Rendered(NamedTuple):
    html: str
    #: The raw HTML Markdown passed through, as written.
    raw: list[str]
    #: Reference-style link definitions: {name: (url, title)}.
    references: dict[str, tuple[str, str | None]]
    #: Markdown's element tree, before it is written out as HTML.
    tree: Any


def _render(text: str) -> _Rendered:
    md = _markdown()
    md.reset()
    html_text = md.convert(text)
    # The stash also holds what extensions made (highlighted code, entities): raw HTML is what
    # stands in the text as written and starts like a tag or comment.
    raw = [piece.strip() for piece in md.htmlStash.rawHtmlBlocks
           if isinstance(piece, str) and _HTML_START.match(piece.strip()) and piece.strip() in text]
    return _Rendered(html_text, raw, dict(md.references), md.kb_tree)


@cache
def _markdown():
    import markdown
    from markdown.treeprocessors import Treeprocessor

    class KeepTree(Treeprocessor):
        """The last tree step: keeps the finished tree for `_element_problems`."""

        def run(self, root):
            self.md.kb_tree = root

    md = markdown.Markdown(extensions=MARKDOWN_EXTENSIONS, extension_configs=MARKDOWN_SETTINGS)
    md.treeprocessors.register(KeepTree(md), "kb-keep-tree", -100)
    return md


def _offset(text: str, position: int) -> int:
    """The line (from 0) of a position in `text`; the first line when it was not found."""
    return text.count("\n", 0, position) if position > 0 else 0
