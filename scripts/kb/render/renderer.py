"""The Renderer: KnowledgeBase + Derived -> {page path: Markdown}. Pure; no MkDocs.

It holds the Jinja environment and what every kind of page shares (the claim blocks, links,
the references); each kind of page is made by its own module, listed in PAGE_KINDS.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from .. import explorer, export
from ..bibtex import BibTeX, formatted_references
from ..history import History, absent
from ..whats_new import WhatsNew, whats_new
from ..derive import ClaimRef, Derived
from ..model import EVIDENCE_LABELS, Claim, KnowledgeBase
from ..paths import (
    EXPLORER,
    page_claims_limit,
    organization_path,
    place_path,
    source_path,
    timeline_page_years,
    timeline_year_path,
    topic_path,
)
from .deferred import DeferredHtml
from .entity_pages import organization_page_makers, place_page_makers, topic_page_makers
from .escaping import h, text, text_fragment, url
from .index_pages import index_page_makers
from .labels import _by_year, _language, byline, source_label
from .links import _link, _sources_folder, html_link, html_url
from .timeline_pages import year_page_makers


def list_anchor(ref: ClaimRef) -> str:
    """A claim's id on a list page: `claim-<source slug>--<claim id>` (a slug never holds '--'),
    so docs/assets/kb-moved.js can send a link to a claim no longer on the page to its source page."""
    return f"claim-{ref.page.slug}--{ref.claim.id}"

TEMPLATES = Path(__file__).parent.parent / "templates"

#: What makes each kind of generated page: given the Renderer, its (path under docs/, maker)
#: pairs. A new kind of page is one more entry here.
PAGE_KINDS: list[Callable[[Renderer], list[tuple[str, Callable[[], str]]]]] = [
    index_page_makers,
    year_page_makers,
    topic_page_makers,
    place_page_makers,
    organization_page_makers,
    lambda renderer: [(explorer.PAGE, lambda: explorer.page(renderer))],  # the claim explorer (kb/explorer.py)
]

#: The page claim blocks are rendered from (any list page would do), then relinked for the others.
_RENDERED_FROM = "topics/index.md"


class Renderer(DeferredHtml):
    """Holds the Jinja environment and the derived indexes; one per build."""

    def __init__(self, kb: KnowledgeBase, derived: Derived, use_directory_urls: bool = True,
                 defer_html: bool = False, bibtex: BibTeX | None = None, page_claims: int | None = None,
                 history: History | None = None):
        self.kb = kb
        #: At most this many claims (sources, references) on one page: see `paths.DEFAULT_PAGE_CLAIMS`.
        self.page_claims = page_claims_limit(page_claims)
        #: The paths of the generated pages (known once `generated_page_makers` has listed them).
        self.generated_paths: set[str] = set()
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
        )
        self.env.filters.update(text=text, h=h, url=url, evidence=EVIDENCE_LABELS.get, language=_language, fragment=text_fragment)
        self.env.filters["deferred"] = self._defer
        self.env.globals["render_later"] = self._render_later
        self.env.globals["claims_html"] = self.claims_html
        self.env.globals["page_link"] = self.page_link
        self.env.globals["claim_links"] = self.claim_links
        # What's new (kb/whats_new.py; the page is in paths.INDEX_PAGES), from git (kb/history.py).
        self.history = history or absent("the pages were generated without the git history")
        self.env.globals["whats_new"] = self.whats_new
        self._claim_html: dict[str, bytes] = {}
        #: {year: its dated claims, in event order} when the years have timeline pages of their own, else empty.
        self.timeline_years = dict(_by_year(derived.timeline)) if timeline_page_years(kb, self.page_claims) else {}
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

    def claims_html(self, refs: list[ClaimRef], here: str, anchored: bool = True) -> str:
        """The blocks of a list of claims, one after another (a loop in Python: the timeline
        alone holds every claim, and a Jinja loop calling back into Python cost twice as much).
        `anchored`: each block has an id (`list_anchor`), for a list that holds each claim once."""
        if not anchored:
            return "".join(self.claim_html(ref, here) + "\n" for ref in refs)
        return "".join(self.claim_html(ref, here).replace('<div class="kb-claim"', f'<div class="kb-claim" id="{list_anchor(ref)}"', 1)
                       + "\n" for ref in refs)

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

    def explorer_link(self, here: str, filters: dict[str, str]) -> str | None:
        """The claim explorer with these filters set (`?topic=<slug>`...), if the site has one."""
        if EXPLORER not in self.generated_paths:
            return None
        return self.href(here, EXPLORER) + "?" + urlencode(filters)

    def whats_new(self) -> WhatsNew:
        """The What's new entries, made once per build: its page and the Atom feed show them."""
        if not hasattr(self, "_whats_new"):
            self._whats_new = whats_new(self.kb, self.history)
        return self._whats_new

    def references(self) -> dict[str, str]:
        """Every BibTeX entry formatted once per build (pybtex plain style, like the footnotes)."""
        if not hasattr(self, "_references"):
            bibtex = self._bibtex
            self._references = bibtex.references() if bibtex else formatted_references(self.kb.bib)
        return self._references

    def render(self, template: str, page_path: str, **context: object) -> str:
        return self.env.get_template(template).render(here=page_path, **context)

    def pages(self) -> dict[str, str]:
        """Every generated page, by its path under docs/."""
        return dict(self.generated_pages())

    def generated_pages(self) -> Iterator[tuple[str, str]]:
        """(path under docs/, Markdown) of each generated page, one at a time."""
        for path, make in self.generated_page_makers():
            yield path, make()

    def generated_page_makers(self) -> list[tuple[str, Callable[[], str]]]:
        """(path under docs/, what renders it) of each generated page, to be rendered in turn."""
        self.deferred = {}
        makers = [maker for page_kind in PAGE_KINDS for maker in page_kind(self)]
        self.generated_paths = {path for path, _ in makers}
        return makers

    def source_page(self, slug: str, body: str | None = None) -> str:
        """The full Markdown of a source page: metadata, the hand-written body, the claims."""
        page = self.kb.sources[slug]
        return self.render(
            "source.md.j2", source_path(slug), page=page, src=page.source,
            body=page.body if body is None else body,
            topics=self.derived.topics_of_source[slug],
            src_refs=self.derived.claims_of_source[slug],
        )

    def downloads(self) -> Iterator[tuple[str, Iterator[str]]]:
        """The dataset files, (path under the site, its text in pieces), one at a time."""
        def page(ref: ClaimRef) -> str:
            return html_url(source_path(ref.page.slug), self.use_directory_urls) + "#" + ref.anchor

        yield from export.downloads(self.kb, self.derived, page)
        yield from explorer.data_files(self)  # the claim explorer's data (kb/explorer.py)

    def cite_block(self, path: str, title: str, page_url: str, date: str) -> str:
        """'Cite this page': a formatted citation and a BibTeX entry of the page itself."""
        return self.render("cite.html.j2", path, title=title, page_url=page_url, date=date,
                            key="nkbs-" + (re.sub(r"[^a-z0-9]+", "-", path[:-3].lower()).strip("-") or "home"))

    def backlinks_block(self, path: str, linking: list[tuple[str, str]]) -> str:
        """'Pages that link here', at most `page_claims` of them (at 10,000 sources thousands of
        source pages link to a topic): the other pages first, then source pages, and a count of
        the rest, which are linked from the claims listed on the page (or its pages by year)."""
        shown = sorted(linking, key=lambda link: (link[0].startswith("sources/"), link[0]))[:self.page_claims]
        return self.render("backlinks.html.j2", path, linking=shown, more=len(linking) - len(shown))

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

