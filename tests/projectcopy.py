"""A copy of the real project (content, configuration, hooks, templates) in a temporary folder, to
build or serve it after breaking or editing one thing; and the hash of every file of a folder,
to prove that a failed build changed nothing in it."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from kbtest import ROOT

#: What a build reads: the content, the configuration, the hooks and the theme's overrides.
PROJECT_PARTS = ["docs", "data", "bib", "overrides", "scripts", "mkdocs.yml", "pyproject.toml"]


def copy_project(dest: Path) -> Path:
    """The project's parts copied to `dest` (created); returns `dest`."""
    dest.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, dest / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, dest / part)
    return dest


def tree_digest(folder: Path) -> dict[str, str]:
    """Every file and folder under `folder`: relative path -> SHA-256 of the bytes ('dir' for a folder)."""
    if not folder.exists():
        return {}
    return {
        path.relative_to(folder).as_posix(): "dir" if path.is_dir() else hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
    }


def edit(path: Path, old: str, new: str) -> None:
    """Replace the one occurrence of `old` in a file (fails loudly if it is not there once)."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def add_hook(project: Path, code: str) -> None:
    """One more hook module in the copy's mkdocs.yml (to crash or stall a build on purpose)."""
    (project / "scripts" / "test_hook.py").write_text(code, encoding="utf-8")
    edit(project / "mkdocs.yml", "  - scripts/csp_hook.py\n", "  - scripts/csp_hook.py\n  - scripts/test_hook.py\n")
