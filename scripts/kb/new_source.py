"""`make new-source`: start a source page and its BibTeX entry, so that nothing is copied by hand.

    make new-source URL='https://...' OUTLET=asiapress TITLE='...' DATE=2025-06 AUTHORS='HONG Mari; KANG Ji-won'
    make new-source BIBTEX=zotero-export.bib OUTLET=asiapress
    make new-source                                         # asks for each value
    python -m kb new-source --bibtex - < entry.bib        # a BibTeX entry on standard input

It writes `docs/sources/<slug>.md` (the front matter filled with what is known, the fields only a
reader can fill left empty, a commented example claim) and `bib/<slug>.bib` with key == slug.
It never overwrites a file or a BibTeX key. Values not given are asked for when run in a
terminal. The new page fails `make check` on purpose until its evidence, archive copy, claims and
summary are written: each missing piece is one line of the check's output.

The slug is `<outlet>-<yyyy>-<mm>-<three title words>`: the outlet's slug without hyphens or a
leading "the" (daily-nk -> dailynk), the publication year and month, then the first three
words of the title that are not small words ("a", "the", "in"...), e.g.
`asiapress-2025-06-missing-person-cases`. `--slug` chooses another.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from pybtex.database import Entry, parse_string
from pybtex.richtext import Text
from pybtex.scanner import PybtexError
from pydantic import ValidationError

from .load import SOURCES_DIR, load
from .model import HTTP_URL, SLUG, FuzzyDate, KnowledgeBase, not_a_url
from .problems import did_you_mean

STOP_WORDS = set(
    "a an and as at by for from in into is of on or over the to with after amid under "
    "its their his her says said".split()
)
MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
#: BibTeX fields that may name the outlet, in order of preference.
OUTLET_FIELDS = ["journal", "journaltitle", "howpublished", "organization", "institution", "publisher"]
LANGUAGE_NAMES = {"english": "en", "korean": "ko", "chinese": "zh", "japanese": "ja", "russian": "ru"}


@dataclass
class Draft:
    """What is known of the new source, from the command line, a BibTeX entry or answers."""

    url: str | None = None
    outlet: str | None = None
    title: str | None = None
    title_is_ours: bool = False
    date: str | None = None
    authors: list[str] = field(default_factory=list)
    translators: list[str] = field(default_factory=list)
    language: str = "en"
    #: The pasted BibTeX entry, when there is one: written to bib/ with its key changed.
    entry: Entry | None = None


def run(args: argparse.Namespace) -> int:
    root = Path(args.root)
    kb, _ = load(root)
    problems: list[str] = []
    draft = Draft()
    if args.bibtex:
        draft = _draft_from_bibtex(_read_bibtex(args.bibtex, problems), kb, problems)
    _apply_arguments(draft, args)
    if _can_ask(args):
        _ask_for_missing(draft, kb)
    problems += _draft_problems(draft, kb)
    accessed = args.accessed or dt.date.today().isoformat()
    if args.accessed and not _valid_day(args.accessed):
        problems.append(f"--accessed: '{args.accessed}' is not a date: write it as YYYY-MM-DD")
    slug = args.slug or (slug_for(draft.outlet, draft.date, draft.title) if not problems else "")
    if slug:
        problems += _slug_problems(slug, root, kb)
    if problems:
        for problem in problems:
            print(f"new-source: {problem}", file=sys.stderr)
        print("Nothing was written.", file=sys.stderr)
        return 1
    page, bib = root / SOURCES_DIR / f"{slug}.md", root / "bib" / f"{slug}.bib"
    page.parent.mkdir(parents=True, exist_ok=True)
    bib.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(source_markdown(draft, slug, accessed, kb), encoding="utf-8")
    bib.write_text(bibtex_entry(draft, slug, accessed, kb.outlets[draft.outlet].name), encoding="utf-8")
    print(f"Wrote {page.relative_to(root)} and {bib.relative_to(root)}.")
    print("Next: fill in the evidence, archive copy, claims and summary (see CONTRIBUTING.md), "
          "preview with `make serve`, then run `make check` until it says OK.")
    return 0


# --- Slugs ---------------------------------------------------------------------------------


def slug_for(outlet: str, date: str, title: str) -> str:
    """`asiapress-2025-06-missing-person-cases` from outlet, publication date and title."""
    outlet_part = re.sub(r"^the-", "", outlet).replace("-", "")
    words = [w for w in _ascii_words(title) if w not in STOP_WORDS and len(w) > 1]
    return "-".join([outlet_part, *date.split("-")[:2], *words[:3]])


def _ascii_words(text: str) -> list[str]:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.findall(r"[a-z0-9]+", ascii_text.lower().replace("'", ""))


def _slug_problems(slug: str, root: Path, kb: KnowledgeBase) -> list[str]:
    if not re.match(SLUG, slug):
        return [f"--slug: '{slug}' is not a valid slug: use lowercase letters, digits and single hyphens"]
    found = []
    for path in (root / SOURCES_DIR / f"{slug}.md", root / "bib" / f"{slug}.bib"):
        if path.exists():
            found.append(f"{path.relative_to(root)} already exists: nothing is overwritten; "
                         "choose another name with --slug, or edit that file")
    if kb.has_bib(slug) and not (root / "bib" / f"{slug}.bib").exists():
        where = kb.bib[slug].path if slug in kb.bib else "a bib file with a syntax error"
        found.append(f"BibTeX key '{slug}' is already defined in {where}: choose another name with --slug")
    return found


# --- Values from the command line, a BibTeX entry, or questions ------------------------------


def _apply_arguments(draft: Draft, args: argparse.Namespace) -> None:
    """Command-line values win over those of a BibTeX entry."""
    for name in ("url", "outlet", "title", "date", "language"):
        if getattr(args, name):
            setattr(draft, name, getattr(args, name).strip())
    if args.authors is not None:
        draft.authors = _names(args.authors)
    if args.translators is not None:
        draft.translators = _names(args.translators)
    draft.title_is_ours = draft.title_is_ours or args.title_is_ours


def _names(text: str) -> list[str]:
    return [name.strip() for name in text.split(";") if name.strip()]


def _can_ask(args: argparse.Namespace) -> bool:
    return not args.no_input and args.bibtex != "-" and sys.stdin.isatty()


QUESTIONS = [
    ("url", "Address of the article (https://...)"),
    ("outlet", "Outlet (its slug in data/outlets.yml: {outlets})"),
    ("title", "Headline, as the outlet wrote it"),
    ("date", "Publication date (YYYY-MM-DD; YYYY-MM if the day is not known)"),
]


def _ask_for_missing(draft: Draft, kb: KnowledgeBase) -> None:
    """Ask, in a terminal, for each value still missing, until the answer is valid."""
    for name, question in QUESTIONS:
        while not getattr(draft, name):
            answer = _ask(question.format(outlets=", ".join(sorted(kb.outlets))))
            error = _field_problem(name, answer, kb)
            if error:
                print(f"  {error}", file=sys.stderr)
            else:
                setattr(draft, name, answer)
    if not draft.authors:
        draft.authors = _names(_ask("Authors as in the byline, separated by ';' (empty if there is no byline)"))


def _ask(question: str) -> str:
    try:
        return input(f"{question}: ").strip()
    except EOFError:
        raise SystemExit("\nnew-source: stopped; nothing was written.") from None


def _draft_problems(draft: Draft, kb: KnowledgeBase) -> list[str]:
    problems = []
    for name, _ in QUESTIONS:
        value = getattr(draft, name)
        if not value:
            problems.append(f"--{name} is missing: {_MISSING[name]}")
        elif error := _field_problem(name, value, kb):
            problems.append(f"--{name}: {error}")
    if not re.match(r"^[a-z]{2}$", draft.language):
        problems.append(f"--language: '{draft.language}' is not a two-letter language code (en, ko, zh...)")
    return problems


_MISSING = {
    "url": "give the article's address, starting https://",
    "outlet": "give the outlet's slug from data/outlets.yml (add the outlet there first if it is new)",
    "title": "give the outlet's headline (or a descriptive title with --title-is-ours)",
    "date": "give the publication date as YYYY-MM-DD, or YYYY-MM when the day is not known",
}


def _field_problem(name: str, value: str, kb: KnowledgeBase) -> str | None:
    if name == "url" and not re.match(HTTP_URL, value):
        return not_a_url(value)
    if name == "outlet" and value not in kb.outlets:
        return (f"unknown outlet '{value}'{did_you_mean(value, kb.outlets)}: use a slug from data/outlets.yml "
                f"({', '.join(sorted(kb.outlets))}) or add the outlet there first")
    if name == "date":
        try:
            FuzzyDate.model_validate(value)
        except ValidationError as error:
            return error.errors()[0]["msg"].removeprefix("Value error, ")
    if name == "title" and not value.strip():
        return "the title is empty"
    return None


def _valid_day(value: str) -> bool:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


# --- BibTeX in -------------------------------------------------------------------------------


def _read_bibtex(source: str, problems: list[str]) -> str:
    if source == "-":
        return sys.stdin.read()
    try:
        return Path(source).expanduser().read_text(encoding="utf-8")  # `~`: make hands values over unexpanded
    except OSError as error:
        problems.append(f"--bibtex: cannot read '{source}': {error.strerror}")
    except UnicodeDecodeError:
        problems.append(f"--bibtex: '{source}' is not UTF-8: export it again as UTF-8")
    return ""


def _draft_from_bibtex(text: str, kb: KnowledgeBase, problems: list[str]) -> Draft:
    if not text:
        return Draft()
    try:
        entries = list(parse_string(text, "bibtex").entries.values())
    except PybtexError as error:
        problems.append(f"--bibtex: {error}; check braces and commas")
        return Draft()
    if len(entries) != 1:
        problems.append(f"--bibtex: found {len(entries)} BibTeX entries: give exactly one (one article)")
        return Draft()
    entry = entries[0]
    fields = {k.lower(): v for k, v in entry.fields.items()}
    return Draft(
        url=fields.get("url"),
        outlet=_outlet_of(fields, kb),
        title=_plain(fields["title"]) if "title" in fields else None,
        date=_date_of(fields),
        authors=[_plain(" ".join(p.first_names + p.middle_names + p.prelast_names + p.last_names))
                 for p in entry.persons.get("author", [])],
        language=_language_of(fields),
        entry=entry,
    )


def _plain(latex: str) -> str:
    """BibTeX text as plain text: braces and LaTeX commands removed."""
    return re.sub(r"\\[a-zA-Z]+\s*", "", Text.from_latex(latex).render_as("text")).strip()


def _outlet_of(fields: dict[str, str], kb: KnowledgeBase) -> str | None:
    names = {_plain(o.name).lower(): slug for slug, o in kb.outlets.items()} | {slug: slug for slug in kb.outlets}
    for name in OUTLET_FIELDS:
        if name in fields and _plain(fields[name]).lower() in names:
            return names[_plain(fields[name]).lower()]
    return None


def _date_of(fields: dict[str, str]) -> str | None:
    """`date = {2025-06-03}` (biblatex), else year, month and day (BibTeX, Zotero's export)."""
    if re.match(r"^\d{4}(-\d{2}){0,2}$", fields.get("date", "")):
        return fields["date"]
    if not re.match(r"^\d{4}$", fields.get("year", "")):
        return None
    month = fields.get("month", "").strip().lower()[:3]
    number = MONTHS.index(month) + 1 if month in MONTHS else int(month) if month.isdigit() else None
    if number is None:
        return fields["year"]
    day = fields.get("day", "")
    return f"{fields['year']}-{number:02d}" + (f"-{int(day):02d}" if day.isdigit() else "")


def _language_of(fields: dict[str, str]) -> str:
    language = (fields.get("langid") or fields.get("language") or "en").strip().lower()
    return LANGUAGE_NAMES.get(language, language)


# --- Files out -------------------------------------------------------------------------------


def _q(value: str) -> str:
    """A YAML double-quoted string (JSON strings are valid YAML)."""
    return json.dumps(value, ensure_ascii=False)


def source_markdown(draft: Draft, slug: str, accessed: str, kb: KnowledgeBase) -> str:
    """The new page: what is known filled in; what only a reader can say left to fill."""
    date = FuzzyDate.model_validate(draft.date)
    topic = next(iter(sorted(kb.topics)), "border-security")
    place = next(iter(sorted(kb.places)), "hyesan")
    evidence = "inside-informant, defector-interviews, ngo-report, state-media, official-statement, rewrite"
    return f"""---
# Fill in every field, then run `make check`: it lists what is still missing, one line each.
# The fields are explained in CONTRIBUTING.md.
title: {_q(draft.title)}
title_is_ours: {"true" if draft.title_is_ours else "false"}  # true when the headline is not known and the title is ours
outlet: {draft.outlet}
authors: [{", ".join(_q(a) for a in draft.authors)}]  # the byline as printed; [] when there is none
translators: [{", ".join(_q(t) for t in draft.translators)}]  # translators are not authors
published:
  value: {date.value}
  precision: {date.precision}
  # inferred: "How you know the date when the page does not print it (e.g. month from the URL)."
url: {_q(draft.url)}
archive_url:  # a copy in a web archive, e.g. https://web.archive.org/web/2025/{draft.url}
# archive_missing: "Why there is no archived copy (instead of archive_url)."
accessed: {accessed}
language: {draft.language}
# original_language: ko  # when this article is a translation
bib: {slug}
evidence:  # one of: {evidence}
derived_from: []  # BibTeX keys of the reporting this article rewrites or reports on
claims: []
# Replace `claims: []` with the article's claims (6 to 12), each like this one:
# claims:
#   - id: short-unique-name  # becomes the anchor #short-unique-name of this claim
#     text: >-
#       What the article says, in your own words and attributed ("{kb.outlets[draft.outlet].name} reported that ...").
#     quote: "One or two exact sentences from the article (at most 60 words)."
#     date:  # when the event happened, if the article says; leave out otherwise
#       value: {date.value}
#       precision: {date.precision}
#       inferred: "Year from the publication date."  # only when the article does not print it
#     topics: [{topic}]  # slugs from data/topics.yml
#     places: [{place}]  # slugs from data/places.yml
#     organizations: []  # slugs from data/organizations.yml
---

TODO: a neutral summary of the article in your own words (two or three paragraphs), citing it
like this [@{slug}].
"""


def bibtex_entry(draft: Draft, slug: str, accessed: str, outlet_name: str) -> str:
    """The BibTeX entry, key == slug. Written out here rather than by pybtex's writer, which
    escapes '_' and '%' inside URLs; the text is parsed back before it is returned."""
    if draft.entry is not None:
        kind = draft.entry.type
        persons = {role: " and ".join(map(str, people)) for role, people in draft.entry.persons.items()}
        fields = {k.lower(): v for k, v in draft.entry.fields.items()}
        fields.setdefault("urldate", accessed)
    else:
        kind = "misc"
        persons = {"author": " and ".join(_latex(_bibtex_name(a)) for a in draft.authors)}
        fields = {
            "title": "{" + _latex(draft.title) + "}",  # braced: mkdocs-bibtex keeps its capitals
            "howpublished": _latex(outlet_name),
            "year": draft.date[:4],
            **({"month": MONTHS[int(draft.date[5:7]) - 1]} if len(draft.date) >= 7 else {}),
            **({"day": draft.date[8:10]} if len(draft.date) == 10 else {}),
            "url": draft.url,
            "urldate": accessed,
            **({"note": "Headline not known; descriptive title by the editors."} if draft.title_is_ours else {}),
        }
    lines = [f"@{kind}{{{slug},"]
    lines += [f"  {role} = {{{names}}}," for role, names in persons.items() if names]
    for name, value in fields.items():
        month = name == "month" and value[:3].lower() in MONTHS
        lines.append(f"  {name} = {value[:3].lower() if month else '{' + value + '}'},")
    text = "\n".join(lines).rstrip(",") + "\n}\n"
    parse_string(text, "bibtex")  # raises if what is written would not parse
    return text


def _latex(text: str) -> str:
    return re.sub(r"([{}&%$#_])", r"\\\1", text)


def _bibtex_name(name: str) -> str:
    """'HONG Mari' (a byline's capitalised family name first) -> 'Hong, Mari'; others as written."""
    parts = name.split()
    if len(parts) > 1 and parts[0].isupper() and len(parts[0]) > 1 and "," not in name:
        return f"{parts[0].capitalize()}, {' '.join(parts[1:])}"
    return name
