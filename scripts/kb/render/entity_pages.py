"""The page of each topic, place and organization: what the sources say about it."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from ..paths import organization_path, place_path, topic_path

if TYPE_CHECKING:
    from .renderer import Renderer


def topic_page_makers(r: Renderer) -> list[tuple[str, Callable[[], str]]]:
    d = r.derived
    return [(topic_path(slug), partial(
        r.render, "topic.md.j2", topic_path(slug), topic=topic, claims=d.by_topic.get(slug, []),
        sources=d.sources_by_topic.get(slug, []), related=d.related_topics.get(slug, []),
    )) for slug, topic in r.kb.topics.items()]


def place_page_makers(r: Renderer) -> list[tuple[str, Callable[[], str]]]:
    d = r.derived
    return [(place_path(slug), partial(
        r.render, "place.md.j2", place_path(slug), place=place, claims=d.by_place.get(slug, []),
        sources=d.sources_by_place.get(slug, []), children=d.places_within.get(slug, []),
    )) for slug, place in r.kb.places.items()]


def organization_page_makers(r: Renderer) -> list[tuple[str, Callable[[], str]]]:
    d = r.derived
    return [(organization_path(slug), partial(
        r.render, "organization.md.j2", organization_path(slug), org=org, claims=d.by_organization.get(slug, []),
        sources=d.sources_by_organization.get(slug, []),
    )) for slug, org in r.kb.organizations.items()]
