"""Escaping: every contributor's value goes into a page through one of these.

Contributors' values are inserted through the `text` filter, which escapes HTML and
Markdown so that a field can never inject markup, a link or a citation (`h` does the same for
raw HTML). Only curated Markdown (source bodies, topic intros) is passed through as Markdown.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from urllib.parse import quote as quote_url


#: Characters Python-Markdown lets us backslash-escape and that could start markup mid-line.
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]#+!])")


def text(value: object) -> str:
    """A plain-text field as inert Markdown: HTML escaped, Markdown syntax and @ neutralised."""
    return _escape_text(str(value))


@lru_cache(maxsize=4096)  # the same names and labels recur on thousands of pages (a claim's text does not)
def _escape_text(value: str) -> str:
    escaped = _MARKDOWN_SPECIALS.sub(r"\\\1", value)
    escaped = html.escape(escaped, quote=False).replace("@", "&#64;").replace("|", "&#124;")
    return re.sub(r"\s*\n\s*", " ", escaped).strip()


def h(value: object) -> str:
    """A plain-text field for raw HTML (list pages' claim blocks, inline HTML on source pages).

    Markdown syntax is neutralised with character references rather than backslashes, so the
    result is inert both inside raw HTML blocks (where a backslash would show) and in Markdown.
    """
    return _escape_html(str(value))


#: One pass over the text: HTML's specials, then Markdown's, as character references.
_HTML_NEUTRAL = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;",
                               **{c: f"&#{ord(c)};" for c in "\\`*_{}[]#+!@|"}})


@lru_cache(maxsize=4096)  # as _escape_text
def _escape_html(value: str) -> str:
    escaped = value.translate(_HTML_NEUTRAL)
    return re.sub(r"\s*\n\s*", " ", escaped).strip()


def url(value: str) -> str:
    """A URL for a Markdown link target (already validated as http(s) by the schema)."""
    return value.replace(" ", "%20").replace("(", "%28").replace(")", "%29").replace("<", "%3C").replace(">", "%3E")


def text_fragment(quote: str, words: int = 4) -> str:
    """A `#:~:text=start,end` fragment that makes supporting browsers highlight the quote.

    Only the first and last few words are used, so typographic differences in the middle
    (curly quotes, dashes) do not stop the match.
    """
    tokens = re.sub(r"[\"“”‘’']", " ", quote).split()
    encode = lambda part: quote_url(part, safe="").replace("-", "%2D")  # noqa: E731
    if len(tokens) <= 2 * words:
        return "#:~:text=" + encode(" ".join(tokens))
    return "#:~:text=" + encode(" ".join(tokens[:words])) + "," + encode(" ".join(tokens[-words:]))

