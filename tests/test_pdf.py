"""The PDF of the whole knowledge base: `scripts/pdf.py` on the real strict build, read back with
poppler-utils (pdfinfo, pdftotext, pdftoppm, pdffonts) and pypdf (links, destinations, fonts)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from kbtest import run_build

pytestmark = pytest.mark.pdf

HANGUL = re.compile(r"[\uac00-\ud7a3]")
KOREAN_FONTS = ("Nanum", "CJK", "WenQuanYi")


@pytest.fixture(scope="session")
def printed(site: Path, root: Path, chromium: str, tmp_path_factory) -> dict[str, Path]:
    """`scripts/pdf.py` run once on the session's strict build; the PDF and the joined print page.
    Parts of 0.15 MB print the seed site in several chromium runs, as 1,000 sources are, so that the
    tests below also check links, destinations and page numbers across parts."""
    work = tmp_path_factory.mktemp("pdf")
    pdf, html = work / "kb.pdf", work / "print.html"
    env = {**os.environ, "CHROMIUM": chromium, "PYTHONPATH": str(root / "scripts"), "SOURCE_DATE_EPOCH": "1764547200"}
    result = subprocess.run(
        [sys.executable, str(root / "scripts" / "pdf.py"), "--site-dir", str(site), "--no-build",
         "--out", str(pdf), "--keep-html", str(html), "--part-mb", "0.15"],
        capture_output=True, text=True, env=env, cwd=root,
    )
    assert result.returncode == 0, f"pdf.py failed:\n{result.stdout}\n{result.stderr}"
    assert "warning" not in result.stderr, result.stderr
    assert int(re.search(r"\((\d+) parts\)", result.stdout).group(1)) >= 4, result.stdout
    return {"pdf": pdf, "html": html}


@pytest.fixture(scope="session")
def reader(printed):
    from pypdf import PdfReader

    return PdfReader(printed["pdf"])


@pytest.fixture(scope="session")
def kb(root: Path):
    from kb import build

    result = build(root)
    assert result.ok, [str(p) for p in result.problems]
    return result.kb


def pdftotext(pdf: Path, first: int | None = None, last: int | None = None) -> str:
    pages = (["-f", str(first)] if first else []) + (["-l", str(last)] if last else [])
    return subprocess.run(["pdftotext", *pages, str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def flat(text: str) -> str:
    """Text with line breaks and runs of spaces made single spaces, for titles that wrap."""
    return " ".join(text.split())


def destination_pages(reader) -> dict[str, int]:
    """Named destination -> page number (1-based)."""
    return {name.lstrip("/"): reader.get_destination_page_number(dest) + 1 for name, dest in reader.named_destinations.items()}


def link_annotations(reader):
    """(page number, annotation) of every link annotation in the PDF."""
    for number, page in enumerate(reader.pages, start=1):
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            if annotation.get("/Subtype") == "/Link":
                yield number, annotation


def internal_target(annotation) -> str | None:
    dest = annotation.get("/Dest")
    if dest is None and annotation.get("/A", {}).get("/S") == "/GoTo":
        dest = annotation["/A"]["/D"]
    return str(dest).lstrip("/") if dest is not None else None


def test_page_count_covers_every_chapter(printed, kb):
    info = subprocess.run(["pdfinfo", str(printed["pdf"])], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    chapters = 2 + len(kb.sources) + len(kb.topics) + len(kb.places) + len(kb.organizations)  # + cover and contents
    assert pages > chapters, f"{pages} pages for {chapters} chapters, each starting on a new page"


def test_cover_has_title_date_and_licence(printed):
    cover = flat(pdftotext(printed["pdf"], 1, 1))
    assert "North Korea" in cover
    assert "Built 1 December 2025" in cover, cover  # SOURCE_DATE_EPOCH, for a reproducible PDF
    assert "CC BY 4.0" in cover and "MIT" in cover and "publishers" in cover, cover


def test_every_source_topic_place_and_organization_title_is_printed(printed, kb):
    text = flat(pdftotext(printed["pdf"]))
    titles = [page.source.title for page in kb.sources.values()] + [t.title for t in kb.topics.values()]
    titles += [p.name for p in kb.places.values()] + [o.name for o in kb.organizations.values()]
    missing = [title for title in titles if flat(title) not in text]
    assert not missing, f"not in the PDF: {missing}"


def test_bibliography_lists_every_bibtex_entry(printed, reader, root):
    from pybtex.database import parse_file

    start = destination_pages(reader)["page:bibliography"]
    bibliography = flat(pdftotext(printed["pdf"], start))
    for bib_file in sorted((root / "bib").glob("*.bib")):
        for key, entry in parse_file(str(bib_file)).entries.items():
            title = flat(entry.fields["title"].replace("{", "").replace("}", ""))
            assert title.casefold() in bibliography.casefold(), f"{key}: {title!r} missing from the bibliography"


def test_table_of_contents_shows_the_page_each_chapter_starts_on(printed, reader, kb):
    dests = destination_pages(reader)
    toc_html = BeautifulSoup(printed["html"].read_text(encoding="utf-8"), "lxml").select_one("nav.kb-print-toc")
    entries = {a["href"][1:]: flat(a.select_one(".kb-toc-title").get_text()) for a in toc_html.select("a[href]")}
    assert len(entries) > len(kb.sources) + len(kb.topics)
    toc_pages = range(2, min(dests[anchor] for anchor in entries))  # contents run from page 2 to the first chapter
    printed_numbers: dict[str, int] = {}
    for number in toc_pages:
        page = reader.pages[number - 1]
        chunks: list[tuple[float, str]] = []
        page.extract_text(visitor_text=lambda text, cm, tm, font, size: chunks.append((tm[5] * cm[3] + cm[5], text)))
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            target = internal_target(annotation)
            if target in entries:
                bottom, top = sorted(float(v) for v in annotation["/Rect"][1::2])
                numbers = [t.strip() for y, t in chunks if bottom - 1 <= y <= top + 1 and t.strip().isdigit()]
                assert numbers, f"no page number printed for {entries[target]!r}"
                printed_numbers[target] = int(numbers[-1])
    assert set(printed_numbers) == set(entries), "every chapter is listed with a link"
    wrong = {entries[a]: (n, dests[a]) for a, n in printed_numbers.items() if n != dests[a]}
    assert not wrong, f"printed vs real page: {wrong}"
    for anchor, title in entries.items():
        assert title[:40] in flat(pdftotext(printed["pdf"], dests[anchor], dests[anchor])), f"{title!r} is not on its page"


def test_footer_page_numbers_run_on_across_parts(printed, reader):
    last = len(reader.pages)
    for number in (3, last // 2, last):
        footer = pdftotext(printed["pdf"], number, number).split()
        assert footer and footer[-1] == str(number), f"page {number} is numbered {footer[-1:]}"


def test_list_pages_print_each_claim_on_one_line_and_sources_in_full(printed):
    soup = BeautifulSoup(printed["html"].read_text(encoding="utf-8"), "lxml")
    topic = next(s for s in soup.select("section.kb-print-page") if s["data-path"].startswith("topics/") and s.select(".kb-print-claim"))
    assert not topic.select("div.kb-claim, details.quote"), "a topic page prints its claims without quotes"
    line = topic.select_one(".kb-print-claim")
    assert line.select_one("a.kb-claim-source")["href"].startswith("#page:sources/"), "each line links to its claim"
    for backref in topic.select("a.footnote-backref"):
        assert topic.find(id=backref["href"][1:]), "no footnote left whose reference was removed"
    source = next(s for s in soup.select("section.kb-print-page") if s["data-path"].startswith("sources/") and s.select("div.kb-claim"))
    assert source.select("div.kb-claim blockquote"), "a source page prints its claims with their quotes"


def test_bookmarks_list_every_section_and_chapter_at_its_page(reader, kb):
    dests = destination_pages(reader)
    sections = reader.outline
    chapters = [item for group in sections if isinstance(group, list) for item in group]
    assert len(chapters) > len(kb.sources) + len(kb.topics)
    titles = {flat(item.title) for item in chapters}
    assert all(flat(page.source.title) in titles for page in kb.sources.values())
    for item in chapters[:: max(1, len(chapters) // 20)]:
        assert reader.get_destination_page_number(item) + 1 in dests.values()


def test_internal_links_jump_to_named_destinations(reader):
    dests = destination_pages(reader)
    targets = [internal_target(a) for _, a in link_annotations(reader)]
    internal = [t for t in targets if t is not None]
    assert len(internal) > 100
    dangling = sorted({t for t in internal if t not in dests})
    assert not dangling, f"links to destinations the PDF lacks: {dangling[:10]}"


def test_topic_links_to_a_claim_land_on_that_claim_in_its_source(reader, kb):
    dests = destination_pages(reader)
    slug, page = next((s, p) for s, p in kb.sources.items() if p.source.claims)
    claim = page.source.claims[0]
    claim_dest = f"page:sources/{slug}:claim-{claim.id}"
    assert claim_dest in dests, f"no destination for {claim_dest}"
    linking_pages = {number for number, a in link_annotations(reader) if internal_target(a) == claim_dest}
    topic_start = min(dests[f"page:topics/{t}"] for t in claim.topics)
    assert any(number >= topic_start for number in linking_pages), "no topic page links to the claim"
    source_start = dests[f"page:sources/{slug}"]
    assert source_start <= dests[claim_dest] < source_start + 20


def test_joined_page_keeps_every_id_unique_and_footnotes_per_page(printed):
    soup = BeautifulSoup(printed["html"].read_text(encoding="utf-8"), "lxml")
    ids = Counter(tag["id"] for tag in soup.find_all(id=True))
    assert not [i for i, n in ids.items() if n > 1], "duplicate ids in the joined page"
    footnotes = [tag["id"] for tag in soup.select("li[id]") if ":fn:" in tag["id"]]
    assert len({f.split(":fn:")[0] for f in footnotes}) > 3, "footnotes of several pages, each prefixed with its page"
    for backref in soup.select("a.footnote-backref"):
        assert backref["href"][1:] in ids, f"footnote back-link to nowhere: {backref['href']}"


def test_external_links_print_their_address(printed, root):
    import yaml

    text = "".join(pdftotext(printed["pdf"]).split())
    outlets = yaml.safe_load((root / "data" / "outlets.yml").read_text(encoding="utf-8"))
    urls = [o["url"] for o in (outlets.values() if isinstance(outlets, dict) else outlets) if isinstance(o, dict) and o.get("url")]
    assert urls, "the outlets registry has URLs to check"
    assert any(f"<{url}>" in text for url in urls), "external links name their address after the link text"


def test_pages_are_not_blank(printed, tmp_path):
    from PIL import Image, ImageStat

    for number in (1, 2, 5):
        prefix = tmp_path / f"page{number}"
        subprocess.run(["pdftoppm", "-gray", "-r", "40", "-png", "-singlefile", "-f", str(number), "-l", str(number),
                        str(printed["pdf"]), str(prefix)], check=True)
        with Image.open(f"{prefix}.png") as page:
            image = page.convert("L")
            darkest, _ = image.getextrema()
            assert darkest < 100 and ImageStat.Stat(image).mean[0] < 254, f"page {number} looks blank"


def test_hangul_is_drawn_with_a_korean_font_not_empty_boxes(printed, reader):
    """Without a Korean font chromium draws Hangul with the Latin font's empty .notdef box while pdftotext
    still extracts it; so check the font each Hangul run is drawn with, page by page."""
    fonts = subprocess.run(["pdffonts", str(printed["pdf"])], capture_output=True, text=True, check=True).stdout
    assert any(name in fonts for name in KOREAN_FONTS), f"no Korean font embedded:\n{fonts}"
    pages = pdftotext(printed["pdf"]).split("\f")  # pdftotext ends every page with a form feed
    hangul_pages = [number for number, text in enumerate(pages) if HANGUL.search(text)]
    drawn_with: Counter[str] = Counter()
    boxes: Counter[str] = Counter()

    def visit(text, cm, tm, font, size):
        if font and HANGUL.search(text):
            drawn_with[str(font.get("/BaseFont"))] += 1
        if font and "\x00" in text:  # the .notdef glyph: what a font without Hangul draws, an empty box
            boxes[str(font.get("/BaseFont"))] += 1

    for index in hangul_pages[:8]:
        reader.pages[index].extract_text(visitor_text=visit)
    assert not boxes, f"empty boxes (.notdef glyphs) drawn with {dict(boxes)}: is fonts-nanum installed?"
    assert drawn_with, "the knowledge base has Hangul names: some page should print them"
    wrong = [font for font in drawn_with if not any(name in font for name in KOREAN_FONTS)]
    assert not wrong, f"Hangul drawn with fonts that lack it: {wrong}"


def test_home_page_and_footer_offer_the_pdf_only_when_the_build_makes_one(site, root, tmp_path):
    def download_links(site_dir: Path) -> list[str]:
        soup = BeautifulSoup((site_dir / "index.html").read_text(encoding="utf-8"), "lxml")
        return [a["href"] for a in soup.select("a[href]") if a.get_text(strip=True) == "Download PDF"]

    assert download_links(site) == []  # a plain build has no PDF, so no dead link
    with_pdf = tmp_path / "site"
    result = run_build(root / "mkdocs.yml", with_pdf, KB_PDF="pdf/nk-border-kb.pdf")
    assert result.returncode == 0, result.stderr
    links = download_links(with_pdf)
    assert len(links) == 2 and set(links) == {"pdf/nk-border-kb.pdf"}  # the home-page button and the footer


def test_pdf_declares_the_version_its_pages_need(reader):
    """Chromium's pages use transparency (PDF 1.4); the merged file started as pikepdf's empty 1.3."""
    version = tuple(int(n) for n in reader.pdf_header.removeprefix("%PDF-").split("."))
    assert version >= (1, 4), reader.pdf_header


def test_source_date_epoch_dates_the_document_information(reader):
    import datetime as dt

    epoch = dt.datetime(2025, 12, 1, tzinfo=dt.timezone.utc)  # SOURCE_DATE_EPOCH=1764547200
    assert reader.metadata.creation_date == epoch and reader.metadata.modification_date == epoch
    assert "North Korea" in reader.metadata.title


def test_two_make_pdf_from_one_commit_are_byte_identical_and_dated_by_the_commit(root, chromium, tmp_path):
    """`make pdf` twice (strict build and print, as `make pdf` runs them, into two folders): the same
    bytes, so nothing comes from the clock, a random name or /ID, or the folder. Without
    SOURCE_DATE_EPOCH the date is the last commit's, as on the site: in the document information
    and on the cover."""
    import datetime as dt
    import hashlib

    commit = subprocess.run(["git", "log", "-1", "--format=%cI"], cwd=root, capture_output=True, text=True)
    if commit.returncode or not commit.stdout.strip():
        pytest.skip("not a git checkout: the PDF is dated by the clock")
    committed = dt.datetime.fromisoformat(commit.stdout.strip())
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    env.update(CHROMIUM=chromium, PYTHONPATH=str(root / "scripts"))
    pdfs = []
    for run in ("first", "second"):
        pdf = tmp_path / f"{run}.pdf"
        result = subprocess.run([sys.executable, str(root / "scripts" / "pdf.py"), "--site-dir", str(tmp_path / run),
                                 "--out", str(pdf)], capture_output=True, text=True, env=env, cwd=root)
        assert result.returncode == 0, f"pdf.py failed:\n{result.stdout}\n{result.stderr}"
        pdfs.append(hashlib.sha256(pdf.read_bytes()).hexdigest())
    assert pdfs[0] == pdfs[1], "two runs on one commit wrote different PDFs (compare them with pikepdf's qdf=True)"

    from pypdf import PdfReader

    info = PdfReader(tmp_path / "first.pdf").metadata
    assert info.creation_date == committed and info.modification_date == committed, dict(info)
    cover = flat(pdftotext(tmp_path / "first.pdf", 1, 1))
    assert f"Built {committed.day} {committed:%B %Y}" in cover, cover
