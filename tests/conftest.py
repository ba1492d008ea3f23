"""Shared fixtures: the project root, and one strict build of the real site per test session."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = ROOT.parent / "shared" / "articles"  # input texts; beside the clone in CI, never committed
MKDOCS = [sys.executable, "-m", "mkdocs"]


def run_mkdocs_build(config: Path, site_dir: Path, strict: bool = True) -> subprocess.CompletedProcess:
    """A real `mkdocs build` in a subprocess, as a contributor runs it."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(ROOT / "scripts")}
    args = [*MKDOCS, "build", "-f", str(config), "-d", str(site_dir)] + (["--strict"] if strict else [])
    return subprocess.run(args, capture_output=True, text=True, env=env, cwd=config.parent)


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The real site, built once with `mkdocs build --strict` into a temporary folder."""
    site_dir = tmp_path_factory.mktemp("site")
    result = run_mkdocs_build(ROOT / "mkdocs.yml", site_dir)
    assert result.returncode == 0, f"strict build failed:\n{result.stdout}\n{result.stderr}"
    return site_dir


@pytest.fixture(scope="session")
def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing in CI: .ci/run must install it")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return path
