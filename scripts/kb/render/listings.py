"""Long lists split into pages: a page per group (a year), numbered pages when a group is still
too long (`paths.PAGE_CLAIMS`), and what a list's first page shows instead of every item."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .. import figures
from ..derive import ClaimRef
from ..paths import group_slug, listing_path, page_count, source_path
from .links import html_link

if TYPE_CHECKING:
    from .renderer import Renderer

#: How many of the latest and of the most corroborated claims a split list's first page shows
#: (fewer when the page limit is small: they count towards it too).
HIGHLIGHTS = 10


@dataclass(frozen=True)
class ListingPage:
    """One page of a split list: a group (a year, or 'Undated'), or one numbered part of it."""

    path: str
    group: str
    number: int
    pages: int  # how many pages the group takes
    items: list = field(repr=False)
    total: int = 0  # items in the whole group


@dataclass(frozen=True)
class Overview:
    """What the first page of a split list of claims shows, with links to every page."""

    pages: list[ListingPage]
    latest: list[ClaimRef]
    corroborated: list[ClaimRef]
    figure: str

    @property
    def groups(self) -> list[ListingPage]:
        """The first page of each group (where a link to the group goes), in order."""
        return [page for page in self.pages if page.number == 1]


def split_listing(base: str, groups: list[tuple[str, list]], limit: int) -> list[ListingPage]:
    """The pages of a list split by group, each group into pages of at most `limit` items."""
    pages = []
    for group, items in groups:
        count = page_count(len(items), limit)
        for number in range(1, count + 1):
            chunk = items[(number - 1) * limit:number * limit]
            pages.append(ListingPage(listing_path(base, group_slug(group), number), group, number, count, chunk, len(items)))
    return pages


def neighbours(pages: list[ListingPage]) -> list[tuple[ListingPage, ListingPage | None, ListingPage | None]]:
    """Each page with the one before and the one after it, for 'previous' and 'next' links."""
    return [(page, pages[i - 1] if i else None, pages[i + 1] if i + 1 < len(pages) else None)
            for i, page in enumerate(pages)]


def overview(r: Renderer, here: str, pages: list[ListingPage], claims: list[ClaimRef]) -> Overview:
    """The latest and the most corroborated claims, and a chart of the claims per year."""
    shown = max(1, min(HIGHLIGHTS, r.page_claims // 4))
    dated = [ref for ref in claims if ref.claim.date]
    latest = list(reversed(dated[-shown:]))
    corroboration = r.derived.corroboration
    ranked = sorted((ref for ref in claims if corroboration[ref.ref].outlets >= 2),
                    key=lambda ref: (corroboration[ref.ref].outlets, ref.sort_key), reverse=True)
    by_year = [(page.group, page.total) for page in pages if page.number == 1 and page.group != "Undated"]
    figure = figures.years_svg(by_year, href=lambda year: html_link(
        here, listing_path(here[:-3], group_slug(year)), r.use_directory_urls)) if by_year else ""
    return Overview(pages, latest, ranked[:shown], figure)


def moved_note(r: Renderer, here: str) -> str:
    """Where a link to a claim of this list leads when the claim is no longer on this page:
    read by docs/assets/kb-moved.js (which goes to the page given by a link's `data-kb-holds`,
    or to the claim on its source page); without JavaScript, the text says where to look."""
    source = html_link(here, source_path("SLUG"), r.use_directory_urls, "claim-ID")
    return (f'<p class="kb-moved" data-kb-moved data-kb-source="{source}" data-search-exclude>'
            f'<small>Followed a link to a claim that is not on this page? Each claim is listed on the '
            f'page of its year (the links on this page lead there) and on its source page.</small></p>')
