"""Invisible characters that have no place in the text of a contribution.

Bidirectional controls (U+202A-U+202E, U+2066-U+2069, and the marks U+200E, U+200F, U+061C)
change the order in which the text around them is displayed, so that a title or a quote can
read differently from what is stored (and searched, and cited). Zero-width characters (U+200B-
U+200D, U+2060-U+2064, U+FEFF inside a text) are invisible: pasted from a web page, they split a
word for search and make a quote differ from the article's. Both are refused, in every file the
knowledge base reads (front matter, body, registries, BibTeX), with the line and column, rather
than stripped: the contributor sees what was pasted. (A byte-order mark at the very start of a
file is not text: `files.read_text` drops it.) None of this knowledge base's languages (English,
Korean, Chinese) needs them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from .problems import Problem

BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff"
INVISIBLE = re.compile(f"[{BIDI_CONTROLS}{ZERO_WIDTH}]")


def invisible_characters(text: str, path: str, first_line: int = 1) -> Iterator[Problem]:
    """One problem per line that holds an invisible character (its first), with its column."""
    if INVISIBLE.search(text) is None:  # one scan of the whole text: nearly every file
        return
    for offset, line in enumerate(text.splitlines()):
        if found := INVISIBLE.search(line):
            char = found.group()
            name = unicodedata.name(char, "").lower() or "invisible character"
            effect = ("changes the order in which the text is displayed"
                      if char in BIDI_CONTROLS else "cannot be seen, and breaks search and exact quotes")
            yield Problem(path, first_line + offset, "",
                          f"invisible character U+{ord(char):04X} ({name}) at column {found.start() + 1}: "
                          f"delete it (it {effect}; retype the text around it if your editor does not show it)")
