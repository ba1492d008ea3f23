"""The page of each topic, place and organization: what the sources say about it. Past
`Renderer.page_claims` claims, the page shows an overview (counts, a chart, the latest and the
most corroborated claims) and each year's claims get a page of their own (`listings`)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from ..derive import ClaimRef
from ..paths import organization_path, place_path, topic_path
from .labels import _by_year
from .listings import moved_note, neighbours, overview, split_listing

if TYPE_CHECKING:
    from .renderer import Renderer

Makers = list[tuple[str, Callable[[], str]]]


def topic_page_makers(r: Renderer) -> Makers:
    d, makers = r.derived, []
    for slug, topic in r.kb.topics.items():
        makers += _entity_pages(r, topic_path(slug), "topic.md.j2", topic.title, d.by_topic.get(slug, []),
                                {"topic": slug}, topic=topic, sources=d.sources_by_topic.get(slug, []),
                                related=d.related_topics.get(slug, []))
    return makers


def place_page_makers(r: Renderer) -> Makers:
    d, makers = r.derived, []
    for slug, place in r.kb.places.items():
        makers += _entity_pages(r, place_path(slug), "place.md.j2", place.name, d.by_place.get(slug, []),
                                {"place": slug}, place=place, sources=d.sources_by_place.get(slug, []),
                                children=d.places_within.get(slug, []))
    return makers


def organization_page_makers(r: Renderer) -> Makers:
    d, makers = r.derived, []
    for slug, org in r.kb.organizations.items():
        makers += _entity_pages(r, organization_path(slug), "organization.md.j2", org.name,
                                d.by_organization.get(slug, []), {"org": slug}, org=org,
                                sources=d.sources_by_organization.get(slug, []))
    return makers


def _entity_pages(r: Renderer, path: str, template: str, title: str, claims: list[ClaimRef],
                  filters: dict[str, str], **context: object) -> Makers:
    """The page itself, and when its claims are too many for it, a page per year (and part)."""
    if len(claims) <= r.page_claims:
        return [(path, partial(_render_entity, r, template, path, claims, None, filters, context))]
    pages = split_listing(path[:-3], _by_year(claims), r.page_claims)
    makers = [(path, partial(_render_entity, r, template, path, claims, pages, filters, context))]
    for page, previous, following in neighbours(pages):
        makers.append((page.path, partial(
            _render_part, r, page, previous=previous, next=following, owner_title=title, owner_path=path,
            group_pages=[p for p in pages if p.group == page.group], filters=_of_year(filters, page.group),
        )))
    return makers


def _render_part(r: Renderer, page, filters: dict[str, str], **context: object) -> str:
    """A page of one year (or part of one) of a split list. The explorer link is made now, not
    with the maker: whether the site has an explorer is known once every maker is listed."""
    return r.render("claims_page.md.j2", page.path, page=page, moved=moved_note(r, page.path),
                    explorer=r.explorer_link(page.path, filters), **context)


def _render_entity(r: Renderer, template: str, path: str, claims: list[ClaimRef], pages, filters, context) -> str:
    listing = overview(r, path, pages, claims) if pages else None
    return r.render(template, path, claims=claims, listing=listing, moved=moved_note(r, path) if pages else "",
                    explorer=r.explorer_link(path, filters), **context)


def _of_year(filters: dict[str, str], group: str) -> dict[str, str]:
    """The explorer's filters for one year's page ('Undated' has no event date to filter by)."""
    return filters if group == "Undated" else {**filters, "event_from": group, "event_to": group}
