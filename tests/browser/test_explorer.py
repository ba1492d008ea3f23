"""The claim explorer (/claims/) in headless chromium: every filter and its counts against the
knowledge base computed in Python (explorer_expected.py), the address as its state (back button
included), free text, sort, the downloads (CSV and JSON equal to the selected claims), links to
each claim's anchor, the keyboard, axe, the page without JavaScript, and the offline copy from
file://. The seed site, and for scale a synthetic knowledge base of 300 sources."""

from __future__ import annotations

import csv
import io
import json
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from kb import build
from kbtest import ROOT, ids_in, resolve, run_build

from .browserkit import browsing, serve
from .explorer_expected import FACETS, csv_text, rows, select
from .test_accessibility import blocking_violations

pytestmark = pytest.mark.browser

RESULTS = "#explorer-results > li"


@pytest.fixture(scope="module")
def kb_build():
    result = build(ROOT)
    assert result.ok
    return result


def rendered(page, at_least: int = 1, timeout: float = 10) -> None:
    """Until the results have been rendered `at_least` times and are complete (polled: the page's
    CSP refuses the eval that page.wait_for_function needs)."""
    deadline = time.monotonic() + timeout
    while (int(page.get_attribute("#explorer-results", "data-renders") or 0) < at_least
           or page.get_attribute("#explorer-results", "aria-busy") == "true"):  # a first page while the texts load
        assert time.monotonic() < deadline, f"the results were not rendered {at_least} times within {timeout} s"
        page.wait_for_timeout(20)


def renders(page) -> int:
    return int(page.get_attribute("#explorer-results", "data-renders"))


def change_and_wait(page, action) -> None:
    """Do something to the controls and wait for the render it causes."""
    before = renders(page)
    action()
    rendered(page, before + 1)


def open_explorer(web, query: str = "") -> None:
    web.open("/claims/" + query)
    rendered(web.page)


def shown_refs(page) -> list[str]:
    """'<source slug>#<claim id>' of each result shown, from its link."""
    hrefs = page.eval_on_selector_all(RESULTS + " .kb-explorer-source a", "links => links.map(a => a.getAttribute('href'))")
    return [h.split("/sources/")[1].replace("/#claim-", "#", 1) for h in hrefs]


def total_shown(page) -> int:
    text = page.text_content("#explorer-count")
    return 0 if text.startswith("No claim") else int(text.split()[0].replace(",", ""))


def facet_counts(page) -> dict[str, dict[str, int]]:
    return page.evaluate("""() => {
      const out = {};
      document.querySelectorAll('fieldset[data-facet]').forEach(set => {
        out[set.dataset.facet] = {};
        set.querySelectorAll('input').forEach(box => {
          out[set.dataset.facet][box.value] = +box.nextElementSibling.querySelector('.kb-explorer-n').textContent;
        });
      });
      return out;
    }""")


def assert_matches(page, kb_build, query: str) -> None:
    """The count, the first page of results (in order) and every facet count, as computed in Python."""
    expected, counts = select(kb_build, query)
    assert total_shown(page) == len(expected), query
    assert shown_refs(page) == [ref.ref for ref in expected[:50]], query
    for facet, shown in facet_counts(page).items():
        assert shown == {value: counts[facet].get(value, 0) for value in shown}, (query, facet)


# --- The first view and each filter ---------------------------------------------------------------

def test_first_view_lists_every_claim_with_the_counts_of_the_whole_knowledge_base(web, kb_build):
    open_explorer(web)
    total = len(kb_build.derived.claims)
    assert web.page.text_content("#explorer-count") == f"{total} claims, the first 50 shown"
    assert web.page.locator(RESULTS).count() == 50
    assert_matches(web.page, kb_build, "")
    assert web.page.is_hidden(".kb-explorer-nojs")
    first = web.page.locator(RESULTS).first.inner_text()
    ref = select(kb_build, "")[0][0]
    assert ref.claim.text in first and ref.page.source.title in first and "Topics:" in first


@pytest.mark.parametrize("facet", FACETS)
def test_each_facet_filters_and_updates_every_count(web, kb_build, facet):
    open_explorer(web)
    boxes = web.page.locator(f'fieldset[data-facet="{facet}"] input[type="checkbox"]')
    assert boxes.count() >= 1, f"no value for {facet}"
    chosen = boxes.nth(boxes.count() - 1).get_attribute("value")  # the value with the fewest claims
    change_and_wait(web.page, lambda: boxes.nth(boxes.count() - 1).check())
    assert urlsplit(web.page.url).query == f"{facet}={chosen}"
    assert_matches(web.page, kb_build, f"?{facet}={chosen}")
    if boxes.count() > 1:  # a second value of the same facet widens the selection
        second = boxes.nth(0).get_attribute("value")
        change_and_wait(web.page, lambda: boxes.nth(0).check())
        assert_matches(web.page, kb_build, f"?{facet}={chosen}&{facet}={second}")


@pytest.mark.parametrize("query", ["?topic=inminban-surveillance", "?place=hyesan", "?org=ministry-of-state-security",
                                   "?event_from=2020&event_to=2020"])
def test_the_addresses_list_pages_link_to_open_from_a_view_written_ahead(web, kb_build, query):
    """Topic, place, organization and year pages link here with one filter: its first page and
    counts come from one small file (first/<view>.js), not from the columns."""
    open_explorer(web, query)
    loaded = web.page.evaluate("performance.getEntriesByType('resource').map(e => new URL(e.name).pathname)")
    assert any("/claims/data/first/" in path for path in loaded), loaded
    assert_matches(web.page, kb_build, query)


def test_facets_combine_and_an_address_sets_the_controls(web, kb_build):
    query = "?topic=border-security&outlet=daily-nk&status=single"
    open_explorer(web, query)
    assert web.page.is_checked('fieldset[data-facet="topic"] input[value="border-security"]')
    assert web.page.is_checked('fieldset[data-facet="outlet"] input[value="daily-nk"]')
    assert_matches(web.page, kb_build, query)


@pytest.mark.parametrize("query", [
    "?event_from=2020&event_to=2020", "?event_from=2024-06", "?event_to=2020-04-15",
    "?pub_from=2024-01&pub_to=2025", "?pub_to=2020-06&topic=border-security",
])
def test_date_ranges_keep_claims_whose_dates_lie_within(web, kb_build, query):
    open_explorer(web, query)
    assert select(kb_build, query)[0], f"{query} selects nothing on the seed site: a weak test"
    assert_matches(web.page, kb_build, query)


def test_a_date_typed_in_filters_and_an_impossible_one_is_marked(web, kb_build):
    open_explorer(web)
    change_and_wait(web.page, lambda: (web.page.fill("#explorer-event-from", "2024"), web.page.press("#explorer-event-from", "Enter")))
    assert_matches(web.page, kb_build, "?event_from=2024")
    web.page.fill("#explorer-event-to", "2024-13")
    web.page.press("#explorer-event-to", "Tab")
    assert web.page.get_attribute("#explorer-event-to", "aria-invalid") == "true"
    assert "event_to" not in web.page.url


@pytest.mark.parametrize("words", ["Hyesan", "state security", "보위"])
def test_free_text_matches_every_word_in_the_text_or_the_quote(web, kb_build, words):
    open_explorer(web)
    change_and_wait(web.page, lambda: web.page.fill("#explorer-q", words))
    query = "?q=" + words
    assert_matches(web.page, kb_build, query)
    assert web.page.input_value("#explorer-q") == words


def test_sort_by_publication_date(web, kb_build):
    open_explorer(web)
    change_and_wait(web.page, lambda: web.page.select_option("#explorer-sort", "published"))
    assert urlsplit(web.page.url).query == "sort=published"
    assert_matches(web.page, kb_build, "?sort=published")
    published = [ref.page.source.published.value for ref in select(kb_build, "?sort=published")[0]]
    assert published == sorted(published, reverse=True)


def test_show_more_appends_the_next_results_and_moves_the_focus_to_them(web, kb_build):
    open_explorer(web)
    change_and_wait(web.page, lambda: web.page.click("#explorer-more"))
    expected = [ref.ref for ref in select(kb_build, "")[0]]
    assert shown_refs(web.page) == expected
    assert web.page.is_hidden("#explorer-more")
    assert web.page.evaluate("document.activeElement === document.querySelectorAll('#explorer-results > li')[50]")


# --- The address ------------------------------------------------------------------------------

def test_the_back_button_steps_back_through_the_filters(web, kb_build):
    open_explorer(web)
    page = web.page
    change_and_wait(page, lambda: page.check('fieldset[data-facet="topic"] input[value="border-security"]'))
    change_and_wait(page, lambda: page.check('fieldset[data-facet="place"] input[value="hyesan"]'))
    assert urlsplit(page.url).query == "topic=border-security&place=hyesan"
    change_and_wait(page, page.go_back)
    assert urlsplit(page.url).query == "topic=border-security"
    assert not page.is_checked('fieldset[data-facet="place"] input[value="hyesan"]')
    assert_matches(page, kb_build, "?topic=border-security")
    change_and_wait(page, page.go_back)
    assert urlsplit(page.url).query == ""
    assert_matches(page, kb_build, "")
    change_and_wait(page, page.go_forward)
    assert page.is_checked('fieldset[data-facet="topic"] input[value="border-security"]')


def test_a_shared_address_with_words_keeps_them_and_does_not_open_the_site_search(web, kb_build):
    open_explorer(web, "?q=Hyesan&place=hyesan")
    page = web.page
    page.wait_for_timeout(300)  # Material's search reads the address as it starts
    assert not page.evaluate("document.getElementById('__search').checked"), "Material's search opened"
    assert urlsplit(page.url).query == "q=Hyesan&place=hyesan"
    assert_matches(page, kb_build, "?place=hyesan&q=Hyesan")
    assert not any("search_index" in url for url in page.evaluate("performance.getEntriesByType('resource').map(e => e.name)"))


def test_clear_all_filters_returns_to_every_claim(web, kb_build):
    open_explorer(web, "?topic=border-security&event_from=2020&q=border&sort=published")
    change_and_wait(web.page, lambda: web.page.click("#explorer-clear"))
    assert urlsplit(web.page.url).query == ""
    assert web.page.input_value("#explorer-q") == "" and web.page.input_value("#explorer-event-from") == ""
    assert_matches(web.page, kb_build, "")


# --- Downloads and links ------------------------------------------------------------------------

@pytest.mark.parametrize("query", ["?topic=border-security&sort=published", "?q=Hyesan", ""])
def test_downloads_hold_exactly_the_selected_claims(web, kb_build, tmp_path, query):
    open_explorer(web, query)
    expected = rows(kb_build, select(kb_build, query)[0])
    with web.page.expect_download() as csv_download:
        web.page.click("#explorer-csv")
    csv_file = tmp_path / "claims.csv"
    csv_download.value.save_as(csv_file)
    text = csv_file.read_text(encoding="utf-8")
    assert text == csv_text(expected)
    assert list(csv.DictReader(io.StringIO(text))) == [{k: str(v) for k, v in row.items()} for row in expected]
    with web.page.expect_download() as json_download:
        web.page.click("#explorer-json")
    json_file = tmp_path / "claims.json"
    json_download.value.save_as(json_file)
    assert json.loads(json_file.read_text(encoding="utf-8")) == expected
    assert f"{len(expected)} claims downloaded as JSON" in web.page.text_content("#explorer-download-status")


def test_every_result_links_to_its_claim_on_its_source_page(web, site):
    open_explorer(web)
    change_and_wait(web.page, lambda: web.page.click("#explorer-more"))
    hrefs = web.page.eval_on_selector_all(RESULTS + " .kb-explorer-source a", "links => links.map(a => a.getAttribute('href'))")
    assert hrefs
    for href in hrefs:
        file, fragment = resolve(site, "claims/", href)
        assert fragment.startswith("claim-") and fragment in ids_in(file), href


# --- Keyboard, screen readers, no JavaScript ------------------------------------------------------

def test_the_keyboard_reaches_and_toggles_a_filter_and_the_count_is_announced(web, kb_build):
    open_explorer(web)
    page = web.page
    page.focus("#explorer-q")
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "topic":
            break
    value = page.evaluate("document.activeElement.value")
    change_and_wait(page, lambda: page.keyboard.press("Space"))
    assert_matches(page, kb_build, f"?topic={value}")
    live = page.locator("#explorer-count")
    assert live.get_attribute("aria-live") == "polite" and live.get_attribute("role") == "status"
    labels = page.evaluate("[...document.querySelectorAll('#explorer input, #explorer select')].filter(e => !e.labels.length).map(e => e.id)")
    assert labels == [], "controls without a label"


def test_axe_finds_no_serious_violation(web, artifacts):
    from axe_playwright_python.sync_playwright import Axe

    open_explorer(web, "?topic=border-security")
    folder = artifacts / "axe"
    folder.mkdir(exist_ok=True)
    problems = blocking_violations(Axe(), web.page, folder / "claims.json")
    assert not problems, "\n".join(problems)


def test_without_javascript_the_page_says_so_and_links_to_the_plain_pages(playwright_browser, site_url, site):
    context = playwright_browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(site_url + "/claims/")
        note = page.locator(".kb-explorer-nojs")
        assert note.is_visible() and "needs JavaScript" in note.inner_text()
        assert page.is_hidden("#explorer")
        hrefs = note.evaluate("n => [...n.querySelectorAll('a')].map(a => a.getAttribute('href'))")
        for target in ("topics/", "places/", "organizations/", "timeline/"):
            assert any(href.rstrip("/").endswith(target.rstrip("/")) for href in hrefs), target
        for href in hrefs:
            assert resolve(site, "claims/", href)[0].exists(), href
    finally:
        context.close()


def test_no_request_to_another_host_and_no_errors(web):
    open_explorer(web, "?q=border")
    web.page.wait_for_load_state("networkidle")
    r = web.recorder
    assert not (r.third_party or r.console_errors or r.page_errors or r.failed), (r.third_party, r.console_errors, r.page_errors, r.failed)


# --- From file:// (the offline copy) -----------------------------------------------------------

@pytest.fixture(scope="module")
def offline_site(tmp_path_factory) -> Path:
    import subprocess, zipfile, os

    work = tmp_path_factory.mktemp("explorer-offline")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(ROOT / "scripts")}
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "offline.py"), "--build-dir", str(work / "build"),
                             "--out", str(work / "offline.zip")], capture_output=True, text=True, env=env, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(work / "offline.zip") as archive:
        archive.extractall(work / "unzipped")
    return next((work / "unzipped").iterdir())


def test_the_offline_copy_filters_and_downloads_from_disk(playwright_browser, offline_site, kb_build, tmp_path):
    context = playwright_browser.new_context(accept_downloads=True)
    try:
        page = context.new_page()
        errors, outside = [], []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        page.on("request", lambda r: not r.url.startswith("file://") and outside.append(r.url))
        query = "?topic=border-security&q=Hyesan"
        page.goto((offline_site / "claims" / "index.html").as_uri() + query)
        rendered(page)
        expected = select(kb_build, query)[0]
        assert total_shown(page) == len(expected) > 0
        assert shown_refs_offline(page) == [ref.ref for ref in expected]
        with page.expect_download() as download:
            page.click("#explorer-csv")
        download.value.save_as(tmp_path / "offline.csv")
        assert (tmp_path / "offline.csv").read_text(encoding="utf-8") == csv_text(rows(kb_build, expected, use_directory_urls=False))
        link = page.locator(RESULTS + " .kb-explorer-source a").first
        link.click()
        page.wait_for_load_state()
        assert page.url.startswith("file://") and "#claim-" in page.url and page.locator(f"#{page.url.split('#')[1]}").count() == 1
        assert not errors and not outside, (errors, outside)
    finally:
        context.close()


def shown_refs_offline(page) -> list[str]:
    hrefs = page.eval_on_selector_all(RESULTS + " .kb-explorer-source a", "links => links.map(a => a.getAttribute('href'))")
    return [h.split("/sources/")[1].replace(".html#claim-", "#", 1) for h in hrefs]


# --- At scale: a synthetic knowledge base of 300 sources -------------------------------------------

@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    sys.path.insert(0, str(ROOT / "scripts"))
    import bench

    root = tmp_path_factory.mktemp("explorer-kb")
    bench.synthesize(root, 300)
    site = root / "site"
    result = run_build(root / "mkdocs.yml", site)
    assert result.returncode == 0, result.stderr[-3000:]
    kb = build(root)
    assert kb.ok
    with serve(site) as url:
        yield kb, url


def test_a_synthetic_knowledge_base_of_300_sources(playwright_browser, synthetic, tmp_path):
    kb_build, url = synthetic
    with browsing(playwright_browser, url) as web:
        query = "?place=synthetic-place-3&place=synthetic-place-7&evidence=rewrite&sort=published"
        open_explorer(web, query)
        assert_matches(web.page, kb_build, query)
        change_and_wait(web.page, lambda: web.page.check('fieldset[data-facet="lang"] input[value="en"]'))
        assert_matches(web.page, kb_build, query + "&lang=en")
        change_and_wait(web.page, web.page.go_back)
        change_and_wait(web.page, lambda: web.page.fill("#explorer-q", "railway station"))
        full = query + "&q=railway+station"
        assert_matches(web.page, kb_build, full)
        with web.page.expect_download() as download:
            web.page.click("#explorer-csv")
        download.value.save_as(tmp_path / "c.csv")
        assert (tmp_path / "c.csv").read_text(encoding="utf-8") == csv_text(rows(kb_build, select(kb_build, full)[0]))
        assert not web.recorder.third_party and not web.recorder.page_errors


def test_words_show_a_first_page_while_the_texts_load_and_it_is_the_start_of_the_whole_result(playwright_browser, synthetic):
    """The words filter needs every text file (5 here): the first page may show before they have all
    loaded (aria-busy), and must then be exactly the first page of the complete result."""
    kb_build, url = synthetic
    with browsing(playwright_browser, url) as web:
        open_explorer(web)
        web.page.wait_for_load_state("networkidle")
        pages = web.page.evaluate("""async () => {
          const list = document.getElementById('explorer-results'), seen = [];
          const done = new Promise(resolve => new MutationObserver(() => {
            const links = [...list.querySelectorAll('.kb-explorer-source a')].map(a => a.getAttribute('href'));
            seen.push({busy: list.getAttribute('aria-busy'), links, count: document.getElementById('explorer-count').textContent});
            if (list.getAttribute('aria-busy') !== 'true') resolve(seen);
          }).observe(list, {attributes: true, attributeFilter: ['data-renders']}));
          const input = document.getElementById('explorer-q');  // typed without focus: nothing is loaded ahead
          input.value = 'station';
          input.dispatchEvent(new Event('input', {bubbles: true}));
          return await done;
        }""")
        expected = [ref.ref for ref in select(kb_build, "?q=station")[0]]
        assert len(expected) > 50
        final = pages[-1]
        assert [h.split("/sources/")[1].replace("/#claim-", "#", 1) for h in final["links"]] == expected[:50]
        assert final["count"].startswith(f"{len(expected):,} claims")
        for early in pages[:-1]:
            assert early["busy"] == "true" and early["count"].startswith("Searching")
            assert [h.split("/sources/")[1].replace("/#claim-", "#", 1) for h in early["links"]] == expected[:50]


def test_on_a_phone_the_filters_are_folded_above_the_results(playwright_browser, site_url):
    context = playwright_browser.new_context(viewport={"width": 400, "height": 800})
    try:
        page = context.new_page()
        page.goto(site_url + "/claims/?topic=border-security")
        rendered(page)
        assert not page.evaluate("document.getElementById('explorer-filters').open")
        assert page.is_hidden("#explorer-q") and page.is_visible(RESULTS)
        page.click("#explorer-filters > summary")
        assert page.is_visible("#explorer-q")
        assert page.is_checked('fieldset[data-facet="topic"] input[value="border-security"]')
    finally:
        context.close()
