"""Hostile and careless contributions (issue 24): each kind is refused by `make check` with its one
line (file, line, field, fix), and what does get through to a page is made inert by the sanitizer.

Fast by design: the refusals are read from the checks run in this process (what `python -m kb
check` prints, and whose errors make it exit 1: one subprocess test below holds that), and the
pages are built twice only: one strict build of a tree holding every hostile input that the checks
let through (entities, an editors' page with raw HTML), whose every page is then parsed; and one
failing build. A browser opens the hostile page and no script of the content runs.
"""

from __future__ import annotations

import re
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from fixtures.hostile import MARKDOWN_VECTORS, VECTORS, build_hostile_site, live_code
from fixtures.kbfactory import BIB, SLUG, SOURCE, make_kb
from kb import build
from kb.markup import MARKDOWN_EXTENSIONS, MARKDOWN_SETTINGS
from kb.sanitize import sanitize
from kbtest import ROOT
from lxml import html as lxml_html

S = SOURCE
BODY = "ASIAPRESS reported missing-person cases in Hyesan [@asiapress-2025-06-hyesan-missing]."
BODY_LINE = 34
INTRO = "    People's groups check who comes and goes [@asiapress-2025-06-hyesan-missing].\n"
MARKDOWN_ONLY = "write Markdown only (raw HTML is not allowed)"
SCRIPT_LINK = "link to a script ('javascript:' or 'data:'): link to an http(s) address only"
ATTR_LIST = "attr_list may set only an #id and .classes"


def body(text: str) -> list[tuple[str, str, str]]:
    """Edits that put `text` after the fixture's one line of summary."""
    return [(S, BODY, BODY + "\n\n" + text)]


def in_body(line_offset: int, message: str) -> str:
    """The problem line for the summary's line `line_offset` below the first (after `body()`)."""
    return f"{S}:{BODY_LINE + line_offset}: body: {message}"


#: (case, edits, the problem lines exactly). Edits are (file, old, new); old "" writes the file.
CASES = [
    # --- Accepted and rendered unsafely before -----------------------------------------------
    ("bibtex-url-javascript",
     [(BIB, "url          = {https://www.asiapress.org/rimjin-gang/2025/06/society-economy/missing}",
       "url          = {javascript:alert(1)}")],
     [f"{BIB}:1: {SLUG}.url: 'javascript:alert(1)' is not an http(s) URL: write the full address, starting https://"]),
    ("bibtex-doi-not-a-doi",
     [(BIB, "  year ", "  doi = {x) [y](javascript:alert(1)},\n  year ")],
     [f"{BIB}:1: {SLUG}.doi: 'x) [y](javascript:alert(1)' is not a DOI: write it as 10.1234/abc "
      "(without https://doi.org/ and without spaces)"]),
    ("outlet-url-javascript",
     [("data/outlets.yml", "url: https://www.asiapress.org/rimjin-gang/", "url: javascript:alert(1)")],
     ["data/outlets.yml:3: asiapress.url: 'javascript:alert(1)' is not an http(s) URL: write the full address, starting https://"]),
    ("source-archive-url-with-a-quote",
     [(S, 'archive_missing: "No archived copy yet."', 'archive_url: "https://web.archive.org/x\\"onmouseover=alert(1)"')],
     [f"{S}:11: archive_url: 'https://web.archive.org/x\"onmouseover=alert(1)' contains '\"', which an address cannot "
      "hold: percent-encode it (a space is %20, a quote %22)"]),
    ("tag-split-over-two-lines", body("Look <img\nsrc=x onerror=alert(1)> here."),
     [in_body(2, f"contains HTML '<img': {MARKDOWN_ONLY}")]),
    ("tag-split-over-two-lines-in-topic-intro",
     [("data/topics.yml", INTRO, INTRO + "    More <img\n    src=x onerror=alert(1)> here.\n")],
     [f"data/topics.yml:6: inminban-surveillance.intro: contains HTML '<img': {MARKDOWN_ONLY}"]),
    ("reference-style-link", body("See [the post][r].\n\n[r]: javascript:alert(1)"),
     [in_body(4, SCRIPT_LINK)]),
    ("attr-list-handlers", body('A paragraph.\n{: onclick="alert(1)" onmouseover="alert(2)" }'),
     [in_body(3, f"attributes 'onclick', 'onmouseover' (set with {{: ...}}) not allowed: {ATTR_LIST}")]),
    ("attr-list-style-overlay", body('A paragraph.\n{: style="position:fixed;inset:0;background:red" }'),
     [in_body(3, f"attribute 'style' (set with {{: ...}}) not allowed: {ATTR_LIST}")]),
    ("attr-list-css-url", body('A paragraph.\n{: style="background:url(https://evil.example/x.png)" }'),
     [in_body(3, f"attribute 'style' (set with {{: ...}}) not allowed: {ATTR_LIST}")]),
    ("attr-list-on-a-heading", body("## More {: onclick=alert(1) }"),
     [in_body(2, f"attribute 'onclick' (set with {{: ...}}) not allowed: {ATTR_LIST}")]),
    ("attr-list-theme-id", body("A paragraph.\n{: #__config }"),
     [in_body(3, "id '__config' starts with '__', which the theme's own elements use: choose another")]),
    ("attr-list-theme-class", body("A paragraph.\n{: .md-dialog .md-dialog--active }"),
     [in_body(3, "class 'md-dialog' is the theme's own: choose another")]),
    ("entity-encoded-scheme", body("[x](&#106;avascript:alert(1))"), [in_body(2, SCRIPT_LINK)]),
    ("hex-entity-and-mixed-case", body("[x](&#x4A;aVaScRiPt:alert(1))"), [in_body(2, SCRIPT_LINK)]),
    ("control-character-before-the-scheme", body("[x](\x01javascript:alert(1))"), [in_body(2, SCRIPT_LINK)]),
    ("data-url-image", body("![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)"), [in_body(2, SCRIPT_LINK)]),
    ("vbscript-link", body("[x](vbscript:msgbox(1))"), [in_body(2, SCRIPT_LINK)]),
    ("file-link", body("[x](file:///etc/passwd)"), [in_body(2, "link to a 'file:' address: link to an http(s) address only")]),
    ("image-from-another-site", body("![x](https://evil.example/pixel.png)"),
     [in_body(2, "image from another site ('https://evil.example/pixel.png'): the site makes no request to other "
                 "servers; put the image under docs/assets/ or link to it instead")]),
    ("nested-markdown", body("**_[x](javascript:alert(1))_** and > quoted [y][z]\n\n[z]: data:text/html,x"),
     [in_body(2, SCRIPT_LINK), in_body(4, SCRIPT_LINK)]),
    ("link-under-300-levels-of-quotes", body("> " * 300 + "[x](javascript:alert(1))"), [in_body(2, SCRIPT_LINK)]),
    ("link-in-a-footnote", body("Text.[^1]\n\n[^1]: See [y](javascript:alert(1))."), [in_body(4, SCRIPT_LINK)]),
    ("html-comment", body("Text <!-- hidden --> more."), [in_body(2, f"contains HTML '<!--': {MARKDOWN_ONLY}")]),
    ("iframe", body('<iframe src="https://evil.example"></iframe>'), [in_body(2, f"contains HTML '<iframe': {MARKDOWN_ONLY}")]),
    ("form-formaction", body('<form action="javascript:1"><button formaction="javascript:2">x</button></form>'),
     [in_body(2, f"contains HTML '<form': {MARKDOWN_ONLY}")]),
    ("object", body('<object data="x.swf"></object>'), [in_body(2, f"contains HTML '<object': {MARKDOWN_ONLY}")]),
    ("svg-xlink-href", body('<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>'),
     [in_body(2, f"contains HTML '<svg': {MARKDOWN_ONLY}")]),
    ("mathml", body('<math><mi href="javascript:alert(1)">x</mi></math>'), [in_body(2, f"contains HTML '<math': {MARKDOWN_ONLY}")]),
    ("srcset", body('<img srcset="https://evil.example/a.png 1x">'), [in_body(2, f"contains HTML '<img': {MARKDOWN_ONLY}")]),
    ("markdown-in-html", body("<div markdown>\n*x*\n</div>"), [in_body(2, f"contains HTML '<div': {MARKDOWN_ONLY}")]),
    ("editors-page-iframe", [("docs/about/method.md", "", '<iframe src="https://evil.example"></iframe>\n')],
     ["docs/about/method.md:{line}: HTML '<iframe>' is not allowed on the site (the build removes it): remove it or write Markdown"]),
    ("editors-page-handler", [("docs/about/method.md", "", '<img src="map.png" onerror="alert(1)">\n')],
     ["docs/about/method.md:{line}: attribute 'onerror' of '<img>' not allowed on the site (the build removes it): remove it"]),
    ("html-file-published-as-is", [("docs/about/evil.html", "", "<script>alert(1)</script>\n")],
     ["docs/about/evil.html: would be published as it is, without the checks, the filter or the security policy of the "
      "pages: write a page as Markdown (.md); scripts and SVG go under docs/assets/"]),
    ("svg-file-outside-assets", [("docs/map.svg", "", '<svg onload="alert(1)"/>\n')],
     ["docs/map.svg: would be published as it is, without the checks, the filter or the security policy of the "
      "pages: write a page as Markdown (.md); scripts and SVG go under docs/assets/"]),
    ("tag-at-the-end-of-a-title", [(S, 'title: "Missing-person cases in Hyesan"', 'title: "Missing-person cases in Hyesan <img"')],
     [f"{S}:2: title: contains HTML '<img': write plain text (it is shown literally, never run)"]),
    # --- Hangs --------------------------------------------------------------------------------
    ("yaml-anchor", [(S, "authors: [HONG Mari]", "authors: &a [HONG Mari]\ntranslators: *a")],
     [f"{S}:5: YAML anchor '&a' is not allowed: remove it and write each value out in full "
      "(anchors and aliases can make a small file expand without bound)"]),
    ("yaml-alias-in-a-registry", [("data/places.yml", "  kind: country", "  kind: *k")],
     ["data/places.yml:3: YAML alias '*k' is not allowed: write the value out in full "
      "(aliases can make a small file expand without bound)"]),
    ("yaml-nesting", [(S, "authors: [HONG Mari]", "authors: " + "[" * 50 + "]" * 50)],
     [f"{S}:5: nested more than 20 levels deep: no field needs this; check the brackets and the indentation"]),
    # --- Silent wrongs --------------------------------------------------------------------------
    ("topic-slug-index", [("data/topics.yml", "", "- slug: index\n  title: Index\n  intro: Text.\n")],
     ["data/topics.yml:{line}: index.slug: slug 'index' is reserved: the list page of this folder has that name; choose another"]),
    ("place-slug-index", [("data/places.yml", "", "- slug: index\n  name: Index\n  kind: city\n")],
     ["data/places.yml:{line}: index.slug: slug 'index' is reserved: the list page of this folder has that name; choose another"]),
    ("organization-slug-index", [("data/organizations.yml", "", "- slug: index\n  name: Index\n  kind: ngo\n  description: X.\n")],
     ["data/organizations.yml:{line}: index.slug: slug 'index' is reserved: the list page of this folder has that name; "
      "choose another"]),
    ("source-slug-index", [("docs/sources/index.md", "", "---\ntitle: Index\n---\n")],
     ["docs/sources/index.md: this page is generated from data/ and docs/sources/: move or rename the hand-written "
      "file (generated output never overwrites it)"]),
    ("published-in-the-future", [(S, "value: 2025-06\n", "value: 2099-06\n")],
     [f"{S}:6: published: publication date 2099-06 is in the future: check the year"]),
    ("accessed-in-the-future", [(S, "accessed: 2026-11-24", "accessed: 2099-01-01")],
     [f"{S}:12: accessed: access date 2099-01-01 is in the future: write the day you read the article"]),
    ("accessed-before-published", [(S, "accessed: 2026-11-24", "accessed: 2025-05-31")],
     [f"{S}:12: accessed: access date 2025-05-31 is before the publication date 2025-06: check both "
      "(accessed is the day you read the article)"]),
    ("bibtex-without-title", [(BIB, "  title        = {{Missing-person cases in Hyesan}},\n", "")],
     [f"{BIB}:1: {SLUG}: BibTeX entry has no title: add title = {{{{The headline}}}},"]),
    ("bibtex-without-year", [(BIB, "  year         = {2025},\n", "")],
     [f"{BIB}:1: {SLUG}: BibTeX entry has no year: add year = {{2025}}, (the year of the source page's publication date)"]),
    ("right-to-left-override-in-a-title", [(S, 'title: "Missing-person', 'title: "\u202eMissing-person')],
     [f"{S}:2: invisible character U+202E (right-to-left override) at column 9: delete it (it changes the order in "
      "which the text is displayed; retype the text around it if your editor does not show it)"]),
    ("zero-width-space-in-a-quote", [(S, "strengthen security", "strengthen\u200b security")],
     [f"{S}:19: invisible character U+200B (zero width space) at column 78: delete it (it cannot be seen, and breaks "
      "search and exact quotes; retype the text around it if your editor does not show it)"]),
    ("bidi-isolate-in-a-registry", [("data/places.yml", "name: Hyesan", "name: Hye\u2066san")],
     ["data/places.yml:5: invisible character U+2066 (left-to-right isolate) at column 12: delete it (it changes "
      "the order in which the text is displayed; retype the text around it if your editor does not show it)"]),
    ("zero-width-joiner-in-bibtex", [(BIB, "howpublished = {ASIAPRESS}", "howpublished = {ASIA\u200dPRESS}")],
     [f"{BIB}:4: invisible character U+200D (zero width joiner) at column 23: delete it (it cannot be seen, and "
      "breaks search and exact quotes; retype the text around it if your editor does not show it)"]),
    # --- Messages -------------------------------------------------------------------------------
    ("unclosed-quote-at-its-line", [(S, 'title: "Missing-person cases in Hyesan"', 'title: "Missing-person cases in Hyesan')],
     [f'{S}:2: YAML syntax error: a quoted value starts on this line and is not closed on it: end it with the same '
      'quote mark; check indentation, colons and quotes (inside "..." write \\" for a quote mark)']),
    ("bibtex-brace-too-many", [(BIB, "{{Missing-person cases in Hyesan}},", "{{Missing-person cases} in Hyesan}},")],
     [f"{BIB}:3: {SLUG}.title: a '}}' too many in this field ends it early, and the entry with it: remove it "
      "(every '}' needs its '{' within the field)"]),
    ("registry-yaml-error-without-cascade", [("data/topics.yml", "  aliases: [inminban]", "  aliases: [inminban")],
     ["data/topics.yml:4: YAML syntax error: expected ',' or ']', but got ':' (what is wrong may start on line 3); "
      'check indentation, colons and quotes (inside "..." write \\" for a quote mark)']),
    ("wrong-type-says-how-to-write-it", [(S, 'title: "Missing-person cases in Hyesan"', "title: 1984")],
     [f"{S}:2: title: wrong type: input should be a valid string (got int 1984): put the value in quotes, e.g. title: \"1984\""]),
]


@pytest.mark.parametrize("edits, expected", [pytest.param(e, x, id=c) for c, e, x in CASES])
def test_each_hostile_input_is_refused_with_its_one_line(tmp_path, edits, expected):
    kb = make_kb(tmp_path)
    line = None
    for rel, old, new in edits:
        if old:
            kb.edit(rel, old, new)
        else:  # appended (or a new file): `{line}` in the expected lines is where it starts
            text = kb.read(rel) if (kb.root / rel).exists() else ""
            line = len(text.splitlines()) + 1
            kb.write(rel, text + new)
    result = build(kb.root)
    assert [str(p) for p in result.problems] == [e.replace("{line}", str(line)) for e in expected]
    assert not result.ok  # what makes `python -m kb check` exit 1 and the strict build stop


@pytest.mark.parametrize("text", [
    "[a](https://example.org/a_(b)) [m](mailto:tips\\@example.org) [r](../topics/border-security.md) a < b & c",
    "`<img src=x onerror=alert(1)>` and ```[x](javascript:alert(1))``` in code are text",
    "```html\n<script>alert(1)</script>\n```",
    "An entity &lt;b&gt; is text; &amp; too.\n{: .note .md-button }",
    "Table:\n\n| a | b |\n| --- | ---: |\n| 1 | 2 |",
])
def test_what_may_be_written(tmp_path, text):
    kb = make_kb(tmp_path, body(text))
    assert kb.problems() == []


def test_a_byte_order_mark_is_dropped(tmp_path):
    kb = make_kb(tmp_path)
    for rel in (S, BIB, "data/topics.yml"):
        kb.write(rel, b"\xef\xbb\xbf" + (kb.root / rel).read_bytes())
    assert kb.problems() == []


def test_check_of_a_hostile_tree_exits_1_with_every_line(tmp_path):
    kb = make_kb(tmp_path, body("[x](&#106;avascript:alert(1))"))
    kb.edit("data/outlets.yml", "url: https://www.asiapress.org/rimjin-gang/", "url: javascript:alert(1)")
    env = {"PYTHONPATH": str(ROOT / "scripts"), "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-m", "kb", "--root", str(kb.root), "check"],
                            capture_output=True, text=True, env=env)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        "data/outlets.yml:3: asiapress.url: 'javascript:alert(1)' is not an http(s) URL: write the full address, starting https://",
        in_body(2, SCRIPT_LINK),
        "2 problems found; nothing was built.",
    ]


def _billion_laughs(levels: int = 9) -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, levels + 1):
        lines.append(f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * 9) + "]")
    return "\n".join(lines)


def _limit_memory_to_1_gb() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


@pytest.mark.parametrize("where", ["front-matter", "registry"])
def test_an_alias_bomb_is_refused_in_seconds_under_1_gb(tmp_path, where):
    kb = make_kb(tmp_path)
    if where == "front-matter":
        kb.edit(S, "authors: [HONG Mari]\n", "authors: [HONG Mari]\n" + _billion_laughs() + "\n")
        expected = f"{S}:6: YAML anchor '&a0' is not allowed"
    else:
        kb.write("data/places.yml", _billion_laughs() + "\n")
        expected = "data/places.yml:1: YAML anchor '&a0' is not allowed"
    env = {"PYTHONPATH": str(ROOT / "scripts"), "PATH": "/usr/bin:/bin"}
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "kb", "--root", str(kb.root), "check"], capture_output=True,
                            text=True, env=env, timeout=30, preexec_fn=_limit_memory_to_1_gb)
    elapsed = time.perf_counter() - started
    assert result.returncode == 1, result.stderr
    assert elapsed < 5, f"{elapsed:.1f} s"
    assert result.stderr.splitlines()[0].startswith(expected), result.stderr
    assert "Traceback" not in result.stderr and "MemoryError" not in result.stderr


def test_the_checks_render_markdown_as_the_site_does():
    """kb.markup renders with mkdocs.yml's extensions (md_in_html aside: there, HTML is reported)."""
    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("", lambda loader, suffix, node: None)  # !ENV and the like
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader)
    extensions = {}
    for item in config["markdown_extensions"]:
        name, settings = next(iter(item.items())) if isinstance(item, dict) else (item, None)
        extensions[name] = settings
    assert set(extensions) - {"md_in_html"} == set(MARKDOWN_EXTENSIONS)
    assert {name: settings for name, settings in extensions.items() if settings} == MARKDOWN_SETTINGS


# --- The sanitizer: what would get through if the checks missed it --------------------------------

def test_the_sanitizer_leaves_nothing_live():
    from kb.markup import _render

    for vector in VECTORS + [_render(m)[0] for m in MARKDOWN_VECTORS]:
        assert live_code(lxml_html.fragment_fromstring(sanitize(vector), create_parent="div")) == [], vector


def test_the_sanitizer_keeps_what_markdown_writes():
    from kb.markup import _render

    text = ("# T\n\nA [link](../x/#y) and [mail](mailto:a@b.c), *em*, `code`, a footnote.[^1]\n\n| a | b |\n"
            "| --- | ---: |\n| 1 | 2 |\n\n!!! note\n    Admonition.\n\n??? info \"More\"\n    Details.\n\n"
            "*[KPA]: Korean People's Army\n\nThe KPA. <!-- kb-indexed:0 -->\n\n[^1]: Note.\n")
    rendered = _render(text)[0]
    assert _tree(sanitize(rendered)) == _tree(rendered)


def _tree(fragment: str) -> list:
    root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    return [(el.tag, sorted(el.attrib.items()), el.text, el.tail) for el in root.iter()]


# --- One strict build of everything the checks let through ----------------------------------------

@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    return build_hostile_site(tmp_path_factory.mktemp("hostile"))


def test_no_page_of_the_hostile_build_has_live_code_from_content(hostile_site):
    pages = sorted(hostile_site.rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        document = lxml_html.document_fromstring(page.read_text(encoding="utf-8"))
        for content in document.xpath("//*[contains(concat(' ', @class, ' '), ' md-content ')]"):
            # The project's own figures (SVG) are made from escaped data, after the sanitizer.
            found = [f for f in live_code(content) if f != "<svg>"]
            assert found == [], page.relative_to(hostile_site)
        # Anywhere in the page (the theme's frame included): no handler, style or script URL.
        frame = [f for f in live_code(document) if " " in f and " id=" not in f and " class=" not in f]
        assert frame == [], page.relative_to(hostile_site)
        for script in document.xpath("//script"):
            src = script.get("src")
            assert src is None or not re.match(r"\w+:|//", src), src  # the theme's own files
            assert not script.xpath("ancestor::*[contains(concat(' ', @class, ' '), ' md-content ')]")
        assert "alert(" not in " ".join(s.text or "" for s in document.xpath("//script")), page


def test_entities_stay_text_in_the_hostile_build(hostile_site):
    source = (hostile_site / "sources" / SLUG / "index.html").read_text(encoding="utf-8")
    document = lxml_html.document_fromstring(source)
    # Text everywhere: the theme writes the title as given, so the reader sees the entity decoded in
    # the tab's title, and as typed in the heading (the project's templates escape the '&').
    assert "<img src=x onerror=alert(30)>" in document.findtext(".//title")
    assert "&lt;img src=x onerror=alert(30)&gt;" in document.xpath("string(//h1)")
    assert not document.xpath("//img[@onerror]") and not document.xpath("//*[local-name()='script'][contains(., 'alert')]")
    home = lxml_html.document_fromstring((hostile_site / "index.html").read_text(encoding="utf-8"))
    content = home.xpath("//*[contains(concat(' ', @class, ' '), ' md-content ')]")[0]
    assert [a.get("href") for a in content.iter("a") if a.text == "ok"] == ["https://example.org/"]
    assert "Para." in content.text_content()  # text is kept, only the attributes go
    for text in (content.text_content(), document.xpath("string(//article)")):  # the vectors reached both pages
        assert "overlay" in text and "Session expired" in text


def test_the_policy_hashes_no_style_from_content():
    from csp_hook import content_security_policy

    page = ('<html><head></head><body><div style="theme: 1"></div><div class="md-content">'
            '<p style="position:fixed">x</p></div></body></html>')
    policy = content_security_policy(page)
    assert "'unsafe-hashes'" in policy and policy.count("'sha256-") == 1


@pytest.mark.parametrize("encoding, line", [("utf-16", 1), ("latin-1", 2)])  # UTF-16 fails at its BOM
def test_a_file_in_another_encoding_is_named(tmp_path, encoding, line):
    kb = make_kb(tmp_path)
    kb.write(S, kb.read(S).replace("Missing-person cases", "Missing-person cases é").encode(encoding))
    assert kb.problems() == [f"{S}:{line}: file is not UTF-8: save it as UTF-8 in your editor"]
