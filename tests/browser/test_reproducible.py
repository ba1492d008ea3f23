"""Two builds of the same commit give byte-identical files, except the sitemap.

What is time-stamped, and why:
- sitemap.xml and sitemap.xml.gz: MkDocs writes the day of the build (wall clock) as every
  page's `lastmod`, and uses it as the gzip time stamp. They differ between builds made on
  different days, and on nothing else. With SOURCE_DATE_EPOCH set (reproducible-builds.org)
  MkDocs uses that day instead and they are identical too.
- Every page's "version of <date>" (cite block) is the date of the last commit, not the wall
  clock (scripts/hooks.py), so it is the same in every build of one commit; SOURCE_DATE_EPOCH,
  when set, overrides it.
Everything else (every HTML page, the search index, the assets) must not depend on the time,
the process (hash seed) or the folder the site is built into.
"""

from __future__ import annotations

import filecmp
import os
from pathlib import Path

from .browserkit import ROOT, site_build

TIME_STAMPED = {"sitemap.xml", "sitemap.xml.gz"}


def build(out: Path, **env: str) -> Path:
    result = site_build(ROOT / "mkdocs.yml", out, **env)
    assert result.returncode == 0, result.stderr
    return out


def differing_files(a: Path, b: Path) -> set[str]:
    """Paths (relative) that differ in content or exist on one side only."""
    files_a = {p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file()}
    files_b = {p.relative_to(b).as_posix() for p in b.rglob("*") if p.is_file()}
    _, mismatch, errors = filecmp.cmpfiles(a, b, sorted(files_a & files_b), shallow=False)
    return set(mismatch) | set(errors) | (files_a ^ files_b)


def test_two_builds_of_the_same_commit_are_identical_but_the_sitemap(site, tmp_path):
    """The session's build against another one, in another folder, with another hash seed."""
    again = build(tmp_path / "again", PYTHONHASHSEED=str(os.getpid() % 1000 + 1))
    assert differing_files(site, again) <= TIME_STAMPED
    assert len(list(again.rglob("*.html"))) > 20
