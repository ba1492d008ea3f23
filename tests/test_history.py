"""kb/history.py, kb/updated.py and kb/whats_new.py on a git repository with commits at known
moments: the golden knowledge base (two sources), committed in four steps."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from gitrepo import commit, edit, git, init

from kb import build
from kb.history import read_history
from kb.updated import PageDates
from kb.whats_new import whats_new

GOLDEN_KB = Path(__file__).parent / "golden" / "kb"
ALPHA, BETA = "alpha-2024-01-posts", "beta-2024-02-phones"
C1 = "2024-03-01T10:00:00+00:00"  # registries and Alpha
C2 = "2024-04-02T08:30:00+09:00"  # Beta (still 1 April in UTC: the committer's day is shown)
C3 = "2024-05-03T12:00:00+00:00"  # Alpha: one claim corrected, one added
C4 = "2024-06-04T12:00:00+00:00"  # Beta's BibTeX entry only: no claim changes
NEW_CLAIM = """
  - id: gates-closed
    text: Alpha News reported that the gates were closed at night.
    quote: "The gates were closed at night."
    topics: [checkpoints]
---"""


def moment(iso: str) -> dt.datetime:
    return dt.datetime.fromisoformat(iso)


@pytest.fixture
def repo(tmp_path, monkeypatch) -> dict:
    """The golden knowledge base in a repository of its own: four commits at C1..C4."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    root = tmp_path / "kb"
    shutil.copytree(GOLDEN_KB, root)
    init(root)
    beta = [f"docs/sources/{BETA}.md", f"bib/{BETA}.bib"]
    (tmp_path / "later").mkdir()
    for rel in beta:
        shutil.move(root / rel, tmp_path / "later" / Path(rel).name)
    first = commit(root, ["."], C1, "registries and Alpha")
    for rel in beta:
        shutil.move(tmp_path / "later" / Path(rel).name, root / rel)
    second = commit(root, beta, C2, "Beta")
    alpha = f"docs/sources/{ALPHA}.md"
    edit(root, alpha, "reported that posts were set up at the gates.", "reported that posts were set up at every gate.")
    edit(root, alpha, "    topics: [phones, checkpoints]\n---", "    topics: [phones, checkpoints]" + NEW_CLAIM)
    third = commit(root, [alpha], C3, "Alpha: a claim corrected, one added")
    edit(root, f"bib/{BETA}.bib", "Phones", "Phones and posts")
    fourth = commit(root, [f"bib/{BETA}.bib"], C4, "Beta's title in BibTeX")
    return {"root": root, "commits": [first, second, third, fourth]}


def test_first_and_last_commit_of_each_file(repo):
    history = read_history(repo["root"])
    assert history.available
    assert history.added[f"docs/sources/{ALPHA}.md"] == moment(C1)
    assert history.changed[f"docs/sources/{ALPHA}.md"] == moment(C3)
    assert history.added[f"docs/sources/{BETA}.md"] == moment(C2)
    assert history.changed[f"bib/{BETA}.bib"] == moment(C4)
    assert history.changed["data/topics.yml"] == moment(C1)


def test_only_the_commit_that_changed_claims_is_a_claim_change(repo):
    changes = read_history(repo["root"]).claim_changes
    assert [(c.slug, c.commit, c.moment, c.added, c.corrected, c.removed) for c in changes] == [
        (ALPHA, repo["commits"][2], moment(C3), ("gates-closed",), ("posts-set-up",), ()),
    ]


def test_whats_new_is_newest_first(repo):
    result = build(repo["root"])
    news = whats_new(result.kb, read_history(repo["root"]))
    assert [(e.kind, e.page.slug, e.moment) for e in news.entries] == [
        ("claims", ALPHA, moment(C3)),
        ("added", BETA, moment(C2)),
        ("added", ALPHA, moment(C1)),
    ]
    assert [day for day, _ in news.by_day()] == ["2024-05-03", "2024-04-02", "2024-03-01"]


def test_last_updated_is_the_newest_input_of_each_page(repo):
    result = build(repo["root"])
    dates = PageDates(result.kb, result.derived, read_history(repo["root"]))

    def day(path: str, generated: bool = True) -> str:
        return PageDates.day(dates.of(path, generated))

    assert day(f"sources/{ALPHA}.md") == "2024-05-03"
    assert day(f"sources/{BETA}.md") == "2024-06-04"  # its BibTeX entry changed last
    assert day("sources/index.md") == "2024-06-04"  # lists everything
    assert day("topics/checkpoints.md") == "2024-06-04"  # Alpha and Beta have claims in it
    assert day("topics/phones.md") == "2024-05-03"  # Alpha only
    assert day("topics/unused.md") == "2024-03-01"  # the registry only
    assert day("timeline/2024.md") == "2024-06-04"
    assert day("about/none.md", generated=False) == "2024-06-04"  # not in git: the last commit's day


def test_the_page_lists_the_entries_with_links(repo):
    result = build(repo["root"])
    page = result.renderer(history=read_history(repo["root"])).pages()["whats-new.md"]
    days = [line for line in page.splitlines() if line.startswith("## ")]
    assert days == ["## 2024-05-03", "## 2024-04-02", "## 2024-03-01"]
    assert f'corrected <a href="../sources/{ALPHA}/#claim-posts-set-up">posts-set-up</a>' in page
    assert f'added <a href="../sources/{ALPHA}/#claim-gates-closed">gates-closed</a>' in page
    assert f"**Added:** [Phones &amp; posts](sources/{BETA}.md) — Beta Wire, February 2024 · 1 claim" in page
    assert "[Atom feed](feed.xml)" in page


def test_the_page_is_bounded_and_says_where_the_rest_is(repo):
    result = build(repo["root"])
    renderer = result.renderer(history=read_history(repo["root"]))
    news = whats_new(result.kb, renderer.history)
    bounded = type(news)(news.entries, news.history, page_limit=2, feed_limit=2)
    renderer.env.globals["whats_new"] = lambda: bounded
    page = renderer.pages()["whats-new.md"]
    assert page.count("- **") == 2
    assert "This page lists the latest 2 of 3 changes" in page


def test_a_shallow_clone_has_no_history_and_dates_everything_by_its_commit(repo, tmp_path):
    clone = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo['root']}", str(clone))
    history = read_history(clone)
    assert not history.available and "shallow" in history.reason
    assert history.fallback == moment(C4)
    result = build(clone)
    assert whats_new(result.kb, history).entries == []  # never "every source added by the last commit"
    dates = PageDates(result.kb, result.derived, history)
    assert PageDates.day(dates.of(f"sources/{ALPHA}.md", True)) == "2024-06-04"
    page = result.renderer(history=history).pages()["whats-new.md"]
    assert "The dates are not known in this copy: this copy of the knowledge base is a shallow clone" in page
    assert "## " not in page


def test_without_git_the_dates_are_source_date_epoch(repo, tmp_path, monkeypatch):
    archive = tmp_path / "archive"
    shutil.copytree(repo["root"], archive, ignore=shutil.ignore_patterns(".git"))
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))  # no repository above
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1733011200")  # 2024-12-01 00:00:00 UTC
    history = read_history(archive)
    assert not history.available and "not a git checkout" in history.reason
    result = build(archive)
    dates = PageDates(result.kb, result.derived, history)
    assert {PageDates.day(dates.of(p, True)) for p in ("index.md", f"sources/{BETA}.md", "topics/phones.md")} == {"2024-12-01"}


def test_a_version_that_cannot_be_read_is_skipped(repo):
    """A commit whose front matter was broken is no change of claims; the next readable one is
    compared with the last readable one before it."""
    root = repo["root"]
    alpha = f"docs/sources/{ALPHA}.md"
    good = (root / alpha).read_text(encoding="utf-8")
    (root / alpha).write_text(good.replace("claims:", "claims: [", 1), encoding="utf-8")
    commit(root, [alpha], "2024-07-01T00:00:00+00:00")
    (root / alpha).write_text(good.replace("set up at every gate", "set up at each gate"), encoding="utf-8")
    fixed = commit(root, [alpha], "2024-07-02T00:00:00+00:00")
    changes = read_history(root).claim_changes
    assert [(c.commit, c.corrected, c.added) for c in changes][-1:] == [(fixed, ("posts-set-up",), ())]
    assert len(changes) == 2
