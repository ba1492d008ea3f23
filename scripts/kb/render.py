"""Render: KnowledgeBase + Derived -> {page path: Markdown}. Pure; no MkDocs.

Contributors' values are inserted through the `text` filter, which escapes HTML and
Markdown so that a field can never inject markup, a link or a citation. Only curated
Markdown (source bodies, topic intros) is passed through as Markdown.
"""

from __future__ import annotations

import html
import posixpath
import re
from itertools import groupby
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from .derive import ClaimRef, Derived
from .model import EVIDENCE_LABELS, KnowledgeBase, SourcePage

TEMPLATES = Path(__file__).parent / "templates"
LANGUAGES = {"en": "English", "ko": "Korean", "zh": "Chinese", "ja": "Japanese", "ru": "Russian"}


# --- Paths of every page ------------------------------------------------------------------


def topic_path(slug: str) -> str:
    return f"topics/{slug}.md"


def place_path(slug: str) -> str:
    return f"places/{slug}.md"


def organization_path(slug: str) -> str:
    return f"organizations/{slug}.md"


def source_path(slug: str) -> str:
    return f"sources/{slug}.md"


INDEX_PAGES = {
    "topics": "topics/index.md",
    "sources": "sources/index.md",
    "places": "places/index.md",
    "organizations": "organizations/index.md",
}


def generated_paths(kb: KnowledgeBase) -> set[str]:
    """Every page the renderer will write, known before rendering (for collision checks)."""
    return (
        set(INDEX_PAGES.values())
        | {topic_path(s) for s in kb.topics}
        | {place_path(s) for s in kb.places}
        | {organization_path(s) for s in kb.organizations}
    )


# --- Escaping -----------------------------------------------------------------------------

_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]#+!|~^=:])")


def text(value: object) -> str:
    """A plain-text field as inert Markdown: HTML escaped, Markdown syntax and @ neutralised."""
    escaped = _MARKDOWN_SPECIALS.sub(r"\\\1", str(value))
    escaped = html.escape(escaped, quote=False).replace("@", "&#64;")
    return re.sub(r"\s*\n\s*", " ", escaped).strip()


def url(value: str) -> str:
    """A URL for a Markdown link target (already validated as http(s) by the schema)."""
    return value.replace(" ", "%20").replace("(", "%28").replace(")", "%29").replace("<", "%3C").replace(">", "%3E")


# --- Rendering ----------------------------------------------------------------------------


class Renderer:
    """Holds the Jinja environment and the derived indexes; one per build."""

    def __init__(self, kb: KnowledgeBase, derived: Derived):
        self.kb = kb
        self.derived = derived
        self.env = Environment(
            loader=FileSystemLoader(TEMPLATES),
            autoescape=False,  # the output is Markdown; values go through the `text` filter
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self.env.filters.update(text=text, url=url, evidence=EVIDENCE_LABELS.get, language=_language)
        self.env.globals.update(
            kb=kb,
            d=derived,
            link=_link,
            topic_path=topic_path,
            place_path=place_path,
            organization_path=organization_path,
            source_path=source_path,
            source_label=source_label,
            byline=byline,
            by_year=_by_year,
        )

    def _render(self, template: str, page_path: str, **context: object) -> str:
        return self.env.get_template(template).render(here=page_path, **context)

    def pages(self) -> dict[str, str]:
        """Every generated page, by its path under docs/."""
        kb, d = self.kb, self.derived
        pages = {
            INDEX_PAGES["topics"]: self._render("topics_index.md.j2", INDEX_PAGES["topics"]),
            INDEX_PAGES["sources"]: self._render("sources_index.md.j2", INDEX_PAGES["sources"]),
            INDEX_PAGES["places"]: self._render("places_index.md.j2", INDEX_PAGES["places"]),
            INDEX_PAGES["organizations"]: self._render("organizations_index.md.j2", INDEX_PAGES["organizations"]),
        }
        for slug, topic in kb.topics.items():
            pages[topic_path(slug)] = self._render(
                "topic.md.j2", topic_path(slug), topic=topic, claims=d.by_topic.get(slug, []),
                sources=d.sources_by_topic.get(slug, []), related=d.related_topics.get(slug, []),
            )
        for slug, place in kb.places.items():
            pages[place_path(slug)] = self._render(
                "place.md.j2", place_path(slug), place=place, claims=d.by_place.get(slug, []),
                children=[p for p in kb.places.values() if p.parent == slug],
            )
        for slug, org in kb.organizations.items():
            pages[organization_path(slug)] = self._render(
                "organization.md.j2", organization_path(slug), org=org, claims=d.by_organization.get(slug, []),
            )
        return pages

    def source_page(self, slug: str, body: str | None = None) -> str:
        """The full Markdown of a source page: metadata, the hand-written body, the claims."""
        page = self.kb.sources[slug]
        return self._render(
            "source.md.j2", source_path(slug), page=page, src=page.source,
            body=page.body if body is None else body,
            topics=self.derived.topics_of_source[slug],
        )

    def all_pages(self) -> dict[str, str]:
        """Generated pages and composed source pages: the whole content, for export."""
        pages = self.pages()
        pages.update({source_path(slug): self.source_page(slug) for slug in self.kb.sources})
        return pages


def _link(here: str, target: str, anchor: str | None = None) -> str:
    """A relative Markdown link from page `here` to page `target` (paths under docs/)."""
    rel = posixpath.relpath(target, posixpath.dirname(here) or ".")
    return f"{rel}#{anchor}" if anchor else rel


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


def render_pages(kb: KnowledgeBase, derived: Derived) -> dict[str, str]:
    return Renderer(kb, derived).all_pages()
