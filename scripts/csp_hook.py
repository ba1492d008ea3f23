"""MkDocs hook: a Content-Security-Policy `<meta>` tag on every HTML page.

The policy allows only the site's own origin ('self'). Material writes a few inline
`<script>` blocks into every page (`__md_scope`, the palette, the anchor target); they are
allowed one by one by the SHA-256 of their exact text, computed here after rendering, never
with 'unsafe-inline'. Only scripts of the theme's frame are hashed: a script inside the page
content (`.md-content`, i.e. written in Markdown) is left out, so the browser refuses to run it.

Inline `style="…"` attributes of the theme's frame are allowed by their exact hashes too,
through 'unsafe-hashes', which allows those values and no other. Those inside the content area
are not: content has none (`kb.sanitize` removes every `style` that Markdown or attr_list wrote;
tables align with `align`), and were one to get through, the browser would refuse it.
`data:` images are allowed because Material's stylesheet draws its icons with `data:image/svg+xml` URLs; they are part of the stylesheet and cause no request.

The knowledge base's hook (hooks.py) puts the claim lists and figures of list pages in after
this one has run, so that a 6 MB timeline is not parsed here: they hold no inline code, which
`kb.render` checks as it puts them in.
"""

from __future__ import annotations

import base64
import hashlib
import re

import lxml.html
from mkdocs.plugins import event_priority

#: `type` values of a `<script>` that the browser executes (a JSON `__config` block is data).
JAVASCRIPT_TYPES = {"", "text/javascript", "application/javascript", "module"}
CONTENT_AREA_CLASS = "md-content"
#: Inline scripts outside the content area (lxml, not BeautifulSoup: this runs on every page,
#: and the pure-Python parser took a quarter of a 1,000-source build).
OUTSIDE_CONTENT = f"[not(ancestor::*[contains(concat(' ', normalize-space(@class), ' '), ' {CONTENT_AREA_CLASS} ')])]"
THEME_INLINE_SCRIPTS = "//script[not(@src)]" + OUTSIDE_CONTENT
THEME_STYLE_ATTRIBUTES = "//*[@style]" + OUTSIDE_CONTENT
HEAD_TAG = re.compile(r"<head(\s[^>]*)?>", re.IGNORECASE)


def content_security_policy(html: str) -> str:
    """The policy for one rendered page: 'self' plus the hashes of its own inline code."""
    document = lxml.html.document_fromstring(html)
    scripts = sorted({_sha256(script.text or "") for script in document.xpath(THEME_INLINE_SCRIPTS) if _is_javascript(script)})
    styles = sorted({_sha256(tag.get("style")) for tag in document.xpath(THEME_STYLE_ATTRIBUTES)})
    directives = [
        "default-src 'self'",
        " ".join(["script-src 'self'", *scripts]),
        " ".join(["style-src 'self'", *(["'unsafe-hashes'", *styles] if styles else [])]),
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ]
    return "; ".join(directives)


def with_csp_meta(html: str) -> str:
    """The page with the policy as the first element of `<head>`, before any script runs."""
    head = HEAD_TAG.search(html)
    if head is None:
        return html
    meta = f'\n    <meta http-equiv="Content-Security-Policy" content="{content_security_policy(html)}">'
    return html[: head.end()] + meta + html[head.end() :]


def _is_javascript(script) -> bool:
    return script.get("type", "").strip().lower() in JAVASCRIPT_TYPES


def _sha256(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


@event_priority(-100)  # last: hash the scripts exactly as they will be written
def on_post_page(output: str, page, config) -> str:
    return with_csp_meta(output)


@event_priority(-100)
def on_post_template(output_content: str, template_name: str, config) -> str:
    """Theme templates written as pages of their own (Material's 404.html)."""
    return with_csp_meta(output_content) if template_name.endswith(".html") else output_content
