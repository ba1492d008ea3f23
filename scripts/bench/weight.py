"""Page weight read from a built site: the largest page of each kind (bytes, gzipped bytes, DOM
nodes counted with lxml), and the static first view of a page (what its HTML makes a browser fetch,
gzipped), which the browser measures (bench/browser.py) replace when Chromium runs."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path
from urllib.parse import urljoin, urlparse

import lxml.html
from bs4 import BeautifulSoup

#: The address the static first view gives a built site, to resolve its relative links.
SITE_BASE = "http://site.invalid/"
FONT_EXTENSIONS = (".woff2", ".woff", ".ttf", ".otf")
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")
#: Sections whose index page lists the others: "topics/index.html" is the "topics index", any
#: other page under topics/ (a topic, or one page of a paged topic) is a "topic".
SECTIONS = {"sources": "source", "topics": "topic", "places": "place", "organizations": "organization", "timeline": "year"}
#: Of each kind, this many of the largest files (by bytes) have their DOM nodes counted.
COUNTED_PER_KIND = 3


def gzipped_bytes(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6))


def page_kind(relative: str) -> str:
    """The kind of a page from its path in site/: 'topic', 'topics index', 'year', 'bibliography'..."""
    parts = relative.split("/")
    if parts[0] in SECTIONS:
        return f"{parts[0]} index" if parts[1:] == ["index.html"] else SECTIONS[parts[0]]
    if parts == ["index.html"]:
        return "home"
    if parts[0] == "claims":
        return "claim explorer"
    return parts[0].removesuffix(".html")


def dom_nodes(data: bytes) -> int:
    """Elements of the parsed page (not text, comments or processing instructions)."""
    return sum(1 for element in lxml.html.fromstring(data).iter() if isinstance(element.tag, str))


def largest_pages(site: Path) -> dict[str, dict]:
    """Per kind: the largest page (path, bytes, gzipped bytes) and the most DOM nodes among the
    COUNTED_PER_KIND largest (path, nodes). List pages grow with the site; source pages do not."""
    by_kind: dict[str, list[tuple[int, Path]]] = {}
    for page in site.rglob("*.html"):
        by_kind.setdefault(page_kind(page.relative_to(site).as_posix()), []).append((page.stat().st_size, page))
    found = {}
    for kind, pages in sorted(by_kind.items()):
        largest = sorted(pages, key=lambda item: (-item[0], item[1]))[:COUNTED_PER_KIND]
        nodes = [(dom_nodes(path.read_bytes()), path) for _, path in largest]
        most, most_path = max(nodes, key=lambda item: item[0])
        size, path = largest[0]
        found[kind] = {"pages": len(pages), "path": path.relative_to(site).as_posix(), "bytes": size,
                       "gzip_bytes": gzipped_bytes(path.read_bytes()), "nodes": most, "nodes_path": most_path.relative_to(site).as_posix()}
    return found


def first_view(site: Path, page: Path) -> dict[str, int]:
    """Gzipped bytes of what a browser fetches to show a page: the HTML, the stylesheets, scripts,
    icons and fonts it references, and the search worker, which starts with every page.
    The search index and lunr's language files wait until the reader starts to search
    (docs/assets/search-on-demand.js; tests/browser/test_search.py checks both in chromium)."""
    base = SITE_BASE
    page_url = urljoin(base, page.relative_to(site).as_posix())
    soup = BeautifulSoup(page.read_bytes(), "lxml")
    urls = [tag["href"] for tag in soup.select('link[rel~="stylesheet"][href], link[rel~="preload"][href], link[rel~="icon"][href]')]
    urls += [tag["src"] for tag in soup.select("script[src]")]
    config = _material_config(soup)
    if config.get("search"):
        urls.append(config["search"])
    sizes = {page.relative_to(site).as_posix(): gzipped_bytes(page.read_bytes())}
    for ref in urls:
        target = _local_file(site, base, urljoin(page_url, ref))
        if target is None or target.relative_to(site).as_posix() in sizes:
            continue
        sizes[target.relative_to(site).as_posix()] = gzipped_bytes(target.read_bytes())
        if target.suffix == ".css":
            sizes.update(_fonts_of_stylesheet(site, base, urljoin(base, target.relative_to(site).as_posix()), target, sizes))
    return sizes



def _material_config(soup: BeautifulSoup) -> dict:
    tag = soup.select_one("script#__config")
    return json.loads(tag.string) if tag is not None else {}


def _local_file(site: Path, base: str, url: str) -> Path | None:
    """The file in site/ that a same-site URL points at (external URLs are reported as missing)."""
    if not url.startswith(base):
        raise ValueError(f"first view: the page loads an external resource: {url}")
    target = site / urlparse(url).path.removeprefix(urlparse(base).path)
    return target if target.is_file() else None


def _fonts_of_stylesheet(site: Path, base: str, css_url: str, css: Path, known: dict) -> dict[str, int]:
    fonts = {}
    for ref in CSS_URL.findall(css.read_text(encoding="utf-8", errors="replace")):
        if ref.startswith("data:") or not urlparse(ref).path.endswith(FONT_EXTENSIONS):
            continue
        target = _local_file(site, base, urljoin(css_url, ref))
        if target is not None and target.relative_to(site).as_posix() not in known:
            fonts[target.relative_to(site).as_posix()] = gzipped_bytes(target.read_bytes())
    return fonts

