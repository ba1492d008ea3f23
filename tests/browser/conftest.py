"""Browser fixtures: the built site served on 127.0.0.1, one headless Debian chromium for this folder.

Package-scoped (this folder is a package): the browser and its Playwright driver are closed before
other test files start their own (two sync Playwright instances cannot run in one thread).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from .browserkit import ARTIFACTS, CHROMIUM_ARGS, Browsing, browsing, serve


@pytest.fixture(scope="package")
def playwright_browser(chromium):
    """One headless Debian chromium for the whole session (never Playwright's own download)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="package")
def site_url(site) -> Iterator[str]:
    with serve(site) as url:
        yield url


@pytest.fixture(scope="package")
def session_browsing(playwright_browser, site_url) -> Iterator[Browsing]:
    """The real site in one context and one page, reused by the tests that only read pages."""
    with browsing(playwright_browser, site_url) as b:
        yield b


@pytest.fixture
def web(session_browsing) -> Browsing:
    """The shared page, with the recordings of earlier tests cleared."""
    session_browsing.recorder.clear()
    return session_browsing


@pytest.fixture(scope="package")
def artifacts() -> Path:
    """test-artifacts/ (gitignored): screenshots and reports for a reviewer."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
