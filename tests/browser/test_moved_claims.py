"""Links published before a list was split still lead to the claim (docs/assets/kb-moved.js).

The seed built with a page limit of 5 (KB_PAGE_CLAIMS): its topics, places, organizations and
timeline are split into pages by year. In headless chromium, an old `#<year>` anchor goes to the
year's page, a claim's list anchor that is not on the page goes to the claim on its source page,
an anchor the page has stays put, and no request leaves the site.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from .browserkit import ROOT, browsing, serve, site_build

LIMIT = "5"


@pytest.fixture(scope="module")
def split_site(tmp_path_factory):
    site = tmp_path_factory.mktemp("split-site")
    built = site_build(ROOT / "mkdocs.yml", site, KB_PAGE_CLAIMS=LIMIT)
    assert built.returncode == 0, built.stderr[-4000:]
    with serve(site) as url:
        yield url


@pytest.fixture
def b(playwright_browser, split_site):
    with browsing(playwright_browser, split_site) as session:
        yield session


def landed(b, path: str, expected: str) -> str:
    b.open(path)
    b.page.wait_for_url(re.compile(re.escape(b.base_url) + "/" + expected), timeout=5000)
    return b.page.url


def test_an_old_year_anchor_goes_to_the_years_page(b):
    assert landed(b, "/topics/border-security/#2024", r"topics/border-security/2024/$")
    assert landed(b, "/topics/border-security/#undated", r"topics/border-security/undated/$")
    assert landed(b, "/timeline/#2020", r"timeline/2020/$")
    assert not b.recorder.third_party and not b.recorder.page_errors


def test_a_claim_anchor_no_longer_on_the_page_goes_to_the_claim_on_its_source_page(b):
    b.open("/topics/border-security/2024/")
    anchor = b.page.eval_on_selector("div.kb-claim[id]", "claim => claim.id")
    slug, claim = re.fullmatch(r"claim-(.+?)--(.+)", anchor).groups()
    url = landed(b, f"/topics/border-security/#{anchor}", rf"sources/{slug}/#claim-{claim}$")
    assert b.page.locator(f"#claim-{claim}").count() == 1, url
    # The same from a year's second page, where the claim is not either.
    url = landed(b, f"/topics/border-security/undated/2/#{anchor}", rf"sources/{slug}/#claim-{claim}$")
    assert not b.recorder.page_errors, b.recorder.page_errors


def test_an_anchor_the_page_has_stays(b):
    b.open("/topics/border-security/2024/")
    anchor = b.page.eval_on_selector("div.kb-claim[id]", "claim => claim.id")
    b.open("/")  # so that the next visit loads the page (a change of #anchor alone is no load)
    b.open(f"/topics/border-security/2024/#{anchor}")
    b.page.wait_for_timeout(300)
    assert b.page.url.endswith(f"topics/border-security/2024/#{anchor}")
    assert not b.recorder.console_errors and not b.recorder.page_errors


def test_the_redirects_work_in_the_offline_copy_from_disk(playwright_browser, tmp_path):
    """The offline zip's site (`make offline`: .html addresses, opened as file://)."""
    built = subprocess.run([sys.executable, str(ROOT / "scripts" / "offline.py"), "--build-dir", str(tmp_path / "site"),
                            "--out", str(tmp_path / "offline.zip")], capture_output=True, text=True,
                           env={**os.environ, "KB_PAGE_CLAIMS": LIMIT, "PYTHONPATH": str(ROOT / "scripts")})
    assert built.returncode == 0, built.stderr[-4000:]
    base = (tmp_path / "site").as_uri()
    page = playwright_browser.new_page()
    try:
        page.goto(f"{base}/topics/border-security.html#2024")
        page.wait_for_url(f"{base}/topics/border-security/2024.html", timeout=5000)
        anchor = page.eval_on_selector("div.kb-claim[id]", "claim => claim.id")
        slug, claim = re.fullmatch(r"claim-(.+?)--(.+)", anchor).groups()
        page.goto(f"{base}/timeline.html")
        page.goto(f"{base}/topics/border-security.html#{anchor}")
        page.wait_for_url(f"{base}/sources/{slug}.html#claim-{claim}", timeout=5000)
    finally:
        page.close()


@pytest.mark.parametrize("path", ["/topics/border-security/", "/topics/border-security/undated/2/",
                                  "/timeline/", "/timeline/2020/", "/bibliography/2/"])
def test_split_pages_have_no_serious_accessibility_violations(b, path):
    """axe-core, as tests/browser/test_accessibility.py runs it on the unsplit pages."""
    from axe_playwright_python.sync_playwright import Axe

    b.open(path)
    violations = Axe().run(b.page).response["violations"]
    serious = [f"{v['id']} ({v['impact']}): {v['help']}" for v in violations if v["impact"] in ("serious", "critical")]
    assert not serious, f"{path}: {serious}"
