"""`make pdf`: the whole knowledge base as one PDF, written to site/pdf/<name>.pdf.

The input is the strictly built site, so the PDF shows exactly what readers see. Each page's
<article> is read from site/ with BeautifulSoup; every id and in-page link is prefixed per page
(footnote ids `fn:`/`fnref:` and claim anchors stay unique once the pages are joined), links between
pages become links inside the document, and the pages are joined into one print page with a cover,
a table of contents and a bibliography (scripts/print/). Source pages are not in the MkDocs nav,
so a nav-driven print plugin would miss them: every page under site/ is taken instead.

Debian's chromium prints it (headless, --print-to-pdf). Chromium cannot number a table of contents,
so the page is printed twice: the named destinations of the first PDF (`pdfinfo -dests`) give the
page of every chapter, which the second print writes into the table of contents. The measurements
behind this choice are in docs/about/offline.md.
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
from copy import copy
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from bs4 import BeautifulSoup, SoupStrainer, Tag
from jinja2 import Environment, FileSystemLoader, select_autoescape

ROOT = Path(__file__).resolve().parent.parent
PRINT_TEMPLATES = Path(__file__).resolve().parent / "print"
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]

# Folders of site/ that hold no pages of the knowledge base.
NOT_PAGES = {"search", "assets", "pdf", "print_page", "offline"}
# Chapters in this order; any other folder (e.g. a generated timeline or map) comes before the last ones.
FIRST_SECTIONS = ["", "about", "topics", "sources", "timeline", "map", "places", "organizations"]
LAST_SECTIONS = ["bibliography"]
SECTION_TITLES = {"": "Introduction", "about": "About this knowledge base", "topics": "Topics",
                  "sources": "Sources", "places": "Places", "organizations": "Organizations",
                  "bibliography": "Bibliography"}
BIBLIOGRAPHY_PATH = "bibliography/"
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
    for tag in article.select("a.headerlink, .md-content__button, .md-source-file, .md-feedback"):
        tag.decompose()
    for details in article.find_all("details"):
        details["open"] = ""  # quotes folded on screen are printed open
    return article


def page_title(article: Tag, soup: BeautifulSoup) -> str:
    h1 = article.find("h1")
    if h1 is not None:
        return h1.get_text(" ", strip=True)
    return soup.title.get_text(strip=True) if soup.title else "Untitled"


def prefix_ids(article: Tag, anchor: str) -> None:
    """Make every id unique in the joined document, with the references to it (labels, SVG url(#x))."""
    for tag in article.find_all(True):
        if tag.has_attr("id"):
            tag["id"] = f"{anchor}:{tag['id']}"
        for name in ID_REFERENCES:
            if tag.has_attr(name):
                value = tag[name] if isinstance(tag[name], str) else " ".join(tag[name])
                tag[name] = " ".join(f"{anchor}:{ref}" for ref in value.split())
        if tag.name == "input" and tag.has_attr("name"):
            tag["name"] = f"{anchor}:{tag['name']}"  # content tabs: radio groups stay per page
        for name, value in list(tag.attrs.items()):
            if isinstance(value, str) and "url(" in value:
                tag[name] = URL_REFERENCE.sub(lambda m: f"url(#{anchor}:{m.group(2)})", value)


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
    """In-page links get the page's prefix; links to other pages point into the joined document."""
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


def footnote_entries(article: Tag) -> dict[str, Tag]:
    """The formatted references of a page's citations (mkdocs-bibtex footnotes), by BibTeX key."""
    entries = {}
    for li in article.select("div.footnote li[id]"):
        if li["id"].startswith("fn:"):
            entry = copy(li)
            for backref in entry.select("a.footnote-backref"):
                backref.decompose()
            entries[li["id"][3:]] = entry
    return entries


# --- The bibliography -------------------------------------------------------------------------


def bibliography_html(cited: dict[str, Tag], bib_dir: Path) -> str:
    """Every BibTeX entry, sorted by author, year and title, as the site formats it.

    Entries cited somewhere keep the text of their footnotes on the site (one formatter for both);
    entries never cited are formatted by pybtex's plain style, which mkdocs-bibtex also uses.
    """
    from pybtex.backends.html import Backend
    from pybtex.database import BibliographyData, parse_file
    from pybtex.style.formatting.plain import Style

    entries = BibliographyData()
    for bib_file in sorted(bib_dir.glob("*.bib")):
        for key, entry in parse_file(str(bib_file), bib_format="bibtex").entries.items():
            if key not in entries.entries:
                entries.add_entry(key, entry)
    style, backend = Style(), Backend()
    items = []
    for entry in style.sort(entries.entries.values()):
        if entry.key in cited:
            body = "".join(str(child) for child in cited[entry.key].children).strip()
        else:
            body = "<p>" + style.format_entry("", entry).text.render(backend) + "</p>"
        items.append(f'<li id="bib:{entry.key}">{body}</li>')
    for key in sorted(set(cited) - set(entries.entries)):
        items.append(f'<li id="bib:{key}">{"".join(str(c) for c in cited[key].children).strip()}</li>')
    return ('<h1 id="bibliography">Bibliography</h1>\n<div class="kb-print-bibliography"><ol>\n'
            + "\n".join(items) + "\n</ol></div>")


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


def collect(site_dir: Path, bib_dir: Path) -> PrintDocument:
    """Read the built site into chapters grouped by section, with links rewritten for the joined page."""
    site_dir = site_dir.resolve()
    grouped = ordered_sections(site_dir, site_page_paths(site_dir))
    articles, titles = {}, {}
    for path in (path for _, paths in grouped for path in paths):
        soup = read_html(site_dir, path, only_article=True)
        articles[path] = article_of(soup, path)
        titles[path] = page_title(articles[path], soup)
    sections = [
        Section(SECTION_TITLES.get(name, name.replace("-", " ").capitalize()),
                [PrintPage(path, titles[path]) for path in paths])
        for name, paths in grouped
    ]
    home = read_html(site_dir, "" if "" in articles else next(iter(articles)))
    site_url = _site_url(home)
    anchors = {page.path: page.anchor for section in sections for page in section.pages}
    cited: dict[str, Tag] = {}
    for page in (page for section in sections for page in section.pages):
        article = articles[page.path]
        for key, entry in footnote_entries(article).items():
            cited.setdefault(key, entry)
        prefix_ids(article, page.anchor)
        rewrite_links(article, page, anchors, site_url)
        rewrite_assets(article, page, site_dir)
        page.html = article.decode_contents()
    if BIBLIOGRAPHY_PATH not in anchors:
        bibliography = PrintPage(BIBLIOGRAPHY_PATH, "Bibliography")
        fragment = BeautifulSoup(bibliography_html(cited, bib_dir), "lxml").body
        prefix_ids(fragment, bibliography.anchor)
        rewrite_links(fragment, bibliography, anchors, site_url)
        bibliography.html = fragment.decode_contents()
        sections.append(Section(SECTION_TITLES["bibliography"], [bibliography]))
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


def broken_internal_links(html: str) -> list[str]:
    """Links to an id that the joined document does not have (should be none after a strict build)."""
    soup = BeautifulSoup(html, "lxml")
    ids = {tag["id"] for tag in soup.find_all(id=True)}
    return sorted({a["href"] for a in soup.find_all("a", href=True) if a["href"].startswith("#") and a["href"][1:] not in ids})


def css_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def render_document(document: PrintDocument, page_numbers: dict[str, int], build_date: str) -> str:
    env = Environment(loader=FileSystemLoader(PRINT_TEMPLATES), autoescape=select_autoescape(["j2", "html"]),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["css_string"] = css_string
    from markupsafe import Markup

    sections = [Section(s.title, [_markup(p, Markup) for p in s.pages]) for s in document.sections]
    return env.get_template("print.html.j2").render(
        site_name=document.site_name, description=document.description, licence=document.licence,
        site_url=document.site_url, lang=document.lang, stylesheets=document.stylesheets,
        body_attrs=document.body_attrs, sections=sections, page_numbers=page_numbers,
        placeholder=PLACEHOLDER_PAGE_NUMBER, build_date=build_date,
    )


def _markup(page: PrintPage, markup) -> PrintPage:
    printed = PrintPage(page.path, page.title)
    printed.html = markup(page.html)
    return printed


# --- Printing ---------------------------------------------------------------------------------


def find_chromium() -> str:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        raise SystemExit("chromium is not installed: apt-get install chromium poppler-utils fonts-nanum")
    return path


def print_to_pdf(chromium: str, html_file: Path, pdf_file: Path, timeout: int = 3600) -> None:
    """Debian's chromium, headless, prints the page; no header or footer of its own, PDF outline on."""
    pdf_file.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="kb-chromium-") as profile:
        command = [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--no-pdf-header-footer",
                   "--generate-pdf-document-outline", f"--print-to-pdf={pdf_file}", html_file.resolve().as_uri()]
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    if not pdf_file.exists() or pdf_file.stat().st_size == 0:
        raise SystemExit(f"chromium wrote no PDF (exit {result.returncode}):\n{result.stderr[-2000:]}")


DEST_LINE = re.compile(r'^\s*(\d+)\s+\[.*\]\s+"(.*)"\s*$')


def named_destinations(pdf_file: Path) -> dict[str, int]:
    """Page number of every named destination in the PDF (chromium makes one per link target)."""
    out = subprocess.run(["pdfinfo", "-dests", str(pdf_file)], capture_output=True, text=True, check=True).stdout
    return {m.group(2): int(m.group(1)) for m in map(DEST_LINE.match, out.splitlines()) if m}


def page_count(pdf_file: Path) -> int:
    out = subprocess.run(["pdfinfo", str(pdf_file)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", out, re.M).group(1))


def build_date() -> str:
    """Today (UTC), or SOURCE_DATE_EPOCH's date for a reproducible build."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = dt.datetime.fromtimestamp(int(epoch), dt.UTC) if epoch else dt.datetime.now(dt.UTC)
    return moment.strftime("%-d %B %Y")


def make_pdf(site_dir: Path, pdf_file: Path, bib_dir: Path, html_file: Path | None = None,
             max_passes: int = 3) -> dict[str, float]:
    """Join the site, print it until the table of contents' page numbers are stable. Returns timings."""
    timings: dict[str, float] = {}
    started = time.perf_counter()
    document = collect(site_dir, bib_dir)
    timings["join"] = time.perf_counter() - started
    chromium = find_chromium()
    pdf_file.parent.mkdir(parents=True, exist_ok=True)
    date = build_date()
    numbers: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="kb-print-") as tmp:
        page_file = html_file or Path(tmp) / "print.html"
        for attempt in range(1, max_passes + 1):
            html = render_document(document, numbers, date)
            if attempt == 1 and (broken := broken_internal_links(html)):
                print(f"warning: {len(broken)} internal link(s) lead nowhere in the PDF: {', '.join(broken[:5])}",
                      file=sys.stderr)
            page_file.parent.mkdir(parents=True, exist_ok=True)
            page_file.write_text(html, encoding="utf-8")
            started = time.perf_counter()
            print_to_pdf(chromium, page_file, pdf_file)
            timings[f"print {attempt}"] = time.perf_counter() - started
            destinations = named_destinations(pdf_file)
            missing = [p.anchor for p in document.pages if p.anchor not in destinations]
            if missing:
                raise SystemExit(f"the PDF has no destination for {len(missing)} chapter(s): {', '.join(missing[:5])}")
            found = {p.anchor: destinations[p.anchor] for p in document.pages}
            if found == numbers:
                break
            numbers = found
        else:
            print("warning: page numbers did not settle; the table of contents may be off by a page", file=sys.stderr)
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
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(site_dir)],
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
    args = parser.parse_args(argv)
    root = args.root.resolve()
    site_dir = (args.site_dir or root / "site").resolve()
    out = (args.out or site_dir / "pdf" / f"{project_name(ROOT)}.pdf").resolve()
    started = time.perf_counter()
    if not args.no_build:
        build_site(root / "mkdocs.yml", site_dir)
    built = time.perf_counter() - started
    timings = make_pdf(site_dir, out, root / "bib", html_file=args.keep_html)
    details = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in timings.items())
    build_note = "" if args.no_build else f"build {built:.1f} s, "
    print(f"Wrote {out} ({page_count(out)} pages, {out.stat().st_size / 1e6:.1f} MB): {build_note}{details}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
