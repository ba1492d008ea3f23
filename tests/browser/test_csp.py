"""The Content-Security-Policy written by scripts/csp_hook.py: present on every page, 'self' only,
exact hashes of the theme's inline scripts, and enforced by the browser."""

from __future__ import annotations

import base64
import hashlib

import pytest
from bs4 import BeautifulSoup
from csp_hook import content_security_policy, with_csp_meta

CSP_META = {"http-equiv": "Content-Security-Policy"}


def policy_of(html: str) -> dict[str, list[str]]:
    soup = BeautifulSoup(html, "lxml")
    metas = soup.find_all("meta", attrs=CSP_META)
    assert len(metas) == 1, f"{len(metas)} CSP meta tags"
    directives = [d.split() for d in metas[0]["content"].split(";") if d.strip()]
    return {d[0]: d[1:] for d in directives}


def sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def executable_inline_scripts(html: str) -> list[str]:
    soup = BeautifulSoup(html, "lxml")
    return [s.string or "" for s in soup.find_all("script") if not s.has_attr("src") and s.get("type") != "application/json"]


def test_every_page_has_a_self_only_policy_with_exact_hashes(site):
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 20
    for file in pages:
        html = file.read_text(encoding="utf-8")
        policy = policy_of(html)
        where = file.relative_to(site)
        assert policy["default-src"] == ["'self'"], where
        assert policy["object-src"] == ["'none'"] and policy["base-uri"] == ["'self'"], where
        assert "'unsafe-inline'" not in html.split("Content-Security-Policy", 1)[1].split(">", 1)[0], where
        scripts = executable_inline_scripts(html)
        assert scripts, f"{where}: no inline script found (has Material changed?)"
        assert sorted(policy["script-src"][1:]) == sorted({sha256(s) for s in scripts}), where
        assert policy["script-src"][0] == "'self'", where


def test_the_policy_comes_before_any_script(site):
    html = (site / "index.html").read_text(encoding="utf-8")
    assert html.index("Content-Security-Policy") < html.index("<script")
    assert html.index("Content-Security-Policy") < html.index("<link")


def test_a_script_written_in_the_content_is_not_allowed():
    """Only the theme's frame is trusted: a <script> in the Markdown content gets no hash."""
    page = (
        "<html><head><title>t</title></head><body><script>theme()</script>"
        '<div class="md-content"><article><script>alert(1)</script></article></div>'
        '<script id="__config" type="application/json">{"a": 1}</script></body></html>'
    )
    policy = content_security_policy(page)
    assert sha256("theme()") in policy and sha256("alert(1)") not in policy
    assert sha256('{"a": 1}') not in policy
    assert "'unsafe-hashes'" not in policy  # no style attribute on this page
    assert with_csp_meta(page).startswith('<html><head>\n    <meta http-equiv="Content-Security-Policy"')


def test_style_attributes_are_allowed_by_hash_only():
    policy = content_security_policy('<html><head></head><body><td style="text-align: right;">1</td></body></html>')
    assert "style-src 'self' 'unsafe-hashes' " + sha256("text-align: right;") in policy


@pytest.mark.browser
def test_the_browser_enforces_the_policy(web):
    """An inline script added at run time (as an XSS would) is refused; the page's own still ran."""
    web.open("/")
    ran = web.page.evaluate(
        """() => { const s = document.createElement('script'); s.textContent = 'window.__injected = true';
                   document.body.appendChild(s); return window.__injected === true }"""
    )
    assert ran is False
    assert any("Content Security Policy" in text for _, text in web.recorder.console_errors)
    assert web.page.evaluate("typeof __md_get") == "function"  # Material's hashed inline script ran
