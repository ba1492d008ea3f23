"""Every HTML page of the built site, loaded once in chromium: privacy, errors and the CSP."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from .browserkit import browsing, html_pages

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class Crawl:
    pages: list[str]
    third_party: list[tuple[str, str]]
    console_errors: list[tuple[str, str]]
    page_errors: list[tuple[str, str]]
    failed: list[tuple[str, str]]
    dialogs: list[tuple[str, str]]
    cookies: list[dict]
    document_cookie: str


@pytest.fixture(scope="module")
def crawl(playwright_browser, site_url, site) -> Crawl:
    """Visit every page in one context; lazy requests are still recorded (against the last page)."""
    pages = html_pages(site)
    with browsing(playwright_browser, site_url) as b:
        for path in pages:
            b.open(path)
        b.page.wait_for_load_state("networkidle")  # the search worker and its index, at least once
        r = b.recorder
        return Crawl(
            pages, list(r.third_party), list(r.console_errors), list(r.page_errors), list(r.failed), list(r.dialogs),
            b.context.cookies(), b.page.evaluate("document.cookie"),
        )


def lines(records: list[tuple[str, str]]) -> str:
    return "\n".join(f"  {page}: {what}" for page, what in records)


def test_every_page_was_visited(crawl, site):
    assert len(crawl.pages) == len(list(site.rglob("*.html"))) > 20
    assert {"/", "/404.html", "/sources/", "/topics/"} <= set(crawl.pages)


def test_no_third_party_requests(crawl):
    assert not crawl.third_party, "requests to another host than the local server:\n" + lines(crawl.third_party)


def test_no_console_errors(crawl):
    assert not crawl.console_errors, "console errors:\n" + lines(crawl.console_errors)


def test_no_script_errors_and_no_dialogs(crawl):
    assert not crawl.page_errors, "uncaught script errors:\n" + lines(crawl.page_errors)
    assert not crawl.dialogs, "dialogs opened:\n" + lines(crawl.dialogs)


def test_no_failed_local_requests(crawl):
    assert not crawl.failed, "local requests that failed:\n" + lines(crawl.failed)


def test_no_content_security_policy_violations(crawl):
    violations = [(page, text) for page, text in crawl.console_errors if "Content Security Policy" in text]
    assert not violations, "the CSP blocked something the site needs:\n" + lines(violations)


def test_no_cookies(crawl):
    assert crawl.cookies == [] and crawl.document_cookie == ""
