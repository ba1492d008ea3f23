"""The data model: what a source page, a claim and a registry entry may contain.

These pydantic models are the schema contributors write against (see CONTRIBUTING.md).
They check the shape of one file at a time; `check.py` checks what ties files together
(slugs that must exist, keys that must resolve, ids that must be unique).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from .bibtex import BIB_KEY, BibEntry
from .paths import INDEX_PAGES
from .urls import HTTP_URL, not_a_url, url_problem  # noqa: F401 - HTTP_URL is also for new_source

SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
#: Slugs a topic, place or organization cannot have: the names of the generated pages in their
#: folders (topics/index.md is the list of topics; a topic `index` would replace it).
RESERVED_SLUGS = frozenset(path.rpartition("/")[2].removesuffix(".md") for path in INDEX_PAGES if "/" in path)

Precision = Literal["year", "month", "day"]
EvidenceType = Literal[
    "inside-informant",  # a reporting partner or source inside North Korea, relayed by the outlet
    "defector-interviews",  # interviews with people who have left North Korea
    "ngo-report",  # a report by a non-governmental organisation
    "state-media",  # North Korean or other state media
    "official-statement",  # a government or UN statement
    "rewrite",  # a wire story or a rewrite of another outlet's reporting
]
EVIDENCE_LABELS: dict[str, str] = {
    "inside-informant": "Informant inside North Korea (relayed by the outlet)",
    "defector-interviews": "Interviews with defectors",
    "ngo-report": "NGO report",
    "state-media": "State media",
    "official-statement": "Official statement",
    "rewrite": "Rewrite of other reporting",
}

_DATE_FORMS = {
    "year": re.compile(r"^\d{4}$"),
    "month": re.compile(r"^\d{4}-\d{2}$"),
    "day": re.compile(r"^\d{4}-\d{2}-\d{2}$"),
}


class FieldError(ValueError):
    """A rule between fields, raised by the validator of one field and reported on its sibling
    `field` (on the line of `near` when `field` is not written at all)."""

    def __init__(self, field: str, message: str, near: str | None = None):
        super().__init__(message)
        self.field, self.near = field, near


class Strict(BaseModel):
    """Base for every model: unknown fields are errors (they are usually typos)."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class FuzzyDate(Strict):
    """A date known to the day, the month or the year, possibly inferred.

    Written either as `2025-06-03` / `2025-06` / `2025`, or as a mapping
    `{value: 2025-06-03, precision: day, inferred: "year from the publication date"}`.
    `qualifier` keeps the source's own vagueness ("early", "mid", "late", "about").
    """

    value: str
    precision: Precision
    inferred: str | None = None
    qualifier: Literal["early", "mid", "late", "about", "end of"] | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_shorthand(cls, data: object) -> object:
        if isinstance(data, (str, int, dt.date)):
            value = _date_text(data)
            return {"value": value, "precision": _precision_of(value) or "day"}
        if isinstance(data, dict):
            data = dict(data)
            if "value" in data:
                data["value"] = _date_text(data["value"])
            if data.get("inferred") and "precision" not in data:
                raise ValueError(
                    "an inferred date must state its precision (day, month or year): "
                    "add 'precision:'"
                )
            if "precision" not in data and isinstance(data.get("value"), str):
                data["precision"] = _precision_of(data["value"]) or "day"
        return data

    @model_validator(mode="after")
    def _valid_calendar_date(self) -> FuzzyDate:
        if not _DATE_FORMS[self.precision].match(self.value):
            expected = {"year": "YYYY", "month": "YYYY-MM", "day": "YYYY-MM-DD"}[self.precision]
            raise ValueError(
                f"date '{self.value}' does not match precision '{self.precision}': write it as {expected}"
            )
        parts = [int(p) for p in self.value.split("-")]
        try:
            dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
        except ValueError:
            raise ValueError(f"impossible date '{self.value}': check the month and day") from None
        return self

    @property
    def sort_key(self) -> str:
        """ISO text sorts chronologically; a month sorts before its days."""
        return self.value

    def truncated(self, precision: Precision) -> str:
        """The date cut to a coarser precision, for comparing dates of unequal precision."""
        length = {"year": 4, "month": 7, "day": 10}[precision]
        return self.value[:length]

    @property
    def year(self) -> int:
        return int(self.value[:4])

    def display(self) -> str:
        """Human form: '3 June 2025', 'late May 2025', 'June 2025'. (Templates say what is inferred.)"""
        parts = [int(p) for p in self.value.split("-")]
        if self.precision == "year":
            text = str(parts[0])
        elif self.precision == "month":
            text = f"{_MONTHS[parts[1] - 1]} {parts[0]}"
        else:
            text = f"{parts[2]} {_MONTHS[parts[1] - 1]} {parts[0]}"
        if self.qualifier:
            text = f"{self.qualifier}-{text}" if self.qualifier == "mid" else f"{self.qualifier} {text}"
        return text


_MONTHS = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]


def _date_text(value: object) -> str:
    """YAML reads 2025-06-03 as a date and 2025 as an int; keep them all as text."""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _precision_of(value: str) -> str | None:
    for name, form in _DATE_FORMS.items():
        if form.match(value):
            return name
    return None


class Claim(Strict):
    """One statement a source makes, in our words, with a short exact quote."""

    id: str = Field(pattern=SLUG)
    text: str = Field(min_length=1)
    quote: str
    date: FuzzyDate | None = None
    topics: list[str] = Field(min_length=1)
    places: list[str] = []
    organizations: list[str] = []
    #: Claims in other sources that report the same event or fact: "source-slug#claim-id".
    corroborates: list[str] = []
    #: Claims in other sources that this claim contradicts.
    disputes: list[str] = []

    @field_validator("quote")
    @classmethod
    def _quote_not_empty(cls, quote: str) -> str:
        if not quote.strip():
            raise ValueError("quote is empty: copy one or two exact sentences from the article")
        return quote


class Source(Strict):
    """The front matter of one source page, `docs/sources/<slug>.md`."""

    title: str = Field(min_length=1)
    #: True when the outlet's headline is not known and the title is our description.
    title_is_ours: bool = False
    outlet: str = Field(pattern=SLUG)
    authors: list[str] = []
    translators: list[str] = []
    published: FuzzyDate
    url: str
    archive_url: str | None = None
    #: Why there is no archive_url yet (required when archive_url is missing).
    archive_missing: str | None = Field(default=None, validate_default=True)
    accessed: dt.date
    language: str = Field(pattern=r"^[a-z]{2}$")
    original_language: str | None = Field(default=None, pattern=r"^[a-z]{2}$")
    bib: str = Field(pattern=BIB_KEY)
    evidence: EvidenceType
    #: BibTeX keys of the reporting this source rewrites or reports on.
    derived_from: list[str] = []
    claims: list[Claim] = Field(min_length=1)

    @field_validator("url", "archive_url")
    @classmethod
    def _http_url(cls, url: str | None) -> str | None:
        if url is not None and (problem := url_problem(url)):
            raise ValueError(problem)
        return url

    @field_validator("archive_missing")
    @classmethod
    def _archive_or_reason(cls, reason: str | None, info: ValidationInfo) -> str | None:
        # A field validator, not a model validator, so that it is reported with the other field
        # errors (model validators run only once every field is valid). "archive_url" is absent
        # from info.data when it was invalid: that is reported already.
        if reason is None and "archive_url" in info.data and info.data["archive_url"] is None:
            raise FieldError(
                "archive_url",
                "missing: add a web-archive copy (e.g. https://web.archive.org/...), "
                "or say why there is none in 'archive_missing'",
                near="url",
            )
        return reason


class Entry(Strict):
    """An entry of data/topics.yml, places.yml or organizations.yml: one generated page each."""

    slug: str = Field(pattern=SLUG)

    @field_validator("slug")
    @classmethod
    def _not_reserved(cls, slug: str) -> str:
        if slug in RESERVED_SLUGS:
            raise ValueError(f"slug '{slug}' is reserved: the list page of this folder has that name; choose another")
        return slug


class Topic(Entry):
    title: str
    aliases: list[str] = []
    #: Curated Markdown introduction; statements in it carry [@key] citations.
    intro: str
    related: list[str] = []


class Place(Entry):
    name: str
    #: Every other name a reader may type: romanizations, Hangul, Chinese, former names.
    names: list[str] = []
    kind: Literal["country", "province", "city", "county", "district", "river", "area"]
    parent: str | None = None
    country: str | None = None
    #: [latitude, longitude] in decimal degrees, approximate (town centre).
    coords: tuple[float, float] | None = None
    note: str | None = None


class Organization(Entry):
    name: str
    names: list[str] = []
    kind: Literal["state-security", "police", "military", "party", "mass-organization",
                  "local-government", "ngo", "foreign-state", "international", "media"]
    country: str | None = None
    description: str
    #: Names this organization is easily confused with, and how to tell them apart.
    not_to_confuse: str | None = None


class Outlet(Strict):
    slug: str = Field(pattern=SLUG)
    name: str
    url: str
    description: str

    @field_validator("url")
    @classmethod
    def _http_url(cls, url: str) -> str:
        if problem := url_problem(url):
            raise ValueError(problem)
        return url


@dataclass(frozen=True)
class SourcePage:
    """A source page as loaded: where it is, its validated front matter and its body."""

    slug: str
    path: str
    source: Source
    body: str
    body_line: int  # line number of the body's first line in the file
    #: The file itself, where `load.source_lines` finds the line of a field with a problem.
    file: Path | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class RejectedSource:
    """A source page whose front matter the schema rejected. Kept as raw data so that the
    other rules (unknown slugs, citations in the body) still run on it: every problem of a
    file is reported in one round, not one round per kind of mistake."""

    path: str
    data: dict
    body: str
    body_line: int
    lines: dict[tuple, int] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class KnowledgeBase:
    """Everything the site is built from, loaded once per build."""

    sources: dict[str, SourcePage]
    topics: dict[str, Topic]
    places: dict[str, Place]
    organizations: dict[str, Organization]
    outlets: dict[str, Outlet]
    bib: dict[str, BibEntry]
    #: Hand-written pages under docs/ (relative paths), so generated pages never overwrite them.
    handwritten: frozenset[str] = frozenset()
    #: The text of the hand-written pages outside docs/sources/, by the same relative path.
    handwritten_text: dict[str, str] = field(default_factory=dict, compare=False, repr=False)
    #: Per registry ("topics"...), per slug: the file line of each field, e.g. {("intro",): 5}.
    registry_lines: dict[str, dict[str, dict[tuple, int]]] = field(default_factory=dict, compare=False, repr=False)
    #: Registries ("topics"...) whose file could not be read at all (reported once): their slugs are not checked.
    unread_registries: frozenset[str] = frozenset()
    #: Files under docs/ that MkDocs would publish as they are and a browser would run (`files.active_documents`).
    active_documents: tuple[str, ...] = ()
    #: True when some file could not be loaded: "never used" warnings would then be misleading.
    incomplete: bool = False
    #: Keys that BibTeX files with a syntax error seem to define (already reported once).
    unparsed_bib_keys: frozenset[str] = frozenset()
    #: Source pages whose front matter failed the schema (already reported).
    rejected: tuple[RejectedSource, ...] = ()

    def has_bib(self, key: str) -> bool:
        """The key is defined in bib/, or in a bib file whose syntax error is reported already."""
        return key in self.bib or key in self.unparsed_bib_keys
