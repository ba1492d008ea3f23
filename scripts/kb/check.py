"""Check: what ties files together. Every rule adds Problems; none stops the others.

Shape errors (missing fields, wrong types, impossible dates) are found while loading; the
rules here need the whole KnowledgeBase: slugs that must exist, keys that must resolve,
dates that must be consistent, and pitfalls of mkdocs-bibtex that it does not report.
"""

from __future__ import annotations

import re
from typing import Iterable, Iterator

from .load import line_of
from .model import BIB_KEY, KnowledgeBase, SourcePage
from .problems import Problem, did_you_mean, field_path
from .render import generated_paths

#: A quote is one or two sentences; longer than this is no longer a short quotation.
MAX_QUOTE_WORDS = 60
#: mkdocs-bibtex reads any [...] holding an @ as a citation block.
CITATION_BLOCK = re.compile(r"\[([^\[\]]*@[^\[\]]*)\]")
CITED_KEY = re.compile(r"@([^\s;,\]]+)")
#: An @word outside a citation block: mkdocs-bibtex would read or drop it.
STRAY_AT = re.compile(r"(?<![\\\w`])@\w")
HTML_TAG = re.compile(r"<\s*/?\s*[a-zA-Z!][^>]*>")


def check(kb: KnowledgeBase) -> list[Problem]:
    rules = [
        _source_references,
        _claim_ids_unique,
        _claim_references,
        _claim_quotes,
        _event_dates,
        _body_citations,
        _no_html_in_fields,
        _registry_references,
        _topic_intro_citations,
        _generated_pages_do_not_overwrite,
        _unused_topics,
        _unused_bib_entries,
    ]
    return sorted(p for rule in rules for p in rule(kb))


# --- Sources ------------------------------------------------------------------------------


def _source_references(kb: KnowledgeBase) -> Iterator[Problem]:
    for page in kb.sources.values():
        src = page.source
        if src.outlet not in kb.outlets:
            yield _at(page, ("outlet",), f"unknown outlet '{src.outlet}'{did_you_mean(src.outlet, kb.outlets)}: use a slug from data/outlets.yml or add the outlet there")
        if src.bib != page.slug:
            yield _at(page, ("bib",), f"bib key '{src.bib}' must equal the file name '{page.slug}': rename the key in bib/ and here")
        if src.bib not in kb.bib:
            yield _at(page, ("bib",), f"no BibTeX entry '{src.bib}' in bib/{did_you_mean(src.bib, kb.bib)}: add bib/{page.slug}.bib (run `make new-source`)")
        for i, key in enumerate(src.derived_from):
            if key not in kb.bib:
                yield _at(page, ("derived_from", i), f"unknown BibTeX key '{key}'{did_you_mean(key, kb.bib)}: add its entry to bib/")


def _claim_ids_unique(kb: KnowledgeBase) -> Iterator[Problem]:
    for page in kb.sources.values():
        seen: dict[str, int] = {}
        for i, claim in enumerate(page.source.claims):
            if claim.id in seen:
                yield _at(page, ("claims", i, "id"), f"duplicate claim id '{claim.id}' (also claims[{seen[claim.id]}]): give each claim its own id")
            seen.setdefault(claim.id, i)


def _claim_references(kb: KnowledgeBase) -> Iterator[Problem]:
    registries = {"topics": kb.topics, "places": kb.places, "organizations": kb.organizations}
    for page in kb.sources.values():
        for i, claim in enumerate(page.source.claims):
            for field, registry in registries.items():
                for j, slug in enumerate(getattr(claim, field)):
                    if slug not in registry:
                        kind = field[:-1] if field != "topics" else "topic"
                        yield _at(page, ("claims", i, field, j), f"unknown {kind} '{slug}'{did_you_mean(slug, registry)}: use a slug from data/{field}.yml or add it there")
            for field in ("corroborates", "disputes"):
                for j, ref in enumerate(getattr(claim, field)):
                    if not _claim_exists(kb, ref):
                        yield _at(page, ("claims", i, field, j), f"unknown claim '{ref}': write it as 'source-slug#claim-id' of an existing claim")
                    elif ref.split("#")[0] == page.slug:
                        yield _at(page, ("claims", i, field, j), f"'{ref}' is in the same source: link claims of other sources only")


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


def _coarser(a: str, b: str) -> str:
    order = ["year", "month", "day"]
    return order[min(order.index(a), order.index(b))]


def _body_citations(kb: KnowledgeBase) -> Iterator[Problem]:
    for page in kb.sources.values():
        for offset, line in enumerate(page.body.splitlines()):
            for message in citation_problems(line, kb):
                yield Problem(page.path, page.body_line + offset, "body", message)


def citation_problems(text: str, kb: KnowledgeBase) -> Iterator[str]:
    """Citation mistakes in one line of Markdown that mkdocs-bibtex would pass over silently."""
    for block in CITATION_BLOCK.finditer(text):
        for key in CITED_KEY.findall(block.group(1)):
            if not re.match(BIB_KEY, key):
                yield f"citation key '{key}' has characters mkdocs-bibtex cannot read (only letters, digits, '_' and '-'): rename it"
            elif key not in kb.bib:
                yield f"unknown citation [@{key}]{did_you_mean(key, kb.bib)}: add the entry to bib/ or fix the key"
    outside = CITATION_BLOCK.sub("", _without_code(text))
    for stray in STRAY_AT.finditer(outside):
        yield f"stray '{outside[stray.start():stray.end() + 15].split()[0]}' would be read as a citation: write [@key] to cite, or \\@ for a literal @"


def _without_code(text: str) -> str:
    return re.sub(r"`[^`]*`", "", text)


def _no_html_in_fields(kb: KnowledgeBase) -> Iterator[Problem]:
    for page in kb.sources.values():
        for loc, value in _strings(page.source.model_dump(mode="json"), ()):
            if HTML_TAG.search(value):
                yield _at(page, loc, "contains HTML: write plain text (it is shown literally, never run)")
    for name, registry in _registries(kb):
        for slug, entry in registry.items():
            for loc, value in _strings(entry.model_dump(mode="json"), ()):
                if HTML_TAG.search(value):
                    yield Problem(f"data/{name}.yml", None, f"{slug}.{'.'.join(map(str, loc))}", "contains HTML: write plain text (Markdown in intros)")


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
    for slug, topic in kb.topics.items():
        for related in topic.related:
            if related not in kb.topics:
                yield Problem("data/topics.yml", None, f"{slug}.related", f"unknown topic '{related}'{did_you_mean(related, kb.topics)}")
    for slug, place in kb.places.items():
        for field in ("parent", "country"):
            ref = getattr(place, field)
            if ref and ref not in kb.places:
                yield Problem("data/places.yml", None, f"{slug}.{field}", f"unknown place '{ref}'{did_you_mean(ref, kb.places)}")
    for slug, org in kb.organizations.items():
        if org.country and org.country not in kb.places:
            yield Problem("data/organizations.yml", None, f"{slug}.country", f"unknown place '{org.country}'{did_you_mean(org.country, kb.places)}")


def _topic_intro_citations(kb: KnowledgeBase) -> Iterator[Problem]:
    for slug, topic in kb.topics.items():
        for message in citation_problems(topic.intro.replace("\n", " "), kb):
            yield Problem("data/topics.yml", None, f"{slug}.intro", message)


def _generated_pages_do_not_overwrite(kb: KnowledgeBase) -> Iterator[Problem]:
    for path in sorted(generated_paths(kb) & kb.handwritten):
        yield Problem(f"docs/{path}", None, "", "this page is generated from data/ and docs/sources/: move or rename the hand-written file (generated output never overwrites it)")


def _unused_topics(kb: KnowledgeBase) -> Iterator[Problem]:
    used = {t for page in kb.sources.values() for c in page.source.claims for t in c.topics}
    for slug in kb.topics:
        if slug not in used:
            yield Problem("data/topics.yml", None, slug, "topic has no claims yet: its page will only show the introduction", "warning")


def _unused_bib_entries(kb: KnowledgeBase) -> Iterator[Problem]:
    cited = {k for page in kb.sources.values() for k in [page.source.bib, *page.source.derived_from]}
    cited |= {k for page in kb.sources.values() for k in CITED_KEY.findall(" ".join(CITATION_BLOCK.findall(page.body)))}
    cited |= {k for t in kb.topics.values() for k in CITED_KEY.findall(" ".join(CITATION_BLOCK.findall(t.intro)))}
    for key, entry in kb.bib.items():
        if key not in cited:
            yield Problem(entry.path, entry.line, key, "BibTeX entry has no source page and is cited nowhere: add docs/sources/<key>.md or remove it", "warning")


def _at(page: SourcePage, loc: tuple, message: str) -> Problem:
    return Problem(page.path, line_of(page.lines, loc), field_path(loc), message)
