"""The content's history, from git: when each file was first committed and last changed, and which
commits changed the claims of a source page (the "What's new" page, the feed, "Last updated").

Three git processes whatever the size of the knowledge base, never one per file: `git rev-parse`
(is this a full checkout?), one `git log --raw` over docs/, data/ and bib/, parsed once, and one
`git cat-file --batch` that hands over the versions of the source pages that were changed after
they were added, whose claims are then compared version to version.

No wall clock: a copy without its history (an archive, a shallow clone, whose oldest commit would
seem to add every file) has no history at all, and every date falls back to the build's moment
(`kb.dates.build_moment`: SOURCE_DATE_EPOCH, else the last commit). The working tree's
uncommitted changes are not history either: they get their dates when committed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import subprocess
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .dates import build_moment
from .load import FRONT_MATTER, parse_yaml

#: The folders whose files the site is built from (paths are relative to the project root).
CONTENT = ("docs", "data", "bib")
SOURCES = "docs/sources/"
#: A blob id that stands for "no file" in `git log --raw` (the old side of an added file).
NO_BLOB = "0" * 40
GIT_TIMEOUT = 120  # seconds: the log of 10,000 files in a long history takes about a second


@dataclass(frozen=True)
class ClaimChange:
    """A commit that changed the claims of a source page after it was added."""

    slug: str
    commit: str
    moment: dt.datetime
    added: tuple[str, ...] = ()
    corrected: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()


@dataclass(frozen=True)
class History:
    """What git knows of the content. `available` is False without a full history; then every
    file is dated by `fallback`, and no file is known to have been added or changed."""

    available: bool
    fallback: dt.datetime
    #: {path: the moment of the first commit that has the file}.
    added: dict[str, dt.datetime] = field(default_factory=dict)
    #: {path: the moment of the last commit that changed (or removed) the file}.
    changed: dict[str, dt.datetime] = field(default_factory=dict)
    claim_changes: tuple[ClaimChange, ...] = ()
    #: Why there is no history, for the "What's new" page ("" when there is one).
    reason: str = ""

    def last_changed(self, path: str) -> dt.datetime:
        return self.changed.get(path, self.fallback)

    def newest(self, paths: Iterable[str]) -> dt.datetime:
        """The last change of any of `paths` (the fallback when none of them is known)."""
        return max((self.changed[p] for p in paths if p in self.changed), default=self.fallback)

    def newest_under(self, folders: Iterable[str]) -> dt.datetime:
        """The last change of any file under the folders (removed files included)."""
        prefixes = tuple(f.rstrip("/") + "/" for f in folders)
        return max((when for p, when in self.changed.items() if p.startswith(prefixes)), default=self.fallback)


def absent(reason: str) -> History:
    """No history, and no build moment either (pages generated without a project root): the
    pages then show no date at all."""
    return History(available=False, fallback=dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc), reason=reason)


def unknown(root: Path, reason: str = "") -> History:
    """No history: every date is the build's."""
    return History(available=False, fallback=build_moment(root), reason=reason)


def read_history(root: Path) -> History:
    """The history of the content under `root` (the folder of mkdocs.yml, at or below the top of
    a git checkout)."""
    root = Path(root)
    shallow = _git(root, "rev-parse", "--is-shallow-repository")
    if shallow is None:
        return unknown(root, "git finds no history here (not a git checkout, or one git refuses to read)")
    if shallow.strip() == "true":
        return unknown(root, "this copy of the knowledge base is a shallow clone, without its history")
    log = _git(root, "log", "--raw", "--no-abbrev", "--no-renames", "--relative", "--format=%x00%H %cI", "--", *CONTENT)
    if log is None:
        return unknown(root, "git could not read the history")
    versions = list(_parse_log(log))
    if not versions:
        return unknown(root, "no commit has the content yet")
    added: dict[str, dt.datetime] = {}
    changed: dict[str, dt.datetime] = {}
    by_source: dict[str, list[_Version]] = defaultdict(list)
    for version in versions:
        path, when = version.path, version.moment
        if path not in added or when < added[path]:
            added[path] = when
        if path not in changed or when > changed[path]:
            changed[path] = when
        if path.startswith(SOURCES) and path.endswith(".md") and "/" not in path[len(SOURCES):]:
            by_source[path].append(version)
    changes = _claim_changes(root, {path: vs for path, vs in by_source.items() if len(vs) > 1})
    return History(available=True, fallback=build_moment(root), added=added, changed=changed,
                   claim_changes=tuple(changes))


@dataclass(frozen=True)
class _Version:
    """One file in one commit, as `git log --raw` lists it."""

    path: str
    commit: str
    moment: dt.datetime
    blob: str  # the file's content after the commit (NO_BLOB: removed)


def _parse_log(log: str) -> Iterator[_Version]:
    """`--format=%x00%H %cI --raw`: a NUL, the commit and its time, then one line per file:
    ':100644 100644 <old blob> <new blob> M\t<path>'."""
    for record in log.split("\0")[1:]:
        header, _, files = record.partition("\n")
        commit, _, moment = header.partition(" ")
        when = dt.datetime.fromisoformat(moment.strip())
        for line in files.splitlines():
            if not line.startswith(":"):
                continue
            meta, _, path = line.partition("\t")
            parts = meta.split()
            if len(parts) >= 5:
                yield _Version(path=path, commit=commit, moment=when, blob=parts[3])


def _claim_changes(root: Path, versions_by_path: dict[str, list[_Version]]) -> list[ClaimChange]:
    """For each source page with more than one version: the commits that changed its claims."""
    wanted = sorted({v.blob for vs in versions_by_path.values() for v in vs if v.blob != NO_BLOB})
    claims_of = _claims_of_blobs(root, wanted)
    changes = []
    for path, versions in versions_by_path.items():
        slug = path[len(SOURCES):-3]
        before: dict[str, str] | None = None
        for version in sorted(versions, key=lambda v: (v.moment, v.commit)):
            after = claims_of.get(version.blob)
            if after is None:  # removed, or unreadable at that commit: compared with the last readable one
                continue
            if before is not None:
                added = tuple(i for i in after if i not in before)
                removed = tuple(i for i in before if i not in after)
                corrected = tuple(i for i in after if i in before and after[i] != before[i])
                if added or removed or corrected:
                    changes.append(ClaimChange(slug, version.commit, version.moment, added, corrected, removed))
            before = after
    return changes


#: {blob: {claim id: digest of the claim}} of every version read in this process: a version never
#: changes, and `make serve` reads the history again on every rebuild (most of the history's time
#: is reading these versions' YAML: 0.3 s of 200 versions at 1,000 sources).
_CLAIMS_OF_BLOB: dict[str, dict[str, str] | None] = {}


def _claims_of_blobs(root: Path, blobs: list[str]) -> dict[str, dict[str, str]]:
    """{blob: {claim id: digest of the claim}} for the given versions of source pages, read
    through one `git cat-file --batch`, one version at a time (never all of them in memory)."""
    missing = [blob for blob in blobs if blob not in _CLAIMS_OF_BLOB]
    if missing:
        _read_blobs(root, missing)
    return {blob: claims for blob in blobs if (claims := _CLAIMS_OF_BLOB.get(blob)) is not None}


def _read_blobs(root: Path, blobs: list[str]) -> None:
    try:
        process = subprocess.Popen(["git", "cat-file", "--batch"], cwd=root, stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    except OSError:
        return
    assert process.stdin is not None and process.stdout is not None
    try:
        for blob in blobs:
            process.stdin.write(blob.encode() + b"\n")
            process.stdin.flush()
            header = process.stdout.readline().split()
            if len(header) != 3:  # '<blob> missing'
                continue
            content = process.stdout.read(int(header[2]) + 1)[:-1]  # the object, then a newline
            _CLAIMS_OF_BLOB[blob] = _claims_in(content.decode("utf-8", errors="replace"))
    finally:
        process.stdin.close()
        process.wait(timeout=GIT_TIMEOUT)


def _claims_in(text: str) -> dict[str, str] | None:
    """The claims of one version of a source page, {id: digest of its fields}; None when its
    front matter cannot be read. Two versions of a claim differ when their fields' values do,
    not when only their YAML's layout does."""
    match = FRONT_MATTER.match(text)
    parsed = parse_yaml(match.group(1), "", 2, [], with_lines=False) if match else None
    data = parsed[0] if parsed else None
    if not isinstance(data, dict):
        return None
    claims = data.get("claims") or []
    if not isinstance(claims, list):
        return None
    return {str(c["id"]): _digest(c) for c in claims if isinstance(c, dict) and "id" in c}


def _digest(claim: dict) -> str:
    return hashlib.sha1(json.dumps(claim, sort_keys=True, default=str).encode("utf-8")).hexdigest()


def _git(root: Path, *args: str) -> str | None:
    """The output of one git command, or None when git is missing or fails (not a checkout)."""
    try:
        out = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=GIT_TIMEOUT)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout if out.returncode == 0 else None
