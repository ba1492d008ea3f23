"""axe-core (shipped by the `axe-playwright-python` package) on the pages readers use most.

Zero serious or critical violations. The full report of each page is written to
test-artifacts/axe/ for a reviewer.
"""

from __future__ import annotations

import json

import pytest
from axe_playwright_python.sync_playwright import Axe
from .browserkit import settled_result_paths

pytestmark = pytest.mark.browser

BLOCKING = {"serious", "critical"}
PAGES = [
    pytest.param("/", id="home"),
    pytest.param("/topics/inminban-surveillance/", id="topic"),
    pytest.param("/sources/asiapress-2025-06-hyesan-missing/", id="source"),
    pytest.param("/places/hyesan/", id="place"),
    pytest.param("/timeline/", id="timeline"),
]


@pytest.fixture(scope="module")
def axe() -> Axe:
    return Axe()


def blocking_violations(axe: Axe, page, report) -> list[str]:
    """One line per serious/critical rule broken: rule, impact, how many elements, the first few."""
    response = axe.run(page).response
    report.write_text(json.dumps(response["violations"], indent=2, ensure_ascii=False))
    return [
        f"{v['id']} ({v['impact']}, {len(v['nodes'])} elements: {', '.join(' '.join(n['target']) for n in v['nodes'][:3])}): {v['help']}"
        for v in response["violations"]
        if v["impact"] in BLOCKING
    ]


@pytest.fixture(scope="module")
def axe_reports(artifacts):
    folder = artifacts / "axe"
    folder.mkdir(exist_ok=True)
    return folder


@pytest.mark.parametrize("path", PAGES)
def test_page_has_no_serious_violations(web, axe, axe_reports, site, path):
    if not (site / path.strip("/") / "index.html").exists():
        pytest.skip(f"{path} is not in the built site")
    web.open(path)
    name = path.strip("/").replace("/", "_") or "home"
    problems = blocking_violations(axe, web.page, axe_reports / f"{name}.json")
    assert not problems, f"{path}:\n  " + "\n  ".join(problems)


def test_search_results_have_no_serious_violations(web, axe, axe_reports):
    web.open("/?q=Hyesan")
    settled_result_paths(web.page)
    problems = blocking_violations(axe, web.page, axe_reports / "search-results.json")
    assert not problems, "search results:\n  " + "\n  ".join(problems)
