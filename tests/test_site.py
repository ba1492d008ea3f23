"""End to end: the real knowledge base, built with `mkdocs build --strict`, read as HTML."""

from __future__ import annotations

import csv
import io
import gzip
import json
import re
import xml.etree.ElementTree as ET

import pytest
from bs4 import BeautifulSoup
from pybtex.database import parse_string

from kb import build
from kb.derive import claim_anchor

from kbtest import ARTICLES, ROOT, article, html, ids_in, resolve, run_build


@pytest.fixture(scope="session")
def kb_build():
    result = build(ROOT)
    assert result.ok, [str(p) for p in result.problems]
    return result


# --- Pages exist --------------------------------------------------------------------------

def test_every_source_topic_place_and_organization_has_a_page(site, kb_build):
    kb = kb_build.kb
    for slug in kb.sources:
        assert (site / "sources" / slug / "index.html").exists(), slug
    for folder, registry in [("topics", kb.topics), ("places", kb.places), ("organizations", kb.organizations)]:
        for slug in registry:
            assert (site / folder / slug / "index.html").exists(), f"{folder}/{slug}"
    for page in ["", "sources/", "topics/", "places/", "organizations/", "timeline/", "glossary/", "bibliography/"]:
        assert article(html(site, page)) is not None, page


def test_the_required_topics_exist():
    result = build(ROOT)
    required = {"inminban-surveillance", "dangerous-individuals", "eighty-day-battle", "china-repatriation",
                "border-security", "enforced-disappearance", "guilt-by-association", "outside-contact", "brokers-bribery"}
    assert required <= set(result.kb.topics)
    for slug in required:
        assert result.derived.by_topic.get(slug), f"topic {slug} has no claims"


def test_sources_index_lists_every_source_newest_first_with_outlet_and_byline(site, kb_build):
    rows = article(html(site, "sources/")).select("table tbody tr")
    assert len(rows) == len(kb_build.kb.sources)
    published = [kb_build.kb.sources[r.select_one("a")["href"].strip("./").split("/")[-1]].source.published.value for r in rows]
    assert published == sorted(published, reverse=True)
    text = " ".join(r.get_text(" ") for r in rows)
    assert "ASIAPRESS" in text and "Daily NK" in text and "The Asia Live" in text
    assert "HONG Mari" in text and "translated by Violet Kim" in text


# --- Cross-links --------------------------------------------------------------------------

def test_every_claim_link_on_list_pages_lands_on_an_element_with_that_id(site, kb_build):
    """Claim blocks are rendered once and relinked for each page's depth (timeline/ is one folder
    up from topics/x/): every link must still land, on every kind of list page."""
    kb, d = kb_build.kb, kb_build.derived
    lists = {
        **{f"topics/{slug}/": d.by_topic.get(slug, []) for slug in kb.topics},
        **{f"places/{slug}/": d.by_place.get(slug, []) for slug in kb.places},
        **{f"organizations/{slug}/": d.by_organization.get(slug, []) for slug in kb.organizations},
        "timeline/": d.timeline,
    }
    for page_url, refs in lists.items():
        links = article(html(site, page_url)).select("a.kb-claim-source")
        assert len(links) == len(refs), page_url
        for link in links:
            file, fragment = resolve(site, page_url, link["href"])
            assert fragment.startswith("claim-"), link["href"]
            assert fragment in ids_in(file), f"{page_url}: {link['href']} has no target"
    assert d.timeline and any(d.by_place.values()) and any(d.by_organization.values())


def test_topic_pages_link_to_sources_and_source_pages_link_to_each_of_their_topics(site, kb_build):
    for slug in kb_build.kb.topics:
        if not kb_build.derived.by_topic.get(slug):
            continue
        hrefs = [a["href"] for a in article(html(site, f"topics/{slug}/")).select("a[href]")]
        assert any("/sources/" in h for h in hrefs), slug
    for slug, topics in kb_build.derived.topics_of_source.items():
        hrefs = {resolve(site, f"sources/{slug}/", a["href"])[0] for a in article(html(site, f"sources/{slug}/")).select("a[href]")}
        for topic in topics:
            assert site / "topics" / topic / "index.html" in hrefs, f"source {slug} does not link to topic {topic}"


def test_source_pages_show_metadata_claims_with_anchors_and_quotes(site, kb_build):
    for slug, page in kb_build.kb.sources.items():
        body = article(html(site, f"sources/{slug}/"))
        meta = body.select_one(".admonition.abstract").get_text(" ")
        for label in ["Outlet", "Byline", "Published", "Original article", "Archived copy", "Accessed", "Evidence"]:
            assert label in meta, (slug, label)
        if page.source.published.inferred:
            assert "inferred" in meta
        for claim in page.source.claims:
            block = body.find(id=claim_anchor(claim.id))
            assert block is not None, (slug, claim.id)
            quote = block.select_one("blockquote").get_text()
            assert _normal(claim.quote) in _normal(quote)


def test_citations_are_rendered_everywhere(site):
    for file in site.rglob("*.html"):
        text = article(BeautifulSoup(file.read_text(encoding="utf-8"), "lxml"))
        if text is None:
            continue
        assert "[@" not in text.get_text(), f"raw citation left in {file.relative_to(site)}"
    footnotes = html(site, "sources/asiapress-2025-06-hyesan-missing/").select(".footnote li")
    assert footnotes and "ASIAPRESS" in footnotes[0].get_text()


@pytest.mark.parametrize("kb_root", [ROOT, ROOT / "tests" / "golden" / "kb"], ids=["seed", "golden"])
def test_footnotes_are_the_text_mkdocs_bibtex_itself_would_write(kb_root):
    """The hook hands mkdocs-bibtex the references the core formatted once per key instead of
    letting it format each citation again: the text must be exactly the plugin's own."""
    from hooks import bibtex_footnote_text
    from kb.bibtex import formatted_references
    from mkdocs_bibtex.citation import Citation
    from mkdocs_bibtex.registry import SimpleRegistry
    from pybtex.richtext import Text

    pybtex_parser = vars(Text)["from_latex"]
    result = build(kb_root)
    assert result.ok, [str(p) for p in result.problems]
    plugin = SimpleRegistry([str(p) for p in sorted((kb_root / "bib").rglob("*.bib"))])
    ours = formatted_references(result.kb.bib)  # parses each LaTeX string once (a cache, while it runs)
    assert vars(Text)["from_latex"] is pybtex_parser, "pybtex's own parser is put back: the plugin's text below is uncached"
    assert ours and set(ours) == set(plugin.bib_data.entries)
    for key, text in ours.items():
        assert bibtex_footnote_text(text) == plugin.reference_text(Citation(key)), key


def test_a_string_without_latex_markup_is_what_latexcodec_decodes_it_to():
    """`formatted_references` skips latexcodec for strings LATEX_MARKUP finds nothing in: each
    must be its own decoding. 100,000 strings drawn (with a fixed seed) from characters that
    matter to LaTeX and others that do not, and the seed's and golden's BibTeX fields."""
    import codecs
    import random

    import latexcodec  # noqa: F401 - registers the codec
    from kb.bibtex import LATEX_MARKUP

    draw = random.Random(7)
    alphabet = [*"abcXYZ019 .,;:!?'\"-_&#^<>()[]/@*+=|\\{}$%~`", "\n", "\t", "\u00a0", "é", "한", "’", "—", "  ", "--", "''"]
    strings = ["".join(draw.choice(alphabet) for _ in range(draw.randint(0, 12))) for _ in range(100_000)]
    for kb_root in (ROOT, ROOT / "tests" / "golden" / "kb"):
        for entry in build(kb_root).kb.bib.values():
            strings += [*entry.fields.values(), *(name for names in entry.persons.values() for name in names)]
    plain = [s for s in strings if not LATEX_MARKUP.search(s)]
    assert len(plain) > 20_000 and any("{" in s for s in plain), "the draw holds plain strings, braced too"
    assert [s for s in plain if codecs.decode(s, "ulatex") != s] == []
    assert all(LATEX_MARKUP.search(s) for s in ("a--b", "a ~ b", "50%", "\\'e", " lead", "a  b", "a\nb", "``x''"))


@pytest.fixture(scope="module")
def indexed_text(site) -> dict[str, str]:
    """The text of the site's search index (Pagefind's), per page URL: each page's fragment is
    the text Pagefind indexed, gzipped behind a signature."""
    text_of: dict[str, str] = {}
    bundles = json.loads((site / "pagefind" / "bundles.json").read_text(encoding="utf-8"))
    assert bundles, "no Pagefind bundle was written"
    for bundle in bundles:
        for fragment in (site / "pagefind" / bundle / "fragment").glob("*.pf_fragment"):
            data = json.loads(gzip.decompress(fragment.read_bytes()).removeprefix(b"pagefind_dcd"))
            text_of[data["url"].lstrip("/")] = data["meta"].get("title", "") + " " + data["content"]
    return text_of


def test_search_index_contains_the_words_of_every_source_page(indexed_text, kb_build):
    by_location = indexed_text
    for slug, page in kb_build.kb.sources.items():
        indexed = _words(by_location.get(f"sources/{slug}/", ""))
        body_words = _words(re.sub(r"\[@[^\]]+\]", "", page.body))
        missing = body_words - indexed
        assert not missing, f"{slug}: words not in the search index: {sorted(missing)[:10]}"


def test_source_pages_index_each_claims_text_and_quote_but_not_its_status_and_links(site, indexed_text, kb_build):
    """Else every source page would match "Single source" or the name of every topic it links."""
    for slug, page in kb_build.kb.sources.items():
        indexed = _normal(indexed_text[f"sources/{slug}/"])
        for claim in page.source.claims:
            assert _normal(claim.quote) in indexed, f"{slug}#{claim.id}: quote not indexed"
        for label in ["Single source", "in the original", "¶", "Places:"]:
            assert _normal(label) not in indexed, f"{slug}: '{label}' is in the search index"
        assert indexed.count("Topics:") == 1, f"{slug}: only the source's topics (About this source) are indexed"
        source_page = article(html(site, f"sources/{slug}/"))
        assert source_page.select("div.kb-claim span.kb-status"), "the status is still shown"


def test_every_name_variant_is_indexed_on_its_own_page(indexed_text, kb_build):
    text_of = indexed_text
    for folder, registry in [("places", kb_build.kb.places), ("organizations", kb_build.kb.organizations)]:
        for slug, entry in registry.items():
            for name in entry.names:
                assert _normal(name) in _normal(text_of[f"{folder}/{slug}/"]), f"{name} not indexed on {folder}/{slug}/"
    assert "량강도" in text_of["places/ryanggang/"] and "보위성" in text_of["organizations/ministry-of-state-security/"]


# --- Reader features ----------------------------------------------------------------------

def test_corroboration_is_counted_across_independent_outlets_only(site, kb_build):
    corroboration = kb_build.derived.corroboration
    # ASIAPRESS (Hyesan partner) and The Asia Live (TJWG) report the border sealed since COVID.
    two_outlets = corroboration["asiapress-2025-06-hyesan-missing#changbai-crossing-point"]
    assert (two_outlets.status, two_outlets.outlets) == ("Corroborated", 2)
    # Two ASIAPRESS articles on the same checkpoints count as one outlet.
    same_outlet = corroboration["asiapress-2025-06-hyesan-missing#security-post-directive"]
    assert (same_outlet.status, same_outlet.outlets) == ("Single source", 1)
    block = article(html(site, "sources/asiapress-2025-06-hyesan-missing/")).find(id="claim-changbai-crossing-point")
    assert "reported by 2 independent outlets" in block.get_text(" ")
    assert block.select_one(".kb-status-corroborated") is not None


def test_claims_link_to_the_original_with_a_text_fragment(site):
    body = article(html(site, "topics/dangerous-individuals/"))
    links = [a["href"] for a in body.select("details a[href]")]
    assert links and all("#:~:text=" in h and h.startswith("https://") for h in links)


def test_timeline_svg_is_valid_and_has_every_dated_claim(site, kb_build):
    svg = article(html(site, "timeline/")).select_one("svg")
    root = ET.fromstring(str(svg))
    marks = root.findall(".//{http://www.w3.org/2000/svg}a")
    assert len(marks) == len(kb_build.derived.timeline)
    years = {str(ref.claim.date.year) for ref in kb_build.derived.timeline}
    labels = {t.text for t in root.iter("{http://www.w3.org/2000/svg}text")}
    assert years <= labels
    for mark in marks:
        file, fragment = resolve(site, "timeline/", mark.get("href"))
        assert fragment in ids_in(file)


def test_map_svg_shows_and_links_every_place_with_coordinates(site, kb_build):
    svg = article(html(site, "places/")).select_one("svg")
    root = ET.fromstring(str(svg))
    links = {a.get("href"): a for a in root.iter("{http://www.w3.org/2000/svg}a")}
    located = [p for p in kb_build.kb.places.values() if p.coords]
    assert len(links) == len(located)
    for place in located:
        href = f"{place.slug}/"
        assert href in links, place.slug
        assert resolve(site, "places/", href)[0].exists()
    assert root.find(".//{http://www.w3.org/2000/svg}path[@class='kb-river']") is not None


def test_downloads_parse_and_match_the_knowledge_base(site, kb_build):
    kb = kb_build.kb
    claims = sum(len(p.source.claims) for p in kb.sources.values())
    bib = parse_string((site / "downloads" / "sources.bib").read_text(encoding="utf-8"), "bibtex")
    assert set(bib.entries) == set(kb.bib)
    csl = json.loads((site / "downloads" / "sources.json").read_text(encoding="utf-8"))
    assert {item["id"] for item in csl} == set(kb.sources)
    rows = json.loads((site / "downloads" / "claims.json").read_text(encoding="utf-8"))
    assert len(rows) == claims
    table = list(csv.DictReader(io.StringIO((site / "downloads" / "claims.csv").read_text(encoding="utf-8"))))
    assert len(table) == claims and table[0].keys() >= {"source", "claim_id", "event_date", "quote", "topics", "places", "source_url"}
    for row in table:
        file, fragment = resolve(site, "", row["page"])
        assert fragment in ids_in(file), row["page"]


def test_bibliography_lists_every_entry(site, kb_build):
    items = article(html(site, "bibliography/")).select_one("ul").select("li")
    assert len(items) == len(kb_build.kb.bib)
    assert all("Daily NK" in li.get_text() for li in items if "dailynk" in str(li))


def test_every_page_has_backlinks_and_a_cite_box(site, kb_build):
    for url_path in ["topics/border-security/", "sources/dailynk-2020-04-ryanggang-defections/", "places/hyesan/"]:
        body = article(html(site, url_path))
        backlinks = body.find(id="pages-that-link-here")
        assert backlinks is not None, url_path
        cite = [d for d in body.select("details") if "Cite this page" in d.get_text()]
        assert cite and "@misc{" in cite[0].get_text(), url_path
    # The topic page is linked from the source pages that feed it.
    linking = article(html(site, "topics/border-security/")).find(id="pages-that-link-here").find_next("ul").get_text(" ")
    first_source = kb_build.derived.sources_by_topic["border-security"][0]
    assert first_source.source.title in linking
    # A place page is linked from the source pages whose claims name it: those links are raw
    # HTML (Renderer.page_link), not Markdown, and count all the same.
    linking = article(html(site, "places/hyesan/")).find(id="pages-that-link-here").find_next("ul").get_text(" ")
    naming = [p for p in kb_build.kb.sources.values() if any("hyesan" in c.places for c in p.source.claims)]
    assert naming and all(p.source.title in linking for p in naming)


def test_abbreviations_have_tooltips(site):
    body = article(html(site, "sources/dailynk-2020-04-ryanggang-defections/"))
    assert any(abbr.get("title") == "Ministry of State Security" for abbr in body.select("abbr"))


# --- Content integrity ---------------------------------------------------------------------

@pytest.mark.skipif(not ARTICLES.exists(), reason="the article texts (../shared/articles) are not beside this clone")
def test_every_quote_is_exact_text_of_its_article(kb_build):
    for slug, page in kb_build.kb.sources.items():
        article_file = ARTICLES / f"{slug}.txt"
        assert article_file.exists(), f"no article text for {slug}"
        text = _normal(article_file.read_text(encoding="utf-8"))
        for claim in page.source.claims:
            assert _normal(claim.quote) in text, f"{slug}#{claim.id}: quote not found in the article"


def _normal(text: str) -> str:
    """Fold typographic quotes and whitespace, which differ between the article and YAML."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    return re.sub(r"\s+", " ", text).strip()


def _words(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[A-Za-z]{4,}", text)}


def test_edit_links_point_at_the_file_that_makes_the_page(tmp_path):
    """With the repository known (the Pages workflow sets REPO_URL), every page has "Edit this page";
    a generated page's link opens the registry or the source page it is made from."""
    site_dir = tmp_path / "site"
    result = run_build(ROOT / "mkdocs.yml", site_dir, REPO_URL="https://github.com/example/kb")
    assert result.returncode == 0, result.stderr

    def edit_link(url_path: str) -> str:
        return html(site_dir, url_path).select_one("a.md-content__button[href*='/edit/']")["href"]

    base = "https://github.com/example/kb/edit/main/"
    assert edit_link("sources/dailynk-2020-04-ryanggang-defections/") == base + "docs/sources/dailynk-2020-04-ryanggang-defections.md"
    assert edit_link("topics/border-security/") == base + "data/topics.yml"
    assert edit_link("places/hyesan/") == base + "data/places.yml"
    assert edit_link("") == base + "docs/index.md"
