"""The build of the knowledge base: load -> check -> derive, then a Renderer for the pages.

`build(root)` runs the first three steps and hands back a Renderer; the MkDocs hook
(`scripts/hooks.py`) and the command line (`python -m kb`) both start from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .bibtex import BibTeX
from .check import RULES
from .derive import Derived, derive
from .load import load
from .model import KnowledgeBase
from .problems import Problem, errors

if TYPE_CHECKING:
    from .render import Renderer


@dataclass(frozen=True)
class Build:
    kb: KnowledgeBase
    derived: Derived | None
    problems: list[Problem]
    #: The BibTeX files (their references are formatted when first asked for).
    bibtex: BibTeX | None = None

    @property
    def ok(self) -> bool:
        return not errors(self.problems)

    def renderer(self, **options: object) -> Renderer:
        """A Renderer of this build (options: see Renderer)."""
        assert self.derived is not None, "render only a knowledge base without errors"
        from .render import Renderer  # here: `python -m kb check` renders nothing, and needs no Jinja

        return Renderer(self.kb, self.derived, bibtex=self.bibtex, **options)


def build(root: Path, bibtex: BibTeX | None = None) -> Build:
    """Load and check everything under `root`; derive the indexes when nothing is wrong."""
    root = Path(root)
    bibtex = bibtex or BibTeX(root)
    kb, problems = load(root, bibtex)
    problems = sorted(set(problems) | {problem for rule in RULES for problem in rule(kb)})
    if errors(problems):
        return Build(kb, None, problems)
    return Build(kb, derive(kb), problems, bibtex)
