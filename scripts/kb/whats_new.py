"""What's new: the sources by the day they were added to the knowledge base, and the later
commits that added, corrected or removed claims of a source, newest first (kb/history.py finds
both in git). The What's new page (templates/whats_new.md.j2) shows the latest PAGE_LIMIT of
them, the Atom feed (kb/feed.py) the latest FEED_LIMIT: both stay small at 10,000 sources.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .derive import claim_anchor
from .history import SOURCES, History
from .model import KnowledgeBase, SourcePage

#: Entries on the page: a few dozen kilobytes of HTML, far under the bound of a generated page.
PAGE_LIMIT = 200
#: Entries in the feed: what a feed reader fetches on every poll.
FEED_LIMIT = 500


@dataclass(frozen=True)
class Entry:
    """A source added ('added'), or a later change to its claims ('claims')."""

    kind: str
    moment: dt.datetime
    page: SourcePage
    #: The commit of a change of claims ("" for an addition: a source is added once).
    commit: str = ""
    added: tuple[str, ...] = ()
    corrected: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """Stable across builds and site addresses: the entry's Atom id is made from it."""
        return f"added:{self.page.slug}" if self.kind == "added" else f"claims:{self.page.slug}:{self.commit}"

    @property
    def day(self) -> str:
        return self.moment.date().isoformat()


@dataclass(frozen=True)
class WhatsNew:
    entries: list[Entry]  # every entry, newest first
    history: History
    page_limit: int = PAGE_LIMIT
    feed_limit: int = FEED_LIMIT
    anchor = staticmethod(claim_anchor)  # a claim's anchor on its source page

    def latest(self, limit: int) -> list[Entry]:
        return self.entries[:limit]

    def by_day(self, limit: int | None = None) -> list[tuple[str, list[Entry]]]:
        """The latest `limit` entries, grouped by day (newest first)."""
        days: dict[str, list[Entry]] = {}
        for entry in self.latest(self.page_limit if limit is None else limit):
            days.setdefault(entry.day, []).append(entry)
        return list(days.items())


def whats_new(kb: KnowledgeBase, history: History) -> WhatsNew:
    """Every addition and change of claims of the sources the knowledge base has now, newest
    first (at one moment: additions before changes, then by slug, so the order never varies).
    A source not yet committed is not listed: it has not been added yet."""
    entries = []
    for slug, page in kb.sources.items():
        added = history.added.get(f"{SOURCES}{slug}.md")
        if added is not None:
            entries.append(Entry("added", added, page))
    for change in history.claim_changes:
        page = kb.sources.get(change.slug)
        if page is not None:
            entries.append(Entry("claims", change.moment, page, change.commit, change.added, change.corrected, change.removed))
    entries.sort(key=lambda e: (e.kind != "added", e.page.slug, e.commit))
    entries.sort(key=lambda e: e.moment, reverse=True)  # stable: ties keep the order above
    return WhatsNew(entries, history)
