"""The build of the knowledge base: load -> check -> derive, then a Renderer for the pages.

`build(root)` runs the first three steps and hands back a Renderer; the MkDocs hook
(`scripts/hooks.py`) and the command line (`python -m kb`) both start from it.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from .bibtex import BibTeX
from .check import RULES, found_by
from .derive import Derived, derive
from .load import load
from .model import KnowledgeBase
from .parallel import Shared
from .problems import Problem, errors

if TYPE_CHECKING:
    from .render import Renderer


@dataclass(frozen=True)
class Build:
    kb: KnowledgeBase
    derived: Derived | None
    problems: list[Problem]
    #: The BibTeX files, with (`build(..., to_render=True)`) their references formatted, maybe
    #: still by a child process.
    bibtex: BibTeX | None = None

    @property
    def ok(self) -> bool:
        return not errors(self.problems)

    def renderer(self, **options: object) -> Renderer:
        """A Renderer of this build (options: see Renderer)."""
        assert self.derived is not None, "render only a knowledge base without errors"
        from .render import Renderer  # here: `python -m kb check` renders nothing, and needs no Jinja

        return Renderer(self.kb, self.derived, bibtex=self.bibtex, **options)


def build(root: Path, to_render: bool = False, bibtex: BibTeX | None = None) -> Build:
    """Load and check everything under `root`; derive the indexes when nothing is wrong.

    The BibTeX files are read by a child process from the start (`kb.bibtex`), and with
    `to_render` also formatted (pybtex takes 0.6 s for 1,000 entries): `bibtex`, when the caller
    has started on them already (`python -m kb`, before its imports)."""
    root = Path(root)
    bibtex = bibtex or BibTeX(root, with_references=to_render)
    with _collector_paused():
        kb, problems = load(root, bibtex)
        # A child process starts on the checks while this one derives the indexes (0.3 s and
        # 0.15 s at 1,000 sources), then joins in; the indexes are kept only if nothing is wrong.
        with Shared(partial(found_by, kb=kb), RULES) as checking:
            derived = _derived_if_possible(kb) if not errors(problems) else None
            found = [problem for by_rule in checking.results() for problem in by_rule]
        problems = sorted(set(problems) | set(found))
        if errors(problems):
            bibtex.cancel()
            return Build(kb, None, problems)
        return Build(kb, derived if derived is not None else derive(kb), problems, bibtex)


def _derived_if_possible(kb: KnowledgeBase) -> Derived | None:
    """The indexes, or None if they cannot be made: before the checks are done, a claim may
    still name a topic that does not exist. Should the checks then find nothing wrong, `derive`
    runs again and its error is raised."""
    try:
        return derive(kb)
    except Exception:  # noqa: BLE001 - judged once the checks are done
        return None


@contextmanager
def _collector_paused():
    """Python's cycle collector runs every few hundred new objects, and each of its fuller passes
    walks every object made so far. Loading makes hundreds of thousands of small objects that all
    live to the end of the build, and no cycles to find (`kb generate` at 1,000 sources: 0.1 to
    0.6 s less in five interleaved pairs of runs, of 5 to 7 s). Reference counting still frees
    as usual."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()

