"""`make build` (scripts/build_site.py) replaces site/ only with a complete strict build: after a
content problem, a strict-mode warning, a symbolic link that loops or leaves the repository, a
crash or Ctrl-C, every file of site/ is byte-identical to what it was, and nothing is left behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from kbtest import ROOT
from projectcopy import add_hook, copy_project, edit, tree_digest

BUILD_SITE = ROOT / "scripts" / "build_site.py"
SOURCE = "docs/sources/asiapress-2025-06-hyesan-missing.md"


def build(project: Path, **popen) -> subprocess.CompletedProcess:
    """`make build` as the Makefile runs it, on the copy."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(project / "scripts")}
    return subprocess.run([sys.executable, str(BUILD_SITE), "-f", str(project / "mkdocs.yml")],
                          capture_output=True, text=True, env=env, cwd=project, timeout=300, **popen)


def leftovers(project: Path) -> list[str]:
    return sorted(p.name for p in project.iterdir() if p.name.startswith(".site."))


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """A copy of the project with a good site/ built by build_site.py, shared read-only: each
    test copies it before breaking something."""
    project = copy_project(tmp_path_factory.mktemp("built") / "kb")
    result = build(project)
    assert result.returncode == 0, result.stdout + result.stderr
    return project


@pytest.fixture
def project(built, tmp_path) -> Path:
    copy = tmp_path / "kb"
    subprocess.run(["cp", "-a", str(built), str(copy)], check=True)
    return copy


def break_content(project: Path) -> str:
    edit(project / SOURCE, "outlet: asiapress\n", "outlet: asiapres\n")
    return f"{SOURCE}:4: outlet: unknown outlet 'asiapres'"


def break_link(project: Path) -> str:
    with (project / "docs/index.md").open("a", encoding="utf-8") as page:
        page.write("\nSee [the missing page](nowhere.md).\n")
    return "Aborted with 1 warnings in strict mode!"


def folder_loop(project: Path) -> str:
    (project / "docs/sources/loop").symlink_to(".")
    return "docs/sources/loop: a symbolic link to '.', a folder that contains the link (a loop without end): remove the link"


def link_loop(project: Path) -> str:
    (project / "data/a.yml").symlink_to("b.yml")
    (project / "data/b.yml").symlink_to("a.yml")
    return "data/a.yml: a symbolic link in a loop ('b.yml'): remove the link (rm 'data/a.yml')"


def link_outside(project: Path) -> str:
    outside = project.parent / "private.md"
    outside.write_text("# Not for publication\n", encoding="utf-8")
    (project / "docs/private.md").symlink_to(outside)
    return f"docs/private.md: a symbolic link to '{outside.resolve()}', outside the repository"


def crash_after_writing(project: Path) -> str:
    add_hook(project, "def on_post_build(config):\n    raise RuntimeError('a crash once every page is written')\n")
    return "RuntimeError: a crash once every page is written"


@pytest.mark.parametrize("breaking", [break_content, break_link, folder_loop, link_loop, link_outside, crash_after_writing])
def test_a_failed_build_leaves_site_byte_identical(project, breaking):
    before = tree_digest(project / "site")
    assert "index.html" in before and len(before) > 50
    expected = breaking(project)
    result = build(project)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert expected in output
    assert "The build failed: site/ is as it was before" in output
    if breaking is not crash_after_writing:  # a bug in the code may show its traceback; no input may
        assert "Traceback" not in output
    assert tree_digest(project / "site") == before
    assert leftovers(project) == []


def test_a_first_build_that_fails_leaves_no_site(tmp_path):
    project = copy_project(tmp_path / "kb")
    break_link(project)
    result = build(project)
    assert result.returncode != 0
    assert not (project / "site").exists()
    assert leftovers(project) == []


def test_a_successful_build_replaces_site(project):
    old_only = project / "site" / "left-from-an-old-build.txt"
    old_only.write_text("stale", encoding="utf-8")
    edit(project / SOURCE, "put authorities on emergency footing", "put the authorities on emergency footing")
    result = build(project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Documentation built in" in result.stderr  # the engine's own output, as it prints it
    page = (project / "site/sources/asiapress-2025-06-hyesan-missing/index.html").read_text(encoding="utf-8")
    assert "put the authorities on emergency footing" in page
    assert not old_only.exists()
    assert leftovers(project) == []
    assert (project / "site").stat().st_mode & 0o755 == 0o755  # readable by others, as the engine makes it


def test_ctrl_c_during_a_build_leaves_site_as_it_was(project):
    before = tree_digest(project / "site")
    marker = project / "pages-written"
    # Stalls once every page is written, so that the interruption comes at the worst moment.
    add_hook(project, "import pathlib, time\n\ndef on_post_build(config):\n"
                      f"    pathlib.Path({str(marker)!r}).touch()\n    time.sleep(120)\n")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(project / "scripts")}
    process = subprocess.Popen([sys.executable, str(BUILD_SITE), "-f", str(project / "mkdocs.yml")], cwd=project,
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 120
    while not marker.exists():
        assert process.poll() is None and time.monotonic() < deadline, process.communicate()[0]
        time.sleep(0.1)
    assert len(tree_digest(project / leftovers(project)[0])) > 50  # the new site is there, complete
    process.send_signal(signal.SIGINT)
    output, _ = process.communicate(timeout=60)
    assert process.returncode == 130, output
    assert "Interrupted: site/ is as it was before." in output
    assert tree_digest(project / "site") == before
    assert leftovers(project) == []


def test_a_failed_offline_build_leaves_its_folder_and_zip_as_they_were(project):
    """`make offline` builds beside build/offline too, and zips only a complete offline site."""
    previous = project / "build" / "offline"
    previous.mkdir(parents=True)
    (previous / "index.html").write_text("the previous offline build\n", encoding="utf-8")
    before = tree_digest(project / "build"), tree_digest(project / "site")
    break_link(project)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(project / "scripts")}
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "offline.py"), "--root", str(project)],
                            capture_output=True, text=True, env=env, cwd=project, timeout=300)
    assert result.returncode != 0
    assert "the offline build failed in strict mode" in result.stderr
    assert (tree_digest(project / "build"), tree_digest(project / "site")) == before  # no zip either
