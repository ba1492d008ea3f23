"""`make new-source`: the files it writes, what it refuses, and that a filled-in page passes the check."""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time

import pytest
from fixtures.kbfactory import make_kb
from kb.new_source import slug_for
from kbtest import ROOT
from pybtex.database import parse_file

URL = "https://www.dailynk.com/english/north-koreans-still-defecting-across-border-ryanggang-province/"
TITLE = "N. Koreans still defecting across the border in Ryanggang Province"
NEW = "asiapress-2020-04-koreans-still-defecting"
ARGS = ["--url", URL, "--outlet", "asiapress", "--title", TITLE, "--date", "2020-04",
        "--authors", "HONG Mari; Jane Smith", "--accessed", "2026-11-24"]


def new_source(kb, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {"PYTHONPATH": str(ROOT / "scripts"), "PATH": "/usr/bin:/bin"}
    return subprocess.run(
        [sys.executable, "-m", "kb", "--root", str(kb.root), "new-source", *args],
        input=stdin, stdin=None if stdin is not None else subprocess.DEVNULL,
        capture_output=True, text=True, env=env,
    )


@pytest.mark.parametrize(
    "outlet, date, title, slug",
    [
        ("asiapress", "2025-06", "Missing-person cases in Hyesan", "asiapress-2025-06-missing-person-cases"),
        ("daily-nk", "2020-04-27", TITLE, "dailynk-2020-04-koreans-still-defecting"),
        ("the-asia-live", "2024-11", "Over 100 North Koreans Go Missing", "asialive-2024-11-100-north-koreans"),
        ("tjwg", "2024", "Existing \u201cNowhere\u201d: North Korea\u2019s Crime", "tjwg-2024-existing-nowhere-north"),
        ("daily-nk", "2020-11", "국경 탈북 시도", "dailynk-2020-11"),  # no Latin words: --slug is the way out
    ],
)
def test_slug_from_outlet_month_and_title_words(outlet, date, title, slug):
    assert slug_for(outlet, date, title) == slug


def test_writes_a_page_and_an_entry_with_key_equal_to_slug(tmp_path):
    kb = make_kb(tmp_path)
    result = new_source(kb, *ARGS)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"Wrote docs/sources/{NEW}.md and bib/{NEW}.bib.\n")

    entries = parse_file(str(kb.root / f"bib/{NEW}.bib"), "bibtex").entries
    assert list(entries) == [NEW]
    entry = entries[NEW]
    assert entry.type == "misc"
    assert [str(p) for p in entry.persons["author"]] == ["Hong, Mari", "Smith, Jane"]
    assert entry.fields["title"] == "{" + TITLE + "}"
    assert entry.fields["url"] == URL  # not mangled: '_' and '%' stay as they are
    assert (entry.fields["year"], entry.fields["month"], entry.fields["urldate"]) == ("2020", "April", "2026-11-24")

    page = kb.read(f"docs/sources/{NEW}.md")
    assert f'title: "{TITLE}"' in page
    assert 'authors: ["HONG Mari", "Jane Smith"]' in page
    assert "published:\n  value: 2020-04\n  precision: month\n" in page
    assert f"bib: {NEW}\n" in page and f"[@{NEW}]" in page


def test_the_new_page_fails_the_check_until_it_is_filled_in(tmp_path):
    kb = make_kb(tmp_path)
    assert new_source(kb, *ARGS).returncode == 0
    page = f"docs/sources/{NEW}.md"
    assert kb.problems() == [
        f"{page}:14: archive_url: missing: add a web-archive copy (e.g. https://web.archive.org/...), "
        "or say why there is none in 'archive_missing'",
        f"{page}:20: evidence: is empty: fill it in: 'inside-informant', 'defector-interviews', 'ngo-report', "
        "'state-media', 'official-statement' or 'rewrite'",
        f"{page}:22: claims: no claims yet: add at least one (copy the commented example in the file; see CONTRIBUTING.md)",
        f"{page}:38: body: placeholder 'TODO' left: replace it with your summary in your own words",
    ]
    # What a contributor does next, as CONTRIBUTING.md says: fill the fields, uncomment the example claim.
    kb.edit(page, "archive_url:  #", "archive_missing: Not archived yet.  #")
    kb.edit(page, "evidence:  #", "evidence: inside-informant  #")
    text = kb.read(page)
    example = text[text.index("# claims:\n"):text.index("---\n", 4)]
    kb.write(page, text.replace("claims: []\n", "").replace(example, "\n".join(
        line.removeprefix("# ") for line in example.splitlines()) + "\n"))
    assert kb.problems() == [
        f"{page}:37: body: placeholder 'TODO' left: replace it with your summary in your own words"
    ]
    kb.edit(page, "TODO: a neutral summary", "A neutral summary")
    assert kb.problems() == []


def test_takes_a_zotero_bibtex_export(tmp_path):
    kb = make_kb(tmp_path)
    kb.write("zotero.bib", """
@article{hong_missing_2025,
\ttitle = {Missing-person cases in {Hyesan}},
\turl = {https://www.asiapress.org/rimjin-gang/2025/06/society-economy/missing_persons},
\tjournal = {ASIAPRESS},
\tauthor = {Hong, Mari and Kang, Ji-won},
\tmonth = jun,
\tyear = {2025},
\turldate = {2025-06-10},
\tlangid = {english},
}
""")
    result = new_source(kb, "--bibtex", str(kb.root / "zotero.bib"), "--accessed", "2026-11-24")
    assert result.returncode == 0, result.stderr
    slug = "asiapress-2025-06-missing-person-cases"
    entry = parse_file(str(kb.root / f"bib/{slug}.bib"), "bibtex").entries[slug]
    assert entry.type == "article"
    assert entry.fields["title"] == "Missing-person cases in {Hyesan}"
    assert entry.fields["urldate"] == "2025-06-10"  # kept from the export
    page = kb.read(f"docs/sources/{slug}.md")
    assert 'title: "Missing-person cases in Hyesan"' in page
    assert "outlet: asiapress\n" in page  # found from the journal's name in data/outlets.yml
    assert 'authors: ["Mari Hong", "Ji-won Kang"]' in page


def test_takes_a_pasted_entry_on_standard_input_and_arguments_win(tmp_path):
    kb = make_kb(tmp_path)
    pasted = "@misc{x, title = {A pasted title}, url = {https://example.org/a}, date = {2025-06-03}}"
    result = new_source(kb, "--bibtex", "-", "--outlet", "asiapress", "--title", "Our title", stdin=pasted)
    assert result.returncode == 0, result.stderr
    page = kb.read("docs/sources/asiapress-2025-06-our-title.md")
    assert 'title: "Our title"' in page
    assert "  value: 2025-06-03\n  precision: day\n" in page


def test_refuses_to_overwrite_a_page_or_entry(tmp_path):
    kb = make_kb(tmp_path)
    assert new_source(kb, *ARGS).returncode == 0
    before = kb.snapshot()
    result = new_source(kb, *ARGS)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"new-source: docs/sources/{NEW}.md already exists: nothing is overwritten; "
        "choose another name with --slug, or edit that file",
        f"new-source: bib/{NEW}.bib already exists: nothing is overwritten; "
        "choose another name with --slug, or edit that file",
        "Nothing was written.",
    ]
    assert kb.snapshot() == before


def test_refuses_a_key_already_defined_in_another_bib_file(tmp_path):
    kb = make_kb(tmp_path)
    kb.write("bib/all.bib", f"@misc{{{NEW},\n  title = {{Taken}}\n}}\n")
    before = kb.snapshot()
    result = new_source(kb, *ARGS)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"new-source: BibTeX key '{NEW}' is already defined in bib/all.bib: choose another name with --slug",
        "Nothing was written.",
    ]
    assert kb.snapshot() == before


def test_reports_every_bad_value_at_once_and_writes_nothing(tmp_path):
    kb = make_kb(tmp_path)
    before = kb.snapshot()
    result = new_source(kb, "--url", "www.example.org/a", "--outlet", "asia-press", "--date", "2024-02-30",
                        "--language", "English")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "new-source: --url: 'www.example.org/a' is not an http(s) URL: write the full address, starting https://",
        "new-source: --outlet: unknown outlet 'asia-press' (did you mean 'asiapress'?): use a slug from "
        "data/outlets.yml (asiapress) or add the outlet there first",
        "new-source: --title is missing: give the outlet's headline (or a descriptive title with --title-is-ours)",
        "new-source: --date: impossible date '2024-02-30': check the month and day",
        "new-source: --language: 'English' is not a two-letter language code (en, ko, zh...)",
        "Nothing was written.",
    ]
    assert "Traceback" not in result.stderr
    assert kb.snapshot() == before


def test_bad_bibtex_is_one_line(tmp_path):
    kb = make_kb(tmp_path)
    result = new_source(kb, "--bibtex", "-", stdin="@misc{x,\n  title = {A title}\n  year = {2025}\n}\n")
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (
        "new-source: --bibtex: syntax error in line 3: '}' expected; check braces and commas"
    )
    assert "Traceback" not in result.stderr


def test_asks_for_missing_values_in_a_terminal(tmp_path):
    """Run in a real pseudo-terminal, as a contributor types the answers."""
    kb = make_kb(tmp_path)
    controller, terminal = os.openpty()
    env = {"PYTHONPATH": str(ROOT / "scripts"), "PATH": "/usr/bin:/bin"}
    process = subprocess.Popen(
        [sys.executable, "-m", "kb", "--root", str(kb.root), "new-source", "--accessed", "2026-11-24"],
        stdin=terminal, stdout=terminal, stderr=terminal, env=env, close_fds=True,
    )
    os.close(terminal)
    answers = ["ftp://example.org", URL, "asiapress", TITLE, "2020-04", "HONG Mari"]
    transcript = _converse(controller, answers, process)
    assert process.wait(timeout=20) == 0, transcript
    assert "'ftp://example.org' is not an http(s) URL" in transcript  # asked again
    assert "Outlet (its slug in data/outlets.yml: asiapress)" in transcript
    assert f"Wrote docs/sources/{NEW}.md" in transcript
    assert 'authors: ["HONG Mari"]' in kb.read(f"docs/sources/{NEW}.md")


def _converse(controller: int, answers: list[str], process: subprocess.Popen) -> str:
    """Answer each prompt (a line ending in ': ') in turn; return everything the terminal showed."""
    transcript, deadline = "", time.monotonic() + 20
    while time.monotonic() < deadline and process.poll() is None or select.select([controller], [], [], 0.1)[0]:
        if not select.select([controller], [], [], 0.1)[0]:
            continue
        try:
            chunk = os.read(controller, 4096).decode(errors="replace")
        except OSError:  # the terminal closed: the command ended
            break
        transcript += chunk
        if transcript.rstrip(" ").endswith(":") and answers:
            os.write(controller, (answers.pop(0) + "\n").encode())
    os.close(controller)
    return transcript
