"""`make pdf`: the whole knowledge base as one PDF, written to site/pdf/<name>.pdf.

The command line only: it runs the strict build (unless --no-build) and hands the built site to
`printing.make.make_pdf` (scripts/printing/: the site's pages joined into one print document with a
cover and a table of contents, printed in parts by headless chromium, merged by pikepdf). The PDF is
dated like the site (kb/dates.py), so two runs on one commit give the same bytes. The measurements
behind the choices are in docs/about/offline.md.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def default_root() -> Path:
    """The current folder when it has a mkdocs.yml (the benchmark's synthetic knowledge bases), else the project."""
    return Path.cwd() if (Path.cwd() / "mkdocs.yml").is_file() else ROOT


def project_name(root: Path) -> str:
    return tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]["name"]


def build_site(config: Path, site_dir: Path) -> None:
    """The strict build, told (KB_PDF) that a PDF will sit beside it, so pages link to it."""
    pdf = f"pdf/{project_name(config.parent)}.pdf"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(ROOT / "scripts"), "KB_PDF": pdf}
    # scripts/build_site.py: site_dir is replaced only when the strict build succeeded.
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "build_site.py"), "-f", str(config), "-d", str(site_dir)],
                            env=env, cwd=config.parent)
    if result.returncode:
        raise SystemExit("the strict build failed (above): fix it, then run `make pdf` again")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=default_root(), help="content folder: mkdocs.yml, bib/ (default: the current one)")
    parser.add_argument("--site-dir", type=Path, help="built site to print (default: ROOT/site)")
    parser.add_argument("--no-build", action="store_true", help="print the site as it is, without `mkdocs build --strict`")
    parser.add_argument("--out", type=Path, help="PDF file (default: SITE/pdf/<project name>.pdf)")
    parser.add_argument("--keep-html", type=Path, help="also keep the joined print page at this path")
    parser.add_argument("--part-mb", type=float, default=4.0,
                        help="HTML per chromium run, in MB (default 4): smaller parts need less memory")
    parser.add_argument("--jobs", type=int, default=2, help="processes reading pages, and chromium runs, at a time (default 2)")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    site_dir = (args.site_dir or root / "site").resolve()
    out = (args.out or site_dir / "pdf" / f"{project_name(ROOT)}.pdf").resolve()
    # Imported here: scripts/offline.py imports this module for default_root and project_name only.
    from kb.dates import build_moment
    from printing.chromium import page_count
    from printing.make import make_pdf

    started = time.perf_counter()
    if not args.no_build:
        build_site(root / "mkdocs.yml", site_dir)
    built = time.perf_counter() - started
    timings = make_pdf(site_dir, out, build_moment(root), html_file=args.keep_html,
                       part_bytes=int(args.part_mb * 1e6), jobs=args.jobs)
    parts = int(timings.pop("parts"))
    details = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in timings.items()) + f" ({parts} parts)"
    build_note = "" if args.no_build else f"build {built:.1f} s, "
    print(f"Wrote {out} ({page_count(out)} pages, {out.stat().st_size / 1e6:.1f} MB): {build_note}{details}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
