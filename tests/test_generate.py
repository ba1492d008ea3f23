"""`python -m kb generate OUT`: the generated pages as Markdown in a folder of their own. A second
run replaces what the first wrote (and removes the pages it no longer makes); a file it did not
write is never overwritten, and a folder inside docs/ is refused."""

from __future__ import annotations

import subprocess
import sys

import pytest

from fixtures.kbfactory import SLUG, make_kb
from kbtest import ROOT

EXTRA_TOPIC = """- slug: defection-penalties
  title: Penalties for defection
  intro: |
    Families of defectors are watched [@asiapress-2025-06-hyesan-missing].
"""


def generate(root, out) -> subprocess.CompletedProcess:
    env = {"PYTHONPATH": str(ROOT / "scripts"), "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "-m", "kb", "--root", str(root), "generate", str(out)],
                          capture_output=True, text=True, env=env)


def files_of(folder) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_second_run_replaces_its_pages_removes_stale_ones_and_keeps_other_files(tmp_path):
    kb = make_kb(tmp_path)
    kb.write("data/topics.yml", kb.read("data/topics.yml") + EXTRA_TOPIC)
    out = tmp_path / "out"
    first = generate(kb.root, out)
    assert first.returncode == 0, first.stderr
    assert (out / "topics/defection-penalties.md").is_file()
    assert (out / f"sources/{SLUG}.md").is_file()
    (out / "notes.txt").write_text("mine", encoding="utf-8")

    kb.write("data/topics.yml", kb.read("data/topics.yml").replace(EXTRA_TOPIC, ""))
    kb.edit(f"docs/sources/{SLUG}.md", "ASIAPRESS reported missing-person", "Edited between the runs. ASIAPRESS reported missing-person")
    second = generate(kb.root, out)
    assert second.returncode == 0, second.stderr
    assert not (out / "topics/defection-penalties.md").exists(), "the removed topic's page is gone"
    assert "Edited between the runs." in (out / f"sources/{SLUG}.md").read_text(encoding="utf-8")
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine", "a file it did not write stays"
    written = (out / ".kb-generated").read_text(encoding="utf-8").splitlines()
    assert set(written) == set(files_of(out)) - {".kb-generated", "notes.txt"}


def test_a_file_it_did_not_write_is_never_overwritten(tmp_path):
    kb = make_kb(tmp_path)
    out = tmp_path / "out"
    (out / "topics").mkdir(parents=True)
    (out / "topics/index.md").write_text("# My own notes\n", encoding="utf-8")
    before = files_of(out)
    result = generate(kb.root, out)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        f"{out / 'topics/index.md'}: not written by `kb generate`, and a generated page would replace it: "
        "write to a new or empty folder, or move the file",
        "Nothing was written.",
    ]
    assert files_of(out) == before


def test_a_folder_inside_docs_is_refused(tmp_path):
    kb = make_kb(tmp_path)
    before = files_of(kb.root / "docs")
    result = generate(kb.root, kb.root / "docs")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"{kb.root / 'docs'}: inside docs/" in result.stderr
    assert files_of(kb.root / "docs") == before, "the hand-written source page is untouched"


def test_a_run_stopped_half_way_leaves_every_page_it_wrote_listed_as_its_own(tmp_path, monkeypatch):
    from kb import build
    from kb.__main__ import write_pages

    kb = make_kb(tmp_path)
    renderer = build(kb.root).renderer()

    def fails(slug: str) -> str:
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(renderer, "source_page", fails)  # the source pages come after the list pages
    out = tmp_path / "out"
    with pytest.raises(RuntimeError):
        write_pages(renderer, out, kb.root)
    written = set(files_of(out)) - {".kb-generated"}
    assert written and written <= set((out / ".kb-generated").read_text(encoding="utf-8").splitlines())
    again = generate(kb.root, out)
    assert again.returncode == 0, again.stderr
