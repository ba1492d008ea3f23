"""Helpers shared by the test modules (import as `from kbtest import ...`; a module named
conftest would be ambiguous, as tests/browser has its own)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = ROOT.parent / "shared" / "articles"  # input texts; beside the clone in CI, never committed
MKDOCS = [sys.executable, "-m", "mkdocs"]


def run_mkdocs_build(config: Path, site_dir: Path, strict: bool = True, **env: str) -> subprocess.CompletedProcess:
    """A real `mkdocs build` in a subprocess, as a contributor runs it (`env`: extra variables)."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(ROOT / "scripts"), **env}
    args = [*MKDOCS, "build", "-f", str(config), "-d", str(site_dir)] + (["--strict"] if strict else [])
    return subprocess.run(args, capture_output=True, text=True, env=env, cwd=config.parent)
