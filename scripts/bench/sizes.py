"""One size's measures (a synthetic knowledge base of N sources), and the seed's (the real content).

Each step runs in a fresh process measured by bench/measuring.py: the whole strict build (what
`make build` runs), the floor (a bare Material build of the same pages), with `--pdf` the PDF,
at the offline size `make offline`'s zip. The reader figures come from bench/browser.py.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from bench import browser as reader
from bench.configs import write_floor
from bench.measuring import Run, StepFailed, best, folder_bytes, generate_command, make_build, measure, site_build
from bench.project import PROJECT, bench_env
from bench.serving import measure_serve
from bench.synthesis import copy_project_content, synthesize
from bench.weight import first_view, largest_pages

#: The floor is stopped after this many times the full build: the build is then < 1/FLOOR_LIMIT of the floor.
FLOOR_LIMIT = 2


@dataclass
class SizeResult:
    sources: int
    build: Run
    floor: Run
    pages: int
    site_bytes: int
    source_html_bytes: int  # average per source page
    largest: dict[str, dict]  # per page kind: bench.weight.largest_pages
    static_first_view: dict[str, int]  # of the first synthetic source page: path -> gzipped bytes
    reader: reader.ReaderFigures | None = None  # None: measured with --no-browser
    offline_build: Run | None = None  # `make offline` at this size, when the offline search was measured here
    pdf: Run | None = None
    pdf_bytes: int = 0
    pdf_pages: int = 0

    @property
    def seconds_per_page(self) -> float:
        return self.build.seconds / self.pages

    @property
    def floor_ratio(self) -> float:
        return self.build.seconds / self.floor.seconds

    @property
    def first_view_bytes(self) -> int:
        return self.reader.source_first_view_bytes if self.reader else sum(self.static_first_view.values())


@dataclass
class SeedResult:
    sources: int
    pages: int
    build: Run
    serve_first_build_s: float
    serve_rebuild_s: list[float]
    serve_rebuild_reported_s: list[float]
    first_view_page: str
    static_first_view: dict[str, int]  # path -> gzipped bytes
    reader: reader.ReaderFigures | None = None
    largest: dict[str, dict] = field(default_factory=dict)

    @property
    def serve_rebuild_median_s(self) -> float:
        return sorted(self.serve_rebuild_s)[len(self.serve_rebuild_s) // 2]

    @property
    def first_view_bytes(self) -> int:
        return self.reader.source_first_view_bytes if self.reader else sum(self.static_first_view.values())


def _source_slugs(root: Path) -> list[str]:
    return sorted(p.stem for p in (root / "docs" / "sources").glob("*.md") if p.name != "index.md")


def measure_size(sources: int, work: Path, repeat: int, *, browser=None, queries: list[str] = reader.QUERIES, offline: bool = False,
                 pdf: bool = False) -> SizeResult:
    root = work / f"kb-{sources}"
    print(f"[{sources}] writing the synthetic knowledge base to {root}", flush=True)
    slugs = synthesize(root, sources)
    generated, site, floor_root = work / f"generated-{sources}", root / "site", work / f"floor-{sources}"
    # The floor's pages are the generation's output; the generation's own time is no target.
    generation = subprocess.run(generate_command(root, generated), cwd=root, env=bench_env(), capture_output=True, text=True)
    if generation.returncode:
        raise StepFailed(f"failed: {' '.join(generate_command(root, generated))}\n{generation.stderr[-3000:]}")
    build_run = make_build(root / "mkdocs.yml", site)
    floor_run = site_build(write_floor(root, generated, floor_root), floor_root / "site")
    runs: dict[str, list[Run]] = {"build": [], "floor": []}
    # One round is the full build and the floor, one after the other: the machine is shared and its
    # speed drifts by a third within an hour, so the two are compared within a round. The best of each is kept.
    for round_ in range(1, repeat + 1):
        print(f"[{sources}] round {round_} of {repeat}: full strict build", flush=True)
        runs["build"].append(measure(build_run, root))
        if not any(r.stopped for r in runs["floor"]):
            # The floor's list pages hold every claim as Markdown and grow faster than linearly: a time limit.
            print(f"[{sources}] floor build ({runs['build'][-1]} s full)", flush=True)
            runs["floor"].append(measure(floor_run, floor_root, limit=FLOOR_LIMIT * min(r.seconds for r in runs["build"])))
            print(f"[{sources}] floor {runs['floor'][-1]} s", flush=True)
    build, floor = best(runs["build"], build_run), best(runs["floor"], floor_run)
    source_page = f"sources/{slugs[0]}/"
    result = SizeResult(
        sources=sources, build=build, floor=floor,
        pages=sum(1 for _ in site.rglob("*.html")) - int((site / "404.html").exists()),
        site_bytes=folder_bytes(site),
        source_html_bytes=round(sum((site / "sources" / s / "index.html").stat().st_size for s in slugs) / len(slugs)),
        largest=largest_pages(site), static_first_view=first_view(site, site / source_page / "index.html"),
    )
    if browser is not None:
        print(f"[{sources}] reader figures in Chromium", flush=True)
        result.reader = reader.reader_figures(browser, site, source_page, queries)
        if offline:
            print(f"[{sources}] make offline, and its search from file://", flush=True)
            result.offline_build, unzipped = build_offline(root, work / f"offline-{sources}")
            result.reader.offline_search = reader.offline_search(browser, unzipped, queries)
    if pdf:
        measure_pdf(result, root, site, work / f"kb-{sources}.pdf")
    return result


def build_offline(root: Path, folder: Path) -> tuple[Run, Path]:
    """`make offline` (scripts/offline.py) for the knowledge base at `root`, its zip unpacked; the run
    and the unpacked top folder."""
    zip_file = folder / "offline.zip"
    command = [sys.executable, str(PROJECT / "scripts" / "offline.py"), "--root", str(root), "--build-dir", str(folder / "build"),
               "--out", str(zip_file)]
    run = best([measure(command, root)], command)
    with zipfile.ZipFile(zip_file) as archive:
        archive.extractall(folder / "unzipped")
        top = archive.namelist()[0].split("/")[0]
    return run, folder / "unzipped" / top


def measure_pdf(result: SizeResult, root: Path, site: Path, pdf_file: Path) -> None:
    """The PDF alone (joining, printing, merging), from the site just built."""
    print(f"[{result.sources}] PDF", flush=True)
    result.pdf = measure([sys.executable, str(PROJECT / "scripts" / "pdf.py"), "--no-build", "--site-dir", str(site),
                          "--out", str(pdf_file)], root)
    if result.pdf.returncode == 0:
        import pikepdf  # installed with the project (pdf.py merges with it)

        with pikepdf.open(pdf_file) as document:
            result.pdf_bytes, result.pdf_pages = pdf_file.stat().st_size, len(document.pages)


def measure_seed(work: Path, browser=None, queries: list[str] = reader.QUERIES) -> SeedResult:
    """The real content: its strict build, `make serve`'s rebuild after a change, a source page's first view."""
    root = copy_project_content(work / "seed")
    print("[seed] strict build", flush=True)
    command = make_build(root / "mkdocs.yml", root / "site")
    build = best([measure(command, root)], command)
    slugs = _source_slugs(root)
    page = f"sources/{slugs[0]}/"
    print("[seed] properdocs serve rebuilds", flush=True)
    first_build, rebuilds, reported = measure_serve(root)
    pages = sum(1 for _ in (root / "site").rglob("*.html")) - int((root / "site" / "404.html").exists())
    seed = SeedResult(sources=len(slugs), pages=pages, build=build, serve_first_build_s=first_build, serve_rebuild_s=rebuilds,
                      serve_rebuild_reported_s=reported, first_view_page=page,
                      static_first_view=first_view(root / "site", root / "site" / page / "index.html"),
                      largest=largest_pages(root / "site"))
    if browser is not None:
        print("[seed] reader figures in Chromium", flush=True)
        seed.reader = reader.reader_figures(browser, root / "site", page, queries)
    return seed
