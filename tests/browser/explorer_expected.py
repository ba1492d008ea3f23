"""What the claim explorer should show for an address, computed from the knowledge base in Python,
independently of docs/assets/explorer-data.js: the claims selected, in order, and each facet
value's count (the claims that would match with that value added: values of one facet are
alternatives, facets and date ranges are all required)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from urllib.parse import parse_qs

from kb.derive import ClaimRef
from kb.export import CLAIM_COLUMNS, _claim_row
from kb.render import html_url

FACETS = ["topic", "place", "org", "outlet", "evidence", "status", "lang"]
STATUS = {"Single source": "single", "Corroborated": "corroborated", "Disputed": "disputed"}


def default_order(derived) -> list[ClaimRef]:
    """Newest event first; undated claims after, newest published first."""
    dated = [ref for ref in derived.claims if ref.claim.date]
    undated = [ref for ref in derived.claims if not ref.claim.date]
    return dated[::-1] + undated[::-1]


def values(derived, ref: ClaimRef, facet: str) -> list[str]:
    claim, src = ref.claim, ref.page.source
    return {
        "topic": list(claim.topics), "place": list(claim.places), "org": list(claim.organizations),
        "outlet": [src.outlet], "evidence": [src.evidence], "lang": [src.language],
        "status": [STATUS[derived.corroboration[ref.ref].status]],
    }[facet]


def span(value: str) -> tuple[dt.date, dt.date]:
    parts = [int(p) for p in value.split("-")]
    if len(parts) == 3:
        day = dt.date(*parts)
        return day, day
    if len(parts) == 2:
        first = dt.date(parts[0], parts[1], 1)
        following = dt.date(parts[0] + parts[1] // 12, parts[1] % 12 + 1, 1)
        return first, following - dt.timedelta(days=1)
    return dt.date(parts[0], 1, 1), dt.date(parts[0], 12, 31)


def within(date, start: str | None, end: str | None) -> bool:
    """A fuzzy date lies within a range when all of it does."""
    if date is None:
        return False
    first, last = span(date.value)
    return (not start or first >= span(start)[0]) and (not end or last <= span(end)[1])


def parse(query: str) -> dict[str, list[str]]:
    return parse_qs(query.lstrip("?"))


def _passes_ranges_and_words(ref: ClaimRef, q: dict[str, list[str]]) -> bool:
    one = {key: q[key][0] for key in ("event_from", "event_to", "pub_from", "pub_to", "q") if key in q}
    if ("event_from" in one or "event_to" in one) and not within(ref.claim.date, one.get("event_from"), one.get("event_to")):
        return False
    if ("pub_from" in one or "pub_to" in one) and not within(ref.page.source.published, one.get("pub_from"), one.get("pub_to")):
        return False
    words = one.get("q", "").casefold().split()
    return all(word in ref.claim.text.casefold() or word in ref.claim.quote.casefold() for word in words)


def select(kb_build, query: str) -> tuple[list[ClaimRef], dict[str, dict[str, int]]]:
    """The claims an address selects, in its order, and the count of every facet value."""
    derived = kb_build.derived
    q = parse(query)
    chosen = {facet: set(q.get(facet, [])) for facet in FACETS if q.get(facet)}
    selected, counts = [], {facet: {} for facet in FACETS}
    for ref in default_order(derived):
        if not _passes_ranges_and_words(ref, q):
            continue
        misses = [f for f, wanted in chosen.items() if not wanted & set(values(derived, ref, f))]
        if not misses:
            selected.append(ref)
        for facet in FACETS:
            if not misses or misses == [facet]:
                for value in values(derived, ref, facet):
                    counts[facet][value] = counts[facet].get(value, 0) + 1
    if q.get("sort") == ["published"]:
        rank = {page.slug: k for k, page in enumerate(derived.sources_newest_first)}
        selected.sort(key=lambda ref: rank[ref.page.slug])  # stable: the default order within a source
    return selected, counts


def page_url(ref: ClaimRef, use_directory_urls: bool = True) -> str:
    return html_url(f"sources/{ref.page.slug}.md", use_directory_urls) + "#" + ref.anchor


def rows(kb_build, refs: list[ClaimRef], use_directory_urls: bool = True) -> list[dict]:
    """The rows of claims.csv / claims.json for these claims (scripts/kb/export.py)."""
    return [_claim_row(kb_build.kb, kb_build.derived, ref, page_url(ref, use_directory_urls)) for ref in refs]


def csv_text(table: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CLAIM_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(table)
    return out.getvalue()
