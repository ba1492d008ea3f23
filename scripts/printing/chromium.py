"""Debian's chromium, headless, prints the parts of the document to PDF, `jobs` runs at a time."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .model import Part, PrintDocument
from .parts import render_document

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
# The merged PDF has no structure tree (pikepdf does not join them), so chromium need not build one:
# untagged, a part prints with half the memory and half the file size (and without bookmarks, which
# chromium makes from the tags: printing/merge.py makes them from the chapters).
PRINT_FLAGS = ["--no-pdf-header-footer", "--disable-pdf-tagging"]


def find_chromium() -> str:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        raise SystemExit("chromium is not installed: apt-get install chromium poppler-utils fonts-nanum")
    return path


def print_to_pdf(chromium: str, html_file: Path, pdf_file: Path, timeout: int = 3600) -> None:
    """Debian's chromium, headless, prints the page, untagged; no header or footer of its own."""
    pdf_file.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="kb-chromium-") as profile:
        command = [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *PRINT_FLAGS,
                   f"--print-to-pdf={pdf_file}", html_file.resolve().as_uri()]
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    if not pdf_file.exists() or pdf_file.stat().st_size == 0:
        raise SystemExit(f"chromium wrote no PDF (exit {result.returncode}):\n{result.stderr[-2000:]}")


def print_parts(document: PrintDocument, parts: list[Part], which: range, numbers: dict[str, int], date: str,
                work: Path, chromium: str, timings: dict[str, float], jobs: int) -> None:
    """Print the parts numbered in `which` to `work`/part-N.pdf, `jobs` chromium runs at a time. A part
    does not need the page count of the parts before it: the page numbers are stamped on the merged PDF."""
    def print_part(number: int) -> None:
        html_file = work / f"part-{number}.html"
        html_file.write_text(render_document(document, numbers, date, parts[number]), encoding="utf-8")
        print_to_pdf(chromium, html_file, work / f"part-{number}.pdf")

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(print_part, which))
    timings["print"] = timings.get("print", 0.0) + time.perf_counter() - started


def page_count(pdf_file: Path) -> int:
    out = subprocess.run(["pdfinfo", str(pdf_file)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", out, re.M).group(1))
