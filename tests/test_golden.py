"""Golden tests: the Markdown and data files generated for a small fixture knowledge base.

When a template change is intended, run `make golden` (pytest --update-golden), read the
diff of tests/golden/expected/ and commit it with the change.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kb import build

GOLDEN = Path(__file__).parent / "golden"


def generated(root: Path) -> dict[str, str]:
    result = build(root)
    assert result.ok, [str(p) for p in result.problems]
    renderer = result.renderer()
    return {**renderer.all_pages(), **{path: "".join(pieces) for path, pieces in renderer.downloads()}}


def test_generated_files_match_golden(request):
    actual = generated(GOLDEN / "kb")
    expected_dir = GOLDEN / "expected"
    if request.config.getoption("--update-golden"):
        for old in expected_dir.rglob("*"):
            if old.is_file():
                old.unlink()
        for path, content in actual.items():
            (expected_dir / path).parent.mkdir(parents=True, exist_ok=True)
            (expected_dir / path).write_text(content, encoding="utf-8")
        pytest.skip("golden files rewritten: review `git diff tests/golden/expected`")
    expected = {p.relative_to(expected_dir).as_posix(): p.read_text(encoding="utf-8") for p in expected_dir.rglob("*") if p.is_file()}
    assert sorted(actual) == sorted(expected), "generated file set changed: run `make golden` if intended"
    for path in sorted(actual):
        assert actual[path] == expected[path], f"{path} differs from tests/golden/expected/{path}: run `make golden` if intended"


def test_deferred_html_put_back_gives_the_inline_page():
    """The MkDocs adapter lets list pages' claim lists and figures (and the table of sources) skip
    Markdown (placeholders, filled into the HTML). Filling them must give exactly the inline page."""
    from kb.render import Renderer

    result = build(GOLDEN / "kb")
    inline = Renderer(result.kb, result.derived).pages()
    deferring = Renderer(result.kb, result.derived, defer_html=True)
    skeletons = deferring.pages()
    assert sorted(skeletons) == sorted(inline)
    with_placeholders = [path for path, page in skeletons.items() if "<!-- kb-deferred:" in page]
    assert {"timeline.md", "topics/checkpoints.md", "places/town.md", "organizations/agency.md"} <= set(with_placeholders)
    for path in skeletons:
        assert 'class="kb-claim"' not in skeletons[path], f"{path}: a claim block went through Markdown"
        filled = deferring.fill_deferred(path, deferring.fill_deferred(path, skeletons[path], indexed=True))
        assert filled == inline[path], path
    assert "<table>" in inline["sources/index.md"] and "<table>" not in skeletons["sources/index.md"]
