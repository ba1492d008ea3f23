"""Check: the rules that tie files together, one failing fixture per rule with its exact line;
then the two ways contributors meet them: `python -m kb check` and `mkdocs build --strict`."""

from __future__ import annotations

import re
import subprocess
import sys
import time

import pytest
from bs4 import BeautifulSoup
from fixtures.kbfactory import BIB, SLUG, SOURCE, case_params, make_kb
from kb.check import MAX_QUOTE_WORDS
from kbtest import ROOT, run_build

S = SOURCE
QUOTE_1 = "quote: \"People's group leaders check people entering more than twice daily.\""
BODY = "ASIAPRESS reported missing-person cases in Hyesan [@asiapress-2025-06-hyesan-missing]."


def _quote_of(words: int) -> str:
    return 'quote: "' + " ".join(["word"] * words) + '"'


# (case id, [(file, old text, new text)], the exact problem lines)
BROKEN_REFERENCES = [
    (
        "unknown-topic-did-you-mean",
        [(S, "    topics: [inminban-surveillance]\n", "    topics: [inminban-surveilance]\n")],
        [f"{S}:30: claims[1].topics[0]: unknown topic 'inminban-surveilance' (did you mean 'inminban-surveillance'?): "
         "use a slug from data/topics.yml or add it there"],
    ),
    (
        "unknown-place-did-you-mean",
        [(S, "    places: [hyesan]\n---", "    places: [hyesen]\n---")],
        [f"{S}:31: claims[1].places[0]: unknown place 'hyesen' (did you mean 'hyesan'?): "
         "use a slug from data/places.yml or add it there"],
    ),
    (
        "unknown-organization-did-you-mean",
        [(S, "organizations: [peoples-group]", "organizations: [people-group]")],
        [f"{S}:26: claims[0].organizations[0]: unknown organization 'people-group' (did you mean 'peoples-group'?): "
         "use a slug from data/organizations.yml or add it there"],
    ),
    (
        "unknown-outlet",
        [(S, "outlet: asiapress", "outlet: asia-press")],
        [f"{S}:4: outlet: unknown outlet 'asia-press' (did you mean 'asiapress'?): "
         "use a slug from data/outlets.yml or add the outlet there"],
    ),
    (
        "unknown-citation-in-body",
        [(S, BODY, "ASIAPRESS reported [@asiapress-2025-06-hyesan].")],
        [f"{S}:34: body: unknown citation [@asiapress-2025-06-hyesan] (did you mean 'asiapress-2025-06-hyesan-missing'?): "
         "add the entry to bib/ or fix the key"],
    ),
    (
        "citation-key-mkdocs-bibtex-drops",
        [(S, BODY, BODY + " See also [@nk:2022].")],
        [f"{S}:34: body: citation key 'nk:2022' has characters mkdocs-bibtex cannot read "
         "(only letters, digits, '_' and '-'): rename it"],
    ),
    (
        "citation-split-over-two-lines",
        [(S, BODY, "ASIAPRESS reported missing-person cases in Hyesan [@asiapress-2025-06-hyesan-missing;\n@asiapress-2025-06-hyesan-missing].")],
        [f"{S}:34: body: citation continues on the next line: keep each [@key; @other] on one line, "
         "or it is printed as raw text"],
    ),
    (
        "unknown-bib-key",
        [(S, "bib: asiapress-2025-06-hyesan-missing", "bib: asiapress-2025-06-hyesan")],
        [f"{S}:14: bib: no BibTeX entry 'asiapress-2025-06-hyesan' in bib/ (did you mean 'asiapress-2025-06-hyesan-missing'?): "
         f"fix the key, or add bib/{SLUG}.bib (run `make new-source`)"],
    ),
    (
        "bib-key-not-the-file-name",
        [(BIB, f"@misc{{{SLUG},", "@misc{asiapress-hyesan,"),
         (S, f"bib: {SLUG}", "bib: asiapress-hyesan"),
         (S, f"[@{SLUG}]", "[@asiapress-hyesan]"),
         ("data/topics.yml", f"comes and goes [@{SLUG}]", "comes and goes [@asiapress-hyesan]"),
         ("data/topics.yml", f"control movement [@{SLUG}]", "control movement [@asiapress-hyesan]")],
        [f"{S}:14: bib: bib key 'asiapress-hyesan' must equal the file name '{SLUG}': rename the key in bib/ and here"],
    ),
    (
        "unknown-derived-from",
        [(S, "evidence: inside-informant", "evidence: inside-informant\nderived_from: [reuters-2024]")],
        [f"{S}:16: derived_from[0]: unknown BibTeX key 'reuters-2024': add its entry to bib/"],
    ),
    (
        "duplicate-claim-id",
        [(S, "id: group-leaders-checks", "id: security-post-directive")],
        [f"{S}:27: claims[1].id: duplicate claim id 'security-post-directive' (also claims[0]): give each claim its own id"],
    ),
    (
        "event-date-after-publication",
        [(S, "value: 2025-06-03", "value: 2025-07-03")],
        [f"{S}:20: claims[0].date: event date 2025-07-03 is after the publication date 2025-06: check the year"],
    ),
    (
        "event-year-after-publication",
        [(S, "    quote: \"People's", "    date: 2026\n    quote: \"People's")],
        [f"{S}:29: claims[1].date: event date 2026 is after the publication date 2025-06: check the year"],
    ),
    (
        "quote-over-the-limit",
        [(S, QUOTE_1, _quote_of(MAX_QUOTE_WORDS + 1))],
        [f"{S}:29: claims[1].quote: quote has 61 words (limit 60): "
         "shorten it to the one or two sentences that carry the claim"],
    ),
    (
        "corroborates-unknown-claim",
        [(S, "    places: [hyesan]\n---", "    places: [hyesan]\n    corroborates: [other-source#x]\n---")],
        [f"{S}:32: claims[1].corroborates[0]: unknown claim 'other-source#x': "
         "write it as 'source-slug#claim-id' of an existing claim"],
    ),
    (
        "corroborates-own-source",
        [(S, "    places: [hyesan]\n---", f"    places: [hyesan]\n    corroborates: ['{SLUG}#security-post-directive']\n---")],
        [f"{S}:32: claims[1].corroborates[0]: '{SLUG}#security-post-directive' is in the same source: "
         "link claims of other sources only"],
    ),
    (
        "stray-at-word-in-body",
        [(S, BODY, BODY + " Contact @hyesan_watch for more.")],
        [f"{S}:34: body: stray '@hyesan_watch' would be read as a citation: write [@key] to cite, or \\@ for a literal @"],
    ),
    (
        "script-in-claim-text",
        [(S, "text: People's group leaders", "text: <script>alert(1)</script> People's group leaders")],
        [f"{S}:28: claims[1].text: contains HTML '<script': write plain text (it is shown literally, never run)"],
    ),
    (
        "html-in-title",
        [(S, 'title: "Missing-person cases in Hyesan"', 'title: "Missing <b>persons</b>"')],
        [f"{S}:2: title: contains HTML '<b': write plain text (it is shown literally, never run)"],
    ),
    (
        "html-in-body",
        [(S, BODY, BODY + ' <img src=x onerror="alert(1)">')],
        [f"{S}:34: body: contains HTML '<img': write Markdown only (raw HTML is not allowed)"],
    ),
    (
        "script-link-in-body",
        [(S, BODY, BODY + " [click](javascript:alert(1))")],
        [f"{S}:34: body: link to a script ('javascript:' or 'data:'): link to an http(s) address only"],
    ),
    (
        "html-in-registry-field",
        [("data/places.yml", "  name: Hyesan", "  name: Hyesan<iframe src=x>")],
        ["data/places.yml:5: hyesan.name: contains HTML '<iframe': write plain text (it is shown literally, never run)"],
    ),
    (
        "html-in-topic-intro",
        [("data/topics.yml", "who comes and goes", "who comes <script>x</script> and goes")],
        ["data/topics.yml:4: inminban-surveillance.intro: contains HTML '<script': write Markdown only (raw HTML is not allowed)"],
    ),
    (
        "unknown-citation-in-topic-intro",
        [("data/topics.yml", f"comes and goes [@{SLUG}]", "comes and goes [@asiapress-2025]")],
        ["data/topics.yml:4: inminban-surveillance.intro: unknown citation [@asiapress-2025] "
         "(did you mean 'asiapress-2025-06-hyesan-missing'?): add the entry to bib/ or fix the key"],
    ),
    (
        "unknown-related-topic",
        [("data/topics.yml", "related: [border-security]", "related: [border-securty]")],
        ["data/topics.yml:6: inminban-surveillance.related[0]: unknown topic 'border-securty' "
         "(did you mean 'border-security'?): use a slug from data/topics.yml"],
    ),
    (
        "unknown-place-country",
        [("data/places.yml", "  country: north-korea", "  country: north-koria")],
        ["data/places.yml:7: hyesan.country: unknown place 'north-koria' (did you mean 'north-korea'?): "
         "use a slug from data/places.yml"],
    ),
    (
        "topic-with-no-claims-warns",
        [("data/topics.yml", "- slug: border-security", "- slug: brokers\n  title: Brokers\n  intro: Brokers.\n"
                                                         "- slug: border-security")],
        ["data/topics.yml:7: brokers: warning: topic has no claims yet: its page will only show the introduction"],
    ),
    (
        "bib-entry-with-no-source-warns",
        [(BIB, "@misc{asiapress", "@misc{unused-2024,\n  title = {Unused},\n  year = {2024}\n}\n@misc{asiapress")],
        [f"{BIB}:1: unused-2024: warning: BibTeX entry has no source page and is cited nowhere: "
         "add docs/sources/<key>.md or remove it"],
    ),
]


@pytest.mark.parametrize("edits, expected", case_params(BROKEN_REFERENCES))
def test_each_broken_reference_gives_its_exact_line(tmp_path, edits, expected):
    assert make_kb(tmp_path, edits).problems() == expected


@pytest.mark.parametrize(
    "body",
    [
        BODY + " Write to them at `tips@example.org`.",  # code
        BODY + " Write to them at tips\\@example.org.",  # escaped
        BODY + " The ratio was a < b > c and <https://example.org> is an autolink.",
        BODY + " Both reported it [@asiapress-2025-06-hyesan-missing; @asiapress-2025-06-hyesan-missing].",
        BODY + "\n\n```text\n<b>@example</b>\n```\n",  # fenced code
    ],
)
def test_what_is_not_a_problem(tmp_path, body):
    kb = make_kb(tmp_path)
    kb.edit(S, BODY, body)
    assert kb.problems() == []


def test_quote_at_the_limit_passes(tmp_path):
    kb = make_kb(tmp_path)
    kb.edit(S, QUOTE_1, _quote_of(MAX_QUOTE_WORDS))
    assert kb.problems() == []


def test_event_date_of_coarser_precision_in_the_publication_month_passes(tmp_path):
    kb = make_kb(tmp_path)
    kb.edit(S, "value: 2025-06-03\n      precision: day", "value: 2025-06\n      precision: month")
    assert kb.problems() == []


def test_hand_written_page_where_a_page_is_generated(tmp_path):
    kb = make_kb(tmp_path)
    kb.write("docs/topics/border-security.md", "# Border security\n")
    assert kb.problems() == [
        "docs/topics/border-security.md: this page is generated from data/ and docs/sources/: move or rename "
        "the hand-written file (generated output never overwrites it)"
    ]


def test_citations_in_hand_written_pages_are_checked_outside_code(tmp_path):
    kb = make_kb(tmp_path)
    kb.write("bib/un-coi-2014.bib", "@misc{un-coi-2014,\n  title = {Report of the Commission of Inquiry},\n  year = {2014}\n}\n")
    kb.write("docs/about/method.md", "# Method\n\nAs the inquiry found [@un-coi-2014].\n\n"
             "```bibtex\n@misc{example-key,\n```\n\nSee [@un-coi-2015].\n")
    # un-coi-2014 is cited by a hand-written page only: it is used, so no warning.
    assert kb.problems() == [
        "docs/about/method.md:9: unknown citation [@un-coi-2015] (did you mean 'un-coi-2014'?): "
        "add the entry to bib/ or fix the key"
    ]


def test_warnings_are_not_given_when_a_source_failed_to_load(tmp_path):
    """A topic is not 'without claims' when its claims are in a file with a syntax error."""
    kb = make_kb(tmp_path)
    kb.edit(S, "outlet: asiapress", "outlet: [asiapress")
    assert [p for p in kb.problems() if "warning" in p] == []


# --- The command line: `python -m kb check` (what `make check` runs) ----------------------------


def run_kb(*args: str, cwd=ROOT) -> subprocess.CompletedProcess:
    env = {"PYTHONPATH": str(ROOT / "scripts"), "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "-m", "kb", *args], capture_output=True, text=True, cwd=cwd, env=env)


def test_check_passes_on_the_real_content_and_reports_its_time():
    started = time.perf_counter()
    result = run_kb("check")
    elapsed = time.perf_counter() - started
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r"OK: \d+ sources, \d+ claims, .*BibTeX entries\.\n", result.stdout)
    assert "error" not in result.stderr.lower()
    print(f"\n`python -m kb check` on the real content: {elapsed:.2f} s (goal: under 2 s)")


def _break_in_three_files(kb) -> list[str]:
    kb.edit(S, "language: en", "langauge: en")
    kb.edit(BIB, "  year         = {2025},", "  year         = {2025}")
    kb.edit("data/places.yml", "  kind: city", "  kind: town")
    return [
        f"{BIB}:6: BibTeX syntax error: '}}' expected; check braces, commas and quotes",
        "data/places.yml:6: hyesan.kind: 'town' is not allowed: 'country', 'province', 'city', 'county', 'district', "
        "'river' or 'area'",
        f"{S}:13: langauge: unknown field 'langauge' (did you mean 'language'?): fix the spelling or remove it",
    ]


def test_check_on_broken_content_lists_every_line_and_exits_1(tmp_path):
    kb = make_kb(tmp_path)
    expected = _break_in_three_files(kb)
    before = kb.snapshot()
    result = run_kb("--root", str(kb.root), "check")
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [*expected, "3 problems found; nothing was built."]
    assert "Traceback" not in result.stderr
    assert kb.snapshot() == before


def test_generate_writes_nothing_when_content_is_broken(tmp_path):
    kb = make_kb(tmp_path)
    _break_in_three_files(kb)
    out = tmp_path / "out"
    result = run_kb("--root", str(kb.root), "generate", str(out))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert not out.exists()


def test_warnings_alone_do_not_fail_the_check(tmp_path):
    kb = make_kb(tmp_path)
    kb.write("bib/extra.bib", "@misc{extra-2024,\n  title = {Extra},\n  year = {2024}\n}\n")
    result = run_kb("--root", str(kb.root), "check")
    assert result.returncode == 0
    assert result.stderr.splitlines() == [
        "bib/extra.bib:1: extra-2024: warning: BibTeX entry has no source page and is cited nowhere: "
        "add docs/sources/<key>.md or remove it"
    ]


# --- The strict build: what `make build` and `make serve` show ----------------------------------


def _fixture_project(kb) -> None:
    """The real mkdocs.yml in the fixture, its hooks (and watched scripts) by absolute path."""
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    config = re.sub(r"(?m)^(\s*-\s+)(scripts|overrides)\b", rf"\g<1>{ROOT.as_posix()}/\g<2>", config)
    config = config.replace("custom_dir: overrides", f"custom_dir: {ROOT.as_posix()}/overrides")
    kb.write("mkdocs.yml", config)


def test_strict_build_of_broken_content_fails_with_the_problem_lines(tmp_path):
    kb = make_kb(tmp_path)
    expected = _break_in_three_files(kb)
    _fixture_project(kb)
    site = tmp_path / "site"
    result = run_build(kb.root / "mkdocs.yml", site)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    for line in expected:
        assert f"ERROR   -  kb: {line}\n" in output
    assert "3 content problem(s), listed above" in output
    assert "Traceback" not in output
    assert not (site / "index.html").exists()


def test_source_page_title_is_the_front_matter_title(tmp_path):
    """MkDocs gets a source page composed from its front matter, not the file: its title must still
    be the front matter's, not the text of the rendered heading, where "&" is "&amp;"."""
    kb = make_kb(tmp_path)
    kb.edit(SOURCE, 'title: "Missing-person cases in Hyesan"', 'title: "Missing-person cases & arrests in Hyesan"')
    _fixture_project(kb)
    site = tmp_path / "site"
    result = run_build(kb.root / "mkdocs.yml", site, strict=False)  # the fixture has no about/ pages
    assert result.returncode == 0, result.stdout + result.stderr
    html = (site / "sources" / SLUG / "index.html").read_text(encoding="utf-8")
    assert "&amp;amp;" not in html
    page = BeautifulSoup(html, "lxml")
    assert page.title.get_text().startswith("Missing-person cases & arrests in Hyesan - ")
    header = page.select_one(".md-header__topic[data-md-component=header-topic] .md-ellipsis")
    assert header.get_text(strip=True) == "Missing-person cases & arrests in Hyesan"
