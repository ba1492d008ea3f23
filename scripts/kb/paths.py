"""Where every page goes (paths under docs/), known before anything is rendered: the checks
need them (a hand-written page must not take a generated page's place) without importing the
renderer and Jinja (`python -m kb check`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model import KnowledgeBase


def topic_path(slug: str) -> str:
    return f"topics/{slug}.md"


def place_path(slug: str) -> str:
    return f"places/{slug}.md"


def organization_path(slug: str) -> str:
    return f"organizations/{slug}.md"


def source_path(slug: str) -> str:
    return f"sources/{slug}.md"


#: The one generated page that needs the formatted references.
BIBLIOGRAPHY = "bibliography.md"
#: The claim explorer (kb/explorer.py).
EXPLORER = "claims/index.md"
#: Generated pages that are not one-per-entry: {path: template}.
INDEX_PAGES = {
    "topics/index.md": "topics_index.md.j2",
    "sources/index.md": "sources_index.md.j2",
    "places/index.md": "places_index.md.j2",
    "organizations/index.md": "organizations_index.md.j2",
    "timeline.md": "timeline.md.j2",
    "glossary.md": "glossary.md.j2",
    BIBLIOGRAPHY: "bibliography.md.j2",
}


#: Past this many dated claims the timeline page becomes an overview of the years, and each year
#: a page of its own (timeline/2024.md): at 1,000 sources the one page held 6,500 claims, 6 MB of
#: HTML. Below it, one page reads better than a click per year.
TIMELINE_PAGE_LIMIT = 300


def timeline_year_path(year: int | str) -> str:
    return f"timeline/{year}.md"


def timeline_page_years(kb: KnowledgeBase) -> list[int]:
    """The years that get a timeline page of their own: none while the timeline fits on one page."""
    years = [claim.date.year for page in kb.sources.values() for claim in page.source.claims if claim.date]
    return sorted(set(years)) if len(years) > TIMELINE_PAGE_LIMIT else []


def generated_paths(kb: KnowledgeBase) -> set[str]:
    """Every page the renderer will write, known before rendering (for collision checks)."""
    return (
        set(INDEX_PAGES) | {EXPLORER}
        | {topic_path(s) for s in kb.topics}
        | {place_path(s) for s in kb.places}
        | {organization_path(s) for s in kb.organizations}
        | {timeline_year_path(y) for y in timeline_page_years(kb)}
    )
