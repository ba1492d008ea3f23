"""The dataset behind the site, as files researchers can load: BibTeX, CSL-JSON, claims as JSON and CSV."""

from __future__ import annotations

import csv
import io
import json
import textwrap
from collections.abc import Iterable, Iterator
from functools import cache

from .bibtex import bibliography_data
from .derive import ClaimRef, Derived
from .model import FuzzyDate, KnowledgeBase, SourcePage

DOWNLOADS = {
    "bib": "downloads/sources.bib",
    "csl": "downloads/sources.json",
    "claims_json": "downloads/claims.json",
    "claims_csv": "downloads/claims.csv",
}
CLAIM_COLUMNS = [
    "source", "claim_id", "event_date", "event_date_precision", "event_date_qualifier", "event_date_inferred",
    "text", "quote", "topics", "places", "organizations", "status", "independent_outlets",
    "outlet", "published", "source_url", "page",
]


def downloads(kb: KnowledgeBase, derived: Derived, page_url: callable) -> Iterator[tuple[str, Iterator[str]]]:
    """(path under the site, the file's text in pieces), one file at a time, for a caller that
    writes each piece out as it comes: the claims alone are 23 MB of text at 1,000 sources, ten
    times that at 10,000. `page_url(ref)` gives the claim's address on the site."""
    yield DOWNLOADS["bib"], iter([_bibtex(kb)])
    yield DOWNLOADS["csl"], _json_array((_csl(kb, page) for page in derived.sources_newest_first), indent=1)

    def rows() -> Iterator[dict]:
        return (_claim_row(kb, derived, ref, page_url(ref)) for ref in derived.claims)

    yield DOWNLOADS["claims_json"], _json_array(rows())
    yield DOWNLOADS["claims_csv"], _csv(rows())


def _bibtex(kb: KnowledgeBase) -> str:
    """All entries as one BibTeX file, by pybtex's writer (imported here: the build's main process
    imports pybtex only when it writes the downloads, see `kb.bibtex`)."""
    from pybtex.database.output.bibtex import Writer as BibTeXWriter

    writer = BibTeXWriter()
    # It runs every value through latexcodec, and most recur (outlet, access date, year): each
    # distinct value is encoded once. 1,000 entries: 0.49 -> 0.29 s, same text.
    writer._encode = cache(writer._encode)
    return writer.to_string(bibliography_data(kb.bib))


def _date_parts(date: FuzzyDate) -> dict:
    csl = {"date-parts": [[int(p) for p in date.value.split("-")]]}
    if date.qualifier or date.inferred:
        csl["circa"] = True
    return csl


def _csl(kb: KnowledgeBase, page: SourcePage) -> dict:
    """CSL-JSON item. Names are given as `literal`: Korean names must not be split by guesswork."""
    src = page.source
    item = {
        "id": src.bib,
        "type": "report" if src.evidence == "ngo-report" else "article-newspaper",
        "title": src.title,
        "container-title": kb.outlets[src.outlet].name,
        "issued": _date_parts(src.published),
        "accessed": {"date-parts": [[src.accessed.year, src.accessed.month, src.accessed.day]]},
        "URL": src.url,
        "language": src.language,
    }
    if src.authors:
        item["author"] = [{"literal": name} for name in src.authors]
    if src.translators:
        item["translator"] = [{"literal": name} for name in src.translators]
    notes = [n for n in (src.published.inferred and f"Publication date inferred: {src.published.inferred}",
                         src.title_is_ours and "Descriptive title by the editors; headline not known.") if n]
    if notes:
        item["note"] = " ".join(notes)
    return item


def _claim_row(kb: KnowledgeBase, derived: Derived, ref: ClaimRef, page: str) -> dict:
    claim, src = ref.claim, ref.page.source
    corroboration = derived.corroboration[ref.ref]
    date = claim.date
    return {
        "source": ref.page.slug,
        "claim_id": claim.id,
        "event_date": date.value if date else "",
        "event_date_precision": date.precision if date else "",
        "event_date_qualifier": (date.qualifier or "") if date else "",
        "event_date_inferred": (date.inferred or "") if date else "",
        "text": claim.text,
        "quote": claim.quote,
        "topics": ";".join(claim.topics),
        "places": ";".join(claim.places),
        "organizations": ";".join(claim.organizations),
        "status": corroboration.status,
        "independent_outlets": corroboration.outlets,
        "outlet": kb.outlets[src.outlet].name,
        "published": src.published.value,
        "source_url": src.url,
        "page": page,
    }


def _json_array(items: Iterable[dict], indent: int | None = None) -> Iterator[str]:
    """A JSON array, item by item: with no `indent`, one item on each line, made by json's C
    encoder (with `indent`, json encodes in Python); with it, as json.dumps(items, indent=...)
    would write the whole array."""
    empty = True
    yield "["
    for item in items:
        text = json.dumps(item, ensure_ascii=False, indent=indent)
        yield ("\n" if empty else ",\n") + (textwrap.indent(text, " " * indent) if indent else text)
        empty = False
    yield "]\n" if empty else "\n]\n"


def _csv(rows: Iterable[dict], piece_chars: int = 1 << 16) -> Iterator[str]:
    """claims.csv in pieces of about `piece_chars` characters."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CLAIM_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
        if out.tell() >= piece_chars:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()
