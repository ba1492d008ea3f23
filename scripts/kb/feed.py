"""The Atom 1.0 feed (RFC 4287) of What's new: `feed.xml` at the root of the site.

Written with an XML library (ElementTree), not a template, so that every value is escaped as XML
needs. Ids are `urn:uuid:` names made from what an entry is (the source, the commit), so they stay
the same from build to build and when the site moves. Links are absolute when the site's address
is known (SITE_URL); without it they are relative to the feed's own address, which RFC 4287 allows
(readers resolve them against the URL they fetched the feed from), and a comment says so.
"""

from __future__ import annotations

import datetime as dt
import uuid
import xml.etree.ElementTree as ET

from .derive import claim_anchor
from .model import KnowledgeBase
from .paths import WHATS_NEW, source_path
from .whats_new import Entry, WhatsNew

FEED = "feed.xml"
ATOM = "http://www.w3.org/2005/Atom"
#: The namespace of the feed's uuid5 ids: changing it would make readers see every entry as new.
ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:nk-border-surveillance-kb:feed")
NO_SITE_URL = (" Built without SITE_URL: the links are relative to this feed's address. "
               "Set SITE_URL (the site's address) when building for absolute links. ")


def atom(kb: KnowledgeBase, news: WhatsNew, *, title: str, site_url: str, page_url, limit: int | None = None) -> str:
    """The feed's XML. `page_url(path under docs/)` gives a page's URL relative to the site root
    ('sources/x/'); `site_url` is the site's address ('' when unknown)."""
    base = site_url.rstrip("/") + "/" if site_url else ""
    ET.register_namespace("", ATOM)
    feed = ET.Element(_atom("feed"))
    _text(feed, "id", _id("feed"))
    _text(feed, "title", title)
    _text(feed, "subtitle", "Sources added to the knowledge base, and changes to their claims, newest first.")
    entries = news.latest(news.feed_limit if limit is None else limit)
    newest = entries[0].moment if entries else news.history.fallback
    _text(feed, "updated", _rfc3339(newest))
    ET.SubElement(feed, _atom("link"), rel="self", type="application/atom+xml", href=base + FEED)
    ET.SubElement(feed, _atom("link"), rel="alternate", type="text/html", href=base + page_url(WHATS_NEW))
    author = ET.SubElement(feed, _atom("author"))
    _text(author, "name", title)
    for entry in entries:
        feed.append(_entry(kb, entry, base, page_url))
    ET.indent(feed)
    comment = "" if site_url else f"<!--{NO_SITE_URL}-->\n"
    return '<?xml version="1.0" encoding="utf-8"?>\n' + comment + ET.tostring(feed, encoding="unicode") + "\n"


def _entry(kb: KnowledgeBase, entry: Entry, base: str, page_url) -> ET.Element:
    src = entry.page.source
    outlet = kb.outlets[src.outlet].name if src.outlet in kb.outlets else src.outlet
    element = ET.Element(_atom("entry"))
    _text(element, "id", _id(entry.key))
    link = base + page_url(source_path(entry.page.slug))
    if entry.kind == "added":
        _text(element, "title", f"Added: {src.title}")
        count = len(src.claims)
        summary = f"{outlet}, {src.published.display()}. {count} claim{'' if count == 1 else 's'}."
        _text(element, "published", _rfc3339(entry.moment))
    else:
        _text(element, "title", f"Claims changed: {src.title}")
        parts = [f"{label} {', '.join(ids)}" for label, ids in
                 (("Added", entry.added), ("Corrected", entry.corrected), ("Removed", entry.removed)) if ids]
        summary = "; ".join(parts) + "."
        first = (entry.added or entry.corrected)[:1]
        if first:
            link += "#" + claim_anchor(first[0])
    _text(element, "updated", _rfc3339(entry.moment))
    ET.SubElement(element, _atom("link"), rel="alternate", type="text/html", href=link)
    _text(element, "summary", summary)
    topics = {claim_topic for claim in src.claims for claim_topic in claim.topics}
    for slug in sorted(topics):
        label = kb.topics[slug].title if slug in kb.topics else slug
        ET.SubElement(element, _atom("category"), term=slug, label=label)
    return element


def _atom(name: str) -> str:
    return f"{{{ATOM}}}{name}"


def _text(parent: ET.Element, name: str, value: str) -> ET.Element:
    child = ET.SubElement(parent, _atom(name))
    child.text = value
    return child


def _id(key: str) -> str:
    return f"urn:uuid:{uuid.uuid5(ID_NAMESPACE, key)}"


def _rfc3339(moment: dt.datetime) -> str:
    """RFC 3339 as Atom requires: a time zone always, 'Z' for UTC."""
    return moment.isoformat().replace("+00:00", "Z")
