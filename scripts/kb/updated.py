"""'Last updated' of every page: the last commit of the files the page is made from.

A hand-written page is its own file. A source page: its Markdown file and its BibTeX entry. A topic,
place or organization page: its registry and the source pages that have claims in it. A year of the
timeline: the sources with claims dated that year. The other generated pages (indexes, timeline,
glossary, bibliography, What's new) list the whole content: its last change. Dates come from
`kb.history` (never the clock); without history every page has the build's date.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from .derive import Derived
from .history import History
from .model import KnowledgeBase, SourcePage
from .paths import organization_path, place_path, source_path, timeline_year_path, topic_path


#: What the generated pages without inputs of their own list: the sources, registries, BibTeX.
LISTED = ("docs/sources", "data", "bib")


class PageDates:
    """{page path under docs/: the moment it was last updated}, worked out when first asked for."""

    def __init__(self, kb: KnowledgeBase, derived: Derived, history: History) -> None:
        self.history = history
        newest = history.newest
        self._of_source = {slug: newest([f"docs/{source_path(slug)}", f"bib/{slug}.bib"]) for slug in kb.sources}
        self._content = history.newest_under(LISTED) if history.available else history.fallback
        self._pages: dict[str, dt.datetime] = {}
        groups = [
            (topic_path, "data/topics.yml", derived.sources_by_topic, kb.topics),
            (place_path, "data/places.yml", derived.sources_by_place, kb.places),
            (organization_path, "data/organizations.yml", derived.sources_by_organization, kb.organizations),
        ]
        for path_of, registry, sources_of, entries in groups:
            registry_date = history.last_changed(registry)
            for slug in entries:
                self._pages[path_of(slug)] = self._newest(registry_date, sources_of.get(slug, []))
        by_year: dict[int, set[str]] = defaultdict(set)
        for slug, page in kb.sources.items():
            for claim in page.source.claims:
                if claim.date:
                    by_year[claim.date.year].add(slug)
        for year, slugs in by_year.items():
            self._pages[timeline_year_path(year)] = max(self._of_source[s] for s in slugs)
        for slug, when in self._of_source.items():
            self._pages[source_path(slug)] = when

    def _newest(self, start: dt.datetime, pages: Iterable[SourcePage]) -> dt.datetime:
        return max([start, *(self._of_source[p.slug] for p in pages)])

    def of(self, path: str, generated: bool) -> dt.datetime:
        """The moment page `path` (under docs/) was last updated; `generated`: made by the renderer
        (a generated page without inputs of its own lists the whole content)."""
        if path in self._pages:
            return self._pages[path]
        return self._content if generated else self.history.last_changed(f"docs/{path}")

    @staticmethod
    def day(moment: dt.datetime) -> str:
        """The date shown and put in the sitemap: the committer's day, as git's `%cs`."""
        return moment.date().isoformat()
