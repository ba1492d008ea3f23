"""The benchmark's synthetic knowledge base stays valid, so that `make bench` cannot rot unnoticed.

A tiny size (5 synthetic sources): it must pass `python -m kb check`, build with
`mkdocs build --strict`, and its floor (bare Material, no hook, no bibtex) must build too.
No timing is asserted here; timing is `make bench`'s job.
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from bs4 import BeautifulSoup
from kbtest import run_build

import bench
from kb import build
from kb.check import CITATION_BLOCK

SYNTHETIC = 5


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    root = tmp_path_factory.mktemp("bench") / "kb"
    slugs = bench.synthesize(root, SYNTHETIC, places=30, organizations=12, outlets=6)
    return root, slugs


def test_synthetic_sources_have_the_benchmark_shape(synthetic):
    root, slugs = synthetic
    result = build(root)
    assert result.ok, "\n".join(map(str, result.problems))
    for slug in slugs:
        page = result.kb.sources[slug]
        claims = page.source.claims
        assert 3 <= len(claims) <= 10
        assert 500 <= len(page.body.split()) <= 750, "bodies are about 600 words"
        assert len(CITATION_BLOCK.findall(page.body)) == 3, "three citations in the body"
        assert len(result.derived.places_of_source[slug]) == 2
        assert len(result.derived.topics_of_source[slug]) >= 3
        assert all(c.quote for c in claims) and any(c.date for c in claims)
    assert len(result.kb.topics) == 20 and len(result.kb.places) == 30


def test_synthetic_knowledge_base_passes_kb_check(synthetic):
    root, slugs = synthetic
    check = subprocess.run([sys.executable, "-m", "kb", "--root", str(root), "check"],
                           capture_output=True, text=True, env=bench.bench_env())
    assert check.returncode == 0, check.stderr
    assert check.stderr == "", "no warnings either: a warning fails the strict build"


def test_synthetic_knowledge_base_and_its_floor_build_strictly(synthetic, tmp_path):
    root, slugs = synthetic
    result = run_build(root / "mkdocs.yml", tmp_path / "site")
    assert result.returncode == 0, f"strict build of the synthetic knowledge base failed:\n{result.stderr[-4000:]}"
    for slug in slugs:
        html = BeautifulSoup((tmp_path / "site" / "sources" / slug / "index.html").read_bytes(), "lxml")
        assert html.select('[id^="claim-"]'), f"{slug}: claims are rendered with their anchors"
        assert "[@" not in html.get_text(), f"{slug}: every citation was resolved by mkdocs-bibtex"

    page = tmp_path / "site" / "sources" / slugs[0] / "index.html"
    view, search = bench.first_view(tmp_path / "site", page), bench.first_search(tmp_path / "site", page)
    assert f"sources/{slugs[0]}/index.html" in view and "assets/search-on-demand.js" in view
    assert any(p.startswith("assets/javascripts/bundle.") for p in view) and any(p.endswith(".css") for p in view)
    assert any(p.startswith("assets/javascripts/workers/search.") for p in view), "the worker starts with the page"
    assert "search/search_index.json" not in view, "the index waits for the first search"
    assert {"search/search_index.json", "assets/javascripts/lunr/min/lunr.ko.min.js",
            "assets/javascripts/lunr/min/lunr.multi.min.js"} <= set(search)
    assert all(size > 0 for size in (*view.values(), *search.values()))

    generated = tmp_path / "generated"
    assert subprocess.run(bench.generate_command(root, generated), env=bench.bench_env(), capture_output=True).returncode == 0
    floor = bench.write_floor(root, generated, tmp_path / "floor")
    assert "bibtex" not in floor.read_text() and "hooks" not in floor.read_text()
    result = run_build(floor, tmp_path / "floor-site")
    assert result.returncode == 0, f"strict build of the floor failed:\n{result.stderr[-4000:]}"
    page = (tmp_path / "floor-site" / "sources" / slugs[0] / "index.html").read_text(encoding="utf-8")
    assert not re.search(r"\[@[\w-]+", page), "the floor has no citations to resolve"


def test_measure_reports_the_commands_own_peak_memory_and_stops_it_at_the_limit(tmp_path):
    """The benchmark may be large when it starts a step (it has just read a search index): the
    step's peak must be its own. A step past its time limit is stopped and marked so."""
    ballast = bytearray(200 * 1024 * 1024)
    ballast[::4096] = b"\1" * len(ballast[::4096])  # 200 MB resident in this process
    small = bench.measure([sys.executable, "-c", "print('ok')"], tmp_path)
    assert small.returncode == 0 and "ok" in small.output and not small.stopped
    assert small.peak_mb < 100, f"{small.peak_mb} MB: the benchmark's own memory was counted"
    grows = "x = bytearray(150 * 1024 * 1024); x[::4096] = b'1' * len(x[::4096]); import time; time.sleep(30)"
    stopped = bench.measure([sys.executable, "-c", grows], tmp_path, limit=3)
    assert stopped.stopped and stopped.returncode != 0 and stopped.seconds < 20
    assert 150 <= stopped.peak_mb < 300, stopped.peak_mb
    assert str(stopped).startswith("> ")
    del ballast
