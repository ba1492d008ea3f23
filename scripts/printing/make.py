"""`make_pdf`: the site read into one print document, printed in parts, merged; then the cover and
contents printed again with the page numbers the parts give, until they are stable.

Chromium cannot number a table of contents (no `target-counter()`), hence the second print of the
first part only; the numbers occupy a box of fixed width, so writing them changes no page.
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

from .chromium import find_chromium, print_parts
from .merge import destination_pages, merge_parts
from .parts import render_document, split_into_parts
from .site import broken_internal_links, collect


def cover_date(built: dt.datetime) -> str:
    """The date on the cover: "8 December 2026"."""
    return built.strftime("%-d %B %Y")


def make_pdf(site_dir: Path, pdf_file: Path, built: dt.datetime, html_file: Path | None = None,
             max_passes: int = 3, part_bytes: int = 4_000_000, jobs: int = 2) -> dict[str, float]:
    """Print the built site at `site_dir` to `pdf_file`, dated `built` (kb.dates.build_moment: the same
    input gives the same bytes). With `html_file`, the joined print page is kept there. Returns timings."""
    timings: dict[str, float] = {}
    started = time.perf_counter()
    document = collect(site_dir, jobs)
    timings["join"] = time.perf_counter() - started
    if broken := broken_internal_links(document):
        print(f"warning: {len(broken)} internal link(s) lead nowhere in the PDF: {', '.join(broken[:5])}",
              file=sys.stderr)
    parts = split_into_parts(document, part_bytes)
    chromium = find_chromium()
    pdf_file.parent.mkdir(parents=True, exist_ok=True)
    date = cover_date(built)
    numbers: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="kb-print-") as tmp:
        work = Path(tmp)
        part_files = [work / f"part-{n}.pdf" for n in range(len(parts))]
        print_parts(document, parts, range(len(parts)), numbers, date, work, chromium, timings, jobs)
        for _ in range(max_passes):
            started = time.perf_counter()
            destinations = destination_pages(part_files, parts)
            timings["merge"] = timings.get("merge", 0.0) + time.perf_counter() - started
            missing = [p.anchor for p in document.pages if p.anchor not in destinations]
            if missing:
                raise SystemExit(f"the PDF has no destination for {len(missing)} chapter(s): {', '.join(missing[:5])}")
            found = {p.anchor: destinations[p.anchor] for p in document.pages}
            if found == numbers:
                break
            numbers = found
            print_parts(document, parts, range(1), numbers, date, work, chromium, timings, jobs)
        else:
            print("warning: page numbers did not settle; the table of contents may be off by a page", file=sys.stderr)
            destinations = destination_pages(part_files, parts)
        started = time.perf_counter()
        merged = merge_parts(part_files, parts, document.sections, pdf_file, document.site_name, built)
        timings["merge"] += time.perf_counter() - started
        if merged != destinations:
            raise SystemExit("internal error: the merged PDF's destinations are not the ones counted in its parts")
    timings["parts"] = len(parts)
    if html_file is not None:
        html_file.parent.mkdir(parents=True, exist_ok=True)
        html_file.write_text(render_document(document, numbers, date), encoding="utf-8")
    return timings
