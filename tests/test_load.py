"""Load: each way a file can be unreadable or misshapen gives one exact line, never a traceback.

Every case starts from the valid fixture knowledge base (tests/fixtures/minimal/), breaks one
thing, and asserts the whole list of problem lines that `make check` prints.
"""

from __future__ import annotations

import pytest
from fixtures.kbfactory import BIB, SLUG, SOURCE, case_params, make_kb
from kb.load import load, source_lines
from kb.model import FuzzyDate

S = SOURCE

# (case id, [(file, old text, new text)], the exact problem lines)
BROKEN_FILES = [
    (
        "yaml-syntax-error",
        [(S, "authors: [HONG Mari]", "authors: [HONG Mari")],
        [f"{S}:6: YAML syntax error: expected ',' or ']', but got ':' (what is wrong may start on line 5); "
         'check indentation, colons and quotes (inside "..." write \\" for a quote mark)'],
    ),
    (
        "missing-required-field",
        [(S, "evidence: inside-informant\n", "")],
        [f"{S}:2: evidence: missing required field 'evidence': add it (see CONTRIBUTING.md for its form)"],
    ),
    (
        "unknown-field-typo",
        [(S, "language: en", "langauge: en")],
        [f"{S}:13: langauge: unknown field 'langauge' (did you mean 'language'?): fix the spelling or remove it"],
    ),
    (
        "unknown-field-in-claim",
        [(S, "    places: [hyesan]\n---", "    place: [hyesan]\n---")],
        [f"{S}:31: claims[1].place: unknown field 'place' (did you mean 'places'?): fix the spelling or remove it"],
    ),
    (
        "wrong-type-list",
        [(S, "authors: [HONG Mari]", "authors: HONG Mari")],
        [f"{S}:5: authors: wrong type: input should be a valid list (got str 'HONG Mari'): "
         'write a list in brackets, e.g. authors: ["A", "B"] (or [] for none)'],
    ),
    (
        "wrong-type-bool",
        [(S, "title_is_ours: true", "title_is_ours: maybe")],
        [f"{S}:3: title_is_ours: wrong type: input should be a valid boolean, unable to interpret input (got str 'maybe'): "
         "write true or false"],
    ),
    (
        "not-allowed-value",
        [(S, "evidence: inside-informant", "evidence: informant")],
        [f"{S}:15: evidence: 'informant' is not allowed: 'inside-informant', 'defector-interviews', 'ngo-report', "
         "'state-media', 'official-statement' or 'rewrite'"],
    ),
    (
        "impossible-event-date",
        [(S, "value: 2025-06-03", "value: 2024-02-30")],
        [f"{S}:20: claims[0].date: impossible date '2024-02-30': check the month and day"],
    ),
    (
        "impossible-access-date",
        [(S, "accessed: 2026-11-24", "accessed: 2026-02-30")],
        [f"{S}:12: accessed: '2026-02-30' is not a valid date: write it as YYYY-MM-DD (e.g. 2025-06-03)"],
    ),
    (
        "date-not-matching-precision",
        [(S, "  value: 2025-06\n  precision: month", "  value: 2025-06\n  precision: day")],
        [f"{S}:6: published: date '2025-06' does not match precision 'day': write it as YYYY-MM-DD"],
    ),
    (
        "inferred-date-without-precision",
        [(S, "      precision: day\n", "")],
        [f"{S}:20: claims[0].date: an inferred date must state its precision (day, month or year): add 'precision:'"],
    ),
    (
        "empty-quote",
        [(S, "quote: \"People's group leaders check people entering more than twice daily.\"", 'quote: ""')],
        [f"{S}:29: claims[1].quote: quote is empty: copy one or two exact sentences from the article"],
    ),
    (
        "url-not-http",
        [(S, "url: https://www.asiapress.org/rimjin-gang/2025/06/society-economy/missing", "url: www.asiapress.org/x")],
        [f"{S}:10: url: 'www.asiapress.org/x' is not an http(s) URL: write the full address, starting https://"],
    ),
    (
        "url-javascript",
        [(S, "archive_missing: \"No archived copy yet.\"", "archive_url: javascript:alert(1)")],
        [f"{S}:11: archive_url: 'javascript:alert(1)' is not an http(s) URL: write the full address, starting https://"],
    ),
    (
        "archive-url-missing",
        [(S, 'archive_missing: "No archived copy yet."\n', "")],
        [f"{S}:10: archive_url: missing: add a web-archive copy (e.g. https://web.archive.org/...), "
         "or say why there is none in 'archive_missing'"],
    ),
    (
        "empty-values",
        [(S, "evidence: inside-informant", "evidence:"),
         (S, 'archive_missing: "No archived copy yet."', "archive_url:")],
        [f"{S}:11: archive_url: missing: add a web-archive copy (e.g. https://web.archive.org/...), "
         "or say why there is none in 'archive_missing'",
         f"{S}:15: evidence: is empty: fill it in: 'inside-informant', 'defector-interviews', 'ngo-report', "
         "'state-media', 'official-statement' or 'rewrite'"],
    ),
    (
        "claim-without-topic",
        [(S, "    topics: [inminban-surveillance]\n", "")],
        [f"{S}:27: claims[1].topics: a claim needs at least one topic: list slugs from data/topics.yml, "
         "e.g. topics: [border-security]"],
    ),
    (
        "claim-with-empty-topics",
        [(S, "    topics: [inminban-surveillance]\n", "    topics: []\n")],
        [f"{S}:30: claims[1].topics: a claim needs at least one topic: list slugs from data/topics.yml, "
         "e.g. topics: [border-security]"],
    ),
    (
        "claim-id-not-a-slug",
        [(S, "id: group-leaders-checks", "id: Group leaders")],
        [f"{S}:27: claims[1].id: 'Group leaders' is not a valid identifier: use lowercase letters, digits and "
         "single hyphens (e.g. 'hyesan-missing-persons')"],
    ),
    (
        "no-claims",
        [(S, "claims:\n", "claims: []\nclaimz:\n")],
        [f"{S}:16: claims: no claims yet: add at least one (copy the commented example in the file; see CONTRIBUTING.md)",
         f"{S}:17: claimz: unknown field 'claimz' (did you mean 'claims'?): fix the spelling or remove it"],
    ),
    (
        "front-matter-not-a-mapping",
        [(S, "title: \"Missing-person cases in Hyesan\"\n", "- a list item\n")],
        [f"{S}:3: YAML syntax error: expected <block end>, but found '?' (what is wrong may start on line 2); "
         'check indentation, colons and quotes (inside "..." write \\" for a quote mark)'],
    ),
]


@pytest.mark.parametrize("edits, expected", case_params(BROKEN_FILES))
def test_each_broken_file_gives_its_exact_lines(tmp_path, edits, expected):
    assert make_kb(tmp_path, edits).problems() == expected


def test_the_fixture_itself_is_valid(tmp_path):
    assert make_kb(tmp_path).problems() == []


def test_a_file_without_front_matter(tmp_path):
    kb = make_kb(tmp_path)
    kb.write(SOURCE, "# Missing-person cases in Hyesan\n\nSome text [@asiapress-2025-06-hyesan-missing].\n")
    assert kb.problems() == [
        f"{S}:1: no YAML front matter: start the file with '---', the fields, then '---' (run `make new-source`)"
    ]


def test_front_matter_that_is_not_fields(tmp_path):
    kb = make_kb(tmp_path)
    kb.write(SOURCE, "---\njust a sentence\n---\n\nBody.\n")
    assert kb.problems() == [f"{S}:2: front matter is not a set of 'field: value' lines"]


def test_a_file_that_is_not_utf8(tmp_path):
    kb = make_kb(tmp_path)
    text = kb.read(SOURCE).replace("HONG Mari", "HÖNG Mari")
    kb.write(SOURCE, text.encode("latin-1"))
    assert kb.problems() == [f"{S}:5: file is not UTF-8: save it as UTF-8 in your editor"]


def test_a_bib_file_that_is_not_utf8(tmp_path):
    """The keys it seems to define are not reported again as unknown wherever they are cited."""
    kb = make_kb(tmp_path)
    kb.write(BIB, kb.read(BIB).replace("Hong, Mari", "Höng, Mari").encode("latin-1"))
    assert kb.problems() == [f"{BIB}:2: file is not UTF-8: save it as UTF-8 in your editor"]


def test_folders_named_like_source_pages_or_bibtex_files(tmp_path):
    """One line each, not a traceback; the rest is still read."""
    kb = make_kb(tmp_path)
    for folder in ("docs/sources/draft.md", "bib/old.bib", "docs/about/notes.md"):
        (kb.root / folder).mkdir(parents=True)
    assert kb.problems() == [
        "bib/old.bib: is a folder, but its name ends in .bib: rename the folder",
        "docs/about/notes.md: is a folder, but its name ends in .md: rename the folder",
        "docs/sources/draft.md: is a folder, but its name ends in .md: rename the folder",
    ]


def test_a_source_file_name_that_is_not_a_slug(tmp_path):
    kb = make_kb(tmp_path)
    kb.write("docs/sources/Hyesan Missing.md", kb.read(SOURCE))
    assert kb.problems() == [
        "docs/sources/Hyesan Missing.md: file name 'Hyesan Missing.md' is not a valid slug: "
        "rename it to lowercase words joined by hyphens"
    ]


def test_duplicate_source_slug_in_a_subfolder(tmp_path):
    kb = make_kb(tmp_path)
    kb.write(f"docs/sources/2025/{SLUG}.md", kb.read(SOURCE))
    assert kb.problems() == [
        f"docs/sources/{SLUG}.md:1: duplicate source slug '{SLUG}' (also docs/sources/2025/{SLUG}.md): rename one file"
    ]


# --- BibTeX ---------------------------------------------------------------------------------


def test_bibtex_syntax_error_with_its_line(tmp_path):
    kb = make_kb(tmp_path)
    kb.edit(BIB, "  year         = {2025},", "  year         = {2025}")
    # One line only: the citations of the key that file defines are not reported again.
    assert kb.problems() == [f"{BIB}:6: BibTeX syntax error: '}}' expected; check braces, commas and quotes"]


def test_bibtex_unclosed_brace_names_the_entry_and_field(tmp_path):
    """pybtex would say "premature end of file" at the last line (9)."""
    kb = make_kb(tmp_path)
    kb.edit(BIB, "{{Missing-person cases in Hyesan}},", "{{Missing-person cases in Hyesan},")
    assert kb.problems() == [f"{BIB}:3: {SLUG}.title: a '{{' in this field is never closed: add the missing '}}' "
                             "(every '{' needs its '}' within the field)"]


def test_bibtex_premature_end_of_file(tmp_path):
    kb = make_kb(tmp_path)
    kb.edit(BIB, "  url          = {https://www.asiapress.org/rimjin-gang/2025/06/society-economy/missing}\n}",
            '  url          = "https://www.asiapress.org/rimjin-gang/2025/06/society-economy/missing')
    assert kb.problems() == [f"{BIB}:7: BibTeX syntax error: premature end of file; check braces, commas and quotes"]


def test_bibtex_undefined_month_macro(tmp_path):
    kb = make_kb(tmp_path)
    kb.edit(BIB, "month        = jun,", "month        = june,")
    assert kb.problems() == [f"{BIB}:6: BibTeX undefined string: june; check braces, commas and quotes"]


def test_duplicate_bibtex_key_across_files(tmp_path):
    kb = make_kb(tmp_path)
    kb.write("bib/zz-copy.bib", "\n" + kb.read(BIB))
    assert kb.problems() == [
        f"bib/zz-copy.bib:2: {SLUG}: BibTeX key '{SLUG}' is defined twice (also {BIB}:1): keep one"
    ]


def test_duplicate_bibtex_key_in_one_file(tmp_path):
    kb = make_kb(tmp_path)
    kb.write(BIB, kb.read(BIB) + "\n" + kb.read(BIB))
    assert kb.problems() == [f"{BIB}:10: {SLUG}: BibTeX key '{SLUG}' is defined twice in this file: keep one"]


def test_bibtex_key_mkdocs_bibtex_cannot_read(tmp_path):
    kb = make_kb(tmp_path)
    kb.write("bib/other.bib", "@misc{nk:2022,\n  title = {Other},\n  year = {2022}\n}\n")
    assert kb.problems() == [
        "bib/other.bib:1: nk:2022: BibTeX key 'nk:2022' is not valid: use letters, digits, '_' and '-' only, then a comma"
    ]


def test_bib_file_without_entries(tmp_path):
    kb = make_kb(tmp_path)
    kb.write("bib/empty.bib", "Pasted text that is not BibTeX\n")
    assert kb.problems() == [
        "bib/empty.bib: no BibTeX entry found: an entry starts with '@misc{key,' (run `make new-source`)"
    ]


# --- Registries -----------------------------------------------------------------------------


def test_registry_errors_name_the_entry_and_line(tmp_path):
    kb = make_kb(tmp_path)
    kb.edit("data/places.yml", "  kind: city", "  kind: town")
    kb.edit("data/organizations.yml", "  description:", "  desciption:")
    assert kb.problems() == [
        "data/organizations.yml:5: peoples-group.desciption: unknown field 'desciption' (did you mean 'description'?): "
        "fix the spelling or remove it",
        "data/places.yml:6: hyesan.kind: 'town' is not allowed: 'country', 'province', 'city', 'county', 'district', "
        "'river' or 'area'",
        # The entries failed to load, but their slugs are known: no cascade of "unknown place" lines.
    ]


def test_registry_duplicate_slug(tmp_path):
    kb = make_kb(tmp_path)
    kb.write("data/places.yml", kb.read("data/places.yml") + "- slug: hyesan\n  name: Hyesan again\n  kind: city\n")
    assert kb.problems() == ["data/places.yml:8: [2].slug: duplicate slug 'hyesan': each entry needs its own"]


def test_registry_missing_and_not_a_list(tmp_path):
    kb = make_kb(tmp_path)
    (kb.root / "data/outlets.yml").unlink()
    kb.write("data/organizations.yml", "slug: peoples-group\n")
    problems = kb.problems()
    assert "data/outlets.yml: registry file is missing: create data/outlets.yml" in problems
    assert "data/organizations.yml:1: registry must be a list of entries, each starting with '- slug:'" in problems


# --- Everything at once, and the shape of what is loaded ---------------------------------------


def test_all_problems_are_reported_at_once(tmp_path):
    kb = make_kb(tmp_path)
    kb.edit(S, "language: en", "langauge: en")
    kb.edit(S, "value: 2025-06-03", "value: 2024-02-30")
    kb.edit(BIB, "  year         = {2025},", "  year         = {2025}")
    kb.edit("data/places.yml", "  kind: city", "  kind: town")
    kb.edit(S, "    topics: [inminban-surveillance]\n", "    topics: [inminban-surveilance]\n")
    assert kb.problems() == [
        f"{BIB}:6: BibTeX syntax error: '}}' expected; check braces, commas and quotes",
        "data/places.yml:6: hyesan.kind: 'town' is not allowed: 'country', 'province', 'city', 'county', 'district', "
        "'river' or 'area'",
        f"{S}:13: langauge: unknown field 'langauge' (did you mean 'language'?): fix the spelling or remove it",
        f"{S}:20: claims[0].date: impossible date '2024-02-30': check the month and day",
        # The schema rejected the file, yet its slugs are checked in the same round.
        f"{S}:30: claims[1].topics[0]: unknown topic 'inminban-surveilance' (did you mean 'inminban-surveillance'?): "
        "use a slug from data/topics.yml or add it there",
    ]


def test_loaded_knowledge_base_keeps_lines_and_text_dates(tmp_path):
    kb, problems = load(make_kb(tmp_path).root)
    assert problems == []
    page = kb.sources[SLUG]
    assert source_lines(page)[("claims", 1, "quote")] == 29
    assert page.body_line == 33
    assert page.source.claims[0].date == FuzzyDate(
        value="2025-06-03", precision="day", inferred="Year and month from the publication date."
    )
    assert kb.registry_lines["topics"]["border-security"][("intro",)] == 9
    assert kb.bib[SLUG].line == 1 and kb.bib[SLUG].fields["year"] == "2025"


@pytest.mark.parametrize(
    "written, value, precision",
    [("2025", "2025", "year"), ("2025-06", "2025-06", "month"), ("2025-06-03", "2025-06-03", "day")],
)
def test_shorthand_dates_take_their_precision_from_their_form(written, value, precision):
    assert FuzzyDate.model_validate(written) == FuzzyDate(value=value, precision=precision)
