"""Search as a reader uses it: type into Material's search box, read the results, open the first."""

from __future__ import annotations

import gzip
from urllib.parse import urlsplit

import pytest
from .browserkit import RESULT_LINKS, ROOT, result_paths, settled_result_paths

pytestmark = pytest.mark.browser

SEARCH_INPUT = "input.md-search__input"

#: (query, the page a reader expects, the rank it must have at worst): an English word, a place,
#: an organization's aliases, and Hangul names (found only when each variant is a word of its own).
#: "secret police" may come second: a source's headline says the MSS "secretly" arrests people.
SEARCHES = [
    pytest.param("inminban", "/topics/inminban-surveillance/", 1, id="english-inminban"),
    pytest.param("Hyesan", "/places/hyesan/", 1, id="place-Hyesan"),
    pytest.param("secret police", "/organizations/ministry-of-state-security/", 2, id="alias-secret-police"),
    pytest.param("bowiseong", "/organizations/ministry-of-state-security/", 1, id="alias-bowiseong"),
    pytest.param("혜산", "/places/hyesan/", 1, id="hangul-hyesan"),
    pytest.param("량강도", "/places/ryanggang/", 1, id="hangul-ryanggang"),
]


def type_query(web, query: str) -> list[str]:
    """Click the search box, enter the query, release a key (Material searches on keyup).

    The whole query is entered at once: typed letter by letter, each keyup queries a prefix,
    and on a busy machine a prefix's results can still be on screen when we read them.
    """
    web.open("/")
    box = web.page.locator(SEARCH_INPUT)
    box.click()
    box.fill(query)
    box.press("End")
    return settled_result_paths(web.page)


@pytest.mark.parametrize(("query", "expected", "worst_rank"), SEARCHES)
def test_typed_query_finds_the_page_and_opens_it(web, query, expected, worst_rank):
    pages = list(dict.fromkeys(type_query(web, query)))  # a page's sections follow the page
    assert expected in pages, f"searching {query!r}: {expected} is not among the results {pages}"
    rank = pages.index(expected) + 1
    assert rank <= worst_rank, f"searching {query!r}: {expected} is result {rank}, should be ≤ {worst_rank}; results: {pages}"
    link = web.page.locator(RESULT_LINKS).nth(result_paths(web.page).index(expected))  # the first when rank is 1
    with web.page.expect_navigation():
        link.click()
    assert urlsplit(web.page.url).path == expected
    assert web.page.locator("article h1").count() == 1
    assert not web.recorder.console_errors and not web.recorder.page_errors


def test_query_in_the_address_opens_the_results(web):
    """Material reads `?q=` from the address: a search can be linked to."""
    web.open("/?q=Hyesan")
    paths = settled_result_paths(web.page)
    assert "/places/hyesan/" in paths, paths


# --- The index is fetched when a reader starts to search (docs/assets/search-on-demand.js) --------

INDEX_PATH = "/search/search_index.json"


@pytest.fixture
def fresh(playwright_browser, site_url):
    """A new context (empty cache) that lists the paths of the requests its page makes."""
    from .browserkit import browsing

    with browsing(playwright_browser, site_url) as b:
        b.requested = []
        b.page.on("request", lambda request: b.requested.append(urlsplit(request.url).path))
        yield b


def test_a_page_view_does_not_fetch_the_search_index(fresh):
    fresh.open("/sources/", wait_until="networkidle")
    fresh.page.wait_for_timeout(500)
    assert INDEX_PATH not in fresh.requested, fresh.requested
    assert not any(path.startswith("/pagefind/") for path in fresh.requested), fresh.requested
    assert "/assets/search-pagefind.js" in fresh.requested, "the search worker itself still starts with the page"


def test_results_show_the_title_and_a_snippet_with_the_match(web):
    """Each result: the page's title, and a snippet of its text with the words marked."""
    type_query(web, "Hyesan")
    first = web.page.locator(".md-search-result__item").first
    assert first.locator("h1, h2").first.inner_text().strip()
    assert "hyesan" in first.locator("mark").first.inner_text().lower()


def test_searching_fetches_only_the_index_and_the_results_it_needs(fresh):
    """Pagefind's bundle: the worker asks for the chunks the words need and the pages it shows,
    from this site only; Material's lunr worker and the whole-text index are never fetched."""
    fresh.open("/", wait_until="networkidle")
    fresh.page.keyboard.press("/")
    fresh.page.keyboard.type("Hyesan")
    assert "/places/hyesan/" in settled_result_paths(fresh.page, timeout=10)
    fetched = [path for path in fresh.requested if path.startswith("/pagefind/")]
    assert any(path.endswith(".pf_index") for path in fetched) and any(path.endswith(".pf_fragment") for path in fetched), fetched
    assert not any("/workers/search" in path or "/lunr/" in path for path in fresh.requested), fresh.requested


def test_clicking_the_search_box_fetches_the_index_and_finds(fresh):
    fresh.open("/sources/", wait_until="networkidle")
    box = fresh.page.locator(SEARCH_INPUT)
    box.click()
    box.fill("Hyesan")
    box.press("End")
    assert "/places/hyesan/" in settled_result_paths(fresh.page, timeout=10)
    assert fresh.requested.count(INDEX_PATH) == 1
    assert not fresh.recorder.console_errors and not fresh.recorder.page_errors


def test_the_keyboard_shortcut_fetches_the_index(fresh):
    fresh.open("/", wait_until="networkidle")
    assert INDEX_PATH not in fresh.requested
    fresh.page.keyboard.press("/")  # Material focuses the search box
    fresh.page.keyboard.type("inminban")
    assert "/topics/inminban-surveillance/" in settled_result_paths(fresh.page, timeout=10)
    assert INDEX_PATH in fresh.requested


def test_opening_search_on_a_phone_fetches_the_index(fresh):
    fresh.page.set_viewport_size({"width": 390, "height": 844})
    fresh.open("/", wait_until="networkidle")
    assert INDEX_PATH not in fresh.requested
    with fresh.page.expect_request(lambda request: urlsplit(request.url).path == INDEX_PATH, timeout=5000):
        fresh.page.locator("label.md-header__button[for='__search']").click()
    fresh.page.locator(SEARCH_INPUT).fill("Hyesan")
    assert "/places/hyesan/" in settled_result_paths(fresh.page, timeout=10)


def test_arriving_from_a_result_highlights_the_words(fresh):
    """A result link carries ?h=: the page fetches the index at once to highlight the words."""
    fresh.open("/places/hyesan/?h=Hyesan", wait_until="networkidle")
    assert INDEX_PATH in fresh.requested
    fresh.page.locator("article mark").first.wait_for(timeout=5000)


# --- A site indexed in parts (scripts/pagefind_index.py: bundles of at most N words) ----------


@pytest.fixture(scope="module")
def site_in_parts(tmp_path_factory):
    """The seed site indexed in bundles of at most 3,000 words, as a large site is in bundles of
    1.5 million: the reader's search merges them."""
    from .browserkit import site_build

    site_dir = tmp_path_factory.mktemp("site-in-parts")
    result = site_build(ROOT / "mkdocs.yml", site_dir, KB_SEARCH_BUNDLE_WORDS="3000")
    assert result.returncode == 0, result.stderr
    return site_dir


def test_a_site_indexed_in_parts_finds_pages_of_every_part(site_in_parts, playwright_browser):
    import json

    from .browserkit import browsing, serve

    bundles = json.loads((site_in_parts / "pagefind" / "bundles.json").read_text(encoding="utf-8"))
    assert len(bundles) >= 5, bundles
    parts_of = {}  # page -> the bundle that holds it, read from each bundle's fragments
    for bundle in bundles:
        for fragment in (site_in_parts / "pagefind" / bundle / "fragment").glob("*.pf_fragment"):
            url = json.loads(gzip.decompress(fragment.read_bytes()).removeprefix(b"pagefind_dcd"))["url"]
            parts_of[url] = bundle
    expected = [page for _, page, _ in (p.values for p in SEARCHES)]
    assert len({parts_of[page] for page in expected}) >= 2, "the expected pages lie in more than one part"
    with serve(site_in_parts) as url, browsing(playwright_browser, url) as web:
        for param in SEARCHES:
            # Found, wherever its part: each part scores its pages by its own word statistics, so
            # with parts of a few pages (not 1,000 as on a large site) the order is not the test.
            query, page, _ = param.values
            pages = list(dict.fromkeys(type_query(web, query)))
            assert page in pages, f"{query!r}: {page} (in part {parts_of[page]}) not found: {pages}"
