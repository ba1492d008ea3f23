"""The targets users feel (issues 8, 23 and 25), each measured figure judged PASS or MISS.

A target the issues set at some sizes only (the build against the floor: 1,000 and 10,000 sources)
is printed as INFO at the others; a measure that could not be taken (no /claims/ page yet) as SKIP.
Only a MISS fails the run. Every limit can be changed from the command line (`--limit NAME=VALUE`),
to see how far a figure is from a stricter goal, or to check that a miss fails the run.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

from bench.browser import ReaderFigures, SearchFigure
from bench.sizes import SeedResult, SizeResult

KB, MB = 1000, 1024 * 1024
#: Sizes at which the build is compared with the floor (below them, fixed costs dominate both).
FLOOR_SIZES_FROM = 1000
#: Up to this many sources the search must answer within `search_s`; above, within `search_large_s`.
SEARCH_SMALL_UP_TO = 1000


@dataclass
class Limits:
    build_vs_floor: float = 1.0  # the whole strict build ÷ a bare Material build of the same pages
    peak_mb: float = 1024  # peak memory of the build's process tree (MiB)
    growth: float = 1.0  # (time ratio) ÷ (sources ratio) between consecutive sizes: 10× the sources, ≤ 10× the time
    serve_rebuild_s: float = 1.0  # `make serve` at seed size: a change → browsers reloaded
    first_view_kb: float = 80  # a source page, bytes transferred (compressed)
    search_s: float = 0.5  # first keystroke → first result, up to 1,000 sources
    search_large_s: float = 1.0  # the same, above 1,000 sources (10,000)
    search_kb: float = 600  # bytes transferred from the navigation to the first result
    search_heap_mb: float = 100  # JS heap of the page and its workers (MiB)
    page_kb: float = 300  # the largest page of each kind (HTML bytes)
    page_nodes: float = 5000  # and its DOM nodes
    explorer_kb: float = 150  # /claims/: bytes transferred until its first render from data
    explorer_filter_s: float = 0.5  # a topic box checked → the filtered result rendered
    explorer_heap_mb: float = 150
    offline_search_s: float = 1.5  # the offline zip from file://, first keystroke → first result

    @classmethod
    def parse(cls, settings: list[str]) -> Limits:
        """From NAME=VALUE strings; an unknown name or a value that is not a number: a ValueError saying so."""
        limits, names = cls(), [f.name for f in fields(cls)]
        for setting in settings:
            name, _, value = setting.partition("=")
            if name not in names:
                raise ValueError(f"--limit {setting}: unknown limit {name!r}; the limits are: {', '.join(names)}")
            try:
                setattr(limits, name, float(value))
            except ValueError:
                raise ValueError(f"--limit {setting}: {value!r} is not a number (write e.g. --limit {name}=0.5)") from None
        return limits


@dataclass
class Verdict:
    target: str
    measured: str
    status: str  # PASS, MISS, INFO (no target at this size), SKIP (not measured)

    @property
    def line(self) -> str:
        return f"{self.status}  {self.target}: {self.measured}"


def judged(target: str, measured: str, passed: bool) -> Verdict:
    return Verdict(target, measured, "PASS" if passed else "MISS")


def _seconds(value: float | None) -> str:
    return "no result within the time limit" if value is None else f"{value:.2f} s"


def search_verdicts(name: str, figures: list[SearchFigure], limits: Limits, limit_s: float, label: str = "search") -> list[Verdict]:
    """The slowest query against the time limit (each query's figure in the line); bytes and heap: the largest."""
    found = []
    times = ", ".join(f"{f.query} {_seconds(f.seconds)}" for f in figures)
    slowest = max((f.seconds for f in figures), key=lambda s: float("inf") if s is None else s, default=None)
    found.append(judged(f"{name}: {label}, first keystroke → first result ≤ {limit_s:g} s", times,
                        slowest is not None and slowest <= limit_s))
    if label == "search":
        most = max(figures, key=lambda f: f.bytes)
        found.append(judged(f"{name}: search, bytes from the navigation to the first result ≤ {limits.search_kb:g} KB",
                            f"{most.bytes / KB:,.0f} KB ({most.query}; least {min(f.bytes for f in figures) / KB:,.0f} KB)",
                            most.bytes <= limits.search_kb * KB))
        heap = max(figures, key=lambda f: f.heap_bytes)
        found.append(judged(f"{name}: search, JS heap of the page and its workers ≤ {limits.search_heap_mb:g} MB",
                            f"{heap.heap_bytes / MB:,.1f} MB ({heap.query})", heap.heap_bytes <= limits.search_heap_mb * MB))
    return found


def reader_verdicts(name: str, sources: int, figures: ReaderFigures, limits: Limits) -> list[Verdict]:
    limit_s = limits.search_s if sources <= SEARCH_SMALL_UP_TO else limits.search_large_s
    found = search_verdicts(name, figures.search, limits, limit_s)
    explorer = figures.explorer
    if explorer is None:
        found.append(Verdict(f"{name}: claim explorer", "not measured: no /claims/ page", "SKIP"))
    else:
        found += [
            judged(f"{name}: claim explorer, first view ≤ {limits.explorer_kb:g} KB transferred",
                   f"{explorer.first_view_bytes / KB:,.0f} KB", explorer.first_view_bytes <= limits.explorer_kb * KB),
            judged(f"{name}: claim explorer, topic box checked → filtered result ≤ {limits.explorer_filter_s:g} s",
                   _seconds(explorer.filter_seconds),
                   explorer.filter_seconds is not None and explorer.filter_seconds <= limits.explorer_filter_s),
            judged(f"{name}: claim explorer, JS heap ≤ {limits.explorer_heap_mb:g} MB", f"{explorer.heap_bytes / MB:,.1f} MB",
                   explorer.heap_bytes <= limits.explorer_heap_mb * MB),
        ]
    if figures.offline_search is not None:
        found += search_verdicts(name, figures.offline_search, limits, limits.offline_search_s, "offline search from file://")
    return found


def page_verdicts(name: str, largest: dict[str, dict], limits: Limits) -> list[Verdict]:
    found = []
    for kind, page in largest.items():
        measured = (f"{page['bytes'] / KB:,.0f} KB ({page['gzip_bytes'] / KB:,.0f} KB gzipped) {page['path']}; "
                    f"{page['nodes']:,} nodes {page['nodes_path']}")
        found.append(judged(f"{name}: largest {kind} page ≤ {limits.page_kb:g} KB and ≤ {limits.page_nodes:,.0f} DOM nodes", measured,
                            page["bytes"] <= limits.page_kb * KB and page["nodes"] <= limits.page_nodes))
    return found


def verdicts(sizes: list[SizeResult], seed: SeedResult | None, limits: Limits) -> list[Verdict]:
    found = []
    for r in sizes:
        name = f"{r.sources:,} sources"
        ratio = f"{'< ' if r.floor.stopped else ''}{r.floor_ratio:.2f}× ({r.build.seconds} s / {r.floor} s)"
        target = f"{name}: whole strict build ≤ {limits.build_vs_floor:g}× a bare Material build"
        if r.sources >= FLOOR_SIZES_FROM:
            found.append(judged(target, ratio, r.floor_ratio <= limits.build_vs_floor))
        else:
            found.append(Verdict(target, f"{ratio} (the target is set from {FLOOR_SIZES_FROM:,} sources)", "INFO"))
        found.append(judged(f"{name}: peak memory of the build ≤ {limits.peak_mb:,.0f} MB", f"{r.build.peak_mb:,.0f} MB",
                            r.build.peak_mb <= limits.peak_mb))
    for small, large in zip(sizes, sizes[1:]):
        growth, allowed = large.build.seconds / small.build.seconds, limits.growth * large.sources / small.sources
        found.append(judged(f"{small.sources:,} → {large.sources:,} sources: build time ≤ {allowed:.1f}×", f"{growth:.1f}× "
                            f"({small.build.seconds} s → {large.build.seconds} s)", growth <= allowed))
    if seed:
        found.append(judged(f"seed: make serve rebuild ≤ {limits.serve_rebuild_s:g} s", f"{seed.serve_rebuild_median_s} s "
                            f"(median of {', '.join(map(str, seed.serve_rebuild_s))})",
                            seed.serve_rebuild_median_s <= limits.serve_rebuild_s))
    for name, result in ([("seed", seed)] if seed else []) + [(f"{r.sources:,} sources", r) for r in sizes]:
        how = "transferred, Chromium" if result.reader else "gzipped, read from the HTML"
        found.append(judged(f"{name}: source page first view ≤ {limits.first_view_kb:g} KB",
                            f"{result.first_view_bytes / KB:,.1f} KB ({how})", result.first_view_bytes <= limits.first_view_kb * KB))
        if result.reader:
            found += reader_verdicts(name, result.sources, result.reader, limits)
        else:
            found.append(Verdict(f"{name}: search, claim explorer, offline search", "not measured: --no-browser", "SKIP"))
        found += page_verdicts(name, result.largest, limits)
    if not any(r.reader and r.reader.offline_search is not None for r in sizes):
        found.append(Verdict("offline search from file://", "not measured: it is measured at 1,000 sources (or the largest size "
                             "below), with the browser and without --no-offline", "SKIP"))
    return found


def limits_as_dict(limits: Limits) -> dict:
    return asdict(limits)
