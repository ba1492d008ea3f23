"""`make pdf`: the whole knowledge base as one PDF, written to site/pdf/<name>.pdf.

The input is the strictly built site, so the PDF shows exactly what readers see. Each page's
<article> is read from site/ with BeautifulSoup; every id and in-page link is prefixed per page
(footnote ids `fn:`/`fnref:` and claim anchors stay unique once the pages are joined), links between
pages become links inside the document, and the pages are joined into one print page with a cover,
a table of contents (scripts/print/); the bibliography is the site's own generated page. Source pages are not in the MkDocs nav,
so a nav-driven print plugin would miss them: every page under site/ is taken instead.

Claims listed on topic, place, organization and timeline pages are printed on one line each, linking
to the claim printed in full on its source page. Debian's chromium prints the document in parts of a
few MB (headless, --print-to-pdf, two at a time): one print of 66 MB did not finish in 5.5 minutes
and 9.6 GB at 1,000 sources. pikepdf joins the parts, keeping every named destination so that links
across parts work, and stamps the page numbers. Chromium cannot number a table of contents, so the
cover and contents are printed again with the pages of the chapters in the merged PDF. The
measurements behind these choices are in docs/about/offline.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
import warnings
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from bs4 import BeautifulSoup, SoupStrainer, Tag
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

ROOT = Path(__file__).resolve().parent.parent
PRINT_TEMPLATES = Path(__file__).resolve().parent / "print"
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
# The merged PDF has no structure tree (pikepdf does not join them), so chromium need not build one:
# untagged, a part prints with half the memory and half the file size (and without bookmarks, which
# chromium makes from the tags: merge_parts makes them from the chapters).
PRINT_FLAGS = ["--no-pdf-header-footer", "--disable-pdf-tagging"]

# Folders of site/ that hold no pages of the knowledge base (the claim explorer is interactive: the PDF
# has every claim on its topic and source pages).
NOT_PAGES = {"search", "assets", "pdf", "print_page", "offline", "claims"}
# Chapters in this order; any other folder (e.g. a generated timeline or map) comes before the last ones.
FIRST_SECTIONS = ["", "about", "topics", "sources", "timeline", "map", "places", "organizations"]
LAST_SECTIONS = ["bibliography"]
SECTION_TITLES = {"": "Introduction", "about": "About this knowledge base", "topics": "Topics",
                  "sources": "Sources", "places": "Places", "organizations": "Organizations",
                  "bibliography": "Bibliography"}
# Sections whose claims are printed in full; elsewhere a claim is one line linking to it (compact_claims).
FULL_CLAIM_SECTIONS = {"sources"}
PLACEHOLDER_PAGE_NUMBER = "000"
# Attributes that name another element by id, and so must be prefixed like the ids themselves.
ID_REFERENCES = ("for", "aria-labelledby", "aria-describedby", "aria-controls", "aria-owns")
URL_REFERENCE = re.compile(r"url\(\s*(['\"]?)#([^)'\"]+)\1\s*\)")


@dataclass
class PrintPage:
    """One page of the site as a chapter of the print document."""

    path: str  # its URL path under the site: "" for home, "sources/<slug>/"
    title: str
    html: str = ""
    anchor: str = field(init=False)
    ids: set[str] = field(default_factory=set)  # every id of the chapter, prefixed
    links: set[str] = field(default_factory=set)  # every id of the document the chapter links to

    def __post_init__(self) -> None:
        self.anchor = page_anchor(self.path)


@dataclass
class Section:
    title: str
    pages: list[PrintPage]


def page_anchor(path: str) -> str:
    return "page:" + (path.strip("/") or "home")


# --- Reading the built site -------------------------------------------------------------------


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


def resolve_site_path(page_path: str, href: str) -> tuple[str, str] | None:
    """(site path, fragment) of a relative link from a page, or None for external and in-page links."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    target = urljoin("/" + page_path, unquote(parts.path)).lstrip("/")
    if target.endswith("index.html"):
        target = target[: -len("index.html")]
    return target, unquote(parts.fragment)


def section_of(path: str) -> str:
    return path.split("/")[0]


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


# --- Turning one page into a chapter ---------------------------------------------------------


def article_of(soup: BeautifulSoup, path: str) -> Tag:
    article = soup.find("article")
    if article is None:
        raise SystemExit(f"site/{path}index.html has no <article>: is this a Material for MkDocs build?")
    # Screen-only: per-page "Cite this page" boxes (the PDF has the How to cite chapter) and
    # "Pages that link here" (at 1,000 sources a topic's list repeats its Sources list, pages long).
    for tag in article.select("a.headerlink, .md-content__button, .md-source-file, .md-feedback,"
                              " details.kb-cite, #pages-that-link-here, ul.kb-backlinks"):
        tag.decompose()
    for details in article.find_all("details"):
        details["open"] = ""  # quotes folded on screen are printed open
    return article


def page_title(article: Tag, soup: BeautifulSoup) -> str:
    h1 = article.find("h1")
    if h1 is not None:
        return h1.get_text(" ", strip=True)
    return soup.title.get_text(strip=True) if soup.title else "Untitled"


def prefix_ids(article: Tag, anchor: str) -> set[str]:
    """Make every id unique in the joined document, with the references to it (labels, SVG url(#x)).
    Returns the new ids."""
    ids = set()
    for tag in article.find_all(True):
        if tag.has_attr("id"):
            tag["id"] = f"{anchor}:{tag['id']}"
            ids.add(tag["id"])
        for name in ID_REFERENCES:
            if tag.has_attr(name):
                value = tag[name] if isinstance(tag[name], str) else " ".join(tag[name])
                tag[name] = " ".join(f"{anchor}:{ref}" for ref in value.split())
        if tag.name == "input" and tag.has_attr("name"):
            tag["name"] = f"{anchor}:{tag['name']}"  # content tabs: radio groups stay per page
        for name, value in list(tag.attrs.items()):
            if isinstance(value, str) and "url(" in value:
                tag[name] = URL_REFERENCE.sub(lambda m: f"url(#{anchor}:{m.group(2)})", value)
    return ids


def is_external(href: str) -> bool:
    parts = urlsplit(href)
    return bool(parts.scheme or parts.netloc)


def mark_external(a: Tag) -> None:
    """Print the address after an external link, unless the link text already is that address."""
    href = a["href"]
    shown = a.get_text(strip=True)
    if shown.rstrip("/") != href.rstrip("/") and shown.rstrip("/") != href.split("://", 1)[-1].rstrip("/"):
        a["class"] = [*a.get("class", []), "kb-print-external"]


def rewrite_links(article: Tag, page: PrintPage, anchors: dict[str, str], site_url: str) -> None:
    """In-page links get the page's prefix; links to other pages point into the joined document.
    The ids linked to are added to `page.links`."""
    for a in article.find_all("a", href=True):
        href = a["href"]
        if is_external(href):
            mark_external(a)
        elif href.startswith("#"):
            fragment = unquote(href[1:])
            a["href"] = f"#{page.anchor}:{fragment}" if fragment else f"#{page.anchor}"
        else:
            target, fragment = resolve_site_path(page.path, href) or ("", "")
            target_anchor = anchors.get(target) or anchors.get(target + "/")
            if target_anchor:
                a["href"] = f"#{target_anchor}:{fragment}" if fragment else f"#{target_anchor}"
            elif site_url:
                a["href"] = urljoin(site_url, target)  # a file of the site (e.g. the PDF itself): online copy
                mark_external(a)
            else:
                del a["href"]  # nowhere to go on paper
        if a.get("href", "").startswith("#"):
            page.links.add(unquote(a["href"][1:]))


def rewrite_assets(article: Tag, page: PrintPage, site_dir: Path) -> None:
    """Images and SVG figures load from the built site by absolute file:// URI."""
    def uri(ref: str) -> str:
        resolved = resolve_site_path(page.path, ref)
        return (site_dir / resolved[0]).resolve().as_uri() if resolved else ref

    for tag in article.find_all(["img", "source", "video", "audio", "iframe", "embed"], src=True):
        tag["src"] = uri(tag["src"])
    for tag in article.find_all("object", data=True):
        tag["data"] = uri(tag["data"])
    for tag in article.find_all(srcset=True):
        tag["srcset"] = ", ".join(
            " ".join([uri(item.split()[0]), *item.split()[1:]]) for item in tag["srcset"].split(",") if item.strip()
        )
    for tag in article.find_all("image"):
        for name in ("href", "xlink:href"):
            if tag.has_attr(name) and not tag[name].startswith(("#", "data:")):
                tag[name] = uri(tag[name])


def compact_claims(article: Tag, soup: BeautifulSoup) -> None:
    """Claims listed on topic, place, organization and timeline pages as one line each.

    Every claim is printed in full (quote, status, citation) on its source page; a list page only
    needs its date, its text and a link to it there. This makes those pages several times shorter,
    which is most of the document at 1,000 sources. The footnotes that only these claims used go too.
    """
    for claim in article.select("div.kb-claim"):
        paragraphs = claim.find_all("p", recursive=False)
        if len(paragraphs) < 2:
            continue
        meta, text = paragraphs[0], paragraphs[1]
        line = soup.new_tag("p", attrs={"class": "kb-print-claim"})
        date, source = meta.find("strong"), meta.find("a", class_="kb-claim-source")
        if date is not None:
            line.append(date)
            line.append(" · ")
        for sup in text.select("sup[id]"):
            sup.decompose()
        line.extend(list(text.contents))
        if source is not None:
            line.append(" — ")
            line.append(source)
        claim.replace_with(line)
    drop_unused_footnotes(article)


def drop_unused_footnotes(article: Tag) -> None:
    """Footnotes whose references were all removed go; the others keep their number (`value`)."""
    ids = {tag["id"] for tag in article.find_all(id=True)}
    for footnotes in article.select("div.footnote"):
        for number, li in enumerate(footnotes.select("ol > li"), start=1):
            backrefs = li.select("a.footnote-backref")
            for backref in backrefs:
                if backref.get("href", "")[1:] not in ids:
                    backref.decompose()
            if backrefs and not li.select("a.footnote-backref"):
                li.decompose()
            else:
                li["value"] = str(number)
        if not footnotes.select("li"):
            footnotes.decompose()


# --- The joined document ----------------------------------------------------------------------


@dataclass
class PrintDocument:
    site_name: str
    description: str
    licence: str
    site_url: str
    lang: str
    stylesheets: list[str]
    body_attrs: dict[str, str]
    sections: list[Section]

    @property
    def pages(self) -> list[PrintPage]:
        return [page for section in self.sections for page in section.pages]


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
        chapters = dict(zip(paths, pool.map(partial(chapter, site_dir, anchors, site_url), paths, chunksize=16)))
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


def chapter(site_dir: Path, anchors: dict[str, str], site_url: str, path: str) -> PrintPage:
    """One page of the site, read and rewritten as a chapter of the joined document."""
    soup = read_html(site_dir, path, only_article=True)
    article = article_of(soup, path)
    page = PrintPage(path, page_title(article, soup))
    if section_of(path) not in FULL_CLAIM_SECTIONS:
        compact_claims(article, soup)
    page.ids = prefix_ids(article, page.anchor) | {page.anchor}
    rewrite_links(article, page, anchors, site_url)
    rewrite_assets(article, page, site_dir)
    page.html = article.decode_contents()
    return page


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


def broken_internal_links(document: PrintDocument) -> list[str]:
    """Links to an id that the joined document does not have (should be none after a strict build)."""
    ids = {i for page in document.pages for i in page.ids}
    return sorted({f"#{target}" for page in document.pages for target in page.links if target not in ids})


def css_string(value: str) -> Markup:
    """A CSS string for the page's <style>, whose text is not HTML: Jinja's entities (&#34;) would stay
    literal there, so the string is escaped for CSS instead (`<` too, so that it cannot close the style)."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ").replace("<", "\\3c ")
    return Markup('"' + escaped + '"')


# --- Parts: the document printed in pieces ----------------------------------------------------


@dataclass
class Part:
    """A piece of the document printed by one chromium run: the cover and contents, or a run of chapters."""

    pages: list[PrintPage]
    front: bool = False
    targets: list[str] = field(default_factory=list)  # its ids that other parts link to
    foreign: list[str] = field(default_factory=list)  # ids of other parts that it links to

    @property
    def anchors(self) -> set[str]:
        return {page.anchor for page in self.pages}


def split_into_parts(document: PrintDocument, max_bytes: int) -> list[Part]:
    """The cover and contents alone (reprinted cheaply with the page numbers), then the chapters in
    order, cut between chapters into parts of at most `max_bytes` of HTML (one chapter may exceed it).

    Chromium's time and memory grow faster than the size of the page it prints: 66 MB at once needed
    more than 9.6 GB; parts of a few MB print with a few hundred MB each.
    """
    parts = [Part([], front=True)]
    size = max_bytes
    for page in document.pages:
        if size + len(page.html) > max_bytes and size:
            parts.append(Part([]))
            size = 0
        parts[-1].pages.append(page)
        size += len(page.html)
    part_of = {page.anchor: number for number, part in enumerate(parts) for page in part.pages}
    targets: list[set[str]] = [set() for _ in parts]
    foreign: list[set[str]] = [set() for _ in parts]
    for page in document.pages:
        here = part_of[page.anchor]
        for target in page.links:
            owner = part_of.get(owner_anchor(target))
            if owner is not None and owner != here:
                targets[owner].add(target)
                foreign[here].add(target)
        targets[here].add(page.anchor)  # the table of contents links to every chapter
        foreign[0].add(page.anchor)
    for part, wanted, linked in zip(parts, targets, foreign):
        part.targets, part.foreign = sorted(wanted), sorted(linked)
    return parts


def owner_anchor(target: str) -> str:
    """The chapter an id belongs to: `page:sources/x:claim-y` -> `page:sources/x` (paths have no colon)."""
    return ":".join(target.split(":", 2)[:2])


def render_document(document: PrintDocument, page_numbers: dict[str, int], build_date: str,
                    part: Part | None = None) -> str:
    """The print page of one part, or with no part the whole joined document (kept for inspection)."""
    env = Environment(loader=FileSystemLoader(PRINT_TEMPLATES), autoescape=select_autoescape(["j2", "html"]),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["css_string"] = css_string
    part = part or Part(document.pages, front=True)
    printed = []
    for page in part.pages:
        markup = PrintPage(page.path, page.title)
        markup.html = Markup(page.html)
        printed.append(markup)
    return env.get_template("print.html.j2").render(
        site_name=document.site_name, description=document.description, licence=document.licence,
        site_url=document.site_url, lang=document.lang, stylesheets=document.stylesheets,
        body_attrs=document.body_attrs, toc=document.sections if part.front else None, pages=printed,
        targets=part.targets, foreign=part.foreign, page_numbers=page_numbers,
        placeholder=PLACEHOLDER_PAGE_NUMBER, build_date=build_date,
    )


# --- Printing ---------------------------------------------------------------------------------


def find_chromium() -> str:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        raise SystemExit("chromium is not installed: apt-get install chromium poppler-utils fonts-nanum")
    return path


def print_to_pdf(chromium: str, html_file: Path, pdf_file: Path, timeout: int = 3600) -> None:
    """Debian's chromium, headless, prints the page, untagged; no header or footer of its own."""
    pdf_file.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="kb-chromium-") as profile:
        command = [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *PRINT_FLAGS,
                   f"--print-to-pdf={pdf_file}", html_file.resolve().as_uri()]
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    if not pdf_file.exists() or pdf_file.stat().st_size == 0:
        raise SystemExit(f"chromium wrote no PDF (exit {result.returncode}):\n{result.stderr[-2000:]}")


def page_count(pdf_file: Path) -> int:
    out = subprocess.run(["pdfinfo", str(pdf_file)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", out, re.M).group(1))


# --- Merging the parts ------------------------------------------------------------------------


def merge_parts(part_files: list[Path], parts: list[Part], sections: list[Section], pdf_file: Path) -> dict[str, int]:
    """One PDF of the parts, with pikepdf (qpdf): the pages in order, one catalog /Dests with every
    part's named destinations, bookmarks, page numbers. Returns the page (1-based) of every named
    destination. A link to another part needs nothing: chromium wrote it as a link to the
    destination's name (the part had a stand-in for the id), and the name is now defined. The stand-ins'
    own destinations, and the invisible links that made chromium write the part's destinations, are
    left out. (pypdf took more than 4 minutes to merge the parts of 1,000 sources; pikepdf seconds.)
    """
    import pikepdf

    merged = pikepdf.new()
    dests = pikepdf.Dictionary()
    pages_of: dict[str, int] = {}
    opened = []
    for part_file, part in zip(part_files, parts):
        source = pikepdf.open(part_file)
        opened.append(source)
        first = len(merged.pages)
        index_of = {page.obj.objgen: number for number, page in enumerate(source.pages)}
        _drop_target_links(source.pages[0])
        with warnings.catch_warnings():
            # It warns that named destinations are not carried: they are, below. (add_pages_from
            # would carry them, but rename the stand-ins' names that collide with the real ones.)
            warnings.simplefilter("ignore", pikepdf.PageCopyWarning)
            merged.pages.extend(source.pages)
        for name, dest in source.Root.get("/Dests", pikepdf.Dictionary()).items():
            if _kept_destination(name, part, dests):
                number = first + index_of[dest[0].objgen]
                dests[name] = pikepdf.Array([merged.pages[number].obj, *list(dest)[1:]])
                pages_of[name[1:]] = number + 1
    merged.Root.Dests = merged.make_indirect(dests)
    with merged.open_outline() as outline:
        outline.root.extend(chapter_outline(sections, pages_of))
    merged.Root.PageMode = pikepdf.Name.UseOutlines
    stamp_page_numbers(merged)
    merged.save(pdf_file)
    for source in opened:
        source.close()
    return pages_of


def _kept_destination(name: str, part: Part, taken) -> bool:
    """A part's named destination goes into the merged PDF if it is an id of one of the part's own
    chapters, or a document-level id no part has given yet; the stand-ins for ids of other parts go."""
    owner = owner_anchor(name[1:])
    return owner in part.anchors or (not owner.startswith("page:") and name not in taken)


def destination_pages(part_files: list[Path], parts: list[Part]) -> dict[str, int]:
    """The page (1-based) every named destination will have in the merged PDF, read from the parts
    without merging them: the page numbers for the table of contents cost seconds, not a merge."""
    import pikepdf

    pages_of: dict[str, int] = {}
    taken: set[str] = set()
    first = 0
    for part_file, part in zip(part_files, parts):
        with pikepdf.open(part_file) as source:
            index_of = {page.obj.objgen: number for number, page in enumerate(source.pages)}
            for name, dest in source.Root.get("/Dests", pikepdf.Dictionary()).items():
                if _kept_destination(name, part, taken):
                    taken.add(name)
                    pages_of[name[1:]] = first + index_of[dest[0].objgen] + 1
            first += len(source.pages)
    return pages_of


# The page number at the bottom right, as print.css placed it when chromium printed the whole document
# in one run (its counter restarts in every part): 9 pt, grey, right-aligned 16 mm from the edge, in
# the middle of the 20 mm bottom margin. Helvetica is one of the 14 fonts every PDF reader has; its
# digits are all 0.556 em wide, which right-aligns them without measuring.
NUMBER_SIZE, NUMBER_RIGHT, NUMBER_BASELINE, DIGIT_WIDTH = 9, 16 * 72 / 25.4, 10 * 72 / 25.4 - 3, 0.556


def stamp_page_numbers(pdf) -> None:
    """Write each page's number in its footer; the cover (page 1) has none."""
    import pikepdf

    font = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                BaseFont=pikepdf.Name.Helvetica, Encoding=pikepdf.Name.WinAnsiEncoding))
    for number, page in enumerate(pdf.pages, start=1):
        if number == 1:
            continue
        name = page.add_resource(font, pikepdf.Name.Font, prefix="KbPageNumber")
        left, bottom, right, _ = (float(v) for v in page.mediabox)
        x = right - NUMBER_RIGHT - DIGIT_WIDTH * NUMBER_SIZE * len(str(number))
        page.contents_add(pdf.make_stream(b"q\n"), prepend=True)
        text = f"Q q 0.2 g BT {name} {NUMBER_SIZE} Tf {x:.2f} {bottom + NUMBER_BASELINE:.2f} Td ({number}) Tj ET Q\n"
        page.contents_add(pdf.make_stream(text.encode("ascii")))


def _drop_target_links(page) -> None:
    """The links of the `kb-print-targets` block (top left of a part's first page, under 2 pt)."""
    import pikepdf

    if "/Annots" not in page.obj:
        return
    kept = []
    for annotation in page.obj.Annots:
        x1, y1, x2, y2 = (float(v) for v in annotation.Rect)
        if not (annotation.get("/Subtype") == pikepdf.Name.Link and abs(x2 - x1) < 2 and abs(y2 - y1) < 2):
            kept.append(annotation)
    page.obj.Annots = pikepdf.Array(kept)


def chapter_outline(sections: list[Section], pages_of: dict[str, int]) -> list:
    """Bookmarks: each section, and under it each chapter, at the page it starts on. (Chromium makes
    bookmarks from the headings only for a tagged PDF, and the parts are printed untagged.)"""
    import pikepdf

    outline = []
    for section in sections:
        chapters = [pikepdf.OutlineItem(page.title, pages_of[page.anchor] - 1) for page in section.pages]
        item = pikepdf.OutlineItem(section.title, pages_of[section.pages[0].anchor] - 1)
        item.children.extend(chapters)
        outline.append(item)
    return outline


# --- Making the PDF ---------------------------------------------------------------------------


def build_date() -> str:
    """Today (UTC), or SOURCE_DATE_EPOCH's date for a reproducible build."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = dt.datetime.fromtimestamp(int(epoch), dt.UTC) if epoch else dt.datetime.now(dt.UTC)
    return moment.strftime("%-d %B %Y")


def print_parts(document: PrintDocument, parts: list[Part], which: range, numbers: dict[str, int], date: str,
                work: Path, chromium: str, timings: dict[str, float], jobs: int) -> None:
    """Print the parts numbered in `which`, `jobs` chromium runs at a time. A part does not need the
    page count of the parts before it: the page numbers are stamped on the merged PDF."""
    def print_part(number: int) -> None:
        html_file = work / f"part-{number}.html"
        html_file.write_text(render_document(document, numbers, date, parts[number]), encoding="utf-8")
        print_to_pdf(chromium, html_file, work / f"part-{number}.pdf")

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(print_part, which))
    timings["print"] = timings.get("print", 0.0) + time.perf_counter() - started


def make_pdf(site_dir: Path, pdf_file: Path, html_file: Path | None = None,
             max_passes: int = 3, part_bytes: int = 4_000_000, jobs: int = 2) -> dict[str, float]:
    """Join the site, print it in parts and merge them; then reprint only the cover and contents with
    the page numbers the merged PDF gives, until they are stable. Returns timings."""
    timings: dict[str, float] = {}
    started = time.perf_counter()
    document = collect(site_dir, jobs)
    timings["join"] = time.perf_counter() - started
    if broken := broken_internal_links(document):
        print(f"warning: {len(broken)} internal link(s) lead nowhere in the PDF: {', '.join(broken[:5])}",
              file=sys.stderr)
    parts = split_into_parts(document, part_bytes)
    chromium = find_chromium()
    pdf_file.parent.mkdir(parents=True, exist_ok=True)
    date = build_date()
    numbers: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="kb-print-") as tmp:
        work = Path(tmp)
        part_files = [work / f"part-{n}.pdf" for n in range(len(parts))]
        print_parts(document, parts, range(len(parts)), numbers, date, work, chromium, timings, jobs)
        for _ in range(max_passes):
            started = time.perf_counter()
            destinations = destination_pages(part_files, parts)
            timings["merge"] = timings.get("merge", 0.0) + time.perf_counter() - started
            missing = [p.anchor for p in document.pages if p.anchor not in destinations]
            if missing:
                raise SystemExit(f"the PDF has no destination for {len(missing)} chapter(s): {', '.join(missing[:5])}")
            found = {p.anchor: destinations[p.anchor] for p in document.pages}
            if found == numbers:
                break
            numbers = found
            print_parts(document, parts, range(1), numbers, date, work, chromium, timings, jobs)
        else:
            print("warning: page numbers did not settle; the table of contents may be off by a page", file=sys.stderr)
            destinations = destination_pages(part_files, parts)
        started = time.perf_counter()
        merged = merge_parts(part_files, parts, document.sections, pdf_file)
        timings["merge"] += time.perf_counter() - started
        if merged != destinations:
            raise SystemExit("internal error: the merged PDF's destinations are not the ones counted in its parts")
    timings["parts"] = len(parts)
    if html_file is not None:
        html_file.parent.mkdir(parents=True, exist_ok=True)
        html_file.write_text(render_document(document, numbers, date), encoding="utf-8")
    return timings


# --- Command line -----------------------------------------------------------------------------


def default_root() -> Path:
    """The current folder when it has a mkdocs.yml (the benchmark's synthetic knowledge bases), else the project."""
    return Path.cwd() if (Path.cwd() / "mkdocs.yml").is_file() else ROOT


def project_name(root: Path) -> str:
    return tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]["name"]


def build_site(config: Path, site_dir: Path) -> None:
    """The strict build, told (KB_PDF) that a PDF will sit beside it, so pages link to it."""
    pdf = f"pdf/{project_name(config.parent)}.pdf"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(ROOT / "scripts"), "KB_PDF": pdf}
    result = subprocess.run([sys.executable, "-m", "properdocs", "build", "--strict", "-f", str(config), "-d", str(site_dir)],
                            env=env, cwd=config.parent)
    if result.returncode:
        raise SystemExit("the strict build failed (above): fix it, then run `make pdf` again")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=default_root(), help="content folder: mkdocs.yml, bib/ (default: the current one)")
    parser.add_argument("--site-dir", type=Path, help="built site to print (default: ROOT/site)")
    parser.add_argument("--no-build", action="store_true", help="print the site as it is, without `mkdocs build --strict`")
    parser.add_argument("--out", type=Path, help="PDF file (default: SITE/pdf/<project name>.pdf)")
    parser.add_argument("--keep-html", type=Path, help="also keep the joined print page at this path")
    parser.add_argument("--part-mb", type=float, default=4.0,
                        help="HTML per chromium run, in MB (default 4): smaller parts need less memory")
    parser.add_argument("--jobs", type=int, default=2, help="processes reading pages, and chromium runs, at a time (default 2)")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    site_dir = (args.site_dir or root / "site").resolve()
    out = (args.out or site_dir / "pdf" / f"{project_name(ROOT)}.pdf").resolve()
    started = time.perf_counter()
    if not args.no_build:
        build_site(root / "mkdocs.yml", site_dir)
    built = time.perf_counter() - started
    timings = make_pdf(site_dir, out, html_file=args.keep_html,
                       part_bytes=int(args.part_mb * 1e6), jobs=args.jobs)
    parts = int(timings.pop("parts"))
    details = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in timings.items()) + f" ({parts} parts)"
    build_note = "" if args.no_build else f"build {built:.1f} s, "
    print(f"Wrote {out} ({page_count(out)} pages, {out.stat().st_size / 1e6:.1f} MB): {build_note}{details}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
