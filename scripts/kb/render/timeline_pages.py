"""The timeline's pages of a year (once the timeline is too long for one page) and the
timeline figures."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from .. import figures
from ..derive import ClaimRef
from ..paths import source_path, timeline_year_path
from .labels import source_label
from .links import html_link
from .listings import ListingPage, moved_note, neighbours, split_listing

if TYPE_CHECKING:
    from .renderer import Renderer

#: A timeline figure has a row per source up to this many sources, then a row per outlet (at
#: 1,000 sources a row per source made the figure 40,000 pixels tall).
FIGURE_ROWS = 30


def timeline_pages(r: Renderer) -> list[ListingPage]:
    """The timeline's pages of a year (and numbered parts of a year still too long for one)."""
    return split_listing("timeline", list(r.timeline_years.items()), r.page_claims)


def year_page_makers(r: Renderer) -> list[tuple[str, Callable[[], str]]]:
    pages = timeline_pages(r)
    return [(page.path, partial(_year_page, r, page, previous, following, [p for p in pages if p.group == page.group]))
            for page, previous, following in neighbours(pages)]


def _year_page(r: Renderer, page: ListingPage, previous: ListingPage | None, following: ListingPage | None,
               group_pages: list[ListingPage]) -> str:
    split = len(group_pages) > 1
    return r.render("timeline_year.md.j2", page.path, page=page, year=page.group, refs=page.items,
                    figure=timeline_svg(r, page.path, page.items), previous=previous, next=following,
                    group_pages=group_pages, moved=moved_note(r, page.path) if split else "",
                    explorer=r.explorer_link(page.path, {"event_from": page.group, "event_to": page.group}))


def timeline_svg(r: Renderer, here: str, refs: list[ClaimRef] | None = None) -> str:
    """The figure of the timeline page (claims per year, when the years have pages of their
    own) or of a year's page: a mark per claim, in a row per source or, past FIGURE_ROWS
    sources, per outlet."""
    if refs is None and r.timeline_years:
        return figures.years_svg(
            [(year, len(claims)) for year, claims in r.timeline_years.items()],
            href=lambda year: html_link(here, timeline_year_path(year), r.use_directory_urls),
        )
    refs = r.derived.timeline if refs is None else refs
    if not refs:
        return ""
    by_source = len({ref.page.slug for ref in refs}) <= FIGURE_ROWS
    return figures.timeline_svg(
        refs,
        lane_label=(lambda ref: source_label(r.kb, ref.page)) if by_source else partial(_outlet_name, r),
        href=lambda ref: html_link(here, source_path(ref.page.slug), r.use_directory_urls, ref.anchor),
        rows="source" if by_source else "outlet",
    )


def _outlet_name(r: Renderer, ref: ClaimRef) -> str:
    outlet = r.kb.outlets.get(ref.page.source.outlet)
    return outlet.name if outlet else ref.page.source.outlet
