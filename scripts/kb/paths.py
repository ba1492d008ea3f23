"""Where every page goes (paths under docs/), known before anything is rendered: the checks
need them (a hand-written page must not take a generated page's place) without importing the
renderer and Jinja (`python -m kb check`).
"""

from __future__ import annotations

import os
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


#: The claim explorer (kb/explorer.py): topic, place, organization and year pages link to it
#: with their filter set, once a page kind in `render.PAGE_KINDS` makes it.
EXPLORER = "claims/index.md"
#: The one generated page that needs the formatted references.
BIBLIOGRAPHY = "bibliography.md"
#: Sources as they were added and changed (kb/whats_new.py), with the Atom feed beside it (kb/feed.py).
WHATS_NEW = "whats-new.md"
#: Generated pages that are not one-per-entry: {path: template}.
INDEX_PAGES = {
    "topics/index.md": "topics_index.md.j2",
    "sources/index.md": "sources_index.md.j2",
    "places/index.md": "places_index.md.j2",
    "organizations/index.md": "organizations_index.md.j2",
    "timeline.md": "timeline.md.j2",
    "glossary.md": "glossary.md.j2",
    BIBLIOGRAPHY: "bibliography.md.j2",
    WHATS_NEW: "whats_new.md.j2",
}


#: How many claims (or sources, or references) one generated page lists at most. Past it, a list
#: is split: a topic, place or organization page shows its introduction, counts, a chart by year
#: and a few claims, then links to a page per year (`topics/<slug>/2023.md`), and a year still too
#: long is split into numbered pages (`topics/<slug>/2023/2.md`); the timeline the same way
#: (`timeline/2023.md`, `timeline/2023/2.md`), the sources index by year of publication, the
#: bibliography into numbered pages. At 10,000 sources one page of all a topic's claims was 4.6 MB
#: and 51,000 DOM nodes, a year of the timeline 5.4 MB; 150 claims make about 200 KB and 2,500
#: nodes. Set by `extra: kb: page_claims: N` in mkdocs.yml or the environment variable
#: KB_PAGE_CLAIMS (the latter wins).
DEFAULT_PAGE_CLAIMS = 150
PAGE_CLAIMS_VARIABLE = "KB_PAGE_CLAIMS"


def page_claims_limit(configured: object = None) -> int:
    """The page limit: KB_PAGE_CLAIMS, else the configured value, else DEFAULT_PAGE_CLAIMS."""
    value = os.environ.get(PAGE_CLAIMS_VARIABLE) or configured
    if value in (None, ""):
        return DEFAULT_PAGE_CLAIMS
    try:
        limit = int(value)
    except (TypeError, ValueError):
        limit = 0
    if limit < 4:
        raise ValueError(f"page_claims ({PAGE_CLAIMS_VARIABLE} or mkdocs.yml extra.kb.page_claims): {value!r} "
                         f"is not a whole number of at least 4: set it to e.g. {DEFAULT_PAGE_CLAIMS}")
    return limit


def _limit_for_checks() -> int:
    """The page limit, or the default when it is not a number: the checks only need the paths
    roughly (a hand-written page must not take a generated page's place); the renderer reports it."""
    try:
        return page_claims_limit()
    except ValueError:
        return DEFAULT_PAGE_CLAIMS


def page_count(items: int, limit: int) -> int:
    """How many numbered pages a group of `items` takes at `limit` a page (at least one)."""
    return max(1, -(-items // limit))


def listing_path(base: str, group: str, number: int = 1) -> str:
    """The page of one group of a split list: its first page `<base>/<group>.md` (an address
    that stays the group's), the next ones `<base>/<group>/<number>.md`."""
    return f"{base}/{group}.md" if number == 1 else f"{base}/{group}/{number}.md"


def timeline_year_path(year: int | str, number: int = 1) -> str:
    return listing_path("timeline", str(year), number)


def group_slug(group: str) -> str:
    """The path segment and anchor of a group of claims: '2023', or 'undated' ('Undated')."""
    return group.lower()


def claims_per_year(refs_or_claims) -> dict[str, int]:
    """{year as text, or 'Undated': how many} for claims in event order (undated ones last)."""
    counts: dict[str, int] = {}
    for claim in refs_or_claims:
        claim = getattr(claim, "claim", claim)
        year = str(claim.date.year) if claim.date else "Undated"
        counts[year] = counts.get(year, 0) + 1
    return counts


def split_paths(base: str, counts: dict[str, int], limit: int) -> list[str]:
    """Every page of a list split by group (see PAGE_CLAIMS), or none if it fits on one page."""
    if sum(counts.values()) <= limit:
        return []
    return [listing_path(base, group_slug(group), number)
            for group, count in counts.items() for number in range(1, page_count(count, limit) + 1)]


def timeline_page_years(kb: KnowledgeBase, limit: int | None = None) -> list[int]:
    """The years that get a timeline page of their own: none while the timeline fits on one page."""
    years = [claim.date.year for page in kb.sources.values() for claim in page.source.claims if claim.date]
    return sorted(set(years)) if len(years) > (limit or _limit_for_checks()) else []


def bibliography_path(number: int) -> str:
    return BIBLIOGRAPHY if number == 1 else f"bibliography/{number}.md"


#: Where the sources index's pages by year of publication go (a folder no source slug can be:
#: slugs hold no '/').
SOURCES_BY_YEAR = "sources/by-year"


def generated_paths(kb: KnowledgeBase, limit: int | None = None) -> set[str]:
    """Every page the renderer will write, known before rendering (for collision checks)."""
    limit = limit or _limit_for_checks()
    claims = [claim for page in kb.sources.values() for claim in page.source.claims]
    by = {"topics": {}, "places": {}, "organizations": {}}
    for claim in claims:
        for field, found in by.items():
            for slug in getattr(claim, field):
                found.setdefault(slug, []).append(claim)
    split = set()
    for field, base_of in (("topics", topic_path), ("places", place_path), ("organizations", organization_path)):
        for slug, of in by[field].items():
            split.update(split_paths(base_of(slug)[:-3], claims_per_year(of), limit))
    dated = [claim for claim in claims if claim.date]
    split.update(split_paths("timeline", claims_per_year(dated), limit))
    published = {}
    for page in kb.sources.values():
        year = str(page.source.published.year)
        published[year] = published.get(year, 0) + 1
    split.update(split_paths(SOURCES_BY_YEAR, published, limit))
    if len(kb.bib) > limit:
        split.update(bibliography_path(n) for n in range(2, page_count(len(kb.bib), limit) + 1))
    return (
        set(INDEX_PAGES) | {EXPLORER}
        | {topic_path(s) for s in kb.topics}
        | {place_path(s) for s in kb.places}
        | {organization_path(s) for s in kb.organizations}
        | split
    )
