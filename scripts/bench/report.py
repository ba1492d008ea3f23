"""The benchmark's report: tables printed, and OUT/bench.md and OUT/bench.json with the machine and versions."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
from dataclasses import asdict
from importlib import metadata
from pathlib import Path

from bench.browser import ReaderFigures, SearchFigure
from bench.sizes import SeedResult, SizeResult
from bench.targets import KB, MB, Limits, Verdict

#: Versions in the report: the engine and what the pages are built and searched with.
PACKAGES = ("properdocs", "mkdocs", "mkdocs-material", "mkdocs-bibtex", "pymdown-extensions", "playwright", "pagefind")

METHOD = (
    "*sources*: synthetic sources of ~600 words (3–10 claims, 3 citations, 3 topics, 2 places each), added to a copy of the "
    "real content (its sources, hand-written pages and registries, padded to 20 topics and 200 places); *seed*: the real content alone. "
    "*build*: `scripts/build_site.py -f mkdocs.yml` (the strict build, then the Pagefind index), as `make build` runs it; *floor*: a bare Material build "
    "(search plugin only, no hook, no bibtex) of the same composed pages. Peak memory is that of the build's process tree "
    "(scripts/measure_tree.py). Reader figures: headless Chromium, a new context (cold cache) per measure, the site served on "
    "127.0.0.1 by bench/host.py, which gzips as a host does; bytes are the encoded bytes received by the page and its workers "
    "(CDP Network.loadingFinished), heap the JS heap in use of the page and its workers (CDP Runtime.getHeapUsage). "
    "KB = 1,000 bytes; MB of memory = 2^20 bytes. Method and targets: docs/about/performance.md."
)


def machine(browser_version: str | None) -> dict[str, str]:
    cpu = platform.processor()
    if Path("/proc/cpuinfo").exists():
        cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                    if line.startswith("model name")), cpu)
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024 ** 3
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    return {"date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="minutes"), "cpu": cpu,
            "load_average": " ".join(f"{x:.2f}" for x in os.getloadavg()), "cores": str(os.cpu_count()),
            "memory": f"{memory:.0f} GB", "python": platform.python_version(), "system": platform.platform(),
            **({"chromium": browser_version} if browser_version else {}), **versions}


def build_rows(sizes: list[SizeResult], seed: SeedResult | None) -> list[list[str]]:
    rows = [["sources", "pages", "build s", "build CPU s", "build MB", "floor s", "floor CPU s", "floor MB", "build ÷ floor",
             "s/page", "site MB", "HTML/source KB", "offline build s", "PDF s", "PDF MB", "PDF pages"]]
    if seed:
        rows.append([f"{seed.sources} (seed)", f"{seed.pages:,}", f"{seed.build.seconds}", f"{seed.build.cpu_seconds}",
                     f"{seed.build.peak_mb:.0f}", *["–"] * 11])
    for r in sizes:
        rows.append([f"{r.sources:,}", f"{r.pages:,}", f"{r.build.seconds}", f"{r.build.cpu_seconds}", f"{r.build.peak_mb:.0f}",
                     f"{r.floor}", f"{r.floor.cpu_seconds}", f"{r.floor.peak_mb:.0f}",
                     f"{'< ' if r.floor.stopped else ''}{r.floor_ratio:.2f}×", f"{r.seconds_per_page:.4f}",
                     f"{r.site_bytes / 1e6:.1f}", f"{r.source_html_bytes / KB:.1f}",
                     f"{r.offline_build.seconds}" if r.offline_build else "–",
                     f"{r.pdf.seconds}" if r.pdf else "–", f"{r.pdf_bytes / 1e6:.1f}" if r.pdf_bytes else "–",
                     f"{r.pdf_pages:,}" if r.pdf_pages else "–"])
    return rows


def _span(times: list[float | None]) -> str:
    """Fastest–slowest, in seconds ("none": no result)."""
    return "–".join(dict.fromkeys(f"{t:.2f}" if t is not None else "none" for t in (min(times, key=_order), max(times, key=_order)))) + " s"


def _search_cells(figures: list[SearchFigure] | None) -> list[str]:
    if not figures:
        return ["–"] * 4
    return [_span([f.seconds for f in figures]), _span([f.from_navigation_s for f in figures]),
            f"{max(f.bytes for f in figures) / KB:,.0f}", f"{max(f.heap_bytes for f in figures) / MB:,.0f}"]


def _order(seconds: float | None) -> float:
    return float("inf") if seconds is None else seconds


def reader_rows(named: list[tuple[str, ReaderFigures | None]]) -> list[list[str]]:
    rows = [["sources", "search: keystroke → result", "from navigation", "KB before the result", "search heap MB",
             "source page first view KB", "explorer first view KB", "explorer filter s", "explorer heap MB",
             "offline search: keystroke → result", "from navigation"]]
    for name, figures in named:
        if figures is None:
            continue
        explorer = figures.explorer
        explorer_cells = ([f"{explorer.first_view_bytes / KB:,.0f}",
                           f"{explorer.filter_seconds:.2f}" if explorer.filter_seconds is not None else "none",
                           f"{explorer.heap_bytes / MB:,.0f}"] if explorer else ["no /claims/"] * 3)
        rows.append([name, *_search_cells(figures.search), f"{figures.source_first_view_bytes / KB:,.1f}", *explorer_cells,
                     *_search_cells(figures.offline_search)[:2]])
    return rows


def page_rows(named: list[tuple[str, dict[str, dict]]]) -> list[list[str]]:
    rows = [["sources", "kind", "pages", "largest", "KB", "KB gzipped", "DOM nodes (most of the 3 largest)"]]
    for name, largest in named:
        for kind, page in largest.items():
            rows.append([name, kind, f"{page['pages']:,}", page["path"], f"{page['bytes'] / KB:,.0f}", f"{page['gzip_bytes'] / KB:,.0f}",
                         f"{page['nodes']:,}"])
    return rows


def markdown_table(rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows[1:]])


def text_table(rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(cell.rjust(w) for cell, w in zip(row, widths)) for row in rows)


def seed_lines(seed: SeedResult) -> list[str]:
    return [f"Seed ({seed.sources} real sources): `make serve` first build {seed.serve_first_build_s} s; rebuild after a source change "
            f"{', '.join(map(str, seed.serve_rebuild_s))} s (the build itself {', '.join(map(str, seed.serve_rebuild_reported_s))} s). "
            f"Static first view of `{seed.first_view_page}` (gzipped, from its HTML): "
            + ", ".join(f"{Path(u).name} {b / KB:.1f}" for u, b in seed.static_first_view.items()) + " KB."]


def tables(sizes: list[SizeResult], seed: SeedResult | None) -> dict[str, list[list[str]]]:
    named = ([("seed", seed)] if seed else []) + [(f"{r.sources:,}", r) for r in sizes]
    return {"Builds": build_rows(sizes, seed),
            "Reader figures (headless Chromium)": reader_rows([(name, r.reader) for name, r in named]),
            "Largest page of each kind": page_rows([(name, r.largest) for name, r in named])}


def write_report(sizes: list[SizeResult], seed: SeedResult | None, checks: list[Verdict], limits: Limits, info: dict, out: Path) -> None:
    lines = [f"# Benchmark, {info['date']}", "",
             f"Machine: {info['cpu']}, {info['cores']} cores, {info['memory']}; Python {info['python']}; load average at the end "
             f"{info['load_average']} (other work on the machine inflates wall times; CPU times less so); "
             + ", ".join(f"{name} {version}" for name, version in info.items() if name in PACKAGES or name == "chromium") + ".", "",
             METHOD, ""]
    for title, rows in tables(sizes, seed).items():
        if len(rows) > 1:
            lines += [f"## {title}", "", markdown_table(rows), ""]
    if seed:
        lines += [*seed_lines(seed), ""]
    lines += ["## Targets", "", markdown_table([["target", "measured", ""]] + [[v.target, v.measured, v.status] for v in checks]), ""]
    out.mkdir(parents=True, exist_ok=True)
    (out / "bench.md").write_text("\n".join(lines), encoding="utf-8")
    data = {"machine": info, "limits": asdict(limits), "sizes": [_as_dict(r) for r in sizes], "seed": _as_dict(seed) if seed else None,
            "targets": [asdict(v) for v in checks]}
    (out / "bench.json").write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")


def _as_dict(result: SizeResult | SeedResult) -> dict:
    data = asdict(result)
    for run in ("build", "floor", "pdf", "offline_build"):
        if isinstance(data.get(run), dict):
            data[run].pop("output", None)
    if isinstance(result, SizeResult):
        extras = ("seconds_per_page", "floor_ratio", "first_view_bytes")
    else:
        extras = ("serve_rebuild_median_s", "first_view_bytes")
    return data | {name: getattr(result, name) for name in extras}
