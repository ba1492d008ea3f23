"""The offline site: `scripts/offline.py` builds and zips it; opened from file:// in headless chromium,
search finds pages and no request leaves the unzipped folder."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def offline_site(root: Path, tmp_path_factory) -> Path:
    """`scripts/offline.py` run as `make offline` runs it, its zip unpacked into a fresh folder."""
    work = tmp_path_factory.mktemp("offline")
    zip_file = work / "kb-offline.zip"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(root / "scripts")}
    result = subprocess.run(
        [sys.executable, str(root / "scripts" / "offline.py"), "--build-dir", str(work / "build"), "--out", str(zip_file)],
        capture_output=True, text=True, env=env, cwd=root,
    )
    assert result.returncode == 0, f"offline build failed:\n{result.stdout}\n{result.stderr}"
    with zipfile.ZipFile(zip_file) as archive:
        names = archive.namelist()
        archive.extractall(work / "unzipped")
    tops = {name.split("/")[0] for name in names}
    assert len(tops) == 1, f"the zip should hold one top folder, not {sorted(tops)}"
    return work / "unzipped" / tops.pop()


@pytest.fixture(scope="module")
def browser(chromium: str):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def test_zip_has_pages_search_index_and_vendored_shim(offline_site: Path):
    assert (offline_site / "index.html").is_file()
    assert (offline_site / "search" / "search_index.js").is_file(), "the offline plugin inlines the index as a script"
    assert (offline_site / "assets" / "vendor" / "iframe-worker" / "shim.js").is_file()
    assert (offline_site / "assets" / "vendor" / "iframe-worker" / "LICENSE").is_file()
    # No directory URLs on disk: a folder link would open a file listing, not the page.
    home = (offline_site / "index.html").read_text(encoding="utf-8")
    assert 'href="sources/index.html"' in home
    assert "unpkg.com" not in home


def test_search_works_from_disk_without_any_request_elsewhere(offline_site: Path, browser):
    requests: list[str] = []
    context = browser.new_context()
    context.on("request", lambda request: requests.append(request.url))
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    # A request blocked by the Content-Security-Policy never fires "request": its console error does.
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto((offline_site / "index.html").as_uri())
    assert page.title(), "the home page did not load"

    search = page.locator("input.md-search__input")
    search.click()
    search.press_sequentially("Hyesan", delay=20)
    results = page.locator(".md-search-result__item")
    results.first.wait_for(state="visible", timeout=20_000)
    assert results.count() >= 1
    assert "Hyesan" in page.locator(".md-search-result").inner_text()

    # Following a result opens a page from disk too.
    results.first.locator("a").first.click()
    page.wait_for_load_state("load")
    assert urlsplit(page.url).scheme == "file"
    assert "Hyesan" in page.locator("article").inner_text()
    context.close()

    assert not errors, f"errors on file:// (scripts, blocked requests): {errors}"
    assert requests, "no request was recorded: the listener is broken"
    leaving = [url for url in requests if urlsplit(url).scheme not in {"file", "data", "blob", "about"}]
    assert not leaving, f"the offline site made requests outside file://: {leaving}"
    outside = [url for url in requests if url.startswith("file:") and not url.startswith(offline_site.as_uri())]
    assert not outside, f"the offline site read files outside its folder: {outside}"
