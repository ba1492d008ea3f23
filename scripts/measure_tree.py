"""Run a command and report the peak memory of its process tree (for `make bench`).

    python measure_tree.py REPORT LIMIT COMMAND...

Writes "MAXRSS STOPPED TREE_PSS SECONDS" to REPORT: the largest resident size any one process of the
tree reached (KiB, from the kernel: exact, but blind to processes running side by side), whether
the command was stopped at LIMIT seconds (0: no limit), and the largest total the tree's
processes held at once (KiB, sampled every SAMPLE_S seconds from /proc: the proportional set
size, which shares a page between the processes that share it, as a forked child shares most
of its parent's; less often when sampling is costly, see `sample_tree`), and the command's wall
time (from its start to its end: not this process's own start, 40 ms). Exits with the command's code.

Kept small and standard-library only: the command starts as a fork of this process, and Linux
counts the parent's pages in the child's peak until exec.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

SAMPLE_S = 0.1
#: Sampling waits at least this many times as long as a sample took.
OVERHEAD = 50


def descendants(pid: int) -> list[int]:
    """`pid` and every process under it (from /proc/PID/task/TID/children)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                todo.extend(int(child) for child in task.read_text().split())
            except OSError:  # the process ended meanwhile
                pass
    return found


def pss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def sample_tree(pid: int, done: threading.Event, peak: list[int]) -> None:
    """Every SAMPLE_S seconds, or less often when sampling is costly: to read a process's PSS the
    kernel walks all its pages (6 ms for 300 MB; Chromium's dozen processes while it prints the
    PDF made sampling every 0.1 s take a third of a core). At most 1/OVERHEAD of a core goes to it."""
    wait = SAMPLE_S
    while not done.wait(wait):
        started = time.perf_counter()
        tree = descendants(pid)
        # One process: its peak is the kernel's exact figure, and costs nothing to read.
        if len(tree) > 1:
            peak[0] = max(peak[0], sum(pss_kib(p) for p in tree))
        wait = max(SAMPLE_S, OVERHEAD * (time.perf_counter() - started))


def main(report: str, limit: str, *command: str) -> int:
    started = time.perf_counter()
    process = subprocess.Popen(command)
    done, tree_peak = threading.Event(), [0]
    sampler = threading.Thread(target=sample_tree, args=(process.pid, done, tree_peak), daemon=True)
    sampler.start()
    stopped = 0
    try:
        code = process.wait(timeout=float(limit) or None)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        code, stopped = 1, 1
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    Path(report).write_text(f"{peak} {stopped} {tree_peak[0]} {seconds:.3f}")
    return code


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
