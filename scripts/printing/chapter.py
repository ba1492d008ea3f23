"""One page of the built site made a chapter of the print document.

Every id and in-page link is prefixed with the page (`page:sources/<slug>:claim-<id>`), so that
footnote ids (`fn:1`, `fnref:1`) and claim anchors stay unique once the pages are joined (the known
failure of joined print pages); links between pages become links inside the document. On list pages
(topics, places, organizations, timeline) each claim is printed on one line linking to the claim in
full on its source page: at 1,000 sources those pages are two thirds of the site's HTML.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urljoin

from bs4 import BeautifulSoup, Tag

from .model import PrintPage, is_external, resolve_site_path, section_of

# Sections whose claims are printed in full; elsewhere a claim is one line linking to it (compact_claims).
FULL_CLAIM_SECTIONS = {"sources"}
# Attributes that name another element by id, and so must be prefixed like the ids themselves.
ID_REFERENCES = ("for", "aria-labelledby", "aria-describedby", "aria-controls", "aria-owns")
URL_REFERENCE = re.compile(r"url\(\s*(['\"]?)#([^)'\"]+)\1\s*\)")


def chapter(soup: BeautifulSoup, path: str, anchors: dict[str, str], site_url: str, site_dir: Path) -> PrintPage:
    """The page at `path` (its <article> parsed in `soup`) rewritten as a chapter of the joined
    document; `anchors` are every page's, `site_url` the published site's address (for files that are
    not pages), `site_dir` the built site (images load from it)."""
    article = article_of(soup, path)
    page = PrintPage(path, page_title(article, soup))
    if section_of(path) not in FULL_CLAIM_SECTIONS:
        compact_claims(article, soup)
    page.ids = prefix_ids(article, page.anchor) | {page.anchor}
    rewrite_links(article, page, anchors, site_url)
    rewrite_assets(article, page, site_dir)
    page.html = article.decode_contents()
    return page


def article_of(soup: BeautifulSoup, path: str) -> Tag:
    article = soup.find("article")
    if article is None:
        raise SystemExit(f"site/{path}index.html has no <article>: is this a Material for MkDocs build?")
    # Screen-only: per-page "Cite this page" boxes (the PDF has the How to cite chapter) and
    # "Pages that link here" (at 1,000 sources a topic's list repeats its Sources list, pages long).
    for tag in article.select("a.headerlink, .md-content__button, .md-source-file, .md-feedback,"
                              " details.kb-cite, #pages-that-link-here, ul.kb-backlinks"):
        tag.decompose()
    for details in article.find_all("details"):
        details["open"] = ""  # quotes folded on screen are printed open
    return article


def page_title(article: Tag, soup: BeautifulSoup) -> str:
    h1 = article.find("h1")
    if h1 is not None:
        return h1.get_text(" ", strip=True)
    return soup.title.get_text(strip=True) if soup.title else "Untitled"


def prefix_ids(article: Tag, anchor: str) -> set[str]:
    """Make every id unique in the joined document, with the references to it (labels, SVG url(#x)).
    Returns the new ids."""
    ids = set()
    for tag in article.find_all(True):
        if tag.has_attr("id"):
            tag["id"] = f"{anchor}:{tag['id']}"
            ids.add(tag["id"])
        for name in ID_REFERENCES:
            if tag.has_attr(name):
                value = tag[name] if isinstance(tag[name], str) else " ".join(tag[name])
                tag[name] = " ".join(f"{anchor}:{ref}" for ref in value.split())
        if tag.name == "input" and tag.has_attr("name"):
            tag["name"] = f"{anchor}:{tag['name']}"  # content tabs: radio groups stay per page
        for name, value in list(tag.attrs.items()):
            if isinstance(value, str) and "url(" in value:
                tag[name] = URL_REFERENCE.sub(lambda m: f"url(#{anchor}:{m.group(2)})", value)
    return ids


def mark_external(a: Tag) -> None:
    """Print the address after an external link, unless the link text already is that address."""
    href = a["href"]
    shown = a.get_text(strip=True)
    if shown.rstrip("/") != href.rstrip("/") and shown.rstrip("/") != href.split("://", 1)[-1].rstrip("/"):
        a["class"] = [*a.get("class", []), "kb-print-external"]


def rewrite_links(article: Tag, page: PrintPage, anchors: dict[str, str], site_url: str) -> None:
    """In-page links get the page's prefix; links to other pages point into the joined document.
    The ids linked to are added to `page.links`."""
    for a in article.find_all("a", href=True):
        href = a["href"]
        if is_external(href):
            mark_external(a)
        elif href.startswith("#"):
            fragment = unquote(href[1:])
            a["href"] = f"#{page.anchor}:{fragment}" if fragment else f"#{page.anchor}"
        else:
            target, fragment = resolve_site_path(page.path, href) or ("", "")
            target_anchor = anchors.get(target) or anchors.get(target + "/")
            if target_anchor:
                a["href"] = f"#{target_anchor}:{fragment}" if fragment else f"#{target_anchor}"
            elif site_url:
                a["href"] = urljoin(site_url, target)  # a file of the site (e.g. the PDF itself): online copy
                mark_external(a)
            else:
                del a["href"]  # nowhere to go on paper
        if a.get("href", "").startswith("#"):
            page.links.add(unquote(a["href"][1:]))


def rewrite_assets(article: Tag, page: PrintPage, site_dir: Path) -> None:
    """Images and SVG figures load from the built site by absolute file:// URI."""
    def uri(ref: str) -> str:
        resolved = resolve_site_path(page.path, ref)
        return (site_dir / resolved[0]).resolve().as_uri() if resolved else ref

    for tag in article.find_all(["img", "source", "video", "audio", "iframe", "embed"], src=True):
        tag["src"] = uri(tag["src"])
    for tag in article.find_all("object", data=True):
        tag["data"] = uri(tag["data"])
    for tag in article.find_all(srcset=True):
        tag["srcset"] = ", ".join(
            " ".join([uri(item.split()[0]), *item.split()[1:]]) for item in tag["srcset"].split(",") if item.strip()
        )
    for tag in article.find_all("image"):
        for name in ("href", "xlink:href"):
            if tag.has_attr(name) and not tag[name].startswith(("#", "data:")):
                tag[name] = uri(tag[name])


def compact_claims(article: Tag, soup: BeautifulSoup) -> None:
    """Claims listed on topic, place, organization and timeline pages as one line each.

    Every claim is printed in full (quote, status, citation) on its source page; a list page only
    needs its date, its text and a link to it there. This makes those pages several times shorter,
    which is most of the document at 1,000 sources. The footnotes that only these claims used go too.
    """
    for claim in article.select("div.kb-claim"):
        paragraphs = claim.find_all("p", recursive=False)
        if len(paragraphs) < 2:
            continue
        meta, text = paragraphs[0], paragraphs[1]
        line = soup.new_tag("p", attrs={"class": "kb-print-claim"})
        date, source = meta.find("strong"), meta.find("a", class_="kb-claim-source")
        if date is not None:
            line.append(date)
            line.append(" · ")
        for sup in text.select("sup[id]"):
            sup.decompose()
        line.extend(list(text.contents))
        if source is not None:
            line.append(" — ")
            line.append(source)
        claim.replace_with(line)
    drop_unused_footnotes(article)


def drop_unused_footnotes(article: Tag) -> None:
    """Footnotes whose references were all removed go; the others keep their number (`value`)."""
    ids = {tag["id"] for tag in article.find_all(id=True)}
    for footnotes in article.select("div.footnote"):
        for number, li in enumerate(footnotes.select("ol > li"), start=1):
            backrefs = li.select("a.footnote-backref")
            for backref in backrefs:
                if backref.get("href", "")[1:] not in ids:
                    backref.decompose()
            if backrefs and not li.select("a.footnote-backref"):
                li.decompose()
            else:
                li["value"] = str(number)
        if not footnotes.select("li"):
            footnotes.decompose()
