"""Derive: the indexes built from the claims, on the small fixture knowledge base (tests/golden/kb)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kb import build
from kb.derive import origin
from kb.render import h, html_link, text, text_fragment

FIXTURE = Path(__file__).parent / "golden" / "kb"


@pytest.fixture(scope="module")
def fixture():
    result = build(FIXTURE)
    assert result.ok, [str(p) for p in result.problems]
    return result


def test_claims_by_topic_in_event_order_with_undated_last(fixture):
    refs = [ref.ref for ref in fixture.derived.by_topic["checkpoints"]]
    assert refs == ["alpha-2024-01-posts#posts-set-up", "beta-2024-02-phones#gates-checked", "alpha-2024-01-posts#undated-claim"]


def test_a_source_feeds_the_union_of_its_claims_topics_in_first_mention_order(fixture):
    assert fixture.derived.topics_of_source["alpha-2024-01-posts"] == ["checkpoints", "phones"]
    assert fixture.derived.places_of_source["beta-2024-02-phones"] == ["town"]


def test_related_topics_by_shared_claims_then_curated(fixture):
    assert fixture.derived.related_topics["checkpoints"] == [("phones", 1)]
    assert fixture.derived.related_topics["unused"] == []


def test_timeline_has_only_dated_claims(fixture):
    assert [ref.claim.id for ref in fixture.derived.timeline] == ["posts-set-up", "gates-checked"]


def test_a_rewrite_counts_as_its_origin_not_as_a_second_outlet(fixture):
    kb = fixture.kb
    assert origin(kb, kb.sources["beta-2024-02-phones"]) == "alpha"  # derived_from a source page: followed
    assert origin(kb, kb.sources["alpha-2024-01-posts"]) == "alpha"
    linked = fixture.derived.corroboration["beta-2024-02-phones#gates-checked"]
    assert [r.ref for r in linked.same] == ["alpha-2024-01-posts#posts-set-up"]
    assert (linked.outlets, linked.status) == (1, "Single source")


def test_corroboration_is_symmetric(fixture):
    back = fixture.derived.corroboration["alpha-2024-01-posts#posts-set-up"]
    assert [r.ref for r in back.same] == ["beta-2024-02-phones#gates-checked"]


@pytest.mark.parametrize("value, expected", [
    ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    ("[x](javascript:alert(1))", "\\[x\\](javascript:alert(1))"),
    ("[@fake]", "\\[&#64;fake\\]"),
    ("*bold* a|b", "\\*bold\\* a&#124;b"),
])
def test_text_filter_makes_fields_inert(value, expected):
    assert text(value) == expected


@pytest.mark.parametrize("value", [
    "<script>alert(1)</script>", '" onmouseover="x', "[x](javascript:alert(1))", "[@fake]",
    "*bold* a|b `code` __u__ \\ {: .x } # h", "AT&T & <b>",
])
def test_h_filter_makes_fields_inert_in_raw_html_and_markdown(value):
    """List pages' claims are raw HTML put in after Markdown; source pages use `h` in Markdown.
    Either way the value must come back as exactly its own text, with no tag and no markup."""
    import markdown
    from bs4 import BeautifulSoup

    escaped = h(value)
    assert not set(re.sub(r"&#?\w+;", "", escaped)) & set("<>\"`*_[]{}#|@\\&")
    raw = BeautifulSoup(f'<p title="{escaped}">{escaped}</p>', "lxml").p
    assert raw.get_text() == value and raw["title"] == value and not raw.find_all(True)
    rendered = BeautifulSoup(markdown.markdown(f"Text: {escaped}", extensions=["attr_list"]), "lxml").p
    assert rendered.get_text() == f"Text: {value}" and not rendered.find_all(True)


@pytest.mark.parametrize("here, target, directory_urls, expected", [
    ("places/index.md", "places/hyesan.md", True, "hyesan/"),
    ("timeline.md", "sources/x.md", True, "../sources/x/"),
    ("index.md", "places/index.md", True, "places/"),
    ("places/index.md", "index.md", True, "../"),
    ("places/index.md", "places/hyesan.md", False, "hyesan.html"),
])
def test_links_in_raw_html_follow_mkdocs_urls(here, target, directory_urls, expected):
    assert html_link(here, target, directory_urls) == expected


def test_text_fragment_uses_the_first_and_last_words():
    assert text_fragment("One two three four five six seven eight nine.") == "#:~:text=One%20two%20three%20four,six%20seven%20eight%20nine."
    assert text_fragment("Short quote-with-dash.") == "#:~:text=Short%20quote%2Dwith%2Ddash."


@pytest.mark.parametrize("fragment", ['<p style="color: red">x</p>', "<script>alert(1)</script>", '<img src="x" onerror="alert(1)">'])
def test_a_deferred_fragment_with_inline_code_stops_the_build(fixture, fragment):
    """Deferred fragments go into the page after the CSP hook has hashed its inline code, so
    inline code in one would be blocked in the browser: the build stops instead."""
    from kb.render import Renderer

    renderer = Renderer(fixture.kb, fixture.derived, defer_html=True)
    page = renderer._defer(fragment, "timeline.md") + renderer._defer("<p class='kb-ok'>fine</p>", "timeline.md")
    with pytest.raises(ValueError, match="inline code"):
        renderer.fill_deferred("timeline.md", page)
    renderer._defer(fragment, "sources/index.md", indexed=True)  # indexed ones go in before the CSP hook reads the page
    assert fragment in renderer.fill_deferred("sources/index.md", "<!-- kb-indexed:0 -->", indexed=True)
    renderer._defer("<p class='kb-ok'>fine: &lt;script&gt;, style='x', onload=1</p>", "timeline.md")  # escaped text
    assert "kb-ok" in renderer.fill_deferred("timeline.md", "<!-- kb-deferred:0 -->")


def test_places_within_lists_each_place_under_its_parent_in_registry_order(fixture):
    kb, d = fixture.kb, fixture.derived
    expected = {}
    for place in kb.places.values():
        if place.parent:
            expected.setdefault(place.parent, []).append(place.slug)
    assert expected, "the fixture has places within places"
    assert {parent: [p.slug for p in places] for parent, places in d.places_within.items()} == expected
