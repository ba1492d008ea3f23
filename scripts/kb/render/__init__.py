"""Render: KnowledgeBase + Derived -> {page path: Markdown}. Pure; no MkDocs.

    escaping.py        text / h / url filters: a contributor's value can never become markup
    links.py           relative links between pages (Markdown paths and site URLs)
    deferred.py        raw HTML that skips Python-Markdown and goes in after it
    labels.py          how sources, languages and years are named
    backlinks.py       which pages link to each page
    renderer.py        the Renderer: the Jinja environment, claim blocks, PAGE_KINDS
    listings.py        long lists split by year and into numbered pages (`paths.DEFAULT_PAGE_CLAIMS`)
    index_pages.py     topics, sources (and by year), places, organizations, timeline, glossary,
                       bibliography (and its numbered pages)
    timeline_pages.py  the timeline's year pages and figures
    entity_pages.py    a page per topic, place and organization (and per year, when split)
"""

from .backlinks import backlinks, markdown_links, page_title
from .escaping import h, text, text_fragment, url
from .labels import byline, source_label
from .links import html_link, html_url
from .renderer import PAGE_KINDS, TEMPLATES, Renderer
from .timeline_pages import FIGURE_ROWS

__all__ = [
    "FIGURE_ROWS", "PAGE_KINDS", "TEMPLATES", "Renderer",
    "backlinks", "byline", "h", "html_link", "html_url", "markdown_links", "page_title", "source_label", "text",
    "text_fragment", "url",
]
