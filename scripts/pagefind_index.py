"""The hosted site's search index, made by Pagefind from what readers search for.

Material's own search builds a lunr index in the reader's browser from the text of every page:
at 10,000 sources that is 92 MB to fetch and 19-23 s before the first result. Pagefind writes
an index in chunks, and a search fetches only the chunks its words need (docs/about/search.md
has the comparison and the figures).

What is indexed is what Material's search would have read: each page's HTML after Markdown,
before the claim lists, figures and boxes of list pages are put in (`Renderer(defer_html=True)`),
so that each claim is indexed once, on its source page. The hook hands each page here as it is
rendered; the page is written at once to a scratch folder as a small HTML file (title and text,
nothing else), and after the build Pagefind indexes those files, not the site.

Pagefind's indexer holds about 400 bytes per word of text it indexes (370 MB for 1,000 source
pages), whatever the pages' HTML, so a large site is indexed in parts of at most
`WORDS_PER_BUNDLE` words, one after the other, each its own bundle under `site/pagefind/<n>/`:
the search merges them (`mergeIndex`). `bundles.json` lists them for the search worker
(docs/assets/search-pagefind.js).

`make build` (scripts/build_site.py) runs Pagefind once the engine's process has ended, so that
the two never hold their memory at once (at 10,000 sources the engine peaks at 0.8 GB and a part
of the index at 0.37 GB): it names the folder for the pages in KB_SEARCH_PAGES, and the hook only
writes them there. Any other build (`make serve`, the tests) indexes at its end, in the hook.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from pagefind_bin import get_executable

#: The most words one Pagefind run indexes: about 240 bytes of its memory a word (367 MB for
#: 1.5 million), so ~0.7 GB at most for one part, which runs alone once the engine has ended
#: (scripts/build_site.py). Source pages are 1,000-1,500 words: ~2,500 of them a part. Fewer
#: parts, fewer files a search fetches: at 10,000 sources 11 parts of 1.5 million words cost
#: 517-745 KB before the first result.
WORDS_PER_BUNDLE = 3_000_000
#: The site folder the bundles go to, and the list of them the search worker reads first.
OUTPUT = "pagefind"
BUNDLES = "bundles.json"
#: Set by scripts/build_site.py: the folder the pages are written to, indexed after the engine.
PAGES_VARIABLE = "KB_SEARCH_PAGES"

#: Not text a reader searches for: what the templates mark as such for Material's search too
#: (claim status and links, the cite box, "Pages that link here"), the "¶" permalinks of
#: headings and the "↩" of footnotes.
EXCLUDED = ["[data-search-exclude]", ".headerlink", ".footnote-backref"]
#: What Pagefind writes besides the index and its search library: its own search interfaces,
#: and the worker its library starts on a page (it runs in Material's worker here).
UNUSED = ["pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
          "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js", "pagefind-worker.js"]

_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


class SearchIndex:
    """Pages collected during a build, indexed by Pagefind at its end."""

    def __init__(self, words_per_bundle: int = WORDS_PER_BUNDLE) -> None:
        self.words_per_bundle = words_per_bundle
        #: Indexed by whoever named the folder (build_site.py), after the engine; else at the build's end.
        self.indexed_later = bool(os.environ.get(PAGES_VARIABLE))
        self.scratch = Path(os.environ[PAGES_VARIABLE]) if self.indexed_later else Path(tempfile.mkdtemp(prefix="kb-search-"))
        if self.indexed_later:
            shutil.rmtree(self.scratch, ignore_errors=True)  # what a failed build of `make serve` left
            self.scratch.mkdir(parents=True)
        self.bundle = 0
        self.words = 0

    def add(self, url: str, title: str, content_html: str, language: str, names: list[str] = ()) -> None:
        """One page: `url` as the site's own links write it ('sources/x/'), its title, the HTML
        of its content, the language of its text (Pagefind stems by it), and the names of what
        the page is about (a place's, with its Hangul and other spellings), weighted as titles."""
        words = len(_SPACE.split(_TAG.sub(" ", content_html)))
        if self.words and self.words + words > self.words_per_bundle:
            self.bundle, self.words = self.bundle + 1, 0
        self.words += words
        target = self.scratch / str(self.bundle) / url.strip("/") / "index.html"  # '' (home): the part's own
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(
            f'<!doctype html><html lang="{html.escape(language)}">'
            f'<body><main data-pagefind-body data-pagefind-meta="title:{html.escape(title)}">'
            + (f'<p data-pagefind-weight="10">{html.escape(" · ".join(names))}</p>' if names else "")
            + f"{content_html}</main></body></html>",
            encoding="utf-8",
        )

    def write(self, site_dir: Path) -> list[str]:
        """Index the pages into `site_dir/pagefind/`, unless that is left to build_site.py."""
        return [] if self.indexed_later else write_bundles(self.scratch, Path(site_dir))

    def close(self) -> None:
        if not self.indexed_later:
            shutil.rmtree(self.scratch, ignore_errors=True)


def write_bundles(pages: Path, site_dir: Path) -> list[str]:
    """Index each part of `pages` (folders 0/, 1/, ...) into `site_dir/pagefind/<n>/`; the problems."""
    out = site_dir / OUTPUT
    shutil.rmtree(out, ignore_errors=True)
    bundles, problems = [], []
    for part in sorted((p for p in pages.iterdir() if p.is_dir() and p.name.isdigit()), key=lambda p: int(p.name)):
        result = subprocess.run(
            [str(get_executable()), "--site", str(part), "--output-path", str(out / part.name),
             *(arg for selector in EXCLUDED for arg in ("--exclude-selectors", selector)), "--silent"],
            capture_output=True, text=True,
        )
        if result.returncode != 0:
            problems.append(f"search index: Pagefind failed on part {part.name}: {(result.stderr or result.stdout).strip()}")
        bundles.append(f"{part.name}/")
        for name in UNUSED:  # Pagefind's own interfaces: the site uses Material's
            (out / part.name / name).unlink(missing_ok=True)
    out.mkdir(parents=True, exist_ok=True)
    (out / BUNDLES).write_text(json.dumps(bundles), encoding="utf-8")
    return problems
