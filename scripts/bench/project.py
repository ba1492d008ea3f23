"""Where the project is, and the environment every measured command runs in."""

from __future__ import annotations

import compileall
import os
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
SCRIPTS = PROJECT / "scripts"
if str(SCRIPTS) not in sys.path:  # `python scripts/bench/__main__.py` as well as `python -m bench`
    sys.path.insert(0, str(SCRIPTS))

#: Folders of a knowledge base that the benchmark writes itself; everything else in the config
#: that names a project path (hooks, watched scripts, a CSL file...) points back at the project.
CONTENT_DIRS = {"docs", "data", "bib"}


def bench_env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(SCRIPTS), "NO_MKDOCS_2_WARNING": "1"}


def compile_project_code() -> None:
    """Compile the project's Python files once, before anything is timed, as the first run on
    any machine does (pip compiles the installed packages' at install): where
    PYTHONDONTWRITEBYTECODE is set (this project's machines set it), every step would otherwise
    compile the hooks and `scripts/kb/` again, 40-50 ms of each, which no user's second build pays."""
    compileall.compile_dir(SCRIPTS, quiet=1)
