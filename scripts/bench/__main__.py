"""Benchmark (`make bench`): build time, memory, page weight and reader figures of synthetic knowledge bases.

For each size it writes a synthetic knowledge base to a temporary folder and measures, each step in
a fresh process: the whole strict build (as `make build`), a bare Material build of the same pages
(the floor), the largest page of each kind (bytes, DOM nodes), and in headless Chromium the search
(first keystroke → first result, bytes, heap), a source page's first view, the claim explorer at
/claims/ when the site has one, and at 1,000 sources (or the largest size below) `make offline`'s
search from file://. With the real content (the seed) it measures `make serve`'s rebuild. Each
target is printed PASS or MISS; a MISS makes the exit status 1. Report: OUT/bench.md, OUT/bench.json.

    make bench                                  # 100 and 1,000 sources
    make bench ARGS="--sizes 100,1000,10000"    # or ARGS=--large
    make bench ARGS="--limit search_s=0.3"      # a stricter target
"""

from __future__ import annotations

import argparse
import shutil
import signal
import sys
import tempfile
import traceback
from contextlib import nullcontext
from pathlib import Path

if not __package__:  # run as a file (python scripts/bench/__main__.py): make `bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.project import PROJECT, compile_project_code  # noqa: E402

DEFAULT_SIZES = [100, 1000]
LARGE_SIZE = 10_000
OFFLINE_AT = 1000


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    from bench.browser import QUERIES
    from bench.targets import Limits

    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)), help="numbers of sources, comma-separated")
    parser.add_argument("--large", action="store_true", help=f"add {LARGE_SIZE:,} sources (many minutes)")
    parser.add_argument("--pdf", action="store_true", help="also time the PDF (scripts/pdf.py)")
    parser.add_argument("--no-seed", action="store_true", help="skip the real content (serve rebuild, its first view)")
    parser.add_argument("--no-browser", action="store_true", help="skip the measures in Chromium (search, first view, explorer, offline)")
    parser.add_argument("--no-offline", action="store_true", help="skip `make offline` and its search from file://")
    parser.add_argument("--queries", default=",".join(QUERIES), help="search queries, comma-separated (default: %(default)s)")
    parser.add_argument("--repeat", type=int, default=1, help="rounds of the build and the floor; the fastest of each counts")
    parser.add_argument("--limit", action="append", default=[], metavar="NAME=VALUE",
                        help="change a target's limit (repeatable); names: " + ", ".join(vars(Limits())))
    parser.add_argument("--profile", action="store_true", help="cProfile the generation and the build at the largest size")
    parser.add_argument("--no-profile", action="store_true", help=argparse.SUPPRESS)  # profiles are now only made on request
    parser.add_argument("--keep", action="store_true", help="keep the temporary knowledge bases and sites")
    parser.add_argument("--out", type=Path, default=PROJECT / "bench-results", help="where bench.md and bench.json go")
    args = parser.parse_args(argv)
    try:
        args.sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()} | ({LARGE_SIZE} if args.large else set()))
    except ValueError:
        parser.error(f"--sizes {args.sizes}: write numbers of sources separated by commas, e.g. --sizes 100,1000")
    if not args.sizes or min(args.sizes) < 1:
        parser.error("--sizes: at least one size, each of one source or more")
    try:
        args.limits = Limits.parse(args.limit)
    except ValueError as error:
        parser.error(str(error))
    args.queries = [q.strip() for q in args.queries.split(",") if q.strip()]
    if not args.queries:
        parser.error("--queries: at least one word to search for")
    args.out = args.out.resolve()  # the profiled steps run in other folders
    return args


def run(args: argparse.Namespace, work: Path) -> int:
    from bench import browser as reader
    from bench.measuring import profile_size
    from bench.report import machine, seed_lines, tables, text_table, write_report
    from bench.sizes import measure_seed, measure_size
    from bench.targets import verdicts

    offline_size = max((n for n in args.sizes if n <= OFFLINE_AT), default=None)
    compile_project_code()
    with nullcontext(None) if args.no_browser else reader.chromium() as browser:
        results = []
        for n in args.sizes:
            results.append(measure_size(n, work, args.repeat, browser=browser, queries=args.queries, pdf=args.pdf,
                                        offline=n == offline_size and not args.no_offline))
        seed = None if args.no_seed else measure_seed(work, browser, args.queries)
        info = machine(browser.version if browser else None)
    checks = verdicts(results, seed, args.limits)
    write_report(results, seed, checks, args.limits, info, args.out)
    for title, rows in tables(results, seed).items():
        if len(rows) > 1:
            print(f"\n{title}\n{text_table(rows)}")
    if seed:
        print("\n" + "\n".join(seed_lines(seed)))
    print()
    for verdict in checks:
        print(verdict.line)
    if args.profile:
        print(f"\nProfiles at {results[-1].sources:,} sources; full text in {args.out}/profile-*.txt")
        print(profile_size(work / f"kb-{results[-1].sources}", work, args.out))
    missed = sum(v.status == "MISS" for v in checks)
    print(f"\n{missed} target{'s' if missed != 1 else ''} missed of {sum(v.status in {'PASS', 'MISS'} for v in checks)}."
          f"\nWritten: {args.out / 'bench.md'}, {args.out / 'bench.json'}")
    return 1 if missed else 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # Started in the background (`&` in a script, nohup), the bench and the `properdocs serve` it starts
    # would ignore SIGINT, with which it stops serve so that serve removes its scratch folder.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    work = Path(tempfile.mkdtemp(prefix="kb-bench-"))
    try:
        return run(args, work)
    except KeyboardInterrupt:
        print("bench: interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # noqa: BLE001 - one line for the user; the traceback goes to a file for whoever debugs
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "bench-error.txt").write_text(traceback.format_exc(), encoding="utf-8")
        print(f"bench: {type(error).__name__}: {error}\n(details: {args.out / 'bench-error.txt'})", file=sys.stderr)
        return 2
    finally:
        if args.keep:
            print(f"Kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
