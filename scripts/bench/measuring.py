"""Measuring one command: wall time, CPU time and the peak memory of its process tree
(scripts/measure_tree.py starts it), and, with `--profile`, cProfile of the generation and the build."""

from __future__ import annotations

import io
import os
import pstats
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from bench.project import PROJECT, bench_env


@dataclass
class Run:
    seconds: float
    cpu_seconds: float  # user + system: less disturbed than wall time by other work on the machine
    peak_mb: float
    returncode: int
    output: str = field(default="", repr=False)
    stopped: bool = False  # killed at its time limit: `seconds` is a lower bound
    largest_mb: float = 0  # the largest resident size of any one process of the command's tree
    tree_mb: float = 0  # the largest sampled total (PSS) of the tree's processes at once

    def __str__(self) -> str:
        return f"> {self.seconds}" if self.stopped else f"{self.seconds}"


def measure(command: list[str], cwd: Path, limit: float | None = None) -> Run:
    """Wall time, CPU time and peak memory of one command in a fresh process.

    The peak is that of the command's own process tree (the generation's second process,
    chromium's, pandoc's included), reported by a small Python process that starts it
    (scripts/measure_tree.py), so that the benchmark's own memory does not count: the larger of
    the largest single process and the largest sampled total of the tree. With `limit`
    (seconds), the command is stopped then and the run marked `stopped`.
    """
    with tempfile.TemporaryFile() as log, tempfile.NamedTemporaryFile("r") as report:
        process = subprocess.Popen([sys.executable, str(PROJECT / "scripts" / "measure_tree.py"), report.name, str(limit or 0), *command],
                                   cwd=cwd, env=bench_env(), stdout=log, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
        log.seek(0)
        output = log.read().decode("utf-8", "replace")
        # The wall time is the command's own, timed by measure_tree (its own start is not counted).
        largest, stopped, tree, seconds = report.read().split()
        largest_kib, stopped, tree_kib = int(largest), int(stopped), int(tree)
    cpu = usage.ru_utime + usage.ru_stime  # the command's and the small process's: a few hundredths of a second
    return Run(round(float(seconds), 2), round(cpu, 2), round(max(largest_kib, tree_kib) / 1024, 1), os.waitstatus_to_exitcode(status),
               output, bool(stopped), largest_mb=round(largest_kib / 1024, 1), tree_mb=round(tree_kib / 1024, 1))


def site_build(config: Path, site: Path) -> list[str]:
    """The engine's strict build alone (the bare Material build it is compared with)."""
    return [sys.executable, "-m", "properdocs", "build", "--strict", "-f", str(config), "-d", str(site)]


def make_build(config: Path, site: Path) -> list[str]:
    """What `make build` runs: the strict build, then the search index (scripts/build_site.py)."""
    return [sys.executable, str(Path(__file__).resolve().parent.parent / "build_site.py"), "-f", str(config), "-d", str(site)]


def generate_command(root: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "kb", "--root", str(root), "generate", str(out)]


def folder_bytes(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())



class StepFailed(Exception):
    """A measured command failed: the benchmark says which, with the end of its output."""


def best(runs: list[Run], command: list[str]) -> Run:
    """The fastest run; a run stopped at its time limit if there is one (its time is a lower bound)."""
    if any(r.stopped for r in runs):
        return next(r for r in runs if r.stopped)
    failed = [r for r in runs if r.returncode]
    if failed:
        raise StepFailed(f"failed (exit {failed[0].returncode}): {' '.join(command)}\n{failed[0].output[-3000:]}")
    return min(runs, key=lambda r: r.seconds)


def profile(step: str, module_args: list[str], cwd: Path, out: Path) -> str:
    """cProfile of one step (`python -m <module_args>`) in a subprocess; the top functions as text,
    also written to OUT/profile-<step>.txt (and the raw .prof beside it, for snakeviz and the like)."""
    out.mkdir(parents=True, exist_ok=True)
    raw = out / f"profile-{step}.prof"
    module, *args = module_args
    if module == "kb":
        # The command line's main() called as a function, so that the profile holds kb's own calls.
        code = f"import cProfile, kb.__main__ as cli; cProfile.run({f'cli.main({args!r})'!r}, {str(raw)!r})"
        command = [sys.executable, "-c", code]
    else:
        command = [sys.executable, "-m", "cProfile", "-o", str(raw), "-m", *module_args]
    run = measure(command, cwd)
    if run.returncode or not raw.is_file():
        written = "a" if raw.is_file() else "no"
        return f"profiling {step} failed (exit {run.returncode}, {written} profile written):\n{run.output[-2000:]}"
    text = io.StringIO()
    stats = pstats.Stats(str(raw), stream=text).sort_stats("cumulative")
    stats.print_stats(r"scripts/|mkdocs_bibtex|material|bs4|yaml|jinja2|pydantic", 30)
    stats.sort_stats("tottime").print_stats(15)
    summary = re.sub(r"\n{3,}", "\n\n", text.getvalue().replace(str(PROJECT) + "/", ""))
    (out / f"profile-{step}.txt").write_text(summary, encoding="utf-8")
    return summary


def profile_size(root: Path, work: Path, out: Path) -> str:
    """Profiles of the generation step and of the full build of one knowledge base."""
    generation = profile(f"generate-{root.name}", ["kb", "--root", str(root), "generate", str(work / "profiled")], root, out)
    build_args = ["properdocs", "build", "--strict", "-f", str(root / "mkdocs.yml"), "-d", str(work / "profiled-site")]
    build = profile(f"build-{root.name}", build_args, root, out)
    return f"## generation step, {root.name}\n{generation}\n## full build, {root.name}\n{build}"
