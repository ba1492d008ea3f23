"""Which addresses a contributor may give: http(s) only, with a host, and nothing in them that
could end the link early in Markdown or HTML (spaces, quotes, angle brackets, backslashes,
control characters, unbalanced parentheses). Imports nothing: `kb.bibtex` runs it in its child."""

from __future__ import annotations

import re

_URL_CHAR = r"[^\s\"<>\\\x00-\x1f\x7f]"
HTTP_URL = rf"^https?://{_URL_CHAR.replace(']', '/]', 1)}+\.{_URL_CHAR}+$"
#: A DOI as BibTeX's `doi` field holds it (pybtex links it as https://doi.org/<doi>).
DOI = rf"^10\.\d{{4,9}}/{_URL_CHAR}+$"


def not_a_url(url: str) -> str:
    return f"'{url}' is not an http(s) URL: write the full address, starting https://"


def url_problem(url: str) -> str | None:
    """Why `url` is not an address a page may link to, or None."""
    if not re.match(HTTP_URL, url):
        if re.match(r"^https?://", url) and (bad := re.search(r"[\s\"<>\\\x00-\x1f\x7f]", url)):
            return f"'{url}' contains {bad.group()!r}, which an address cannot hold: percent-encode it (a space is %20, a quote %22)"
        return not_a_url(url)
    if not _balanced(url):
        return f"'{url}' has unbalanced parentheses: write ( as %28 and ) as %29"
    return None


def doi_problem(doi: str) -> str | None:
    if re.match(DOI, doi) and _balanced(doi):
        return None
    return f"'{doi}' is not a DOI: write it as 10.1234/abc (without https://doi.org/ and without spaces)"


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0
