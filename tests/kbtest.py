"""Helpers shared by the test modules (import as `from kbtest import ...`; a module named
conftest would be ambiguous, as tests/browser has its own)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = ROOT.parent / "shared" / "articles"  # input texts; beside the clone in CI, never committed
#: The engine, as `make build` runs it: ProperDocs, the maintained fork of MkDocs 1.x.
ENGINE = [sys.executable, "-m", "properdocs"]


def run_build(config: Path, site_dir: Path, strict: bool = True, **env: str) -> subprocess.CompletedProcess:
    """A real strict build (`make build`) in a subprocess, as a contributor runs it (`env`: extra variables)."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(ROOT / "scripts"), **env}
    args = [*ENGINE, "build", "-f", str(config), "-d", str(site_dir)] + (["--strict"] if strict else [])
    return subprocess.run(args, capture_output=True, text=True, env=env, cwd=config.parent)


def html(site: Path, url_path: str) -> BeautifulSoup:
    """The page at a site URL path such as 'topics/border-security/'."""
    file = site / url_path / "index.html" if url_path.endswith("/") or not url_path else site / url_path
    return BeautifulSoup(file.read_text(encoding="utf-8"), "lxml")


def article(soup: BeautifulSoup):
    return soup.select_one("article.md-content__inner")


def resolve(site: Path, page_url: str, href: str) -> tuple[Path, str]:
    """The file a relative link from `page_url` lands on, and its fragment."""
    target = urlparse(urljoin("http://site/" + page_url, href))
    path = unquote(target.path).lstrip("/")
    file = site / path / "index.html" if path.endswith("/") or path == "" else site / path
    return file, target.fragment


def ids_in(file: Path) -> set[str]:
    soup = BeautifulSoup(file.read_text(encoding="utf-8"), "lxml")
    return {el["id"] for el in soup.select("[id]")}
