"""The knowledge-base core: load -> check -> derive -> render. No MkDocs imports here.

    kb/load.py     read the source pages, registries and BibTeX (kb/bibtex.py) into a KnowledgeBase
    kb/check.py    the rules between files (slugs that must exist, keys that must resolve...)
    kb/derive.py   the indexes: claims by topic, place, organization and year, backlinks...
    kb/render/     the generated pages, a module per kind (Jinja templates in kb/templates/); where each goes: kb/paths.py
    kb/pipeline.py `build(root)`: the first three steps; its Renderer does the fourth

The MkDocs hook (`scripts/hooks.py`) and the command line (`python -m kb`) start from `build`.
It is imported here only when first used: `python -m kb` starts a child process on the BibTeX
files before it imports what the rest needs (pydantic, PyYAML, Jinja).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .problems import Problem

if TYPE_CHECKING:
    from .pipeline import Build, build

__all__ = ["Build", "build", "Problem"]


def __getattr__(name: str) -> object:
    if name in ("Build", "build"):
        from . import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module 'kb' has no attribute {name!r}")
