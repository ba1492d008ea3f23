"""pikepdf (qpdf) joins the printed parts into one PDF: the pages in order, every part's named
destinations in one catalog /Dests, bookmarks, page numbers in the footers, and the build's date.

The result is reproducible: two runs on one site give the same bytes. The page-number font has a
fixed resource name, the file's /ID is computed from its contents (`deterministic_id`), and its
dates are the build's (kb/dates.py: SOURCE_DATE_EPOCH or the last commit), never the clock. Nothing
of the parts' own /Info (chromium writes its clock there) is carried over.
(pypdf took more than 4 minutes to merge the parts of 1,000 sources; pikepdf seconds.)
"""

from __future__ import annotations

import datetime as dt
import warnings
from pathlib import Path

import pikepdf
from pikepdf.models.metadata import encode_pdf_date

from .model import Part, Section, owner_anchor

# The page number at the bottom right, as print.css placed it when chromium printed the whole document
# in one run (its counter restarts in every part): 9 pt, grey, right-aligned 16 mm from the edge, in
# the middle of the 20 mm bottom margin. Helvetica is one of the 14 fonts every PDF reader has; its
# digits are all 0.556 em wide, which right-aligns them without measuring.
NUMBER_SIZE, NUMBER_RIGHT, NUMBER_BASELINE, DIGIT_WIDTH = 9, 16 * 72 / 25.4, 10 * 72 / 25.4 - 3, 0.556
# The font's name in each page's resources. Fixed: pikepdf's `prefix=` adds a random suffix, which made
# two runs differ. Chromium names its fonts /F<n>, so this one cannot replace one of them.
NUMBER_FONT = pikepdf.Name("/KbPageNumber")


def merge_parts(part_files: list[Path], parts: list[Part], sections: list[Section], pdf_file: Path,
                title: str, built: dt.datetime) -> dict[str, int]:
    """One PDF of the parts. Returns the page (1-based) of every named destination. A link to another
    part needs nothing: chromium wrote it as a link to the destination's name (the part had a stand-in
    for the id), and the name is now defined. The stand-ins' own destinations, and the invisible links
    that made chromium write the part's destinations, are left out."""
    merged = pikepdf.new()
    dests = pikepdf.Dictionary()
    pages_of: dict[str, int] = {}
    opened = []
    for part_file, part in zip(part_files, parts):
        source = pikepdf.open(part_file)
        opened.append(source)
        first = len(merged.pages)
        index_of = {page.obj.objgen: number for number, page in enumerate(source.pages)}
        _drop_target_links(source.pages[0])
        with warnings.catch_warnings():
            # It warns that named destinations are not carried: they are, below. (add_pages_from
            # would carry them, but rename the stand-ins' names that collide with the real ones.)
            warnings.simplefilter("ignore", pikepdf.PageCopyWarning)
            merged.pages.extend(source.pages)
        for name, dest in source.Root.get("/Dests", pikepdf.Dictionary()).items():
            if _kept_destination(name, part, dests):
                number = first + index_of[dest[0].objgen]
                dests[name] = pikepdf.Array([merged.pages[number].obj, *list(dest)[1:]])
                pages_of[name[1:]] = number + 1
    merged.Root.Dests = merged.make_indirect(dests)
    with merged.open_outline() as outline:
        outline.root.extend(chapter_outline(sections, pages_of))
    merged.Root.PageMode = pikepdf.Name.UseOutlines
    stamp_page_numbers(merged)
    date = encode_pdf_date(built)
    merged.trailer.Info = merged.make_indirect(pikepdf.Dictionary(
        Title=pikepdf.String(title), CreationDate=pikepdf.String(date), ModDate=pikepdf.String(date)))
    # pikepdf.new() is a PDF 1.3; the parts' pages use 1.4 features (transparency), so the file says so.
    version = max(source.pdf_version for source in opened)  # "1.4": one digit after the point
    merged.save(pdf_file, min_version=version, deterministic_id=True)
    for source in opened:
        source.close()
    return pages_of


def _kept_destination(name: str, part: Part, taken) -> bool:
    """A part's named destination goes into the merged PDF if it is an id of one of the part's own
    chapters, or a document-level id no part has given yet; the stand-ins for ids of other parts go."""
    owner = owner_anchor(name[1:])
    return owner in part.anchors or (not owner.startswith("page:") and name not in taken)


def destination_pages(part_files: list[Path], parts: list[Part]) -> dict[str, int]:
    """The page (1-based) every named destination will have in the merged PDF, read from the parts
    without merging them: the page numbers for the table of contents cost seconds, not a merge."""
    pages_of: dict[str, int] = {}
    taken: set[str] = set()
    first = 0
    for part_file, part in zip(part_files, parts):
        with pikepdf.open(part_file) as source:
            index_of = {page.obj.objgen: number for number, page in enumerate(source.pages)}
            for name, dest in source.Root.get("/Dests", pikepdf.Dictionary()).items():
                if _kept_destination(name, part, taken):
                    taken.add(name)
                    pages_of[name[1:]] = first + index_of[dest[0].objgen] + 1
            first += len(source.pages)
    return pages_of


def stamp_page_numbers(pdf: pikepdf.Pdf) -> None:
    """Write each page's number in its footer; the cover (page 1) has none."""
    font = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                BaseFont=pikepdf.Name.Helvetica, Encoding=pikepdf.Name.WinAnsiEncoding))
    for number, page in enumerate(pdf.pages, start=1):
        if number == 1:
            continue
        name = page.add_resource(font, pikepdf.Name.Font, name=NUMBER_FONT)
        left, bottom, right, _ = (float(v) for v in page.mediabox)
        x = right - NUMBER_RIGHT - DIGIT_WIDTH * NUMBER_SIZE * len(str(number))
        page.contents_add(pdf.make_stream(b"q\n"), prepend=True)
        text = f"Q q 0.2 g BT {name} {NUMBER_SIZE} Tf {x:.2f} {bottom + NUMBER_BASELINE:.2f} Td ({number}) Tj ET Q\n"
        page.contents_add(pdf.make_stream(text.encode("ascii")))


def _drop_target_links(page: pikepdf.Page) -> None:
    """The links of the `kb-print-targets` block (top left of a part's first page, under 2 pt)."""
    if "/Annots" not in page.obj:
        return
    kept = []
    for annotation in page.obj.Annots:
        x1, y1, x2, y2 = (float(v) for v in annotation.Rect)
        if not (annotation.get("/Subtype") == pikepdf.Name.Link and abs(x2 - x1) < 2 and abs(y2 - y1) < 2):
            kept.append(annotation)
    page.obj.Annots = pikepdf.Array(kept)


def chapter_outline(sections: list[Section], pages_of: dict[str, int]) -> list[pikepdf.OutlineItem]:
    """Bookmarks: each section, and under it each chapter, at the page it starts on. (Chromium makes
    bookmarks from the headings only for a tagged PDF, and the parts are printed untagged.)"""
    outline = []
    for section in sections:
        chapters = [pikepdf.OutlineItem(page.title, pages_of[page.anchor] - 1) for page in section.pages]
        item = pikepdf.OutlineItem(section.title, pages_of[section.pages[0].anchor] - 1)
        item.children.extend(chapters)
        outline.append(item)
    return outline
