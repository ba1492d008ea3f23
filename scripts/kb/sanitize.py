"""The allow-list sanitizer every page's HTML passes through right after Markdown.

Contributors write Markdown (source summaries, topic introductions, the lines that cite, whose
footnotes mkdocs-bibtex fills with BibTeX fields). Markdown passes raw HTML through, attr_list
sets any attribute (`{: onclick=... style=...}`), and a link may point anywhere. `make check`
reports each of these to the contributor (`kb.markup`); this is the wall behind it: what is not
on the lists below never reaches a page, whatever produced it.

It runs on the HTML of each page as Python-Markdown made it (`hooks.py`, `on_page_content`,
before the search plugin reads it), i.e. before the project's own raw HTML is put in: the claim
blocks, figures and boxes that the templates make from escaped data (`Renderer(defer_html=True)`)
stand in it as `<!-- kb-... -->` comments, which is why comments are kept. The sanitizer is nh3
(ammonia, in Rust): it parses the fragment as a browser would (html5ever), so an entity-encoded
or mixed-case `javascript:`, or one with tabs, newlines or control characters, is seen as the
browser would see it, and dropped.

The lists hold what Python-Markdown and the extensions of mkdocs.yml write (headings with ids and
permalinks, footnotes, tables, abbreviations, admonitions, details, code blocks) and no more: no
`style` or event attribute, no `<svg>`, `<math>`, `<iframe>`, `<form>`, `<object>`, `<script>`,
`<style>`; URLs http, https, mailto or relative; images from the site itself only (the site makes
no request to another server). An `id` may not start with `__`: Material's own elements
(`__config`, `__drawer`...) are found by id, and content that took their name would clobber them;
nor may a class be one of the theme's frame (`md-dialog`, `md-overlay`...: `md-button` may).
"""

from __future__ import annotations

import re
from functools import cache

#: Every element content may use: what Markdown and its extensions write.
ALLOWED_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd", "del",
    "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp", "small",
    "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr",
    "u", "ul", "var",
})
#: Elements removed with everything inside them (the others not allowed keep their text).
REMOVED_WITH_CONTENT = frozenset({"script", "style", "template", "textarea", "select", "noscript"})
#: Attributes by element ("*": on any). `data-search-exclude` keeps a heading out of the search
#: index (the backlinks heading sets it with attr_list); `align` is how tables align their cells
#: (mkdocs.yml: `tables: use_align_attribute`, rather than a `style`); `data-kb-holds` and
#: `data-kb-moved`/`data-kb-source` tell docs/assets/kb-moved.js where a split list's claims
#: went (it follows only links to this site).
ALLOWED_ATTRIBUTES = {
    "*": {"id", "class", "title", "lang", "data-search-exclude"},
    "a": {"href", "data-kb-holds"},
    "p": {"data-kb-moved", "data-kb-source"},
    "img": {"src", "alt", "width", "height"},
    "ol": {"start"},
    "details": {"open"},
    "td": {"align", "colspan", "rowspan"},
    "th": {"align", "colspan", "rowspan", "scope"},
    "col": {"span"},
    "colgroup": {"span"},
}
#: `aria-*` attributes describe content to screen readers and run nothing.
ALLOWED_ATTRIBUTE_PREFIXES = frozenset({"aria-"})
#: Schemes a link may have; a URL without one (`../topics/`, `#fn:1`) is relative and kept.
URL_SCHEMES = frozenset({"http", "https", "mailto"})


def sanitize(html: str) -> str:
    """The HTML with everything off the allow-lists removed (text is kept, scripts are not)."""
    return _cleaner().clean(html)


@cache
def _cleaner():
    import nh3  # here: `python -m kb check` imports this module only for its lists

    return nh3.Cleaner(
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(REMOVED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        attribute_filter=_attribute_filter,
        generic_attribute_prefixes=set(ALLOWED_ATTRIBUTE_PREFIXES),
        url_schemes=set(URL_SCHEMES),
        strip_comments=False,  # the placeholders of the project's own HTML (see above)
        link_rel=None,  # nh3 would add rel="noopener noreferrer" to every link
    )


#: Material's classes that content may use (buttons); its other `md-*` classes lay out the theme's
#: frame (dialogs, overlays, the header), which content is not to imitate.
THEME_CLASSES_FOR_CONTENT = frozenset({"md-button", "md-button--primary"})


def theme_classes(value: str) -> list[str]:
    """The classes of a `class` value that belong to the theme's frame."""
    return [name for name in value.split() if name.startswith("md-") and name not in THEME_CLASSES_FOR_CONTENT]


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    """Rules the lists cannot say: no id or frame class of the theme's; images only from the site."""
    if attribute == "id" and value.startswith("__"):
        return None
    if attribute == "class" and (taken := theme_classes(value)):
        return " ".join(name for name in value.split() if name not in taken) or None
    if tag == "img" and attribute == "src" and not is_local_url(value):
        return None
    return value


def is_local_url(url: str) -> bool:
    """A URL on the site itself: no scheme and no host (`//host/...`; browsers read `\\` as `/`)."""
    cleaned = _as_browser_reads(url).replace("\\", "/")
    return url_scheme(url) is None and not cleaned.startswith("//")


def url_scheme(url: str) -> str | None:
    """The scheme a browser reads in a URL (`javascript` in ' Java\\tScript:...'), None if relative.

    As the URL standard does: control characters and spaces around it, tabs and newlines within,
    are ignored, and the scheme is case-insensitive."""
    cleaned = _as_browser_reads(url)
    head, colon, _ = cleaned.partition(":")
    if not colon or not re.fullmatch(r"[a-zA-Z][a-zA-Z0-9+.-]*", head):  # else a relative path
        return None
    return head.lower()


def _as_browser_reads(url: str) -> str:
    """Control characters and spaces around a URL removed, tabs and newlines within it."""
    trimmed = url.strip("".join(map(chr, range(33))))
    return "".join(ch for ch in trimmed if ch not in "\t\n\r")
