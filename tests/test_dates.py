"""kb/dates.py: the date a build describes (the site's "version of", the PDF's cover and metadata)."""

from __future__ import annotations

import datetime as dt
import subprocess

import pytest

from kb.dates import build_date, build_moment


def test_the_last_commit_dates_the_build(root, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    commit = subprocess.run(["git", "log", "-1", "--format=%cI%n%cs"], cwd=root, capture_output=True, text=True)
    if commit.returncode or not commit.stdout.strip():
        pytest.skip("not a git checkout")
    moment, day = commit.stdout.split()
    assert build_moment(root) == dt.datetime.fromisoformat(moment)
    assert build_date(root) == day  # the committer's day, as `git log --format=%cs` gives it


def test_source_date_epoch_wins_in_utc(root, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764547199")  # 2025-11-30 23:59:59 UTC
    assert build_moment(root) == dt.datetime(2025, 11, 30, 23, 59, 59, tzinfo=dt.timezone.utc)
    assert build_date(root) == "2025-11-30"


def test_outside_a_git_checkout_the_build_is_dated_now(tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))  # git must not find a repository above
    before = dt.datetime.now(dt.timezone.utc)
    assert before <= build_moment(tmp_path) <= dt.datetime.now(dt.timezone.utc)
