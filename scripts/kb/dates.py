"""The moment a build describes: the site's "last updated" date and the PDF's cover and metadata.

Not the wall clock, so that two builds of one commit are byte-identical: `SOURCE_DATE_EPOCH` (the
reproducible-builds convention, in UTC) when set, else the last commit's time in its committer's
time zone (so its date is git's `%cs`), else, outside a git checkout, now.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path


def build_moment(root: Path) -> dt.datetime:
    """When the content at `root` was last changed, as a time-zone-aware datetime."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc)
    try:
        out = subprocess.run(["git", "log", "-1", "--format=%cI"], cwd=root, capture_output=True, text=True, timeout=10)
        if out.returncode == 0 and out.stdout.strip():
            return dt.datetime.fromisoformat(out.stdout.strip())
    except (OSError, subprocess.TimeoutExpired, ValueError):
        pass
    return dt.datetime.now(dt.timezone.utc)


def build_date(root: Path) -> str:
    """The build's date as YYYY-MM-DD (the site's "last updated")."""
    return build_moment(root).date().isoformat()
