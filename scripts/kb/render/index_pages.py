"""The index pages: topics, sources, places (with the map), organizations, the timeline's
overview, the glossary and the bibliography (`paths.INDEX_PAGES`)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from .. import figures
from ..model import Place
from ..paths import INDEX_PAGES, place_path
from .links import html_link
from .timeline_pages import timeline_svg

if TYPE_CHECKING:
    from .renderer import Renderer


def index_page_makers(r: Renderer) -> list[tuple[str, Callable[[], str]]]:
    return [(path, partial(_index_page, r, path, template)) for path, template in INDEX_PAGES.items()]


def _index_page(r: Renderer, path: str, template: str) -> str:
    figure = {"timeline.md": timeline_svg, "places/index.md": _map_svg}.get(path)
    return r.render(template, path, figure=figure(r, path) if figure else "")


def _map_svg(r: Renderer, here: str) -> str:
    def href(place: Place) -> str:
        return html_link(here, place_path(place.slug), r.use_directory_urls)

    return figures.map_svg(r.kb, href)
