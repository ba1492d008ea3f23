"""Following the knowledge base, on a real strict build: the What's new page, the Atom feed
(checked with feedparser and against the requirements of RFC 4287), the feed's link in every
page's head, and "Last updated" in every page and in sitemap.xml.

The build is of the real content in a repository of its own, committed at known moments: the
registries, hand-written pages and four sources (C1), a fifth source (C2), a corrected claim (C3).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from urllib.parse import urljoin

import feedparser
import pytest
from bs4 import BeautifulSoup
from gitrepo import commit, edit, init
from kbtest import run_build
from lxml import etree

import bench
from kb.feed import NO_SITE_URL, atom
from kb.history import unknown
from kb.render import html_url
from kb.whats_new import whats_new

SITE_URL = "https://example.org/kb/"
LATER = "asiapress-2024-02-frozen-border"
CORRECTED = "dailynk-2020-11-mss-arrest-order"
C1, C2, C3 = "2025-01-10T09:00:00+00:00", "2025-02-20T18:00:00-05:00", "2025-03-30T08:00:00+00:00"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict:
    root = bench.copy_project_content(tmp_path_factory.mktemp("following") / "kb")
    edit(root, "mkdocs.yml", "site_url: ''", f"site_url: {SITE_URL}")  # the copy has SITE_URL resolved (unset)
    later = [f"docs/sources/{LATER}.md", f"bib/{LATER}.bib"]
    held = {rel: (root / rel).read_bytes() for rel in later}
    for rel in later:
        (root / rel).unlink()
    init(root)
    commit(root, ["."], C1, "everything but one source")
    for rel, content in held.items():
        (root / rel).write_bytes(content)
    commit(root, later, C2, "a fifth source")
    edit(root, f"docs/sources/{CORRECTED}.md", "in order to tighten control", "so as to tighten control")
    commit(root, [f"docs/sources/{CORRECTED}.md"], C3, "a claim corrected")
    site = tmp_path_factory.mktemp("site")
    with pytest.MonkeyPatch.context() as env:
        env.delenv("SOURCE_DATE_EPOCH", raising=False)  # the dates must come from the commits
        result = run_build(root / "mkdocs.yml", site)
    assert result.returncode == 0, f"strict build failed:\n{result.stdout}\n{result.stderr}"
    return {"root": root, "site": site, "sources": sorted(p.stem for p in (root / "docs" / "sources").glob("*.md"))}


def pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("index.html") if "pagefind" not in p.parts)


def url_of(site: Path, page: Path) -> str:
    return SITE_URL + page.parent.relative_to(site).as_posix().removeprefix(".") + ("/" if page.parent != site else "")


def test_the_feed_parses_and_lists_every_source(built):
    parsed = feedparser.parse((built["site"] / "feed.xml").read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    added = {e.link.removeprefix(SITE_URL + "sources/").rstrip("/") for e in parsed.entries if e.title.startswith("Added: ")}
    assert added == set(built["sources"])
    changed = [e for e in parsed.entries if e.title.startswith("Claims changed: ")]
    assert [e.link for e in changed] == [f"{SITE_URL}sources/{CORRECTED}/#claim-party-order-to-arrest-defectors-and-brokers"]
    assert changed[0].summary == "Corrected party-order-to-arrest-defectors-and-brokers."
    assert parsed.entries[0] is changed[0] and parsed.feed.updated == "2025-03-30T08:00:00Z"
    later = next(e for e in parsed.entries if e.link.endswith(f"/{LATER}/"))
    assert later.updated == later.published == "2025-02-20T18:00:00-05:00"


def test_the_feed_meets_the_requirements_of_rfc_4287(built):
    """What RFC 4287 says a feed and its entries MUST have (sections 4.1.1, 4.1.2, 4.2.6, 3.3)."""
    feed = etree.parse(str(built["site"] / "feed.xml")).getroot()
    assert feed.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert len(feed.findall(f"{ATOM}{name}")) == 1, name
    assert feed.find(f"{ATOM}author/{ATOM}name").text
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == SITE_URL + "feed.xml"
    ids = [feed.findtext(f"{ATOM}id")]
    for entry in feed.findall(f"{ATOM}entry"):
        for name in ("id", "title", "updated"):
            assert len(entry.findall(f"{ATOM}{name}")) == 1, (name, etree.tostring(entry))
        assert entry.find(f"{ATOM}link[@rel='alternate']") is not None
        assert entry.findtext(f"{ATOM}summary")  # no content element: a summary is then required
        ids.append(entry.findtext(f"{ATOM}id"))
        for stamp in [entry.findtext(f"{ATOM}updated"), entry.findtext(f"{ATOM}published")]:
            if stamp is not None:  # RFC 3339, with its time zone
                assert dt.datetime.fromisoformat(stamp).tzinfo is not None, stamp
    assert len(ids) == len(set(ids)) and all(i.startswith("urn:uuid:") for i in ids)  # absolute IRIs, unique


def test_every_page_links_the_feed_in_its_head(built):
    site = built["site"]
    for page in [*pages(site), site / "404.html"]:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "lxml")
        links = soup.head.select('link[rel~="alternate"][type="application/atom+xml"]')
        assert len(links) == 1, page
        base = url_of(site, page) if page.name == "index.html" else SITE_URL
        assert urljoin(base, links[0]["href"]) == SITE_URL + "feed.xml", page


def test_whats_new_lists_the_changes_newest_first(built):
    soup = BeautifulSoup((built["site"] / "whats-new" / "index.html").read_text(encoding="utf-8"), "lxml")
    article = soup.select_one("article.md-content__inner")
    days = [h for h in article.find_all("h2") if re.fullmatch(r"\d{4}-\d\d-\d\d", h.get_text(strip=True).rstrip("¶"))]
    assert [h.get_text(strip=True).rstrip("¶") for h in days] == ["2025-03-30", "2025-02-20", "2025-01-10"]
    items = [li.get_text(" ", strip=True) for day in days for li in day.find_next_sibling("ul").find_all("li")]
    assert items[0].startswith("Claims changed:") and "corrected party-order-to-arrest-defectors-and-brokers" in items[0]
    assert items[1].startswith("Added: North Korea tightens watch on border residents")
    assert len(items) == 1 + len(built["sources"])
    assert article.find("a", string="Atom feed")["href"] == "../feed.xml"
    nav = [a.get_text(strip=True) for a in soup.select("nav.md-nav--primary a.md-nav__link")]
    assert "What's new" in nav


def test_last_updated_in_every_page_and_in_the_sitemap(built):
    site = built["site"]
    sitemap = etree.parse(str(site / "sitemap.xml")).getroot()
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    lastmod = {u.findtext("s:loc", namespaces=ns): u.findtext("s:lastmod", namespaces=ns) for u in sitemap.findall("s:url", ns)}
    all_pages = pages(site)
    assert set(lastmod) == {url_of(site, page) for page in all_pages}  # every page, by its full address
    for page in all_pages:
        shown = BeautifulSoup(page.read_text(encoding="utf-8"), "lxml").select_one(".kb-updated time")
        assert shown is not None and shown["datetime"] == shown.get_text() == lastmod[url_of(site, page)], page
    assert lastmod[f"{SITE_URL}sources/{LATER}/"] == "2025-02-20"  # the committer's day (23:00 UTC)
    assert lastmod[f"{SITE_URL}sources/{CORRECTED}/"] == "2025-03-30"
    assert lastmod[f"{SITE_URL}about/method/"] == "2025-01-10"
    assert lastmod[f"{SITE_URL}sources/"] == "2025-03-30"


def test_without_a_site_url_the_feed_links_relatively_and_says_so(root):
    from kb import build

    result = build(root)
    feed = atom(result.kb, whats_new(result.kb, unknown(root)), title="T", site_url="", page_url=lambda p: html_url(p, True))
    assert feed.splitlines()[1] == f"<!--{NO_SITE_URL}-->"
    parsed = feedparser.parse(feed.encode())
    assert not parsed.bozo and parsed.feed.links[0].href == "feed.xml"
