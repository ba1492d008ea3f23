"""The index pages: topics, sources, places (with the map), organizations, the timeline's
overview, the glossary and the bibliography (`paths.INDEX_PAGES`); past `Renderer.page_claims`
entries, the sources index by year of publication and the bibliography in numbered pages."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from itertools import groupby
from typing import TYPE_CHECKING

from .. import figures
from ..model import Place
from ..paths import BIBLIOGRAPHY, INDEX_PAGES, SOURCES_BY_YEAR, bibliography_path, page_count, place_path
from .links import html_link
from .listings import ListingPage, neighbours, split_listing
from .timeline_pages import timeline_pages, timeline_svg

if TYPE_CHECKING:
    from .renderer import Renderer

SOURCES_INDEX = "sources/index.md"


def index_page_makers(r: Renderer) -> list[tuple[str, Callable[[], str]]]:
    makers = [(path, partial(_index_page, r, path, template)) for path, template in INDEX_PAGES.items()
              if path not in (SOURCES_INDEX, BIBLIOGRAPHY)]
    makers += _sources_pages(r)
    makers += _bibliography_pages(r)
    return makers


def _index_page(r: Renderer, path: str, template: str) -> str:
    figure = {"timeline.md": timeline_svg, "places/index.md": _map_svg}.get(path)
    pages = timeline_pages(r) if path == "timeline.md" else []
    return r.render(template, path, figure=figure(r, path) if figure else "", pages=pages)


def _map_svg(r: Renderer, here: str) -> str:
    def href(place: Place) -> str:
        return html_link(here, place_path(place.slug), r.use_directory_urls)

    return figures.map_svg(r.kb, href)


def _sources_pages(r: Renderer) -> list[tuple[str, Callable[[], str]]]:
    """The sources index, newest first; past the page limit, the newest sources and a page per
    year of publication (`sources/by-year/2024.md`, numbered parts when a year is too long)."""
    newest = r.derived.sources_newest_first
    if len(newest) <= r.page_claims:
        return [(SOURCES_INDEX, partial(r.render, "sources_index.md.j2", SOURCES_INDEX, sources=newest, pages=[]))]
    by_year = [(str(year), list(group)) for year, group in groupby(newest, key=lambda page: page.source.published.year)]
    pages = split_listing(SOURCES_BY_YEAR, by_year, r.page_claims)
    makers = [(SOURCES_INDEX, partial(r.render, "sources_index.md.j2", SOURCES_INDEX,
                                      sources=newest[:r.page_claims], pages=pages))]
    for page, previous, following in neighbours(pages):
        makers.append((page.path, partial(r.render, "sources_year.md.j2", page.path, page=page, previous=previous,
                                          next=following, group_pages=[p for p in pages if p.group == page.group])))
    return makers


def _bibliography_pages(r: Renderer) -> list[tuple[str, Callable[[], str]]]:
    """The bibliography; past the page limit, in numbered pages (`bibliography/2.md`...), in the
    order of the references, each page listing every page by its first and last key."""
    count = page_count(len(r.kb.bib), r.page_claims)
    return [(bibliography_path(number), partial(_bibliography_page, r, number, count)) for number in range(1, count + 1)]


def _bibliography_page(r: Renderer, number: int, count: int) -> str:
    entries, limit = list(r.references().items()), r.page_claims
    pages = [ListingPage(bibliography_path(n), f"{entries[(n - 1) * limit][0]} – {entries[min(n * limit, len(entries)) - 1][0]}",
                         n, count, [], len(entries)) for n in range(1, count + 1)] if count > 1 else []
    path = bibliography_path(number)
    return r.render("bibliography.md.j2", path, entries=entries[(number - 1) * limit:number * limit],
                    number=number, pages=pages)
