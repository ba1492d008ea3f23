"""Every generated page stays small however large the knowledge base grows: past the page limit
(`extra: kb: page_claims: N` in mkdocs.yml, or KB_PAGE_CLAIMS) a topic, place or organization
page becomes an overview with a page per year (numbered parts when a year is still too long),
and so do the timeline, the sources index (by year of publication) and the bibliography.

One real strict build of a synthetic knowledge base with a small limit; pages counted with lxml.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import deque
from pathlib import Path

import lxml.html
import pytest
import yaml

import bench
from kb import build
from kbtest import ROOT, resolve, run_build

SOURCES = 120
LIMIT = 25
#: Material's chrome (header, navigation, footer) and a page's own text, besides its list.
MAX_BYTES, MAX_NODES = 300_000, 5_000
LIST_SECTIONS = ("topics", "places", "organizations", "timeline")
#: Index pages of the registries (and the glossary): one entry per name, not per source.
REGISTRY_PAGES = {"topics/", "places/", "organizations/", "glossary/"}


@pytest.fixture(scope="module")
def paged(tmp_path_factory):
    root = tmp_path_factory.mktemp("paged") / "kb"
    bench.synthesize(root, SOURCES, places=30, organizations=12, outlets=6)
    config = yaml.safe_load((root / "mkdocs.yml").read_text(encoding="utf-8"))
    config["extra"]["kb"] = {"page_claims": LIMIT}
    (root / "mkdocs.yml").write_text(yaml.dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    result = build(root)
    assert result.ok
    site = root / "site"
    built = run_build(root / "mkdocs.yml", site, KB_PAGE_CLAIMS="")  # the limit comes from mkdocs.yml
    assert built.returncode == 0, built.stderr[-4000:]
    return site, result


def page_of(site: Path, url: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring((site / url / "index.html").read_bytes())


def generated_list_pages(site: Path) -> list[str]:
    """Site URLs of every page but the source pages and the hand-written ones."""
    urls = []
    for file in site.rglob("index.html"):
        url = file.parent.relative_to(site).as_posix() + "/"
        top, _, rest = url.partition("/")
        if top in LIST_SECTIONS or top in ("glossary", "bibliography") or url in ("sources/",) or url.startswith("sources/by-year/"):
            urls.append(url)
    return sorted(urls)


def test_every_generated_page_is_bounded(paged):
    site, result = paged
    kb = result.kb
    urls = generated_list_pages(site)
    assert any(url.startswith("topics/") and url.count("/") == 3 for url in urls), "some topic is split by year"
    assert any(re.fullmatch(r"timeline/\d{4}/\d+/", url) for url in urls), "some year is split into numbered parts"
    assert any(url.startswith("sources/by-year/") for url in urls), "the sources index is split"
    assert "bibliography/2/" in urls, "the bibliography is split"
    for url in urls:
        data = (site / url / "index.html").read_bytes()
        tree = lxml.html.fromstring(data)
        article = tree.xpath("//article")[0]
        assert len(data) <= MAX_BYTES and sum(1 for _ in tree.iter()) <= MAX_NODES, url
        assert len(article.xpath(".//div[contains(@class, 'kb-claim')]")) <= LIMIT, f"{url}: at most {LIMIT} claims"
        if url in REGISTRY_PAGES:
            continue  # a row per place, organization or topic: they grow with the registries, not the sources
        assert len(article.xpath(".//tbody/tr")) <= LIMIT, f"{url}: at most {LIMIT} rows"
        assert len(article.xpath(".//ul/li")) <= 2 * LIMIT, f"{url}: bounded lists (entries, backlinks)"
    assert len(kb.sources) > LIMIT and len(kb.bib) > LIMIT


def reachable_claims(site: Path, start: str, within: str) -> set[str]:
    """'<source slug>#<claim id>' of every claim block reached from `start` by plain links
    between pages under `within` (no JavaScript: the claim explorer is not used)."""
    seen, queue, claims = {start}, deque([start]), set()
    while queue:
        url = queue.popleft()
        article = page_of(site, url).xpath("//article")[0]
        for link in article.xpath(".//div[contains(@class, 'kb-claim')]//a[@class='kb-claim-source']/@href"):
            file, fragment = resolve(site, url, link)
            claims.add(f"{file.parent.name}#{fragment.removeprefix('claim-')}")
        for href in article.xpath(".//a/@href"):
            file, _ = resolve(site, url, href)
            target = file.parent.relative_to(site).as_posix() + "/" if file.name == "index.html" else None
            if target and target.startswith(within) and target not in seen and file.is_file():
                seen.add(target)
                queue.append(target)
    return claims


def test_every_claim_is_reachable_by_links_from_its_pages(paged):
    site, result = paged
    d = result.derived
    kinds = [("topics", d.by_topic), ("places", d.by_place), ("organizations", d.by_organization)]
    split = 0
    for section, claims_of in kinds:
        for slug, refs in claims_of.items():
            start = f"{section}/{slug}/"
            split += len(refs) > LIMIT
            assert reachable_claims(site, start, start) == {ref.ref for ref in refs}, start
    assert split >= 3, "the test covers split pages"
    assert reachable_claims(site, "timeline/", "timeline/") == {ref.ref for ref in d.timeline}


def test_a_split_page_shows_latest_and_most_corroborated_and_links_each_year(paged):
    site, result = paged
    slug, refs = max(result.derived.by_topic.items(), key=lambda item: len(item[1]))
    article = page_of(site, f"topics/{slug}/").xpath("//article")[0]
    headings = [h.text_content().strip("¶ ") for h in article.xpath(".//h3")]
    assert headings[:1] == ["Latest claims"] and "Claims by year" in headings
    years = {str(ref.claim.date.year) if ref.claim.date else "undated" for ref in refs}
    held = {a.get("data-kb-holds"): a.get("href") for a in article.xpath(".//a[@data-kb-holds]")}
    assert set(held) == years, "an old #<year> link finds its year's page"
    for year, href in held.items():
        file, _ = resolve(site, f"topics/{slug}/", href)
        assert file.is_file() and file.parent.name == year
    assert article.xpath(".//*[@data-kb-moved]/@data-kb-source") == ["../../sources/SLUG/#claim-ID"]


def test_claims_on_list_pages_have_anchors_the_redirect_script_understands(paged):
    site, result = paged
    page = page_of(site, "timeline/")
    year_page = page.xpath("//article//a[@data-kb-holds]/@href")[0]
    file, _ = resolve(site, "timeline/", year_page)
    ids = lxml.html.fromstring(file.read_bytes()).xpath("//div[contains(@class, 'kb-claim')]/@id")
    known = {f"claim-{ref.page.slug}--{ref.claim.id}" for ref in result.derived.timeline}
    assert ids and set(ids) <= known


def test_a_page_limit_that_is_not_a_number_is_one_line(tmp_path):
    env = {"PYTHONPATH": str(ROOT / "scripts"), "KB_PAGE_CLAIMS": "many", "PATH": "/usr/bin:/bin"}
    run = subprocess.run([sys.executable, "-m", "kb", "--root", str(ROOT), "generate", str(tmp_path / "out")],
                         capture_output=True, text=True, env=env)
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert "KB_PAGE_CLAIMS" in run.stderr and "'many'" in run.stderr and "e.g. 150" in run.stderr


def test_the_pdf_still_prints_every_claim_from_the_pages_by_year(paged):
    """scripts/pdf.py takes every page of the site: the year pages bring every claim in."""
    from printing.site import collect

    site, result = paged
    document = collect(site, jobs=1)
    lines = {page.path: page.html.count('class="kb-print-claim"') for page in document.pages}
    assert sum(n for path, n in lines.items() if path.startswith("timeline/")) == len(result.derived.timeline)
    for slug, refs in result.derived.by_topic.items():
        if len(refs) > LIMIT:
            by_year = sum(n for path, n in lines.items() if path.startswith(f"topics/{slug}/") and path != f"topics/{slug}/")
            assert by_year == len(refs), f"topics/{slug}/: every claim printed once on its pages by year"


def test_list_pages_link_into_the_claim_explorer_with_their_filter_set(monkeypatch):
    """The explorer is a page kind of its own (kb/explorer.py, claims/index.md): each list page
    links to it with its filter set (the shared contract); without it, no page would."""
    from kb import paths, render

    seed = build(ROOT)
    assert "claims/index.md" in seed.renderer().pages()
    without = [kind for kind in render.PAGE_KINDS if paths.EXPLORER not in dict(kind(seed.renderer()))]
    monkeypatch.setattr(render.renderer, "PAGE_KINDS", without)
    assert "claim explorer" not in seed.renderer().pages()["topics/border-security.md"]
    monkeypatch.setattr(render.renderer, "PAGE_KINDS", [*without, lambda r: [(paths.EXPLORER, lambda: "# Claims\n")]])
    monkeypatch.setenv(paths.PAGE_CLAIMS_VARIABLE, "10")
    pages = seed.renderer().pages()
    assert '<a href="../../claims/?topic=border-security">' in pages["topics/border-security.md"]
    assert '<a href="../../claims/?place=hyesan">' in pages["places/hyesan.md"]
    assert '<a href="../../../claims/?topic=border-security&amp;event_from=2024&amp;event_to=2024">' in pages["topics/border-security/2024.md"]
    assert '<a href="../../claims/?event_from=2020&amp;event_to=2020">' in pages["timeline/2020.md"]


def test_the_checks_know_every_split_page_before_rendering(monkeypatch):
    """`paths.generated_paths` (a hand-written page must not take a generated page's place)
    lists exactly the pages the renderer writes, split ones included."""
    from kb import paths

    monkeypatch.setenv(paths.PAGE_CLAIMS_VARIABLE, "5")
    seed = build(ROOT)
    written = set(seed.renderer().pages())
    assert any(path.count("/") == 3 for path in written), "some year is split into numbered pages"
    assert written == paths.generated_paths(seed.kb)
