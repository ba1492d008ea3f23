"""A git repository with commits at known moments, for the tests of kb/history.py and of what is
built from it (What's new, the feed, "Last updated")."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path


def git(root: Path, *args: str, when: str | None = None) -> str:
    """Run git in `root`; `when`: the commit's author and committer time (ISO 8601 with its offset)."""
    env = {**os.environ, "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.org",
           "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.org",
           "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}
    if when:
        env.update(GIT_AUTHOR_DATE=when, GIT_COMMITTER_DATE=when)
    out = subprocess.run(["git", *args], cwd=root, env=env, capture_output=True, text=True, check=True)
    return out.stdout


def init(root: Path) -> None:
    git(root, "init", "-q", "-b", "main")


def commit(root: Path, paths: list[str], when: str, message: str = "change") -> str:
    """Commit the given paths (files or folders) at moment `when`; return the commit id."""
    git(root, "add", "--", *paths)
    git(root, "commit", "-q", "-m", message, when=when)
    return git(root, "rev-parse", "HEAD").strip()


def edit(root: Path, rel: str, old: str, new: str) -> None:
    file = root / rel
    text = file.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {rel}"
    file.write_text(text.replace(old, new), encoding="utf-8")
