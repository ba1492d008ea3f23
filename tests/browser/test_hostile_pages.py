"""The hostile pages (tests/fixtures/hostile.py) in Debian's chromium, with the Content-Security-
Policy taken out: the sanitizer alone must keep every script and overlay of the content from
running (the issue's battery ran `alert` in every case once the policy was removed)."""

from __future__ import annotations

import re
import shutil

import pytest
from fixtures.hostile import build_hostile_site
from fixtures.kbfactory import SLUG

from .browserkit import serve

CSP_META = re.compile(r'\s*<meta http-equiv="Content-Security-Policy"[^>]*>')


@pytest.fixture(scope="module")
def hostile_site_without_policy(tmp_path_factory):
    site = build_hostile_site(tmp_path_factory.mktemp("hostile-browser"))
    bare = site.parent / "bare"
    shutil.copytree(site, bare)
    for page in bare.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        page.write_text(CSP_META.sub("", text), encoding="utf-8")
    return bare


@pytest.mark.browser
def test_no_content_script_runs_even_without_the_policy(hostile_site_without_policy, playwright_browser):
    dialogs: list[str] = []
    with serve(hostile_site_without_policy) as url:
        page = playwright_browser.new_page()
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        for path in ("/", f"/sources/{SLUG}/"):
            page.goto(url + path)
            page.wait_for_load_state("load")
            assert "Content-Security-Policy" not in page.content()
            for x, y in [(200, 300), (400, 500), (600, 200)]:  # hover and click where overlays would be
                page.mouse.move(x, y)
                page.mouse.click(x, y)
            page.wait_for_timeout(300)
            fixed = page.evaluate("""() => [...document.querySelectorAll('.md-content *')]
                .filter(el => getComputedStyle(el).position === 'fixed').length""")
            assert fixed == 0, path
            assert page.evaluate("() => typeof window.__config_clobbered") == "undefined"
        page.close()
    assert dialogs == []
