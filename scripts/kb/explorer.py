"""The claim explorer: one page (`claims/index.md`, URL /claims/) that filters every claim of the
knowledge base in the reader's browser (docs/assets/explorer.js), and the data files it reads.

The data are split so that the first view stays small however large the knowledge base grows
(65,000 claims at 10,000 sources):

- `claims/data/first.js`: the names of every facet value and the first page of results of the
  unfiltered view, the only data the first view needs (a few KB); `claims/data/first/<view>.js`
  the same for each address a topic, place, organization or year page links to;
- `claims/data/facets.js`: every claim as integer-coded columns (its source, event date,
  precision and status, its topics, places and organizations) and every source's outlet,
  evidence, language and publication date: what filtering and counting need;
- `claims/data/sources.js`: each source's slug, title and address, to show and download results;
- `claims/data/text/<n>.js`: the claims' texts and quotes, CLAIM_CHUNK claims a file, in the
  explorer's default order (newest event first): a page of results needs one or a few of them,
  the free-text filter and the downloads load the rest.

Each file is a script that hands its data to `window.kbExplorer.load(...)`: loaded with
`<script src>`, which works from file:// (the offline copy), where fetch() of a local file is
refused. The page's controls (one fieldset of checkboxes per facet, with every value's number of
claims) are written here, so they read and count right before any script runs.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
import posixpath
from collections.abc import Iterator
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from .derive import ClaimRef
from .model import EVIDENCE_LABELS, FuzzyDate
from .paths import EXPLORER

if TYPE_CHECKING:
    from .render import Renderer

PAGE = EXPLORER
DATA = "claims/data"
#: Claims in the first page of results, and in each "Show more".
FIRST_RESULTS = 50
#: Claims per text file: a page of results of a filtered view spans a few files; 130 files at
#: 10,000 sources (with 1,000 a file, a filter matching few claims loaded 40 files: 0.35 s; now 0.24 s).
CLAIM_CHUNK = 500
#: The facets: (key in the URL and the data, legend).
FACETS = [
    ("topic", "Topic"), ("place", "Place"), ("org", "Organization"), ("outlet", "Outlet"),
    ("evidence", "Evidence"), ("status", "Corroboration"), ("lang", "Language"),
]
#: Corroboration status: (key in the URL, the label claims.csv gives).
STATUSES = [("single", "Single source"), ("corroborated", "Corroborated"), ("disputed", "Disputed")]
#: The date ranges: (key in the URL, before _from and _to; legend).
RANGES = [{"key": "event", "legend": "Date of the event"}, {"key": "pub", "legend": "Date of publication"}]
PRECISIONS = {"year": 1, "month": 2, "day": 3}
_EPOCH = dt.date(1970, 1, 1)


def order(claims: list[ClaimRef]) -> list[ClaimRef]:
    """The explorer's default order, newest event first: dated claims from the latest, then the
    undated ones from the latest published. `claims` is `Derived.claims` (dated ones first, oldest first)."""
    dated = [ref for ref in claims if ref.claim.date is not None]
    undated = [ref for ref in claims if ref.claim.date is None]
    return dated[::-1] + undated[::-1]


def day_number(date: FuzzyDate) -> int:
    """The first day a fuzzy date covers, as days since 1970-01-01 ('2023-05' -> 1 May 2023)."""
    parts = [int(p) for p in date.value.split("-")] + [1, 1]
    return (dt.date(parts[0], parts[1], parts[2]) - _EPOCH).days


class ExplorerData:
    """What the explorer's page and data files are made of, computed once from the renderer's indexes."""

    def __init__(self, renderer: Renderer):
        self.renderer = renderer
        kb, derived = renderer.kb, renderer.derived
        self.kb, self.derived = kb, derived
        self.claims = order(derived.claims)
        self.sources = derived.sources_newest_first  # a source's index is its rank by publication
        self.source_index = {page.slug: k for k, page in enumerate(self.sources)}
        languages = sorted({page.source.language for page in self.sources})
        self.values: dict[str, list[tuple[str, str]]] = {
            "topic": [(slug, topic.title) for slug, topic in kb.topics.items()],
            "place": [(slug, place.name) for slug, place in kb.places.items()],
            "org": [(slug, org.name) for slug, org in kb.organizations.items()],
            "outlet": [(slug, outlet.name) for slug, outlet in kb.outlets.items()],
            "evidence": list(EVIDENCE_LABELS.items()),
            "status": STATUSES,
            "lang": [(code, _language_name(code)) for code in languages],
        }
        self.index = {facet: {slug: k for k, (slug, _) in enumerate(values)} for facet, values in self.values.items()}
        status_of = {label: k for k, (_, label) in enumerate(STATUSES)}
        self.status = [status_of[derived.corroboration[ref.ref].status] for ref in self.claims]
        #: Each claim's topics, places and organizations as value indices, in the claim's order.
        self.lists = {facet: [[self.index[facet][slug] for slug in getattr(ref.claim, field)] for ref in self.claims]
                      for facet, field in (("topic", "topics"), ("place", "places"), ("org", "organizations"))}
        #: Each source's outlet, evidence and language as value indices.
        self.of_source = {facet: [self.index[facet][getattr(page.source, field)] for page in self.sources]
                          for facet, field in (("outlet", "outlet"), ("evidence", "evidence"), ("lang", "language"))}
        self.source_of = [self.source_index[ref.page.slug] for ref in self.claims]

    def counts(self, positions: list[int] | None = None) -> dict[str, list[int]]:
        """How many claims each facet value has, among the claims at `positions` (default: all)."""
        positions = range(len(self.claims)) if positions is None else positions
        counts = {facet: [0] * len(values) for facet, values in self.values.items()}
        for facet, per_claim in self.lists.items():
            tally = counts[facet]
            for position in positions:
                for value in per_claim[position]:
                    tally[value] += 1
        for position in positions:
            counts["status"][self.status[position]] += 1
            source = self.source_of[position]
            for facet, of_source in self.of_source.items():
                counts[facet][of_source[source]] += 1
        return counts

    def views(self) -> dict[str, list[int]]:
        """The addresses that topic, place, organization and year pages link to (one value of one
        facet, or one year of events), each with the positions of its claims: their first page and
        counts are written ahead (`first/<key>.js`), so that such a link opens as fast as the
        unfiltered view, without the columns."""
        views: dict[str, list[int]] = {}
        for facet, per_claim in self.lists.items():
            by_value: dict[int, list[int]] = defaultdict(list)
            for position, values in enumerate(per_claim):
                for value in values:
                    by_value[value].append(position)
            views.update((f"{facet}-{value}", positions) for value, positions in sorted(by_value.items()))
        by_year: dict[int, list[int]] = defaultdict(list)
        for position, ref in enumerate(self.claims):
            if ref.claim.date:
                by_year[ref.claim.date.year].append(position)
        views.update((f"year-{year}", positions) for year, positions in sorted(by_year.items()))
        return views

    def _view(self, key: str, positions: list[int], everything: dict[str, list[int]]) -> str:
        counts = self.counts(positions)
        facet = key.split("-")[0]
        if facet in counts:  # a value added to the one chosen widens the view: its facet counts every claim
            counts[facet] = everything[facet]
        return _script("view", key, {"total": len(positions), "counts": counts,
                                     "first": [self.record(p) for p in positions[:FIRST_RESULTS]]})

    def page_url(self, slug: str) -> str:
        """A source page's address under the site, as claims.csv's `page` column has it (before '#')."""
        from .render import html_url

        return html_url(f"sources/{slug}.md", self.renderer.use_directory_urls)

    def record(self, position: int) -> dict:
        """One claim whole, as the explorer's script builds it from the data files (first.js holds these)."""
        ref = self.claims[position]
        claim, page = ref.claim, ref.page
        return {
            "i": position,
            "s": self.source_record(self.source_index[page.slug]),
            **dict(zip(("id", "text", "quote", "q", "inf", "n"), self.text_row(ref))),
            "ev": claim.date.value if claim.date else "",
            "st": self.status[position],
            **{facet: per_claim[position] for facet, per_claim in self.lists.items()},
        }

    def source_record(self, k: int) -> dict:
        src = self.sources[k].source
        return {"slug": self.sources[k].slug, "title": src.title, "url": src.url, "pub": src.published.value,
                "pq": src.published.qualifier or "", **{facet: values[k] for facet, values in self.of_source.items()}}

    def text_row(self, ref: ClaimRef) -> list:
        """[id, text, quote, date qualifier, what the date is inferred from, independent outlets]."""
        date = ref.claim.date
        return [ref.claim.id, ref.claim.text, ref.claim.quote, (date.qualifier or "") if date else "",
                (date.inferred or "") if date else "", self.derived.corroboration[ref.ref].outlets]

    # --- The data files -----------------------------------------------------------------------

    def files(self) -> Iterator[tuple[str, Iterator[str]]]:
        """(path under the site, its text in pieces) of each data file, for the renderer's downloads."""
        everything, views = self.counts(), self.views()
        yield f"{DATA}/first.js", iter([self._first(everything, list(views))])
        for key, positions in views.items():
            yield f"{DATA}/first/{key}.js", iter([self._view(key, positions, everything)])
        yield f"{DATA}/facets.js", iter([self._facets()])
        yield f"{DATA}/sources.js", iter([self._sources()])
        for chunk in range(self.chunks):
            rows = [self.text_row(ref) for ref in self.claims[chunk * CLAIM_CHUNK:(chunk + 1) * CLAIM_CHUNK]]
            yield f"{DATA}/text/{chunk}.js", iter([_script("text", chunk, rows)])

    @property
    def chunks(self) -> int:
        return -(-len(self.claims) // CLAIM_CHUNK)

    def _first(self, counts: dict[str, list[int]], views: list[str]) -> str:
        prefix, suffix = self.page_url("{slug}").split("{slug}")
        return _script("first", {
            "total": len(self.claims), "sources": len(self.sources), "chunk": CLAIM_CHUNK, "chunks": self.chunks,
            "page": [prefix, suffix], "page_size": FIRST_RESULTS, "counts": counts, "views": views,
            "dict": {facet: [list(value) for value in values] for facet, values in self.values.items()},
            "first": [self.record(position) for position in range(min(FIRST_RESULTS, len(self.claims)))],
        })

    def _facets(self) -> str:
        """Columns of small integers, which gzip well: event dates as differences from the claim
        before (claims are in date order), precision and status as one digit, lists as a count and
        then the values."""
        events, codes = [], []
        previous = 0
        for position, ref in enumerate(self.claims):
            date = ref.claim.date
            if date is not None:
                day = day_number(date)
                events.append(day - previous)
                previous = day
            else:
                events.append(0)
            codes.append((PRECISIONS[date.precision] if date else 0) * len(STATUSES) + self.status[position])
        lists = {facet: [value for values in per_claim for value in (len(values), *values)]
                 for facet, per_claim in self.lists.items()}
        sources = {**self.of_source, "pub": [page.source.published.value for page in self.sources]}
        return _script("facets", {"src": self.source_of, "ev": events, "code": codes, **lists, "sources": sources})

    def _sources(self) -> str:
        pages = self.sources
        return _script("sources", {
            "slug": [page.slug for page in pages], "title": [page.source.title for page in pages],
            "url": [page.source.url for page in pages], "pq": [page.source.published.qualifier or "" for page in pages],
        })

    # --- The page -------------------------------------------------------------------------------

    def facet_groups(self) -> list[dict]:
        """Each facet's legend and its values with claims, most claims first (the order stays put
        while counts change, so the keyboard focus does not jump)."""
        counts = self.counts()
        groups = []
        for facet, legend in FACETS:
            values = [(slug, name, counts[facet][k]) for k, (slug, name) in enumerate(self.values[facet]) if counts[facet][k]]
            values.sort(key=lambda value: (-value[2], value[1].casefold()))
            groups.append({"key": facet, "legend": legend, "values": values})
        return groups


def explorer_data(renderer: Renderer) -> ExplorerData:
    """The renderer's ExplorerData, made once for the page and the data files."""
    if renderer not in _made:
        _made[renderer] = ExplorerData(renderer)
    return _made[renderer]


_made: WeakKeyDictionary = WeakKeyDictionary()


def page(renderer: Renderer) -> str:
    """The explorer page's Markdown."""
    data = explorer_data(renderer)
    controls = renderer.env.get_template("explorer_controls.html.j2").render(
        here=PAGE, groups=data.facet_groups(), total=len(data.claims), ranges=RANGES,
        data_url=posixpath.relpath(DATA, posixpath.dirname(PAGE)) + "/",
    )
    return renderer.env.get_template("claims.md.j2").render(here=PAGE, total=len(data.claims), controls=controls)


def data_files(renderer: Renderer) -> Iterator[tuple[str, Iterator[str]]]:
    """The data files; the renderer's ExplorerData is let go once they are made (it codes every claim)."""
    data = _made.pop(renderer, None) or ExplorerData(renderer)
    return data.files()


def _script(kind: str, *data: object) -> str:
    """A data file: a script that hands its data to the explorer (JSON is JavaScript)."""
    arguments = ",".join(json.dumps(item, ensure_ascii=False, separators=(",", ":")) for item in (kind, *data))
    return f"kbExplorer.load({arguments});\n"


def _language_name(code: str) -> str:
    from .render.labels import LANGUAGES

    return LANGUAGES.get(code, code)
