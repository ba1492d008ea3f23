"""The claim explorer's data files (kb/explorer.py), read back in Python: every claim once, in the
explorer's order, with its values coded as the knowledge base has them; and the page's controls."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from bs4 import BeautifulSoup

from kb import build, explorer
from kbtest import ROOT


@pytest.fixture(scope="module")
def made():
    result = build(ROOT)
    renderer = result.renderer(use_directory_urls=True)
    page = explorer.page(renderer)
    files = {path: "".join(pieces) for path, pieces in explorer.data_files(renderer)}
    return result, page, files


def load(text: str) -> list:
    """The arguments a data file passes to kbExplorer.load (they are JSON)."""
    assert text.startswith("kbExplorer.load(") and text.endswith(");\n")
    return json.loads("[" + text[len("kbExplorer.load("):-3] + "]")


def test_every_claim_is_in_one_text_file_in_the_explorers_order(made):
    result, _, files = made
    expected = explorer.order(result.derived.claims)
    texts = sorted((path for path in files if "/text/" in path), key=lambda p: int(p.rsplit("/", 1)[1][:-3]))
    rows = []
    for k, path in enumerate(texts):
        kind, chunk, chunk_rows = load(files[path])
        assert (kind, chunk) == ("text", k) and len(chunk_rows) <= explorer.CLAIM_CHUNK
        rows += chunk_rows
    assert [(r[0], r[1], r[2]) for r in rows] == [(ref.claim.id, ref.claim.text, ref.claim.quote) for ref in expected]
    dated = [ref.claim.date.value for ref in expected if ref.claim.date]
    assert dated == sorted(dated, reverse=True), "newest event first"


def test_the_columns_decode_to_each_claims_source_date_status_and_labels(made):
    result, _, files = made
    derived = result.derived
    expected = explorer.order(derived.claims)
    (_, first), (_, cols) = load(files["claims/data/first.js"]), load(files["claims/data/facets.js"])
    (_, sources) = load(files["claims/data/sources.js"])
    slug = {facet: [value[0] for value in values] for facet, values in first["dict"].items()}
    assert first["total"] == len(expected) and first["page"] == ["sources/", "/"]
    day, flat = 0, {facet: iter(cols[facet]) for facet in ("topic", "place", "org")}
    for i, ref in enumerate(expected):
        page = sources["slug"][cols["src"][i]]
        assert page == ref.page.slug
        precision, status = divmod(cols["code"][i], 3)
        assert slug["status"][status] == {"Single source": "single", "Corroborated": "corroborated",
                                          "Disputed": "disputed"}[derived.corroboration[ref.ref].status]
        if ref.claim.date:
            day += cols["ev"][i]
            value = (dt.date(1970, 1, 1) + dt.timedelta(days=day)).isoformat()[: {1: 4, 2: 7, 3: 10}[precision]]
            assert value == ref.claim.date.value
        else:
            assert precision == 0
        for facet, field in (("topic", "topics"), ("place", "places"), ("org", "organizations")):
            count = next(flat[facet])
            assert [slug[facet][next(flat[facet])] for _ in range(count)] == list(getattr(ref.claim, field))
    for k, page in enumerate(derived.sources_newest_first):
        assert sources["slug"][k] == page.slug and cols["sources"]["pub"][k] == page.source.published.value
        assert slug["outlet"][cols["sources"]["outlet"][k]] == page.source.outlet
        assert slug["evidence"][cols["sources"]["evidence"][k]] == page.source.evidence
        assert slug["lang"][cols["sources"]["lang"][k]] == page.source.language
    assert [r["i"] for r in first["first"]] == list(range(min(50, len(expected))))


def test_the_page_has_a_checkbox_for_every_value_with_claims_and_its_count(made):
    result, page, _ = made
    derived = result.derived
    soup = BeautifulSoup(page, "lxml")
    topics = {box["value"]: int(box.find_next_sibling("label").select_one(".kb-explorer-n").text)
              for box in soup.select('fieldset[data-facet="topic"] input[type=checkbox]')}
    assert topics == {slug: len(refs) for slug, refs in derived.by_topic.items() if refs}
    for facet, _ in explorer.FACETS:
        fieldset = soup.select_one(f'fieldset[data-facet="{facet}"]')
        assert fieldset is not None and fieldset.legend.text
        for box in fieldset.select("input"):
            assert box["name"] == facet and soup.select_one(f'label[for="{box["id"]}"]') is not None
    for key in ("explorer-results", "explorer-count", "explorer-q", "explorer-event-from", "explorer-pub-to"):
        assert soup.find(id=key) is not None, key
    assert soup.find(id="explorer-results")["data-renders"] == "0"
    assert soup.find(id="explorer-count")["aria-live"] == "polite"


def test_each_view_written_ahead_holds_the_first_page_and_total_of_its_claims(made):
    result, _, files = made
    expected = explorer.order(result.derived.claims)
    _, first = load(files["claims/data/first.js"])
    assert first["views"], "no view written ahead"
    for key in first["views"]:
        kind, view_key, view = load(files[f"claims/data/first/{key}.js"])
        facet, value = key.split("-", 1)
        if facet == "year":
            matching = [ref for ref in expected if ref.claim.date and ref.claim.date.year == int(value)]
        else:
            slug = first["dict"][facet][int(value)][0]
            field = {"topic": "topics", "place": "places", "org": "organizations"}[facet]
            matching = [ref for ref in expected if slug in getattr(ref.claim, field)]
        assert (kind, view_key, view["total"]) == ("view", key, len(matching)) and matching
        assert [(r["s"]["slug"], r["id"]) for r in view["first"]] == [(ref.page.slug, ref.claim.id) for ref in matching[:50]]
