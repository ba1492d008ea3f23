"""Shared fixtures: the project root, and one strict build of the real site per test session."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import properdocs.replacement  # noqa: F401 - the tests' `mkdocs.*` imports load ProperDocs, the engine the build runs
import pytest

from kbtest import ROOT, run_build  # shared with the test modules (tests/ is on pythonpath)


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The real site, built once with `properdocs build --strict` (`make build`) into a temporary folder."""
    site_dir = tmp_path_factory.mktemp("site")
    result = run_build(ROOT / "mkdocs.yml", site_dir)
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


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", help="rewrite tests/golden/expected from the current output")
