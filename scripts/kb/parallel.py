"""A second process for the generation step.

The build is one Python process, so it uses one core of the two this machine (and CI's) has.
Parts of the generation that do not depend on each other are given to a child process:
the BibTeX files, read and formatted (they need nothing else; `python -m kb` starts on them
before it imports the libraries the rest needs); half of the source files to read; the checks,
which it starts on while this process derives the indexes; half of the source pages to compose
(and, for `python -m kb generate`, of the other pages). The child is forked, so it starts at
once with everything this process has loaded, and sends back its results pickled. It also comes
to hold a copy of every page of memory it reads: where that matters,
`Shared(..., unless_resident_mb=...)` keeps the work here.

Forking is used only where it is safe: on Linux, from a process with no other thread
(`mkdocs build`, `python -m kb`). `mkdocs serve` runs a web server in other threads, which
could hold a lock the child would then wait on forever; there, and with `KB_PROCESSES=1`,
everything runs in this process, in the same order, with the same results.
If the child fails, its share is done again here, so that any error is raised where it would
have been without it.
"""

from __future__ import annotations

import contextlib
import itertools
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
    """The values of `steps(*args)`, a generator function, made in a child process while this
    one goes on, each sent back as soon as it is made: `result(i)` waits for the i-th only.

        job = Background(read_then_format, files)   # the child starts now
        ...                                          # this process goes on meanwhile
        entries = job.result(0)                      # once the child has read them
        references = job.result(1)                   # later, once it has formatted them

    Without a child, or if it fails, the values not received are made here when asked for
    (the generator runs here from its start, passing over those already received)."""

    def __init__(self, steps: Callable[..., Iterator[R]], *args: Any):
        self._call = (steps, args)
        self._results: list[R] = []
        self._here: Iterator[R] | None = None
        self._child = self._pipe = None
        self._parent = os.getpid()
        if can_fork():
            self._pipe, sending = _FORK.Pipe(duplex=False)
            self._child = _FORK.Process(target=_send_steps, args=(sending, steps, args), daemon=True)
            self._child.start()
            sending.close()

    def ready(self, index: int = 0) -> bool:
        """Whether `result(index)` would return without waiting for the child (also when there is
        none: then the value is made here, and waiting would gain nothing)."""
        while self._child is not None and self._pipe.poll():
            self._receive_one()
        return index < len(self._results) or self._child is None

    def result(self, index: int = 0) -> R:
        while index >= len(self._results) and self._child is not None:
            self._receive_one()
        if index >= len(self._results):
            if self._here is None:
                steps, args = self._call
                self._here = itertools.islice(steps(*args), len(self._results), None)
            while index >= len(self._results):
                self._results.append(next(self._here))
        return self._results[index]

    def cancel(self) -> None:
        """Stop the child, whose values will not be asked for (the build has stopped)."""
        _stop(self._child, self._pipe)
        self._child = self._pipe = None

    def _receive_one(self) -> None:
        """The child's next value; once it has sent its last (or failed), it is let go. A process
        forked from this one after the child started cannot read from it: there, nothing comes."""
        mine = os.getpid() == self._parent
        try:
            sent, value = self._pipe.recv() if mine else (False, None)
        except EOFError:  # the child died without a word
            sent, value = False, None
        if sent:
            self._results.append(value)
            return
        if mine:
            self._pipe.close()
            self._child.join()
        self._child = self._pipe = None


def _send_steps(sending, steps: Callable[..., Iterator], args: tuple) -> None:
    """In the child: each value of `steps(*args)` sent as (True, value) once made, then
    (False, None), also if a step fails or a value cannot be pickled: quietly, for the parent
    makes what is missing and raises there."""
    try:
        for value in steps(*args):
            sending.send((True, value))
        sending.send((False, None))
    except BaseException:  # noqa: BLE001
        with contextlib.suppress(OSError):  # the parent may be gone
            sending.send((False, None))
    sending.close()


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
