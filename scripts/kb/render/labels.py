"""How sources, languages and years are named on the pages."""

from __future__ import annotations

from itertools import groupby

from ..derive import ClaimRef
from ..model import KnowledgeBase, SourcePage

LANGUAGES = {"en": "English", "ko": "Korean", "zh": "Chinese", "ja": "Japanese", "ru": "Russian"}


def _by_year(refs: list[ClaimRef]) -> list[tuple[str, list[ClaimRef]]]:
    def year(ref: ClaimRef) -> str:
        return str(ref.claim.date.year) if ref.claim.date else "Undated"

    return [(y, list(group)) for y, group in groupby(refs, key=year)]


def _language(code: str) -> str:
    return LANGUAGES.get(code, code)


def byline(page: SourcePage) -> str:
    src = page.source
    parts = [", ".join(src.authors) if src.authors else "no byline"]
    if src.translators:
        parts.append("translated by " + ", ".join(src.translators))
    return "; ".join(parts)


def source_label(kb: KnowledgeBase, page: SourcePage) -> str:
    """'ASIAPRESS, June 2025': how a claim's source is named in lists."""
    outlet = kb.outlets.get(page.source.outlet)
    name = outlet.name if outlet else page.source.outlet
    return f"{name}, {page.source.published.display()}"

