"""Render: KnowledgeBase + Derived -> {page path: Markdown}. Pure; no MkDocs.

Contributors' values are inserted through the `text` filter, which escapes HTML and
Markdown so that a field can never inject markup, a link or a citation. Only curated
Markdown (source bodies, topic intros) is passed through as Markdown.
"""

from __future__ import annotations

import html
import os
import posixpath
import re
from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import dataclass
from functools import lru_cache, partial
from itertools import groupby
from pathlib import Path
from urllib.parse import quote as quote_url

from jinja2 import BytecodeCache, Environment, FileSystemLoader, StrictUndefined

from . import explorer, export, figures
from .bibtex import BibTeX, formatted_references
from .derive import ClaimRef, Derived
from .model import EVIDENCE_LABELS, Claim, KnowledgeBase, Place, SourcePage
from .paths import (
    BIBLIOGRAPHY,
    INDEX_PAGES,
    organization_path,
    place_path,
    source_path,
    timeline_page_years,
    timeline_year_path,
    topic_path,
)

TEMPLATES = Path(__file__).parent / "templates"
LANGUAGES = {"en": "English", "ko": "Korean", "zh": "Chinese", "ja": "Japanese", "ru": "Russian"}


#: A timeline figure has a row per source up to this many sources, then a row per outlet (at
#: 1,000 sources a row per source made the figure 40,000 pixels tall).
FIGURE_ROWS = 30


# --- Escaping -----------------------------------------------------------------------------

#: Characters Python-Markdown lets us backslash-escape and that could start markup mid-line.
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]#+!])")


def text(value: object) -> str:
    """A plain-text field as inert Markdown: HTML escaped, Markdown syntax and @ neutralised."""
    return _escape_text(str(value))


@lru_cache(maxsize=4096)  # the same names and labels recur on thousands of pages (a claim's text does not)
def _escape_text(value: str) -> str:
    escaped = _MARKDOWN_SPECIALS.sub(r"\\\1", value)
    escaped = html.escape(escaped, quote=False).replace("@", "&#64;").replace("|", "&#124;")
    return re.sub(r"\s*\n\s*", " ", escaped).strip()


def h(value: object) -> str:
    """A plain-text field for raw HTML (list pages' claim blocks, inline HTML on source pages).

    Markdown syntax is neutralised with character references rather than backslashes, so the
    result is inert both inside raw HTML blocks (where a backslash would show) and in Markdown.
    """
    return _escape_html(str(value))


#: One pass over the text: HTML's specials, then Markdown's, as character references.
_HTML_NEUTRAL = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;",
                               **{c: f"&#{ord(c)};" for c in "\\`*_{}[]#+!@|"}})


@lru_cache(maxsize=4096)  # as _escape_text
def _escape_html(value: str) -> str:
    escaped = value.translate(_HTML_NEUTRAL)
    return re.sub(r"\s*\n\s*", " ", escaped).strip()


def url(value: str) -> str:
    """A URL for a Markdown link target (already validated as http(s) by the schema)."""
    return value.replace(" ", "%20").replace("(", "%28").replace(")", "%29").replace("<", "%3C").replace(">", "%3E")


def text_fragment(quote: str, words: int = 4) -> str:
    """A `#:~:text=start,end` fragment that makes supporting browsers highlight the quote.

    Only the first and last few words are used, so typographic differences in the middle
    (curly quotes, dashes) do not stop the match.
    """
    tokens = re.sub(r"[\"“”‘’']", " ", quote).split()
    encode = lambda part: quote_url(part, safe="").replace("-", "%2D")  # noqa: E731
    if len(tokens) <= 2 * words:
        return "#:~:text=" + encode(" ".join(tokens))
    return "#:~:text=" + encode(" ".join(tokens[:words])) + "," + encode(" ".join(tokens[-words:]))


def html_url(path: str, use_directory_urls: bool) -> str:
    """The site URL of a page, as MkDocs will write it ('topics/x.md' -> 'topics/x/')."""
    stem = path[:-3]
    if not use_directory_urls:
        return stem + ".html"
    if stem == "index" or stem.endswith("/index"):
        return stem[:-5]
    return stem + "/"


def html_link(here: str, target: str, use_directory_urls: bool, anchor: str | None = None) -> str:
    """A relative URL from page `here` to page `target`, for raw HTML (which MkDocs leaves alone)."""
    rel = _relative_url(here, target, use_directory_urls)
    return f"{rel}#{anchor}" if anchor else rel


@lru_cache(maxsize=16384)  # pure, and called tens of thousands of times for the same pages (one anchor per claim)
def _relative_url(here: str, target: str, use_directory_urls: bool) -> str:
    here_url = html_url(here, use_directory_urls)
    base = here_url if here_url.endswith("/") or not here_url else posixpath.dirname(here_url) + "/"
    target_url = html_url(target, use_directory_urls)
    rel = _relpath(target_url or ".", base or ".")
    if not target_url or target_url.endswith("/"):
        rel = "./" if rel == "." else rel + "/"
    return rel


# --- Rendering ----------------------------------------------------------------------------


class TemplateCache(BytecodeCache):
    """Compiled Jinja templates, kept for the life of the process and, once `keep_under(project)` is
    called, in files between runs (as Python keeps .pyc files).

    `mkdocs serve` makes new Jinja environments on every rebuild (ours, and the theme's: a
    third of a rebuild at seed size went into compiling the same templates again), and every
    `kb generate` or `mkdocs build` is a new process (compiling our templates: 65 ms of the
    0.8 s of `kb generate` at 100 sources). Jinja checks each entry against the template's
    source and its own version, so an edited template is compiled afresh."""

    def __init__(self) -> None:
        self._compiled: dict[str, bytes] = {}
        self.folder: Path | None = None

    def keep_under(self, project: Path) -> None:
        """Keep compiled templates in the project's `.cache/jinja/` too (created when first
        needed; as Material's own plugins keep their caches in `.cache/`; ignored by Git)."""
        self.folder = Path(project) / ".cache" / "jinja"

    def load_bytecode(self, bucket) -> None:
        code = self._compiled.get(bucket.key)
        if code is None and self.folder is not None:
            code = self._read(self.folder / bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)  # left empty (so compiled again) if out of date

    def dump_bytecode(self, bucket) -> None:
        code = self._compiled[bucket.key] = bucket.bytecode_to_string()
        if self.folder is not None:
            self._write(self.folder / bucket.key, code)

    @staticmethod
    def _read(file: Path) -> bytes | None:
        try:
            return file.read_bytes()
        except OSError:  # not there yet, or not readable: compiled as if never kept
            return None

    @staticmethod
    def _write(file: Path, code: bytes) -> None:
        """Written whole or not at all: another process (the build's child) may read it meanwhile."""
        partial_file = file.with_name(f"{file.name}.{os.getpid()}.tmp")
        try:
            file.parent.mkdir(parents=True, exist_ok=True)
            partial_file.write_bytes(code)
            os.replace(partial_file, file)
        except OSError:  # a read-only checkout: the templates are compiled on each run instead
            with suppress(OSError):  # nor is a partly written file left behind
                partial_file.unlink(missing_ok=True)


#: One per process; this module is imported once, while MkDocs re-imports hooks on every rebuild.
TEMPLATE_CACHE = TemplateCache()


@dataclass
class ComposedPage:
    """A source page's Markdown, and what the renderer recorded while composing it."""

    path: str
    markdown: str
    #: Its raw-HTML fragments, by kind ("indexed"...), which `fill_deferred` puts in after Markdown.
    fragments: dict[str, list[str]]
    #: The pages it links to in raw HTML (`page_link`).
    html_links: set[str]


class Renderer:
    """Holds the Jinja environment and the derived indexes; one per build."""

    def __init__(self, kb: KnowledgeBase, derived: Derived, use_directory_urls: bool = True,
                 defer_html: bool = False, bibtex: BibTeX | None = None):
        self.kb = kb
        #: The BibTeX files, whose references a child process may be formatting (`kb.build`).
        self._bibtex = bibtex
        self.derived = derived
        self.use_directory_urls = use_directory_urls
        self.defer_html = defer_html
        #: {(kind, page path): raw HTML fragments, or what makes them}, filled by `deferred` and `render_later` when defer_html is on.
        self.deferred: dict[tuple[str, str], list[str | Callable[[], str]]] = {}
        self.env = Environment(
            loader=FileSystemLoader(TEMPLATES),
            autoescape=False,  # the output is Markdown; values go through the `text` filter
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            bytecode_cache=TEMPLATE_CACHE,
        )
        self.env.filters.update(text=text, h=h, url=url, evidence=EVIDENCE_LABELS.get, language=_language, fragment=text_fragment)
        self.env.filters["deferred"] = self._defer
        self.env.globals["render_later"] = self._render_later
        self.env.globals["claims_html"] = self.claims_html
        self.env.globals["page_link"] = self.page_link
        self.env.globals["claim_links"] = self.claim_links
        self._claim_html: dict[str, bytes] = {}
        #: {year: its dated claims, in event order} when the years have timeline pages of their own, else empty.
        self.timeline_years = dict(_by_year(derived.timeline)) if timeline_page_years(kb) else {}
        #: {page: pages it links to with `page_link`}: links in raw HTML that count as backlinks.
        self.html_links: dict[str, set[str]] = {}
        self.env.globals.update(
            kb=kb,
            d=derived,
            link=_link,
            href=self.href,
            topic_path=topic_path,
            place_path=place_path,
            organization_path=organization_path,
            source_path=source_path,
            source_label=source_label,
            byline=byline,
            by_year=_by_year,
            timeline_years=self.timeline_years,
            timeline_year_path=timeline_year_path,
            downloads=export.DOWNLOADS,
            references=self.references,
            defer_html=defer_html,
            corroboration=derived.corroboration,
        )
        # After the globals: a template's module keeps the globals it was first made with.
        self._claim_block = self.env.get_template("_macros.md.j2").module.claim_block

    def claims_html(self, refs: list[ClaimRef], here: str) -> str:
        """The blocks of a list of claims, one after another (a loop in Python: the timeline
        alone holds every claim, and a Jinja loop calling back into Python cost twice as much)."""
        return "".join(self.claim_html(ref, here) + "\n" for ref in refs)

    def claim_html(self, ref: ClaimRef, here: str) -> str:
        """A claim's block on a list page, rendered once rather than once per page: a claim
        appears on five or six list pages (its topics, places, organizations, the timeline).

        Its relative links all go to source pages, so from a page at another depth only the way
        to the sources' folder differs ('../../sources/' on a topic, '../sources/' on the timeline).
        Kept as UTF-8: Python holds a text at two bytes a character once one character is past
        Latin-1 (the curly quotes of every block), 124 MB of blocks at 10,000 sources."""
        if ref.ref not in self._claim_html:
            self._claim_html[ref.ref] = self._claim_block(ref, _RENDERED_FROM).encode("utf-8")
        block = self._claim_html[ref.ref]
        to_sources, rendered_to_sources = (_sources_folder(page, self.use_directory_urls) for page in (here, _RENDERED_FROM))
        if to_sources != rendered_to_sources:
            block = block.replace(f'href="{rendered_to_sources}'.encode(), f'href="{to_sources}'.encode())
        return block.decode("utf-8")

    def href(self, here: str, target: str, anchor: str | None = None) -> str:
        """A link for raw HTML from page `here` to page `target`, as the site will have it."""
        return html_link(here, target, self.use_directory_urls, anchor)

    def page_link(self, here: str, target: str, label: str) -> str:
        """A link in raw HTML from page `here` to page `target`, which counts among the target's
        backlinks as a Markdown link would (`backlinks` reads only Markdown)."""
        self.html_links.setdefault(here, set()).add(target)
        return f'<a href="{self.href(here, target)}">{h(label)}</a>'

    def claim_links(self, here: str, claim: Claim) -> str:
        """'Topics: … · Places: … · Organizations: …', a claim's links on its source page, in raw
        HTML. One call per claim: a Jinja loop calling `page_link` for each link was a fifth of
        composing a source page."""
        kb = self.kb
        groups = [("Topics", [self.page_link(here, topic_path(s), kb.topics[s].title) for s in claim.topics])]
        if claim.places:
            groups.append(("Places", [self.page_link(here, place_path(s), kb.places[s].name) for s in claim.places]))
        if claim.organizations:
            groups.append(("Organizations", [self.page_link(here, organization_path(s), kb.organizations[s].name)
                                             for s in claim.organizations]))
        return " · ".join(f"{label}: {', '.join(links)}" for label, links in groups)

    def _defer(self, fragment: str | Callable[[], str], here: str, indexed: bool = False) -> str:
        """Raw HTML that Markdown has nothing to do with: claim blocks, figures, cite boxes.

        At 1,000 sources the list pages hold 4.4 times as many claims as the source pages, and
        pushing them through Python-Markdown and the search plugin's HTML parser (which would
        drop them anyway: they are data-search-exclude) was most of the build. With defer_html
        (the MkDocs adapter), the page gets a placeholder comment and `fill_deferred` puts the
        fragment in after Markdown: `indexed` fragments (the claims of source pages) before the
        search plugin reads the page, the others into the finished HTML. Without defer_html
        (`kb generate`, export, golden tests) the fragment stays inline: self-contained Markdown.
        """
        if not self.defer_html:
            return fragment
        kind = "indexed" if indexed else "deferred"
        fragments = self.deferred.setdefault((kind, here), [])
        fragments.append(fragment)
        return f"<!-- kb-{kind}:{len(fragments) - 1} -->"

    def _render_later(self, here: str, macro: Callable[..., str], *args: object) -> str:
        """Like `deferred`, but the fragment is made when it is put in (`fill_deferred`), not now.

        For the claim lists of list pages: together they hold every claim four or five times
        (the timeline alone holds them all), so storing them rendered from the start of the build
        to the end was most of the generation's memory (50 MB at 1,000 sources). Without
        defer_html the macro is called at once."""
        if not self.defer_html:
            return macro(*args)
        return self._defer(partial(macro, *args), here)

    def fill_deferred(self, here: str, html_page: str, indexed: bool = False) -> str:
        """The HTML of page `here` with its deferred (or, with `indexed`, its indexed) fragments in place.
        Each page is filled once per build: its fragments are let go (memory grows with the site)."""
        kind = "indexed" if indexed else "deferred"
        fragments = self.deferred.pop((kind, here), None)
        if not fragments:
            return html_page
        made = _made if indexed else _inert
        return _PLACEHOLDERS[kind].sub(lambda m: made(fragments[int(m.group(1))]), html_page)

    def references(self) -> dict[str, str]:
        """Every BibTeX entry formatted once per build (pybtex plain style, like the footnotes)."""
        if not hasattr(self, "_references"):
            bibtex = self._bibtex
            self._references = bibtex.references() if bibtex else formatted_references(self.kb.bib)
        return self._references

    def references_ready(self) -> bool:
        """Whether `references()` would return at once (rather than wait for a child process)."""
        return hasattr(self, "_references") or self._bibtex is None or self._bibtex.references_ready()

    def _render(self, template: str, page_path: str, **context: object) -> str:
        return self.env.get_template(template).render(here=page_path, **context)

    def pages(self) -> dict[str, str]:
        """Every generated page, by its path under docs/."""
        return dict(self.generated_pages())

    def generated_pages(self) -> Iterator[tuple[str, str]]:
        """(path under docs/, Markdown) of each generated page, one at a time."""
        for path, make in self.generated_page_makers():
            yield path, make()

    def generated_page_makers(self) -> list[tuple[str, Callable[[], str]]]:
        """(path under docs/, what renders it) of each generated page: to be rendered in turn,
        or shared between processes (`python -m kb generate`)."""
        kb, d, render = self.kb, self.derived, self._render
        self.deferred = {}
        makers = [(path, partial(self._index_page, path, template)) for path, template in INDEX_PAGES.items()]
        years = list(self.timeline_years)
        for index, year in enumerate(years):
            makers.append((timeline_year_path(year), partial(
                self._year_page, year,
                previous=years[index - 1] if index else None, next=years[index + 1] if index + 1 < len(years) else None,
            )))
        for slug, topic in kb.topics.items():
            makers.append((topic_path(slug), partial(
                render, "topic.md.j2", topic_path(slug), topic=topic, claims=d.by_topic.get(slug, []),
                sources=d.sources_by_topic.get(slug, []), related=d.related_topics.get(slug, []),
            )))
        for slug, place in kb.places.items():
            makers.append((place_path(slug), partial(
                render, "place.md.j2", place_path(slug), place=place, claims=d.by_place.get(slug, []),
                sources=d.sources_by_place.get(slug, []), children=d.places_within.get(slug, []),
            )))
        for slug, org in kb.organizations.items():
            makers.append((organization_path(slug), partial(
                render, "organization.md.j2", organization_path(slug), org=org, claims=d.by_organization.get(slug, []),
                sources=d.sources_by_organization.get(slug, []),
            )))
        makers.append((explorer.PAGE, partial(explorer.page, self)))
        # The bibliography last: of these pages only it needs the references, which a child
        # process may still be formatting while the pages before it are written.
        makers.sort(key=lambda maker: maker[0] == BIBLIOGRAPHY)
        return makers

    def _index_page(self, path: str, template: str) -> str:
        figure = {"timeline.md": self._timeline_svg, "places/index.md": self._map_svg}.get(path)
        return self._render(template, path, figure=figure(path) if figure else "")

    def _year_page(self, year: str, **neighbours: object) -> str:
        path, refs = timeline_year_path(year), self.timeline_years[year]
        return self._render("timeline_year.md.j2", path, year=year, refs=refs, figure=self._timeline_svg(path, refs), **neighbours)

    def source_page(self, slug: str, body: str | None = None) -> str:
        """The full Markdown of a source page: metadata, the hand-written body, the claims."""
        page = self.kb.sources[slug]
        return self._render(
            "source.md.j2", source_path(slug), page=page, src=page.source,
            body=page.body if body is None else body,
            topics=self.derived.topics_of_source[slug],
            src_refs=self.derived.claims_of_source[slug],
        )

    def composed_source_page(self, slug: str) -> ComposedPage:
        """`source_page` with what composing it recorded in the renderer (its raw-HTML fragments,
        its links in raw HTML) taken out of it: a child process composes some of the pages, and
        this process `adopt`s them."""
        path = source_path(slug)
        markdown = self.source_page(slug)
        fragments = {kind: self.deferred.pop((kind, path)) for kind in ("indexed", "deferred") if (kind, path) in self.deferred}
        return ComposedPage(path, markdown, fragments, self.html_links.pop(path, set()))

    def adopt(self, page: ComposedPage) -> None:
        """Take back what `composed_source_page` took out (after `generated_pages`, which starts afresh)."""
        for kind, fragments in page.fragments.items():
            self.deferred[(kind, page.path)] = fragments
        if page.html_links:
            self.html_links[page.path] = page.html_links

    def _timeline_svg(self, here: str, refs: list[ClaimRef] | None = None) -> str:
        """The figure of the timeline page (claims per year, when the years have pages of their
        own) or of a year's page: a mark per claim, in a row per source or, past FIGURE_ROWS
        sources, per outlet."""
        if refs is None and self.timeline_years:
            return figures.years_svg(
                [(year, len(claims)) for year, claims in self.timeline_years.items()],
                href=lambda year: html_link(here, timeline_year_path(year), self.use_directory_urls),
            )
        refs = self.derived.timeline if refs is None else refs
        if not refs:
            return ""
        by_source = len({ref.page.slug for ref in refs}) <= FIGURE_ROWS
        return figures.timeline_svg(
            refs,
            lane_label=(lambda ref: source_label(self.kb, ref.page)) if by_source else self._outlet_name,
            href=lambda ref: html_link(here, source_path(ref.page.slug), self.use_directory_urls, ref.anchor),
            rows="source" if by_source else "outlet",
        )

    def _outlet_name(self, ref: ClaimRef) -> str:
        outlet = self.kb.outlets.get(ref.page.source.outlet)
        return outlet.name if outlet else ref.page.source.outlet

    def _map_svg(self, here: str) -> str:
        def href(place: Place) -> str:
            return html_link(here, place_path(place.slug), self.use_directory_urls)

        return figures.map_svg(self.kb, href)

    def downloads(self) -> Iterator[tuple[str, Iterator[str]]]:
        """The dataset files, (path under the site, its text in pieces), one at a time."""
        def page(ref: ClaimRef) -> str:
            return html_url(source_path(ref.page.slug), self.use_directory_urls) + "#" + ref.anchor

        yield from export.downloads(self.kb, self.derived, page)
        yield from explorer.data_files(self)

    def cite_block(self, path: str, title: str, page_url: str, date: str) -> str:
        """'Cite this page': a formatted citation and a BibTeX entry of the page itself."""
        return self._render("cite.html.j2", path, title=title, page_url=page_url, date=date,
                            key="nkbs-" + (re.sub(r"[^a-z0-9]+", "-", path[:-3].lower()).strip("-") or "home"))

    def backlinks_block(self, path: str, linking: list[tuple[str, str]]) -> str:
        return self._render("backlinks.html.j2", path, linking=linking)

    def abbreviations(self) -> str:
        """Markdown abbreviation definitions for the short names of organizations (tooltips)."""
        lines = []
        for org in self.kb.organizations.values():
            for name in org.names:
                if re.fullmatch(r"[A-Z]{2,6}", name):
                    lines.append(f"*[{name}]: {org.name}")
        return "\n".join(sorted(set(lines)))

    def all_pages(self) -> dict[str, str]:
        """Generated pages and composed source pages: the whole content, for export."""
        return dict(self.iter_all_pages())

    def iter_all_pages(self) -> Iterator[tuple[str, str]]:
        """The same one page at a time, for a caller that writes each out (`kb generate` at
        10,000 sources: 1.57 GB peak when it held them all, 738 MB now)."""
        yield from self.generated_pages()
        for slug in self.kb.sources:
            yield source_path(slug), self.source_page(slug)


@lru_cache(maxsize=4096)
def _sources_folder(here: str, use_directory_urls: bool) -> str:
    """The relative URL of the folder of source pages from page `here` ('../sources/')."""
    return posixpath.dirname(html_link(here, "sources/index.md", use_directory_urls)) + "/"


#: The page claim blocks are rendered from (any list page would do), then relinked for the others.
_RENDERED_FROM = "topics/index.md"


def _made(fragment: str | Callable[[], str]) -> str:
    return fragment() if callable(fragment) else fragment


#: Inline code in raw HTML, what a Content-Security-Policy must allow by hash: a script or style
#: element, or a style or event attribute inside a tag (values are escaped: a '<' is markup).
_INLINE_CODE = re.compile(r"<script|<style|<[^>]*\s(?:style|on[a-z]+)\s*=", re.IGNORECASE)


def _inert(fragment: str | Callable[[], str]) -> str:
    """A deferred fragment, which must hold no inline code: it goes into the finished page after
    the CSP hook has hashed the page's inline scripts and styles (parsing pages with their claim
    lists in took 59 MB for the timeline alone at 1,000 sources). Values in it are escaped, so
    only a template could break this."""
    made = _made(fragment)
    if found := _INLINE_CODE.search(made):
        raise ValueError(f"a deferred fragment holds inline code ({found.group(0).strip()!r}), which the "
                         f"page's Content-Security-Policy would block: make it an indexed fragment or a class")
    return made


_PLACEHOLDERS = {kind: re.compile(rf"<!-- kb-{kind}:(\d+) -->") for kind in ("deferred", "indexed")}


def _link(here: str, target: str, anchor: str | None = None) -> str:
    """A relative Markdown link from page `here` to page `target` (paths under docs/)."""
    rel = _relative(posixpath.dirname(here) or ".", target)
    return f"{rel}#{anchor}" if anchor else rel


@lru_cache(maxsize=16384)  # pages link to the same few folders
def _relative(folder: str, target: str) -> str:
    return _relpath(target, folder)


def _relpath(target: str, start: str) -> str:
    """posixpath.relpath for two paths under the same root (docs/ or the site). Made absolute
    first, so that relpath does not ask the system for the working directory twice per call
    (a third of the time of composing a source page went into getcwd)."""
    return posixpath.relpath("/" + target, "/" + start)


def _by_year(refs: list[ClaimRef]) -> list[tuple[str, list[ClaimRef]]]:
    def year(ref: ClaimRef) -> str:
        return str(ref.claim.date.year) if ref.claim.date else "Undated"

    return [(y, list(group)) for y, group in groupby(refs, key=year)]


def _language(code: str) -> str:
    return LANGUAGES.get(code, code)


def byline(page: SourcePage) -> str:
    src = page.source
    parts = [", ".join(src.authors) if src.authors else "no byline"]
    if src.translators:
        parts.append("translated by " + ", ".join(src.translators))
    return "; ".join(parts)


def source_label(kb: KnowledgeBase, page: SourcePage) -> str:
    """'ASIAPRESS, June 2025': how a claim's source is named in lists."""
    outlet = kb.outlets.get(page.source.outlet)
    name = outlet.name if outlet else page.source.outlet
    return f"{name}, {page.source.published.display()}"


# --- Backlinks ----------------------------------------------------------------------------

_MD_LINK = re.compile(r"\]\(([^)\s#]+\.md)(?:#[^)\s]*)?(?:\s+\"[^\"]*\")?\)")
_H1 = re.compile(r"^#\s+(.+)$", re.M)


def page_title(markdown: str, fallback: str) -> str:
    """The plain text of a page's H1 (its Markdown escapes and character references undone)."""
    match = _H1.search(markdown)
    if not match:
        return fallback
    return html.unescape(re.sub(r"\\([\\`*_{}\[\]#+!|.()-])", r"\1", match.group(1))).strip()


def markdown_links(path: str, markdown: str) -> set[str]:
    """The pages that the Markdown of page `path` links to (paths under docs/)."""
    base = posixpath.dirname(path)
    return {posixpath.normpath(posixpath.join(base, target)) for target in _MD_LINK.findall(markdown)}


def backlinks(outgoing: dict[str, set[str]]) -> dict[str, list[str]]:
    """For each page, the pages that link to it. `outgoing` has every page, with the pages it
    links to: by a link in its Markdown (`markdown_links`) or by one the renderer wrote as raw
    HTML (`Renderer.html_links`). One pass over all links."""
    found: dict[str, set[str]] = {path: set() for path in outgoing}
    for source, targets in outgoing.items():
        for resolved in targets:
            if resolved in found and resolved != source:
                found[resolved].add(source)
    return {path: sorted(linkers) for path, linkers in found.items()}
