"""The timeline as the knowledge base grows: one page while it is short; past the page limit
(`paths.page_claims_limit()`) of dated claims an overview of the years, and a page for each year.

The rendering tests lower the limit on the seed (23 dated claims, four years); one real strict
build of a synthetic knowledge base over the real limit checks the pages a reader gets.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

import bench
from kb import build, paths, render
from kbtest import ROOT, article, html, ids_in, resolve, run_build

SVG = "{http://www.w3.org/2000/svg}"
#: Enough synthetic sources for a few hundred dated claims, past the default page limit.
SOURCES_PAST_THE_LIMIT = 80


@pytest.fixture(scope="module")
def seed():
    result = build(ROOT)
    assert result.ok, [str(p) for p in result.problems]
    return result


def claim_anchors(markdown: str) -> list[str]:
    return re.findall(r'class="kb-claim-source" href="[^"#]*#(claim-[^"]+)"', markdown)


def svg_of(markdown: str) -> ET.Element:
    return ET.fromstring(re.search(r"<svg.*?</svg>", markdown, re.S).group(0))


def test_a_short_timeline_is_one_page(seed):
    assert len(seed.derived.timeline) <= paths.page_claims_limit()
    pages = seed.renderer().pages()
    assert not [path for path in pages if path.startswith("timeline/")]
    assert claim_anchors(pages["timeline.md"]) == [ref.anchor for ref in seed.derived.timeline]


def test_past_the_limit_each_year_has_a_page_and_the_timeline_page_lists_them(seed, monkeypatch):
    monkeypatch.setenv(paths.PAGE_CLAIMS_VARIABLE, "10")  # 23 dated claims, at most 8 a year
    timeline = seed.derived.timeline
    years = sorted({ref.claim.date.year for ref in timeline})
    pages = seed.renderer().pages()

    year_pages = sorted(path for path in pages if path.startswith("timeline/"))
    assert year_pages == [f"timeline/{year}.md" for year in years]
    assert set(year_pages) <= paths.generated_paths(seed.kb), "hand-written pages cannot take their place"

    overview = pages["timeline.md"]
    assert claim_anchors(overview) == [], "the overview lists years, not claims"
    for year in years:
        count = sum(ref.claim.date.year == year for ref in timeline)
        assert f'| [{year}](timeline/{year}.md){{ data-kb-holds="{year}" }} | {count} |' in overview
    bars = svg_of(overview).findall(f".//{SVG}a")
    assert [bar.get("href") for bar in bars] == [f"{year}/" for year in years], "each bar links to its year"

    seen = []
    for index, year in enumerate(years):
        page = pages[f"timeline/{year}.md"]
        expected = [ref.anchor for ref in timeline if ref.claim.date.year == year]
        assert claim_anchors(page) == expected, f"{year}: its claims, in the order of events"
        assert len(svg_of(page).findall(f".//{SVG}a")) == len(expected), f"{year}: a mark per claim"
        assert "[All years](../timeline.md)" in page
        if index:
            assert f"[← {years[index - 1]}]({years[index - 1]}.md)" in page
        if index + 1 < len(years):
            assert f"[{years[index + 1]} →]({years[index + 1]}.md)" in page
        seen += expected
    assert sorted(seen) == sorted(ref.anchor for ref in timeline), "every dated claim on exactly one year page"


def test_a_figure_with_many_sources_has_a_row_per_outlet(seed, monkeypatch):
    kb, timeline = seed.kb, seed.derived.timeline
    sources = {ref.page.slug for ref in timeline}
    outlets = {kb.outlets[ref.page.source.outlet].name for ref in timeline}
    assert len(outlets) < len(sources)

    def row_labels(figure: ET.Element) -> set[str]:
        """Each row's whole label: its text, or its hover title when it is shown on two lines."""
        rows = [t for t in figure.iter(f"{SVG}text") if t.get("class") == "kb-lane"]
        return {t.text or t.find(f"{SVG}title").text for t in rows}

    by_source = svg_of(seed.renderer().pages()["timeline.md"])
    assert len(row_labels(by_source)) == len(sources)
    assert by_source.get("aria-label").endswith("one row per source")
    monkeypatch.setattr(render.timeline_pages, "FIGURE_ROWS", len(sources) - 1)  # where the renderer reads it
    by_outlet = svg_of(seed.renderer().pages()["timeline.md"])
    assert row_labels(by_outlet) == outlets
    assert by_outlet.get("aria-label").endswith("one row per outlet")


@pytest.fixture(scope="module")
def grown_site(tmp_path_factory):
    """A real strict build of a knowledge base whose timeline is past the limit."""
    root = tmp_path_factory.mktemp("grown") / "kb"
    bench.synthesize(root, SOURCES_PAST_THE_LIMIT, places=30, organizations=12, outlets=6)
    result = build(root)
    assert len(result.derived.timeline) > paths.page_claims_limit(), "enough dated claims to split the timeline"
    site = root / "site"
    built = run_build(root / "mkdocs.yml", site)
    assert built.returncode == 0, built.stderr[-4000:]
    return site, result


def test_a_grown_timeline_reads_as_an_overview_and_a_page_per_year(grown_site):
    site, result = grown_site
    timeline = result.derived.timeline
    years = sorted({ref.claim.date.year for ref in timeline})
    overview = article(html(site, "timeline/"))
    assert not overview.select("div.kb-claim")
    table_links = [a["href"] for a in overview.select("table a")]
    assert table_links == [f"{year}/" for year in years]

    for year in years:
        url = f"timeline/{year}/"
        page = article(html(site, url))
        links = page.select("a.kb-claim-source")
        assert len(links) == sum(ref.claim.date.year == year for ref in timeline), url
        for link in links:
            file, fragment = resolve(site, url, link["href"])
            assert fragment in ids_in(file), f"{url}: {link['href']} has no target"
        rows = {t.get_text() for t in page.select("svg text.kb-lane")}
        assert 0 < len(rows) <= render.FIGURE_ROWS, f"{url}: the figure stays a screen tall"
        assert page.select_one(f'a[href="../{year + 1}/"]') or year == years[-1], f"{url}: links to the next year"
