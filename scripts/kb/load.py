"""Load: read source pages, registries and BibTeX (`kb.bibtex`) once, into a KnowledgeBase.

Every file is read whatever is wrong with the others, so that all problems are reported
at once. A file that cannot be read or validated is left out of the KnowledgeBase and
reported as a Problem; nothing here raises on bad content.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from .bibtex import BibTeX, load_bib
from .files import active_documents, read_text
from .model import (
    SLUG,
    FieldError,
    KnowledgeBase,
    Organization,
    Outlet,
    Place,
    RejectedSource,
    Source,
    SourcePage,
    Topic,
)
from .problems import Problem, close_match, did_you_mean, field_path, how_to_write
from .yaml_lines import Lines, line_of, parse_yaml

SOURCES_DIR = "docs/sources"
REGISTRIES: dict[str, type[BaseModel]] = {
    "topics": Topic,
    "places": Place,
    "organizations": Organization,
    "outlets": Outlet,
}
#: Pages under docs/sources/ that are not source pages.
NOT_SOURCES = {"index.md"}

def load(root: Path, bibtex: BibTeX | None = None) -> tuple[KnowledgeBase, list[Problem]]:
    """Read everything under `root` (the project folder). Never raises on bad content.

    `bibtex`: the BibTeX files when the caller has them already (`kb.bibtex`); else read here."""
    problems: list[Problem] = []
    registry_lines: dict[str, dict[str, Lines]] = {}
    unread_registries: set[str] = set()
    registries = {
        name: _load_registry(root, name, model, problems, registry_lines.setdefault(name, {}), unread_registries)
        for name, model in REGISTRIES.items()
    }
    handwritten_text = _handwritten_text(root, problems)
    bib = bibtex.loaded() if bibtex is not None else load_bib(root)
    problems += bib.problems
    rejected: list[RejectedSource] = []
    sources = _collect_sources([_load_source(entry) for entry in _source_files(root)], problems, rejected)
    return (
        KnowledgeBase(
            sources=sources,
            topics=registries["topics"],
            places=registries["places"],
            organizations=registries["organizations"],
            outlets=registries["outlets"],
            bib=bib.entries,
            handwritten=_handwritten_pages(root),
            handwritten_text=handwritten_text,
            registry_lines=registry_lines,
            unread_registries=frozenset(unread_registries),
            active_documents=tuple(active_documents(root)),
            incomplete=any(p.severity == "error" for p in problems),
            unparsed_bib_keys=bib.unparsed_keys,
            rejected=tuple(rejected),
        ),
        problems,
    )


# --- Schema errors as contributor-friendly lines ------------------------------------------


def validation_problems(
    error: ValidationError, model: type[BaseModel], path: str, lines: Lines, prefix: tuple = ()
) -> list[Problem]:
    items = [(prefix + tuple(p for p in item["loc"] if not _is_union_tag(p)), item) for item in error.errors()]
    misspelt = _misspelt_fields(items, model, len(prefix))
    found = []
    for loc, item in items:
        if item["type"] == "missing" and loc in misspelt:
            continue
        line = line_of(lines, loc)
        cause = item.get("ctx", {}).get("error")
        if isinstance(cause, FieldError):  # a rule between fields: name the field it is about
            loc = loc[:-1] + (cause.field,)
            line = lines.get(loc) or lines.get(loc[:-1] + (cause.near,)) or line
        found.append(Problem(path, line, field_path(loc), _explain(item, model, loc[len(prefix):])))
    return found


def _misspelt_fields(items: list[tuple[tuple, dict]], model: type[BaseModel], skip: int) -> set[tuple]:
    """Locations of required fields that are 'missing' only because they are misspelt: the
    unknown-field line already says 'did you mean ...?', so one line is enough."""
    found = set()
    for loc, item in items:
        if item["type"] == "extra_forbidden":
            if name := close_match(str(loc[-1]), _fields_at(model, loc[skip:-1])):
                found.add(loc[:-1] + (name,))
    return found


def _is_union_tag(part: object) -> bool:
    # pydantic names the branch of a union in `loc` ("str", "FuzzyDate"...): not a field.
    return isinstance(part, str) and (part[:1].isupper() or part in {"str", "int", "float", "bool"})


def _explain(item: dict, model: type[BaseModel], loc: tuple) -> str:
    kind, name = item["type"], loc[-1] if loc else ""
    if name == "topics" and "claims" in loc and kind in {"missing", "too_short"}:
        return "a claim needs at least one topic: list slugs from data/topics.yml, e.g. topics: [border-security]"
    if name == "claims" and kind == "too_short":
        return "no claims yet: add at least one (copy the commented example in the file; see CONTRIBUTING.md)"
    if kind == "value_error":
        return item["msg"].removeprefix("Value error, ")
    if kind == "missing":
        return f"missing required field '{name}': add it (see CONTRIBUTING.md for its form)"
    if item.get("input") is None:  # `field:` with nothing after it
        choices = f": {item['msg'].removeprefix('Input should be ')}" if kind == "literal_error" else ""
        return f"is empty: fill it in{choices}"
    if kind == "extra_forbidden":
        hint = did_you_mean(name, _fields_at(model, loc[:-1]))
        return f"unknown field '{name}'{hint}: fix the spelling or remove it"
    if kind == "string_pattern_mismatch":
        return (f"'{item['input']}' is not a valid identifier: use lowercase letters, digits and "
                "single hyphens (e.g. 'hyesan-missing-persons')")
    if kind == "too_short" and isinstance(item.get("input"), list):
        return "is empty: give at least one entry"
    if kind in {"date_from_datetime_parsing", "date_parsing", "date_type", "date_from_datetime_inexact"}:
        return f"'{item['input']}' is not a valid date: write it as YYYY-MM-DD (e.g. 2025-06-03)"
    if kind == "literal_error":
        return f"'{item['input']}' is not allowed: {item['msg'].removeprefix('Input should be ')}"
    got = type(item.get("input")).__name__
    return f"wrong type: {item['msg'].lower()} (got {got} {item.get('input')!r:.40}){how_to_write(kind, name)}"


def _fields_at(model: type[BaseModel], loc: tuple) -> list[str]:
    """Field names of the (nested) model that `loc` points into, for did-you-mean hints."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        annotation = current.model_fields[part].annotation if part in current.model_fields else None
        current = _model_in(annotation) or current
    return list(current.model_fields)


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found:
            return found
    return None


# --- Source pages ------------------------------------------------------------------------


FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)^---[ \t]*\r?\n?", re.S | re.M)


def _source_files(root: Path) -> list[tuple[Path, str]]:
    """(file, path from the project folder) of every source page, in order."""
    files = []
    for file in sorted((root / SOURCES_DIR).rglob("*.md")):
        if file.relative_to(root / SOURCES_DIR).as_posix() not in NOT_SOURCES:
            files.append((file, file.relative_to(root).as_posix()))
    return files


def _collect_sources(loaded: list[tuple[SourcePage | RejectedSource | None, list[Problem]]],
                     problems: list[Problem], rejected: list[RejectedSource]) -> dict[str, SourcePage]:
    """The source pages by slug, from what `_load_source` made of each file in order."""
    pages: dict[str, SourcePage] = {}
    for page, found in loaded:
        problems.extend(found)
        if isinstance(page, RejectedSource):
            rejected.append(page)
            continue
        if page is None:
            continue
        if page.slug in pages:
            problems.append(Problem(page.path, 1, "", f"duplicate source slug '{page.slug}' (also {pages[page.slug].path}): rename one file"))
            continue
        pages[page.slug] = page
    return pages


def _load_source(file_and_path: tuple[Path, str]) -> tuple[SourcePage | RejectedSource | None, list[Problem]]:
    """One source file: its page (None if it cannot be read), and its problems."""
    file, rel = file_and_path
    problems: list[Problem] = []
    return _read_source(file, rel, problems), problems


def _read_source(file: Path, rel: str, problems: list[Problem]) -> SourcePage | RejectedSource | None:
    slug = file.stem
    if not re.match(SLUG, slug):
        problems.append(Problem(rel, None, "", f"file name '{file.name}' is not a valid slug: rename it to lowercase words joined by hyphens"))
        return None
    text = read_text(file, rel, problems)
    if text is None:
        return None
    match = FRONT_MATTER.match(text)
    if not match:
        problems.append(Problem(rel, 1, "", "no YAML front matter: start the file with '---', the fields, then '---' (run `make new-source`)"))
        return None
    # Without the line of each field: most pages have no problem, and the lines of every field
    # of every page took 140 MB at 10,000 sources. `source_lines` finds them when needed.
    parsed = parse_yaml(match.group(1), rel, 2, problems, with_lines=False)
    if parsed is None:
        return None
    data, _ = parsed
    if not isinstance(data, dict):
        problems.append(Problem(rel, 2, "", "front matter is not a set of 'field: value' lines"))
        return None
    body_line = text[: match.end()].count("\n") + 1
    try:
        source = Source.model_validate(data)
    except ValidationError as error:
        lines = _front_matter_lines(text)
        problems.extend(validation_problems(error, Source, rel, lines))
        return RejectedSource(path=rel, data=data, body=text[match.end():], body_line=body_line, lines=lines)
    return SourcePage(slug=slug, path=rel, source=source, body=text[match.end():], body_line=body_line, file=file)


def source_lines(page: SourcePage | RejectedSource) -> Lines:
    """The file line of each front-matter field of a source page, for the problems `check`
    reports. A rejected page has them from loading; a valid one's are read again from its file,
    only when it has a problem."""
    if isinstance(page, RejectedSource):
        return page.lines
    return _front_matter_lines(page.file.read_text(encoding="utf-8-sig")) if page.file else {}


def _front_matter_lines(text: str) -> Lines:
    match = FRONT_MATTER.match(text)
    parsed = parse_yaml(match.group(1), "", 2, []) if match else None
    return parsed[1] if parsed else {}


# --- Registries --------------------------------------------------------------------------


def _load_registry(
    root: Path, name: str, model: type[BaseModel], problems: list[Problem], entry_lines: dict[str, Lines],
    unread: set[str],
) -> dict[str, Any]:
    """Entries by slug; `entry_lines` receives, per slug, the line of each of its fields. A file
    that cannot be read as a list goes into `unread`: its one problem is then not followed by an
    "unknown topic" line for every use of its slugs."""
    unread.add(name)  # until it is read
    file = root / "data" / f"{name}.yml"
    rel = file.relative_to(root).as_posix()
    entries: dict[str, Any] = {}
    if not file.exists():
        problems.append(Problem(rel, None, "", f"registry file is missing: create data/{name}.yml"))
        return entries
    text = read_text(file, rel, problems)
    parsed = parse_yaml(text, rel, 1, problems) if text is not None else None
    if parsed is None:
        return entries
    data, lines = parsed
    if not isinstance(data, list):
        problems.append(Problem(rel, 1, "", "registry must be a list of entries, each starting with '- slug:'"))
        return entries
    unread.discard(name)
    lines_of_entry = _lines_by_entry(lines)
    for index, item in enumerate(data):
        try:
            entry = model.model_validate(item)
        except ValidationError as error:
            named = _entry_name(item, index)
            problems.extend(
                dataclasses.replace(p, field=p.field.replace(f"[{index}]", named, 1))
                for p in validation_problems(error, model, rel, lines, prefix=(index,))
            )
            if isinstance(item, dict) and isinstance(item.get("slug"), str):
                # Known by name though rejected: references to it are not reported as unknown too.
                entry_lines[item["slug"]] = lines_of_entry.get(index, {})
            continue
        if entry.slug in entries:
            problems.append(Problem(rel, line_of(lines, (index, "slug")), f"[{index}].slug", f"duplicate slug '{entry.slug}': each entry needs its own"))
            continue
        entries[entry.slug] = entry
        entry_lines[entry.slug] = lines_of_entry.get(index, {})
    return entries


def _lines_by_entry(lines: Lines) -> dict[int, Lines]:
    """{index of an entry: {its field path: line}} in one pass (one pass per entry made loading
    the registries quadratic: 50 ms for 200 places)."""
    grouped: dict[int, Lines] = {}
    for loc, line in lines.items():
        if loc and isinstance(loc[0], int):
            grouped.setdefault(loc[0], {})[loc[1:]] = line
    return grouped


def _entry_name(item: object, index: int) -> str:
    """How a registry entry is named in problem lines: its slug when it has one."""
    slug = item.get("slug") if isinstance(item, dict) else None
    return slug if isinstance(slug, str) and re.match(SLUG, slug) else f"[{index}]"


def _handwritten_pages(root: Path) -> frozenset[str]:
    docs = root / "docs"
    return frozenset(p.relative_to(docs).as_posix() for p in docs.rglob("*.md")) if docs.exists() else frozenset()


def _handwritten_text(root: Path, problems: list[Problem]) -> dict[str, str]:
    """The hand-written pages other than source pages (home, about...), whose citations are checked too."""
    docs = root / "docs"
    pages = {}
    for file in sorted(docs.rglob("*.md")) if docs.exists() else []:
        path = file.relative_to(docs).as_posix()
        if not path.startswith("sources/"):
            text = read_text(file, f"docs/{path}", problems)
            if text is not None:
                pages[path] = text
    return pages
