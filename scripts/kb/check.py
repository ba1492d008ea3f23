"""Check: what ties files together. Every rule adds Problems; none stops the others.

Shape errors (missing fields, wrong types, impossible dates) are found while loading; the
rules here need the whole KnowledgeBase: slugs that must exist, keys that must resolve,
dates that must be consistent, and pitfalls of mkdocs-bibtex that it does not report.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from typing import Iterable, Iterator

from .load import source_lines
from .markup import markup_problems
from .model import BIB_KEY, KnowledgeBase, RejectedSource, SourcePage
from .paths import generated_paths
from .problems import Problem, did_you_mean, field_path
from .yaml_lines import line_of

#: A quote is one or two sentences; longer than this is no longer a short quotation.
MAX_QUOTE_WORDS = 60
#: What `make new-source` leaves in a new page's body for the contributor to replace.
PLACEHOLDER = "TODO"
#: mkdocs-bibtex reads any [...] holding an @ as a citation block.
CITATION_BLOCK = re.compile(r"\[([^\[\]]*@[^\[\]]*)\]")
CITED_KEY = re.compile(r"@([^\s;,\]]+)")
#: An @word outside a citation block: mkdocs-bibtex would read or drop it.
STRAY_AT = re.compile(r"(?<![\\\w`])@\w")
#: A citation block opened on one line and closed on the next: mkdocs-bibtex leaves it as raw text.
SPLIT_CITATION_START = re.compile(r"\[[^\[\]]*@[^\[\]]*$")
SPLIT_CITATION_END = re.compile(r"^[^\[\]]*@[^\[\]]*\]")
#: The start of an HTML tag or comment in a plain-text field. Not `a < b`, not an autolink `<https://...>`.
HTML_TAG = re.compile(r"</?[a-zA-Z][\w-]*(?=[\s/>]|$)|<!--")
#: A line that opens or closes a fenced code block.
FENCE = re.compile(r"\s*(`{3,}|~{3,})")


# --- Sources ------------------------------------------------------------------------------


def _source_references(kb: KnowledgeBase) -> Iterator[Problem]:
    for page in kb.sources.values():
        src = page.source
        # An outlet whose entry was rejected, or whose file could not be read, is reported there.
        if src.outlet not in kb.outlets and src.outlet not in kb.registry_lines.get("outlets", {}) and "outlets" not in kb.unread_registries:
            yield _at(page, ("outlet",), f"unknown outlet '{src.outlet}'{did_you_mean(src.outlet, kb.outlets)}: use a slug from data/outlets.yml or add the outlet there")
        if not kb.has_bib(src.bib):
            yield _at(page, ("bib",), f"no BibTeX entry '{src.bib}' in bib/{did_you_mean(src.bib, kb.bib)}: fix the key, or add bib/{page.slug}.bib (run `make new-source`)")
        elif src.bib != page.slug:
            yield _at(page, ("bib",), f"bib key '{src.bib}' must equal the file name '{page.slug}': rename the key in bib/ and here")
        for i, key in enumerate(src.derived_from):
            if not kb.has_bib(key):
                yield _at(page, ("derived_from", i), f"unknown BibTeX key '{key}'{did_you_mean(key, kb.bib)}: add its entry to bib/")


def _claim_ids_unique(kb: KnowledgeBase) -> Iterator[Problem]:
    for page in kb.sources.values():
        seen: dict[str, int] = {}
        for i, claim in enumerate(page.source.claims):
            if claim.id in seen:
                yield _at(page, ("claims", i, "id"), f"duplicate claim id '{claim.id}' (also claims[{seen[claim.id]}]): give each claim its own id")
            seen.setdefault(claim.id, i)


SLUG_FIELDS = {"topics": "topic", "places": "place", "organizations": "organization"}


def _claim_references(kb: KnowledgeBase) -> Iterator[Problem]:
    for page in kb.sources.values():
        claims = [(i, {field: getattr(claim, field) for field in SLUG_FIELDS}) for i, claim in enumerate(page.source.claims)]
        yield from _unknown_slugs(kb, page, claims)
        for i, claim in enumerate(page.source.claims):
            for field in ("corroborates", "disputes"):
                for j, ref in enumerate(getattr(claim, field)):
                    if not _claim_exists(kb, ref):
                        yield _at(page, ("claims", i, field, j), f"unknown claim '{ref}': write it as 'source-slug#claim-id' of an existing claim")
                    elif ref.split("#")[0] == page.slug:
                        yield _at(page, ("claims", i, field, j), f"'{ref}' is in the same source: link claims of other sources only")
    for rejected in kb.rejected:  # its schema errors are reported; its slugs are checked in the same round
        claims = rejected.data.get("claims")
        raw = [(i, claim) for i, claim in enumerate(claims) if isinstance(claim, dict)] if isinstance(claims, list) else []
        yield from _unknown_slugs(kb, rejected, raw)


def _unknown_slugs(kb: KnowledgeBase, page, claims: list[tuple[int, dict]]) -> Iterator[Problem]:
    registries = {"topics": kb.topics, "places": kb.places, "organizations": kb.organizations}
    for i, values in claims:
        for field, kind in SLUG_FIELDS.items():
            slugs = values.get(field)
            for j, slug in enumerate(slugs if isinstance(slugs, list) else []):
                # A slug whose registry entry was rejected is reported there, not here again.
                if field in kb.unread_registries:  # its file's one problem is reported; not every use of it
                    break
                if isinstance(slug, str) and slug not in registries[field] and slug not in kb.registry_lines.get(field, {}):
                    yield _at(page, ("claims", i, field, j), f"unknown {kind} '{slug}'{did_you_mean(slug, registries[field])}: use a slug from data/{field}.yml or add it there")


def _claim_exists(kb: KnowledgeBase, ref: str) -> bool:
    slug, _, claim_id = ref.partition("#")
    page = kb.sources.get(slug)
    return page is not None and any(c.id == claim_id for c in page.source.claims)


def _claim_quotes(kb: KnowledgeBase) -> Iterator[Problem]:
    for page in kb.sources.values():
        for i, claim in enumerate(page.source.claims):
            words = len(claim.quote.split())
            if words > MAX_QUOTE_WORDS:
                yield _at(page, ("claims", i, "quote"), f"quote has {words} words (limit {MAX_QUOTE_WORDS}): shorten it to the one or two sentences that carry the claim")


def _event_dates(kb: KnowledgeBase) -> Iterator[Problem]:
    for page in kb.sources.values():
        published = page.source.published
        for i, claim in enumerate(page.source.claims):
            if claim.date is None:
                continue
            coarser = _coarser(claim.date.precision, published.precision)
            if claim.date.truncated(coarser) > published.truncated(coarser):
                yield _at(page, ("claims", i, "date"), f"event date {claim.date.value} is after the publication date {published.value}: check the year")


def _dates_of_sources(kb: KnowledgeBase) -> Iterator[Problem]:
    """No date after today (anywhere on Earth), and no access before the publication."""
    today = latest_date_today()
    for page in kb.sources.values():
        src = page.source
        if src.published.value > today.isoformat()[: len(src.published.value)]:
            yield _at(page, ("published",), f"publication date {src.published.value} is in the future: check the year")
        elif src.accessed > today:
            yield _at(page, ("accessed",), f"access date {src.accessed} is in the future: write the day you read the article")
        elif src.accessed.isoformat()[: len(src.published.value)] < src.published.value:
            yield _at(page, ("accessed",), f"access date {src.accessed} is before the publication date {src.published.value}: "
                                           "check both (accessed is the day you read the article)")


def latest_date_today() -> dt.date:
    """Today's date where it is latest (UTC+14): a contributor's today is never in the future."""
    return (dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=14)).date()


def _coarser(a: str, b: str) -> str:
    order = ["year", "month", "day"]
    return order[min(order.index(a), order.index(b))]


def _body_citations(kb: KnowledgeBase) -> Iterator[Problem]:
    for page in [*kb.sources.values(), *kb.rejected]:
        found = [(offset, message) for offset, line in prose_lines(page.body) if _may_have_problem(line)
                 for message in _line_problems(line, kb)]
        found += markup_problems(page.body)
        for offset, message in sorted(found):
            yield Problem(page.path, page.body_line + offset, "body", message)


def _line_problems(line: str, kb: KnowledgeBase) -> Iterator[str]:
    yield from citation_problems(line, kb)
    if PLACEHOLDER in line:
        yield f"placeholder '{PLACEHOLDER}' left: replace it with your summary in your own words"


def _may_have_problem(line: str) -> bool:
    """Whether a line of a body may break a rule of `citation_problems` or the placeholder's:
    each needs one of these. Most lines have none, and running every rule on every line was
    most of the checks (0.25 s at 1,000 sources). (Markup is read from the whole text.)"""
    return "@" in line or PLACEHOLDER in line


def _handwritten_citations(kb: KnowledgeBase) -> Iterator[Problem]:
    """Hand-written pages may hold HTML (they are the editors' own), but not what the sanitizer
    would remove from it, and their citations must resolve."""
    for path, text in kb.handwritten_text.items():
        found = [(offset, message) for offset, line in prose_lines(text) for message in citation_problems(line, kb)]
        for offset, message in sorted(found + list(markup_problems(text, html_allowed=True))):
            yield Problem(f"docs/{path}", offset + 1, "", message)


def prose_lines(markdown: str) -> Iterator[tuple[int, str]]:
    """(offset, line) of each line outside fenced code blocks, where examples may show '@' freely."""
    fence = None
    for offset, line in enumerate(markdown.splitlines()):
        marker = FENCE.match(line) if "`" in line or "~" in line else None
        if marker and (fence is None or marker.group(1).startswith(fence)):
            fence = None if fence else marker.group(1)
        elif fence is None:
            yield offset, line


def citation_problems(text: str, kb: KnowledgeBase) -> Iterator[str]:
    """Citation mistakes in one line of Markdown that mkdocs-bibtex would pass over silently."""
    for block in CITATION_BLOCK.finditer(text):
        for key in CITED_KEY.findall(block.group(1)):
            if not re.match(BIB_KEY, key):
                yield f"citation key '{key}' has characters mkdocs-bibtex cannot read (only letters, digits, '_' and '-'): rename it"
            elif not kb.has_bib(key):
                yield f"unknown citation [@{key}]{did_you_mean(key, kb.bib)}: add the entry to bib/ or fix the key"
    outside = CITATION_BLOCK.sub("", _without_code(text))
    if SPLIT_CITATION_START.search(outside):
        yield "citation continues on the next line: keep each [@key; @other] on one line, or it is printed as raw text"
        outside = SPLIT_CITATION_START.sub("", outside)
    outside = SPLIT_CITATION_END.sub("", outside)  # the rest of a split citation, reported on its first line
    for stray in STRAY_AT.finditer(outside):
        yield f"stray '{outside[stray.start():stray.end() + 15].split()[0]}' would be read as a citation: write [@key] to cite, or \\@ for a literal @"


def _without_code(text: str) -> str:
    return re.sub(r"`[^`]*`", "", text)


def _no_html_in_fields(kb: KnowledgeBase) -> Iterator[Problem]:
    for page in kb.sources.values():
        if "<" not in page.source.model_dump_json():  # no tag can start without one: most pages
            continue
        for loc, value in _strings(page.source.model_dump(mode="json"), ()):
            if tag := HTML_TAG.search(value):
                yield _at(page, loc, f"contains HTML '{tag.group()}': write plain text (it is shown literally, never run)")
    for name, registry in _registries(kb):
        for slug, entry in registry.items():
            for loc, value in _strings(entry.model_dump(mode="json", exclude={"intro"}), ()):
                if tag := HTML_TAG.search(value):
                    yield _in_registry(kb, name, slug, loc, f"contains HTML '{tag.group()}': write plain text (it is shown literally, never run)")


def _strings(value: object, loc: tuple) -> Iterator[tuple[tuple, str]]:
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, loc + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, loc + (index,))


# --- Registries ---------------------------------------------------------------------------


def _registries(kb: KnowledgeBase) -> Iterable[tuple[str, dict]]:
    return [("topics", kb.topics), ("places", kb.places), ("organizations", kb.organizations), ("outlets", kb.outlets)]


def _registry_references(kb: KnowledgeBase) -> Iterator[Problem]:
    if kb.unread_registries & {"topics", "places"}:  # what they name is not known: reported once
        return
    for slug, topic in kb.topics.items():
        for i, related in enumerate(topic.related):
            if related not in kb.topics:
                yield _in_registry(kb, "topics", slug, ("related", i), f"unknown topic '{related}'{did_you_mean(related, kb.topics)}: use a slug from data/topics.yml")
    for slug, place in kb.places.items():
        for field in ("parent", "country"):
            ref = getattr(place, field)
            if ref and ref not in kb.places:
                yield _in_registry(kb, "places", slug, (field,), f"unknown place '{ref}'{did_you_mean(ref, kb.places)}: use a slug from data/places.yml")
    for slug, org in kb.organizations.items():
        if org.country and org.country not in kb.places:
            yield _in_registry(kb, "organizations", slug, ("country",), f"unknown place '{org.country}'{did_you_mean(org.country, kb.places)}: use a slug from data/places.yml")


def _topic_intro_citations(kb: KnowledgeBase) -> Iterator[Problem]:
    for slug, topic in kb.topics.items():
        found = [(offset, message) for offset, line in enumerate(topic.intro.splitlines())
                 for message in citation_problems(line, kb)]
        for offset, message in sorted(found + list(markup_problems(topic.intro))):
            problem = _in_registry(kb, "topics", slug, ("intro",), message)
            # The line of `intro:`; a later line of its text (`intro: |`) is that many lines below.
            yield dataclasses.replace(problem, line=problem.line + offset + 1) if offset and problem.line else problem


def _generated_pages_do_not_overwrite(kb: KnowledgeBase) -> Iterator[Problem]:
    for path in sorted(generated_paths(kb) & kb.handwritten):
        yield Problem(f"docs/{path}", None, "", "this page is generated from data/ and docs/sources/: move or rename the hand-written file (generated output never overwrites it)")


def _no_active_documents(kb: KnowledgeBase) -> Iterator[Problem]:
    for path in kb.active_documents:
        yield Problem(path, None, "", "would be published as it is, without the checks, the filter or the security policy "
                                      "of the pages: write a page as Markdown (.md); scripts and SVG go under docs/assets/")


def _unused_topics(kb: KnowledgeBase) -> Iterator[Problem]:
    if kb.incomplete:  # a source that failed to load may well use them
        return
    used = {t for page in kb.sources.values() for c in page.source.claims for t in c.topics}
    for slug in kb.topics:
        if slug not in used:
            yield _in_registry(kb, "topics", slug, (), "topic has no claims yet: its page will only show the introduction", "warning")


def _bib_title_and_year(kb: KnowledgeBase) -> Iterator[Problem]:
    """pybtex prints a reference without title or year as if it had none (no error): refused.
    The year is not taken from the source page's date: the BibTeX entry is also a download
    (sources.bib) that must stand alone, so the page's year is suggested, not filled in."""
    for key, entry in kb.bib.items():
        if not entry.fields.get("title", "").strip("{} "):
            yield Problem(entry.path, entry.line, key, "BibTeX entry has no title: add title = {{The headline}},")
        if not entry.fields.get("year", "").strip("{} "):
            page = kb.sources.get(key)
            year = page.source.published.year if page else "YYYY"
            given = " (the year of the source page's publication date)" if page else " (the year of publication)"
            yield Problem(entry.path, entry.line, key, f"BibTeX entry has no year: add year = {{{year}}},{given}")


def _unused_bib_entries(kb: KnowledgeBase) -> Iterator[Problem]:
    if kb.incomplete:
        return
    cited = {k for page in kb.sources.values() for k in [page.source.bib, *page.source.derived_from]}
    markdown = [page.body for page in kb.sources.values()] + [t.intro for t in kb.topics.values()]
    for text in markdown + list(kb.handwritten_text.values()):
        cited.update(CITED_KEY.findall(" ".join(CITATION_BLOCK.findall(text))))
    for key, entry in kb.bib.items():
        if key not in cited:
            yield Problem(entry.path, entry.line, key, "BibTeX entry has no source page and is cited nowhere: add docs/sources/<key>.md or remove it", "warning")


def _at(page: SourcePage | RejectedSource, loc: tuple, message: str) -> Problem:
    return Problem(page.path, line_of(source_lines(page), loc), field_path(loc), message)


def _in_registry(kb: KnowledgeBase, name: str, slug: str, loc: tuple, message: str, severity: str = "error") -> Problem:
    """A problem in one entry of data/<name>.yml, on the line of the field `loc` points to."""
    lines = kb.registry_lines.get(name, {}).get(slug, {})
    return Problem(f"data/{name}.yml", line_of(lines, loc), field_path((slug, *loc)), message, severity)


#: Every rule, in the order they are written above.
RULES = [
    _source_references,
    _claim_ids_unique,
    _claim_references,
    _claim_quotes,
    _event_dates,
    _dates_of_sources,
    _body_citations,
    _handwritten_citations,
    _no_html_in_fields,
    _registry_references,
    _topic_intro_citations,
    _generated_pages_do_not_overwrite,
    _no_active_documents,
    _unused_topics,
    _bib_title_and_year,
    _unused_bib_entries,
]
