"""Reading the strictly built site: which pages it has, in the order readers see them, grouped in
sections, each read into a chapter (printing/chapter.py) and joined into one PrintDocument.

Every page under site/ is taken, not the MkDocs nav: the source pages are kept out of the nav,
so a nav-driven print plugin would miss them.
"""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from functools import partial
from pathlib import Path

from bs4 import BeautifulSoup, SoupStrainer, Tag

from .chapter import chapter
from .parts import PRINT_TEMPLATES
from .model import PrintDocument, PrintPage, Section, is_external, page_anchor, resolve_site_path, section_of

# Folders of site/ that hold no pages of the knowledge base (the claim explorer is interactive: every
# claim is on its topic and source pages; pagefind/ is the search index).
NOT_PAGES = {"search", "assets", "pdf", "print_page", "offline", "claims", "pagefind"}
# Chapters in this order; any other folder (e.g. a generated timeline or map) comes before the last ones.
FIRST_SECTIONS = ["", "about", "topics", "sources", "timeline", "map", "places", "organizations"]
LAST_SECTIONS = ["bibliography"]
SECTION_TITLES = {"": "Introduction", "about": "About this knowledge base", "topics": "Topics",
                  "sources": "Sources", "places": "Places", "organizations": "Organizations",
                  "bibliography": "Bibliography"}


def site_page_paths(site_dir: Path) -> list[str]:
    """Every page of the built site as a URL path ("" for home, "topics/x/"), 404 and search excluded."""
    paths = []
    for index in site_dir.rglob("index.html"):
        rel = index.parent.relative_to(site_dir).as_posix()
        path = "" if rel == "." else rel + "/"
        if path.split("/")[0] not in NOT_PAGES:
            paths.append(path)
    return sorted(paths)


def read_html(site_dir: Path, path: str, only_article: bool = False) -> BeautifulSoup:
    """A built page; with `only_article`, just its <article> (and <title>): 1,000 pages stay small and fast."""
    html = (site_dir / path / "index.html").read_text(encoding="utf-8")
    return BeautifulSoup(html, "lxml", parse_only=SoupStrainer(["article", "title"]) if only_article else None)


def link_order(soup: BeautifulSoup, path: str) -> list[str]:
    """The pages an index page links to, in its order: chapters follow the order readers see."""
    article = soup.find("article")
    order = []
    for a in article.find_all("a", href=True) if article else []:
        target = resolve_site_path(path, a["href"])
        if target is not None and target[0] not in order:
            order.append(target[0])
    return order


def ordered_sections(site_dir: Path, paths: list[str]) -> list[tuple[str, list[str]]]:
    """Group page paths by their top folder, in the order of FIRST_SECTIONS ... LAST_SECTIONS."""
    by_section: dict[str, list[str]] = {}
    for path in paths:
        by_section.setdefault(section_of(path), []).append(path)
    middle = sorted(set(by_section) - set(FIRST_SECTIONS) - set(LAST_SECTIONS))
    result = []
    for section in [*FIRST_SECTIONS, *middle, *LAST_SECTIONS]:
        members = by_section.get(section)
        if not members:
            continue
        index = section + "/" if section else ""
        order = link_order(read_html(site_dir, index, only_article=True), index) if index in members else []
        rank = {p: i for i, p in enumerate(order)}
        members.sort(key=lambda p: (p != index, rank.get(p, len(rank)), p))
        result.append((section, members))
    return result


def collect(site_dir: Path, jobs: int = 2) -> PrintDocument:
    """Read the built site into chapters grouped by section, with links rewritten for the joined page."""
    site_dir = site_dir.resolve()
    grouped = ordered_sections(site_dir, site_page_paths(site_dir))
    paths = [path for _, members in grouped for path in members]
    home = read_html(site_dir, "" if "" in paths else paths[0])
    site_url = _site_url(home)
    anchors = {path: page_anchor(path) for path in paths}
    # Each page is read and rewritten on its own, so the pages are shared out between processes:
    # parsing and rewriting 1,000 source pages is pure Python, one core's work otherwise.
    with ProcessPoolExecutor(max_workers=max(1, min(jobs, len(paths)))) as pool:
        chapters = dict(zip(paths, pool.map(partial(read_chapter, site_dir, anchors, site_url), paths, chunksize=16)))
    sections = [
        Section(SECTION_TITLES.get(name, name.replace("-", " ").capitalize()), [chapters[path] for path in members])
        for name, members in grouped
    ]
    body = home.body
    return PrintDocument(
        site_name=_meta(home, "site_name") or (home.title.get_text(strip=True) if home.title else "Knowledge base"),
        description=_meta(home, "description"),
        licence=_text(home.select_one(".md-copyright__highlight")),
        site_url=site_url,
        lang=(home.html.get("lang") if home.html else None) or "en",
        stylesheets=[_asset_uri(site_dir, link["href"]) for link in home.select('link[rel="stylesheet"][href]')]
        + [(PRINT_TEMPLATES / "print.css").as_uri()],
        body_attrs={k: v for k, v in (body.attrs.items() if body else []) if k.startswith("data-md-color") or k == "dir"},
        sections=sections,
    )


def read_chapter(site_dir: Path, anchors: dict[str, str], site_url: str, path: str) -> PrintPage:
    """One page of the site, read and rewritten as a chapter (in a worker process of `collect`)."""
    return chapter(read_html(site_dir, path, only_article=True), path, anchors, site_url, site_dir)


def broken_internal_links(document: PrintDocument) -> list[str]:
    """Links to an id that the joined document does not have (should be none after a strict build)."""
    ids = {i for page in document.pages for i in page.ids}
    return sorted({f"#{target}" for page in document.pages for target in page.links if target not in ids})


def _site_url(home: BeautifulSoup) -> str:
    canonical = home.select_one('link[rel="canonical"][href]')
    return canonical["href"] if canonical else ""


def _meta(soup: BeautifulSoup, name: str) -> str:
    if name == "site_name":
        topic = soup.select_one(".md-header__title .md-header__topic .md-ellipsis")
        return _text(topic)
    tag = soup.find("meta", attrs={"name": name})
    return tag.get("content", "").strip() if tag else ""


def _text(tag: Tag | None) -> str:
    return " ".join(tag.get_text(" ", strip=True).split()) if tag else ""


def _asset_uri(site_dir: Path, href: str) -> str:
    return href if is_external(href) else (site_dir / href.split("?")[0]).resolve().as_uri()
