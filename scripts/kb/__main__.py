"""Command line: `python -m kb check`, `python -m kb generate OUT`, `python -m kb new-source`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import build


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kb", description=__doc__)
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="project folder (default: current)")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("check", help="validate every source, registry and BibTeX file")
    generate = commands.add_parser("generate", help="write every generated page as Markdown to a folder")
    generate.add_argument("out", type=Path)
    from .new_source import add_arguments

    add_arguments(commands.add_parser("new-source", help="start a source page and its BibTeX entry"))
    args = parser.parse_args(argv)

    if args.command == "new-source":
        from .new_source import run

        return run(args)
    result = build(args.root)
    for problem in result.problems:
        print(problem, file=sys.stderr)
    if not result.ok:
        count = sum(p.severity == "error" for p in result.problems)
        print(f"{count} problem{'s' if count != 1 else ''} found; nothing was built.", file=sys.stderr)
        return 1
    if args.command == "check":
        kb = result.kb
        claims = sum(len(p.source.claims) for p in kb.sources.values())
        print(f"OK: {len(kb.sources)} sources, {claims} claims, {len(kb.topics)} topics, "
              f"{len(kb.places)} places, {len(kb.organizations)} organizations, {len(kb.bib)} BibTeX entries.")
        return 0
    written = 0
    for path, markdown in result.renderer().iter_all_pages():
        target = args.out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(markdown, encoding="utf-8")
        written += 1
    print(f"Wrote {written} pages to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
