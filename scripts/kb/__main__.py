"""Command line: `python -m kb check`, `python -m kb generate OUT`, `python -m kb new-source`."""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .render import Renderer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kb", description=__doc__)
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="project folder (default: current)")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("check", help="validate every source, registry and BibTeX file")
    generate = commands.add_parser("generate", help="write every generated page as Markdown to a folder")
    generate.add_argument("out", type=Path)
    _new_source_arguments(commands.add_parser("new-source", help="start a source page and its BibTeX entry"))
    args = parser.parse_args(argv)

    if args.command == "new-source":
        from .new_source import run

        from_make = arguments_from_make(os.environ)
        if isinstance(from_make, str):
            print(f"new-source: {from_make}", file=sys.stderr)
            return 1
        if from_make:  # `make new-source URL=... TITLE=...` or ARGS=...: after the command line's own
            args = parser.parse_args([*(sys.argv[1:] if argv is None else argv), *from_make])
        return run(args)
    from . import build
    from .symlinks import symlink_problems

    links = symlink_problems(args.root)  # a link that loops or leaves the repository: nothing follows it
    if links:
        for problem in links:
            print(problem, file=sys.stderr)
        print(f"{len(links)} problem{'s' if len(links) != 1 else ''} found; nothing was checked further.", file=sys.stderr)
        return 1
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
    from .history import read_history  # the What's new page's dates, from git

    try:
        renderer = result.renderer(history=read_history(args.root))
    except ValueError as error:  # a page limit (KB_PAGE_CLAIMS) that is not a number
        print(error, file=sys.stderr)
        return 1
    return write_pages(renderer, args.out, args.root)


def _new_source_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `python -m kb new-source` (kb/new_source.py)."""
    parser.description = "Start docs/sources/<slug>.md and bib/<slug>.bib for a new article."
    parser.add_argument("--url", help="the article's address (https://...)")
    parser.add_argument("--outlet", help="the outlet's slug in data/outlets.yml (e.g. asiapress)")
    parser.add_argument("--title", help="the outlet's headline")
    parser.add_argument("--title-is-ours", action="store_true",
                        help="the headline is not known: --title is a descriptive title of ours")
    parser.add_argument("--date", help="publication date: YYYY-MM-DD, or YYYY-MM / YYYY when the day is not known")
    parser.add_argument("--authors", help="the byline, names separated by ';' (e.g. 'HONG Mari; KANG Ji-won')")
    parser.add_argument("--translators", help="translators, separated by ';'")
    parser.add_argument("--language", help="two-letter code of the article's language (default: en)")
    parser.add_argument("--bibtex", metavar="FILE", help="take the values from a BibTeX entry in FILE ('-': standard input)")
    parser.add_argument("--slug", help="the slug to use instead of the one made from outlet, date and title")
    parser.add_argument("--accessed", help="the date you read the article (default: today)")
    parser.add_argument("--no-input", action="store_true", help="never ask: report what is missing and stop")


#: `make new-source NAME=value` -> the option it gives (the Makefile passes each as KB_NEW_SOURCE_NAME).
MAKE_VALUES = {name: name.lower().replace("_", "-") for name in
               ["URL", "OUTLET", "TITLE", "DATE", "AUTHORS", "TRANSLATORS", "LANGUAGE", "ACCESSED", "SLUG", "BIBTEX"]}
MAKE_FLAGS = {"TITLE_IS_OURS": "title-is-ours", "NO_INPUT": "no-input"}


def arguments_from_make(environ: dict[str, str]) -> list[str] | str:
    """The options `make new-source` was given, as the contributor typed them: the Makefile hands
    each value over untouched (never expanded by make, never read by a shell), so `&`, `#`, `$`,
    backticks and quotes in a URL or title are kept. ARGS is split as a shell would split it
    (quotes group words) but nothing in it is run. A string: the one problem, e.g. an open quote."""
    try:
        options = shlex.split(environ.get("KB_NEW_SOURCE_ARGS", ""))
    except ValueError as error:
        return (f"ARGS: {str(error).lower()}: close the quote, or give each value on its own, "
                "e.g. make new-source TITLE='The headline' (see CONTRIBUTING.md)")
    for name, option in MAKE_VALUES.items():
        if value := environ.get(f"KB_NEW_SOURCE_{name}", ""):
            options.append(f"--{option}={value}")  # `=`: a value starting with '-' stays a value
    options += [f"--{option}" for name, option in MAKE_FLAGS.items()
                if environ.get(f"KB_NEW_SOURCE_{name}", "").strip().lower() not in ("", "0", "no", "false")]
    return options


#: In a folder `generate` writes to: the pages it wrote there, one path a line. The next run
#: replaces them (and removes those it no longer makes), and touches no other file.
MANIFEST = ".kb-generated"


def write_pages(renderer: Renderer, out: Path, root: Path) -> int:
    """Every page, written to `out`."""
    from .paths import source_path

    def write(page: tuple[str, Callable[[], str]]) -> None:
        path, make = page
        target = out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(make(), encoding="utf-8")

    pages = renderer.generated_page_makers()
    pages += [(source_path(slug), partial(renderer.source_page, slug)) for slug in renderer.kb.sources]
    paths = [path for path, _ in pages]
    ours = previously_written(out)
    refusals = output_problems(out, paths, ours, root)
    if refusals:
        for line in refusals:
            print(line, file=sys.stderr)
        print("Nothing was written.", file=sys.stderr)
        return 1
    remove_stale_pages(out, ours - set(paths))
    # Listed before they are written: should this run stop half-way, the next one still knows
    # every page here as its own.
    write_manifest(out, paths)
    for page in pages:
        write(page)
    print(f"Wrote {len(pages)} pages to {out}")
    return 0


def previously_written(out: Path) -> set[str]:
    manifest = out / MANIFEST
    return set(manifest.read_text(encoding="utf-8").splitlines()) if manifest.is_file() else set()


def write_manifest(out: Path, paths: list[str]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / MANIFEST).write_text("".join(f"{path}\n" for path in paths), encoding="utf-8")


def output_problems(out: Path, paths: list[str], ours: set[str], root: Path) -> list[str]:
    """Why `generate` must not write its pages to `out`: generated output never overwrites a
    file it did not write (pointed at docs/, it would replace the hand-written source pages)."""
    docs = (root / "docs").resolve()
    if out.resolve().is_relative_to(docs):
        return [f"{out}: inside docs/, where the build would take the pages for hand-written ones: "
                "write them to a folder outside docs/"]
    if out.exists() and not out.is_dir():
        return [f"{out}: is a file: give a folder"]
    if not out.is_dir():
        return []
    return [f"{out / path}: not written by `kb generate`, and a generated page would replace it: "
            "write to a new or empty folder, or move the file"
            for path in paths if path not in ours and (out / path).exists()]


def remove_stale_pages(out: Path, stale_paths: set[str]) -> None:
    """Remove the pages the last run wrote to `out` that this one does not make (a source was removed)."""
    inside = out.resolve()
    for path in stale_paths:
        stale = (out / path).resolve()
        if stale.is_relative_to(inside):  # the manifest is a text file: a line could point anywhere
            stale.unlink(missing_ok=True)


if __name__ == "__main__":
    sys.exit(main())
