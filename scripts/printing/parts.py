"""The print document cut into parts, each rendered as one print page for one chromium run
(the template and print stylesheet are in scripts/print/).

Chromium's time and memory grow faster than the size of the page it prints: 66 MB at once needed
more than 9.6 GB at 1,000 sources and had not finished after 5.5 minutes; parts of a few MB print
with a few hundred MB each.
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from .model import Part, PrintDocument, PrintPage, owner_anchor

# The print page's template and stylesheet.
PRINT_TEMPLATES = Path(__file__).resolve().parent.parent / "print"
# In the table of contents before the page numbers are known: as wide as the numbers (print.css
# gives them a box of fixed width, so writing the real ones changes no line break).
PLACEHOLDER_PAGE_NUMBER = "000"


def split_into_parts(document: PrintDocument, max_bytes: int) -> list[Part]:
    """The cover and contents alone (reprinted cheaply with the page numbers), then the chapters in
    order, cut between chapters into parts of at most `max_bytes` of HTML (one chapter may exceed it).
    Each part learns which of its ids other parts link to, and which ids of other parts it links to."""
    parts = [Part([], front=True)]
    size = max_bytes
    for page in document.pages:
        if size + len(page.html) > max_bytes and size:
            parts.append(Part([]))
            size = 0
        parts[-1].pages.append(page)
        size += len(page.html)
    part_of = {page.anchor: number for number, part in enumerate(parts) for page in part.pages}
    targets: list[set[str]] = [set() for _ in parts]
    foreign: list[set[str]] = [set() for _ in parts]
    for page in document.pages:
        here = part_of[page.anchor]
        for target in page.links:
            owner = part_of.get(owner_anchor(target))
            if owner is not None and owner != here:
                targets[owner].add(target)
                foreign[here].add(target)
        targets[here].add(page.anchor)  # the table of contents links to every chapter
        foreign[0].add(page.anchor)
    for part, wanted, linked in zip(parts, targets, foreign):
        part.targets, part.foreign = sorted(wanted), sorted(linked)
    return parts


def css_string(value: str) -> Markup:
    """A CSS string for the page's <style>, whose text is not HTML: Jinja's entities (&#34;) would stay
    literal there, so the string is escaped for CSS instead (`<` too, so that it cannot close the style)."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ").replace("<", "\\3c ")
    return Markup('"' + escaped + '"')


def render_document(document: PrintDocument, page_numbers: dict[str, int], build_date: str,
                    part: Part | None = None) -> str:
    """The print page of one part, or with no part the whole joined document (kept for inspection)."""
    env = Environment(loader=FileSystemLoader(PRINT_TEMPLATES), autoescape=select_autoescape(["j2", "html"]),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["css_string"] = css_string
    part = part or Part(document.pages, front=True)
    printed = []
    for page in part.pages:
        markup = PrintPage(page.path, page.title)
        markup.html = Markup(page.html)
        printed.append(markup)
    return env.get_template("print.html.j2").render(
        site_name=document.site_name, description=document.description, licence=document.licence,
        site_url=document.site_url, lang=document.lang, stylesheets=document.stylesheets,
        body_attrs=document.body_attrs, toc=document.sections if part.front else None, pages=printed,
        targets=part.targets, foreign=part.foreign, page_numbers=page_numbers,
        placeholder=PLACEHOLDER_PAGE_NUMBER, build_date=build_date,
    )
