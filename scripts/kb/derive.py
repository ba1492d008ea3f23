"""Derive: every index the pages need, built once per build in one pass over the claims.

Nothing here is typed by contributors: a source's topics are the union of its claims'
topics, a topic's related topics are those that share its claims, and so on.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cached_property

from .model import Claim, KnowledgeBase, Place, SourcePage


@dataclass(frozen=True)
class ClaimRef:
    """A claim together with the source page that makes it."""

    page: SourcePage
    claim: Claim

    @cached_property  # the key of every index: read 60,000 times at 1,000 sources
    def ref(self) -> str:
        return f"{self.page.slug}#{self.claim.id}"

    @property
    def anchor(self) -> str:
        return claim_anchor(self.claim.id)

    @property
    def sort_key(self) -> tuple:
        # Dated claims by event date; undated ones after them, by publication date.
        date = self.claim.date
        return (date is None, date.sort_key if date else self.page.source.published.sort_key, self.page.slug, self.claim.id)


def claim_anchor(claim_id: str) -> str:
    """The HTML id of a claim on its source page. Prefixed so that no heading id can clash."""
    return f"claim-{claim_id}"


@dataclass(frozen=True)
class Corroboration:
    """How a claim stands against the others: which claims report the same, how independently."""

    same: list[ClaimRef]  # other claims linked by `corroborates`, in either direction, transitively
    disputed_by: list[ClaimRef]  # claims linked by `disputes`, in either direction
    outlets: int  # independent origins among this claim and `same` (a rewrite counts as its origin)

    @property
    def status(self) -> str:
        if self.disputed_by:
            return "Disputed"
        return "Corroborated" if self.outlets >= 2 else "Single source"


@dataclass(frozen=True)
class Derived:
    claims: list[ClaimRef]
    by_topic: dict[str, list[ClaimRef]]
    by_place: dict[str, list[ClaimRef]]
    by_organization: dict[str, list[ClaimRef]]
    topics_of_source: dict[str, list[str]]
    places_of_source: dict[str, list[str]]
    organizations_of_source: dict[str, list[str]]
    sources_by_topic: dict[str, list[SourcePage]]
    sources_by_place: dict[str, list[SourcePage]]
    sources_by_organization: dict[str, list[SourcePage]]
    related_topics: dict[str, list[tuple[str, int]]]
    sources_newest_first: list[SourcePage]
    timeline: list[ClaimRef]
    corroboration: dict[str, Corroboration]  # by ClaimRef.ref
    claims_of_source: dict[str, dict[str, ClaimRef]]  # source slug -> claim id -> ref
    places_within: dict[str, list[Place]]  # place slug -> the places whose parent it is, in registry order


def derive(kb: KnowledgeBase) -> Derived:
    claims = sorted(
        (ClaimRef(page, claim) for page in kb.sources.values() for claim in page.source.claims),
        key=lambda ref: ref.sort_key,
    )
    by_topic: dict[str, list[ClaimRef]] = defaultdict(list)
    by_place: dict[str, list[ClaimRef]] = defaultdict(list)
    by_org: dict[str, list[ClaimRef]] = defaultdict(list)
    co_occurrence: dict[str, Counter] = defaultdict(Counter)
    for ref in claims:  # one pass; each list stays in event-date order
        for topic in ref.claim.topics:
            by_topic[topic].append(ref)
            co_occurrence[topic].update(t for t in ref.claim.topics if t != topic)
        for place in ref.claim.places:
            by_place[place].append(ref)
        for org in ref.claim.organizations:
            by_org[org].append(ref)

    return Derived(
        claims=claims,
        by_topic=dict(by_topic),
        by_place=dict(by_place),
        by_organization=dict(by_org),
        topics_of_source=_union_per_source(kb, "topics"),
        places_of_source=_union_per_source(kb, "places"),
        organizations_of_source=_union_per_source(kb, "organizations"),
        sources_by_topic={t: _unique_pages(refs) for t, refs in by_topic.items()},
        sources_by_place={p: _unique_pages(refs) for p, refs in by_place.items()},
        sources_by_organization={o: _unique_pages(refs) for o, refs in by_org.items()},
        related_topics=_related(kb, co_occurrence),
        sources_newest_first=sorted(
            kb.sources.values(), key=lambda p: (p.source.published.sort_key, p.slug), reverse=True
        ),
        timeline=[ref for ref in claims if ref.claim.date is not None],
        corroboration=_corroboration(kb, claims),
        claims_of_source=_claims_of_source(claims),
        places_within=_places_within(kb),
    )


def _places_within(kb: KnowledgeBase) -> dict[str, list[Place]]:
    within: dict[str, list[Place]] = defaultdict(list)
    for place in kb.places.values():
        if place.parent:
            within[place.parent].append(place)
    return dict(within)


def _claims_of_source(claims: list[ClaimRef]) -> dict[str, dict[str, ClaimRef]]:
    result: dict[str, dict[str, ClaimRef]] = defaultdict(dict)
    for ref in claims:
        result[ref.page.slug][ref.claim.id] = ref
    return dict(result)


def _union_per_source(kb: KnowledgeBase, field: str) -> dict[str, list[str]]:
    """Slugs a source's claims mention, in first-mention order."""
    return {
        slug: list(dict.fromkeys(s for claim in page.source.claims for s in getattr(claim, field)))
        for slug, page in kb.sources.items()
    }


def _unique_pages(refs: list[ClaimRef]) -> list[SourcePage]:
    pages = {ref.page.slug: ref.page for ref in refs}
    return sorted(pages.values(), key=lambda p: (p.source.published.sort_key, p.slug))


def _related(kb: KnowledgeBase, co_occurrence: dict[str, Counter]) -> dict[str, list[tuple[str, int]]]:
    """Topics sharing claims, most shared first; curated `related` topics are kept too (0 shared)."""
    related = {}
    for slug, topic in kb.topics.items():
        shared = co_occurrence.get(slug, Counter())
        ranked = sorted(shared.items(), key=lambda item: (-item[1], item[0]))
        curated = [(r, 0) for r in topic.related if r not in shared and r in kb.topics]
        related[slug] = ranked + curated
    return related


def origin(kb: KnowledgeBase, page: SourcePage) -> str:
    """Who originally reported what a source says: its outlet, or the origin of the last work it
    derives from (followed through source pages, so a chain of rewrites counts once).

    The Asia Live rewrites Reuters, which reports TJWG: `derived_from: [reuters-…, tjwg-…]`
    gives origin 'tjwg-…', so the rewrite and the report count as one independent outlet.
    """
    seen = set()
    while page.source.derived_from and page.slug not in seen:
        seen.add(page.slug)
        key = page.source.derived_from[-1]
        if key not in kb.sources:
            return key
        page = kb.sources[key]
    return page.source.outlet


def _corroboration(kb: KnowledgeBase, claims: list[ClaimRef]) -> dict[str, Corroboration]:
    """Group claims joined by `corroborates` links (undirected, transitive) with union-find."""
    by_ref = {ref.ref: ref for ref in claims}
    parent = {ref.ref: ref.ref for ref in claims}

    def find(r: str) -> str:
        while parent[r] != r:
            parent[r] = parent[parent[r]]
            r = parent[r]
        return r

    disputes: dict[str, set[str]] = defaultdict(set)
    for ref in claims:
        for other in ref.claim.corroborates:
            if other in parent:
                parent[find(ref.ref)] = find(other)
        for other in ref.claim.disputes:
            if other in by_ref:
                disputes[ref.ref].add(other)
                disputes[other].add(ref.ref)

    groups: dict[str, list[ClaimRef]] = defaultdict(list)
    for ref in claims:
        groups[find(ref.ref)].append(ref)
    result = {}
    for ref in claims:
        group = groups[find(ref.ref)]
        result[ref.ref] = Corroboration(
            same=[other for other in group if other.ref != ref.ref],
            disputed_by=sorted((by_ref[r] for r in disputes[ref.ref]), key=lambda c: c.sort_key),
            outlets=len({origin(kb, member.page) for member in group}),
        )
    return result
