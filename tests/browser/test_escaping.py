"""A hostile source renders as inert text: nothing runs, nothing links, nothing is evaluated.

`make check` rejects HTML in fields, so this fixture goes around it: the core's own steps
(kb.load -> kb.derive -> kb.render.Renderer) render it into a temporary docs folder, which a
plain MkDocs config (Material, the project's Markdown extensions, no hook) builds. The escaping
under test is the renderer's; the browser then shows whether anything executes.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from .browserkit import ROOT, browsing, site_build, serve
from mkdocs.utils.yaml import yaml_load

from kb.derive import derive
from kb.load import load
from kb.render import Renderer

pytestmark = pytest.mark.browser

SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '"><img src=x onerror=alert(1)>'
JINJA = "{{ 7*7 }}"
JS_LINK = "[x](javascript:alert(1))"
CITATION = "[@fake]"
HOSTILE = [SCRIPT, ATTRIBUTE, JINJA, JS_LINK, CITATION]
SLUG = "hostile-source"

FRONT_MATTER = {
    "title": f"Hostile {SCRIPT} title {JINJA}",
    "outlet": "hostile-outlet",
    "authors": [ATTRIBUTE, f"{JS_LINK} {CITATION}"],
    "published": {"value": "2025-06", "precision": "month", "inferred": ATTRIBUTE},
    # The schema refuses '"', '<', '>' and spaces in an address (kb/urls.py): a single quote passes.
    "url": "https://example.org/x'onmouseover='alert(1)'&y=1",
    "archive_missing": f"{JINJA} {SCRIPT}",
    "accessed": "2026-11-24",
    "language": "en",
    "bib": SLUG,
    "evidence": "inside-informant",
    "claims": [
        {
            "id": "hostile-claim",
            "text": f"Claim text {' '.join(HOSTILE)} end of claim.",
            "quote": f"{ATTRIBUTE} {JS_LINK} {JINJA}",
            "date": {"value": "2025-06-03", "precision": "day", "inferred": SCRIPT},
            "topics": ["inminban-surveillance"],
            "places": ["hyesan"],
            "organizations": ["ministry-of-state-security"],
        }
    ],
}
OUTLET = {"slug": "hostile-outlet", "name": f"Outlet {SCRIPT}", "url": "https://example.org/", "description": f"{ATTRIBUTE} {JINJA}"}
BIB = f"@misc{{{SLUG},\n  title = {{Hostile}},\n  howpublished = {{Nowhere}},\n  year = {{2025}}\n}}\n"
#: Pages on which the hostile fields appear.
PAGES = [f"/sources/{SLUG}/", "/topics/inminban-surveillance/", "/places/hyesan/", "/sources/"]


def write_hostile_project(root: Path) -> None:
    shutil.copytree(ROOT / "data", root / "data")
    with (root / "data" / "outlets.yml").open("a", encoding="utf-8") as outlets:
        outlets.write("\n" + yaml.safe_dump([OUTLET], allow_unicode=True))
    (root / "docs" / "sources").mkdir(parents=True)
    front = yaml.safe_dump(FRONT_MATTER, allow_unicode=True, sort_keys=False)
    (root / "docs" / "sources" / f"{SLUG}.md").write_text(f"---\n{front}---\n\nA plain body in our words.\n", encoding="utf-8")
    (root / "bib").mkdir()
    (root / "bib" / f"{SLUG}.bib").write_text(BIB, encoding="utf-8")


def render_into(root: Path, docs: Path) -> None:
    """The core renders the hostile knowledge base; `check` is deliberately not run."""
    kb, problems = load(root)
    assert not problems, "the fixture did not load:\n" + "\n".join(map(str, problems))
    for path, markdown in Renderer(kb, derive(kb)).all_pages().items():
        target = docs / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(markdown, encoding="utf-8")
    if not (docs / "index.md").exists():
        (docs / "index.md").write_text("# Escaping fixture\n", encoding="utf-8")


def plain_config(folder: Path, docs: Path) -> Path:
    """Material and the project's Markdown extensions; no hook, no plugin but search."""
    project = yaml_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    config = {
        "site_name": "Escaping fixture",
        "docs_dir": str(docs),
        "theme": {"name": "material", "font": False},
        "plugins": ["search"],
        "markdown_extensions": project["markdown_extensions"],
    }
    path = folder / "mkdocs.yml"
    path.write_text(yaml.dump(config, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    write_hostile_project(folder / "project")
    render_into(folder / "project", folder / "docs")
    result = site_build(plain_config(folder, folder / "docs"), folder / "site", strict=False)
    assert result.returncode == 0, result.stderr
    return folder / "site"


@pytest.fixture(scope="module")
def hostile_pages(playwright_browser, hostile_site):
    """Each page's visible article text and what the browser recorded while loading it."""
    seen = {}
    with serve(hostile_site) as url, browsing(playwright_browser, url) as b:
        for path in PAGES:
            b.open(path)
            b.page.wait_for_timeout(200)  # let an onerror handler fire, if one got through
            seen[path] = {
                "text": b.page.inner_text("article"),
                "javascript_links": b.page.locator("a[href^='javascript:' i]").count(),
                "injected_images": b.page.locator("img[src='x']").count(),
                "scripts_in_content": b.page.locator("article script").count(),
            }
        seen["dialogs"] = list(b.recorder.dialogs)
    return seen


def test_no_dialog_opens(hostile_pages):
    assert hostile_pages["dialogs"] == []


@pytest.mark.parametrize("path", PAGES)
def test_nothing_becomes_markup(hostile_pages, path):
    page = hostile_pages[path]
    assert page["javascript_links"] == 0
    assert page["injected_images"] == 0
    assert page["scripts_in_content"] == 0


def test_source_page_shows_every_field_literally(hostile_pages):
    text = hostile_pages[f"/sources/{SLUG}/"]["text"]
    for value in HOSTILE:
        assert value in text, f"{value!r} is not shown literally"
    assert "49" not in text, "{{ 7*7 }} was evaluated"


@pytest.mark.parametrize("path", PAGES[1:3])
def test_claim_lists_show_the_claim_literally(hostile_pages, path):
    text = hostile_pages[path]["text"]
    assert f"Claim text {' '.join(HOSTILE)} end of claim." in text
