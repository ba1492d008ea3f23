"""`make new-source` through a real `make` and a real shell, with the URLs and titles contributors
paste: `&`, `#`, `$`, backticks, quotes, apostrophes, spaces. Each documented form (one variable per
value, ARGS, the questions asked without values) writes the values exactly, and runs nothing."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import time

import pytest
import yaml
from fixtures.kbfactory import make_kb
from kbtest import ROOT
from pybtex.database import parse_file
from test_new_source import _converse

URL = "https://www.dailynk.com/english/read.php?num=1&cat=2&q=`id`$(id)$HOME;x=|y#top"
TITLE = "Kim's \"border\" deal: $5 & `id` $(id) #1; 50% | a > b * c"
AUTHORS = "O'BRIEN Pat; KIM Ji-hoon"
VALUES = {"URL": URL, "OUTLET": "asiapress", "TITLE": TITLE, "DATE": "2020-04", "AUTHORS": AUTHORS, "ACCESSED": "2026-11-24"}
SLUG = "asiapress-2020-04-kims-border-deal"
STAMP = "installed-stamp"
#: Given to every make: the project's .venv, and the stamp above instead of the .venv's own.
MAKE_SETUP = f"VENV={ROOT / '.venv'} STAMP={STAMP}"


@pytest.fixture
def kb(tmp_path):
    """The fixture knowledge base with the project's Makefile, using the project's .venv and scripts."""
    kb = make_kb(tmp_path)
    shutil.copy(ROOT / "Makefile", kb.root / "Makefile")
    shutil.copy(ROOT / "requirements.txt", kb.root / "requirements.txt")
    # The stamp that says "installed", newer than requirements.txt: make never touches the project's .venv.
    stamp = kb.root / STAMP
    stamp.touch()
    os.utime(stamp, (time.time() + 60, time.time() + 60))
    (kb.root / "scripts").symlink_to(ROOT / "scripts")
    return kb


def shell(kb, command: str, **popen) -> subprocess.CompletedProcess:
    """`command` typed into a shell in the knowledge base's folder (with the project's .venv)."""
    env = {"PATH": os.environ["PATH"], "HOME": str(kb.root)}
    return subprocess.run(["bash", "-c", f"{command} {MAKE_SETUP}"], cwd=kb.root,
                          capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL, timeout=60, **popen)


def assert_written_exactly(kb) -> None:
    page = kb.read(f"docs/sources/{SLUG}.md")
    front = yaml.safe_load(page.split("\n---\n")[0].removeprefix("---\n"))
    assert (front["url"], front["title"], front["authors"]) == (URL, TITLE, ["O'BRIEN Pat", "KIM Ji-hoon"])
    entry = parse_file(str(kb.root / f"bib/{SLUG}.bib"), "bibtex").entries[SLUG]
    assert entry.fields["url"] == URL
    assert not (kb.root / "id").exists() and "$(id)" in page  # nothing was run: no command substitution


def test_one_variable_per_value(kb):
    """The form CONTRIBUTING.md shows: each value in single quotes ('\\'' for an apostrophe)."""
    command = "make new-source " + " ".join(f"{name}={shlex.quote(value)}" for name, value in VALUES.items())
    result = shell(kb, command)
    assert result.returncode == 0, result.stderr
    assert f"Wrote docs/sources/{SLUG}.md and bib/{SLUG}.bib." in result.stdout
    assert_written_exactly(kb)


def test_args_as_before_with_the_same_values(kb):
    args = " ".join(f"--{name.lower()} {shlex.quote(value)}" for name, value in VALUES.items())
    result = shell(kb, f"make new-source ARGS={shlex.quote(args)}")
    assert result.returncode == 0, result.stderr
    assert_written_exactly(kb)


def test_the_args_example_of_an_old_daily_nk_address(kb):
    """CONTRIBUTING's ARGS example, an `&` in the URL: the shell that make starts used to split it there."""
    result = shell(kb, """make new-source ARGS='--url https://www.dailynk.com/english/read.php?num=1&cat=2 """
                       """--outlet asiapress --title "The headline as published" --date 2020-11 """
                       """--authors "KIM Ji-hoon; Jane Smith"'""")
    assert result.returncode == 0, result.stderr
    page = kb.read("docs/sources/asiapress-2020-11-headline-published.md")
    assert 'url: "https://www.dailynk.com/english/read.php?num=1&cat=2"' in page


def test_an_open_quote_in_args_is_one_line_and_writes_nothing(kb):
    before = kb.snapshot()
    result = shell(kb, """make new-source ARGS='--url https://example.org/a --title "Unclosed'""")
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.startswith("new-source:")]
    assert lines == ["new-source: ARGS: no closing quotation: close the quote, or give each value on its own, "
                     "e.g. make new-source TITLE='The headline' (see CONTRIBUTING.md)"], result.stderr
    assert "Traceback" not in result.stderr
    assert kb.snapshot() == before


def test_asked_through_make_in_a_terminal_takes_any_pasted_text(kb):
    """`make new-source` with no values asks for each: a pasted value needs no quoting at all."""
    controller, terminal = os.openpty()
    process = subprocess.Popen(["make", "new-source", *MAKE_SETUP.split(), "ACCESSED=2026-11-24"], cwd=kb.root,
                               stdin=terminal, stdout=terminal, stderr=terminal, close_fds=True,
                               env={"PATH": os.environ["PATH"], "HOME": str(kb.root)})
    os.close(terminal)
    transcript = _converse(controller, [URL, "asiapress", TITLE, "2020-04", AUTHORS], process)
    assert process.wait(timeout=30) == 0, transcript
    assert f"Wrote docs/sources/{SLUG}.md" in transcript
    assert_written_exactly(kb)


def test_values_in_the_environment_are_not_taken_for_make_values(kb):
    """Only what is given on make's command line counts: a TITLE or LANGUAGE already set in the
    contributor's environment (LANGUAGE is a locale variable) is not a new-source value."""
    result = shell(kb, "TITLE=unrelated LANGUAGE=en_US:en make new-source URL=https://example.org/a NO_INPUT=1")
    assert result.returncode != 0
    assert "new-source: --title is missing" in result.stderr
    assert "--language" not in result.stderr


def test_a_bibtex_file_under_the_home_folder(kb):
    """`BIBTEX=~/...`: `~` is the home folder, as it was when a shell read ARGS."""
    kb.write("export.bib", "@misc{x, title = {A pasted title}, url = {https://example.org/a}, date = {2025-06-03}}\n")
    result = shell(kb, "make new-source BIBTEX='~/export.bib' OUTLET=asiapress ACCESSED=2026-11-24")
    assert result.returncode == 0, result.stderr
    assert 'title: "A pasted title"' in kb.read("docs/sources/asiapress-2025-06-pasted-title.md")
