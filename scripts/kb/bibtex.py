"""The BibTeX files: read and checked entry by entry, and formatted for the pages, by pybtex.

pybtex is imported in the functions that use it: `python -m kb new-source` and the checks of a
tree without BibTeX files do not pay for it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from .bibtex_braces import brace_problems
from .files import read_text
from .problems import Problem
from .urls import doi_problem, url_problem

if TYPE_CHECKING:
    from pybtex.database import BibliographyData

#: mkdocs-bibtex only recognises keys made of word characters and hyphens.
BIB_KEY = r"^[\w-]+$"


@dataclass(frozen=True)
class BibEntry:
    key: str
    path: str
    line: int
    fields: dict[str, str]
    persons: dict[str, list[str]]
    entry_type: str


@dataclass(frozen=True)
class LoadedBib:
    """What the BibTeX files hold: the entries by key, the problems found in them, and the keys
    that files which could not be parsed appear to define (see `load_bib`)."""

    entries: dict[str, BibEntry]
    problems: list[Problem]
    unparsed_keys: frozenset[str]


class BibTeX:
    """The BibTeX files of `root`, read when first asked for, and formatted once."""

    def __init__(self, root: Path):
        self._root = Path(root)
        self._loaded: LoadedBib | None = None
        self._references: dict[str, str] | None = None

    def loaded(self) -> LoadedBib:
        if self._loaded is None:
            self._loaded = load_bib(self._root)
        return self._loaded

    def references(self) -> dict[str, str]:
        """{key: reference as Markdown}: see `formatted_references`."""
        if self._references is None:
            self._references = formatted_references(self.loaded().entries)
        return self._references


def bib_files(root: Path) -> list[Path]:
    return sorted((root / "bib").rglob("*.bib"))


def load_bib(root: Path) -> LoadedBib:
    """Parse each .bib file on its own so that a key defined in two files is caught,
    not silently won by file order (as mkdocs-bibtex would).

    The keys that a file which fails to parse appears to define are kept aside, so that its
    one syntax error is not followed by an 'unknown citation' line for every use of them."""
    files = bib_files(root)
    entries: dict[str, BibEntry] = {}
    problems: list[Problem] = []
    unparsed_keys: set[str] = set()
    for file in files:
        rel = file.relative_to(root).as_posix()
        text = read_text(file, rel, problems)
        if text is not None and (braces := brace_problems(text, rel)):  # said better than pybtex would
            problems += braces
            text = None
        data = _parse_bib(text, rel, problems) if text is not None else None
        if data is None:
            unparsed_keys.update(_keys_it_seems_to_define(file))
            continue
        if not data.entries:
            problems.append(Problem(rel, None, "", "no BibTeX entry found: an entry starts with '@misc{key,' (run `make new-source`)"))
        lines = _entry_lines(text)
        for key, entry in data.entries.items():
            line = lines.get(key.lower(), [1])[0]
            if not re.match(BIB_KEY, key):
                problems.append(Problem(rel, line, key, f"BibTeX key '{key}' is not valid: use letters, digits, '_' and '-' only, then a comma"))
                continue
            if key in entries:
                other = entries[key]
                problems.append(Problem(rel, line, key, f"BibTeX key '{key}' is defined twice (also {other.path}:{other.line}): keep one"))
                continue
            fields = {k.lower(): str(v) for k, v in entry.fields.items()}
            problems.extend(Problem(rel, line, f"{key}.{name}", message) for name, message in _link_field_problems(fields))
            entries[key] = BibEntry(
                key=key,
                path=rel,
                line=line,
                fields=fields,
                persons={role: [str(p) for p in people] for role, people in entry.persons.items()},
                entry_type=entry.type,
            )
    return LoadedBib(entries, problems, frozenset(unparsed_keys))


def _parse_bib(text: str, rel: str, problems: list[Problem]) -> BibliographyData | None:
    from pybtex.database import BibliographyDataError
    from pybtex.database.input.bibtex import Parser as BibTeXParser
    from pybtex.scanner import PybtexError

    try:
        # The parser class itself: `parse_string(text, "bibtex")` looks the plugin up in the
        # package metadata on every call (about 11 ms a file).
        return BibTeXParser().parse_string(text)
    except BibliographyDataError as error:  # pybtex's "repeated bibliography entry: KEY", without a line
        key = str(error).rpartition(": ")[2]
        line = (_entry_lines(text).get(key.lower(), []) + [1, 1])[1]  # where it is defined the second time
        problems.append(Problem(rel, line, key, f"BibTeX key '{key}' is defined twice in this file: keep one"))
    except PybtexError as error:
        message = re.sub(r" in line \d+", "", str(error))
        problems.append(Problem(rel, getattr(error, "lineno", None), "", f"BibTeX {message}; check braces, commas and quotes"))
    return None


#: Fields that pybtex's style makes into links (footnotes, "Cite this source", the bibliography),
#: and what each must be: the link is https://arxiv.org/abs/<eprint>, https://doi.org/<doi>...
_LINK_FIELDS = {
    "url": url_problem,
    "doi": doi_problem,
    "eprint": lambda v: None if re.fullmatch(r"[\w./-]+", v) else f"'{v}' is not an arXiv identifier: write it as 2101.01234",
    "pubmed": lambda v: None if re.fullmatch(r"\d+", v) else f"'{v}' is not a PubMed id: write its digits only",
}


def _link_field_problems(fields: dict[str, str]) -> Iterator[tuple[str, str]]:
    for name, problem_of in _LINK_FIELDS.items():
        if name in fields and (message := problem_of(fields[name].strip())):
            yield name, message


_ENTRY_START = re.compile(r"@\w+\s*\{\s*([^,\s{}]+)\s*,")


def _entry_lines(text: str) -> dict[str, list[int]]:
    """{lower-case key: the lines of the entries with that key} for a whole file, in one pass
    (one regex per key was a tenth of loading 1,000 sources)."""
    lines: dict[str, list[int]] = {}
    line, position = 1, 0
    for match in _ENTRY_START.finditer(text):
        line += text.count("\n", position, match.start())
        position = match.start()
        lines.setdefault(match.group(1).lower(), []).append(line)
    return lines


def _keys_it_seems_to_define(file: Path) -> list[str]:
    """The keys of a .bib file that cannot be parsed (or read: then none)."""
    try:
        return _ENTRY_START.findall(file.read_bytes().decode("utf-8", "replace"))
    except OSError:
        return []


# --- Formatting --------------------------------------------------------------------------


def bibliography_data(bib: Mapping[str, BibEntry]) -> BibliographyData:
    """All BibTeX entries as one pybtex database, sorted by key."""
    from pybtex.database import BibliographyData, Entry, Person

    entries = {
        key: Entry(entry.entry_type, fields=entry.fields, persons={r: [Person(p) for p in ps] for r, ps in entry.persons.items()})
        for key, entry in sorted(bib.items())
    }
    return BibliographyData(entries=entries)


def formatted_references(bib: Mapping[str, BibEntry]) -> dict[str, str]:
    """{key: reference as Markdown}, in pybtex's plain style — the style mkdocs-bibtex uses for footnotes."""
    from pybtex.backends.markdown import Backend as MarkdownBackend
    from pybtex.style.formatting.plain import Style as PlainStyle

    style, backend = PlainStyle(), MarkdownBackend()
    data = bibliography_data(bib)
    with _each_latex_string_parsed_once():
        return {
            key: style.format_entry(key, entry).text.render(backend).replace("\n", " ")
            for key, entry in data.entries.items()
        }


#: What latexcodec would change in a field: a command, math, a comment, its ligatures (-- '' ,,
#: `` ~) or white space it folds (a run, a tab or newline, a leading space). It keeps braces,
#: which pybtex's own parser then reads. A field without any of these (most: our titles are
#: braced, names, outlets, dates) is its own decoding; tested against latexcodec in tests/test_site.py.
LATEX_MARKUP = re.compile(r"[\\$%~`]|--|''|,,|\s\s|[^\S ]|^\s")


@contextmanager
def _each_latex_string_parsed_once():
    """pybtex parses a field's LaTeX each time a style reads it (`Text.from_latex`), and most
    strings recur: 1,000 entries made 5,864 parses of 524 distinct strings (outlet, access date,
    year...), 40 % of the formatting time. Text objects are immutable, so one parse can be
    shared; the cache lives only while references are formatted. A string without LaTeX markup
    skips latexcodec's decoding, which would give it back unchanged (0.17 s of the 0.6 s at 1,000
    entries: it tokenizes every string character by character)."""
    from pybtex.markup import LaTeXParser
    from pybtex.richtext import Text

    original = vars(Text)["from_latex"]
    decoded_and_parsed = Text.from_latex

    def from_latex(latex: str) -> Text:
        return decoded_and_parsed(latex) if LATEX_MARKUP.search(latex) else LaTeXParser(latex).parse()

    Text.from_latex = staticmethod(cache(from_latex))
    try:
        yield
    finally:
        Text.from_latex = original
