"""A second process for the generation step.

The build is one Python process, so it uses one core of the two this machine (and CI's) has.
Parts of the generation that do not depend on each other are given to a child process:
formatting the references (it needs only the BibTeX entries) while the rest is loaded; half of
the source files to read; the checks, which it starts on while this process derives the
indexes; half of the source pages to compose (and, for `python -m kb generate`, of the other
pages). The child is forked, so it starts at once with everything this process has loaded,
and sends back its results pickled. It also comes to hold a copy of every page of memory it
reads: where that matters, `Shared(..., unless_resident_mb=...)` keeps the work here.

Forking is used only where it is safe: on Linux, from a process with no other thread
(`mkdocs build`, `python -m kb`). `mkdocs serve` runs a web server in other threads, which
could hold a lock the child would then wait on forever; there, and with `KB_PROCESSES=1`,
everything runs in this process, in the same order, with the same results.
If the child fails, its share is done again here, so that any error is raised where it would
have been without it.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

_FORK = multiprocessing.get_context("fork") if sys.platform == "linux" else None


def can_fork() -> bool:
    """Whether a child process may be forked now (see the module's docstring)."""
    return _FORK is not None and threading.active_count() == 1 and os.environ.get("KB_PROCESSES") != "1"


def resident_mb() -> float:
    """The memory this process holds now (resident set, MB), from /proc; 0 where there is none."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return 0.0


class Background(Generic[R]):
    """`function(*args)` computed in a child process while this one goes on; `result()` waits for it."""

    def __init__(self, function: Callable[..., R], *args: Any):
        self._call = (function, args)
        self._child = self._pipe = None
        self._parent = os.getpid()
        if can_fork():
            self._pipe, sending = _FORK.Pipe(duplex=False)
            self._child = _FORK.Process(target=_send_result, args=(sending, function, args), daemon=True)
            self._child.start()
            sending.close()

    def ready(self) -> bool:
        """Whether `result()` would return without waiting for the child (also when there is
        none: then it computes the result itself, and waiting would gain nothing)."""
        return self._pipe is None or self._pipe.poll()

    def result(self) -> R:
        if not hasattr(self, "_result"):
            # A process forked from this one after it started the child cannot wait for it.
            mine = os.getpid() == self._parent
            done, value = _receive(self._pipe, self._child) if mine else (False, None)
            self._child = self._pipe = None
            function, args = self._call
            self._result = value if done else function(*args)
        return self._result

    def cancel(self) -> None:
        """Stop the child, whose result will not be asked for (the build has stopped)."""
        _stop(self._child, self._pipe)
        self._child = self._pipe = None


def _send_result(sending, function: Callable, args: tuple) -> None:
    """In the child: `function(*args)` sent as (True, result), or (False, None) if it fails or
    its result cannot be pickled. Quietly: the parent does the work again and raises there."""
    try:
        sending.send((True, function(*args)))
    except BaseException:  # noqa: BLE001
        sending.send((False, None))
    sending.close()


def _stop(child, pipe) -> None:
    """End a child whose result is no longer wanted."""
    if child is not None:
        child.terminate()
        child.join()
        pipe.close()


def _receive(pipe, child) -> tuple[bool, Any]:
    """(True, what the child sent), or (False, None) when there was no child or it failed."""
    if child is None:
        return False, None
    try:
        return pipe.recv()
    except EOFError:  # the child died without sending anything
        return False, None
    finally:
        pipe.close()
        child.join()


class Shared(Generic[T, R]):
    """`function(item)` for every item, shared with a child process: this process takes items
    from the front of the list and the child from the back (two counters in shared memory), so
    that neither waits while there is work left, and each mostly does items of one kind (at the
    front, pages that reuse what the other pages rendered before them). The child starts at
    once; this process joins in when it asks for the results, after whatever else it has to do:

        with Shared(compose, slugs) as shared:
            index_pages = render_index_pages()   # meanwhile, the child composes
            pages = shared.results()             # then both do; in the order of `slugs`

    `function` must return everything the caller needs from an item (a change it makes to an
    object happens in the child's copy only), as something pickle can send.
    """

    def __init__(self, function: Callable[[T], R], items: Iterable[T], unless_resident_mb: int | None = None):
        """`unless_resident_mb`: all is done here if this process holds more than that much memory
        (a child comes to hold a copy of every page of memory it reads)."""
        self.function, self.items = function, list(items)
        self._child = self._pipe = None
        self._ends = None
        self._small_enough = unless_resident_mb is None or resident_mb() <= unless_resident_mb

    def __enter__(self) -> Shared[T, R]:
        if can_fork() and len(self.items) > 1 and self._small_enough:
            #: The next item from the front, and one past the next item from the back.
            self._ends = _FORK.Array("q", [0, len(self.items)])
            self._pipe, sending = _FORK.Pipe(duplex=False)
            self._child = _FORK.Process(target=self._child_part, args=(sending,), daemon=True)
            self._child.start()
            sending.close()
        return self

    def __exit__(self, *exc_info: object) -> None:
        _stop(self._child, self._pipe)  # still there if results() was not reached: an error here
        self._child = self._pipe = None

    def results(self) -> list[R]:
        """Every item's result, in the order of the items."""
        results = dict(self._take(from_back=False)) if self._ends is not None else {}
        done, theirs = _receive(self._pipe, self._child)
        self._child = self._pipe = None
        if done:
            results.update(theirs)
        # Without a child, or if it failed: what is missing is done here.
        for index, item in enumerate(self.items):
            if index not in results:
                results[index] = self.function(item)
        return [results[index] for index in range(len(self.items))]

    def _take(self, from_back: bool) -> Iterator[tuple[int, R]]:
        ends = self._ends
        while True:
            with ends.get_lock():
                if ends[0] >= ends[1]:
                    return
                if from_back:
                    ends[1] -= 1
                    index = ends[1]
                else:
                    index = ends[0]
                    ends[0] += 1
            yield index, self.function(self.items[index])

    def _child_part(self, sending) -> None:
        _send_result(sending, lambda: list(self._take(from_back=True)), ())
