"""The MkDocs adapter: the only module that imports MkDocs.

It runs the core (load -> check -> derive -> render) once per build, reports content
problems one line each, adds the generated pages as in-memory files (nothing generated is
ever written into docs/), and composes each source page from its front matter and body.
"""

from __future__ import annotations

import sys
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files

sys.path.insert(0, str(Path(__file__).parent))  # make `kb` importable without installing it

from kb import build  # noqa: E402
from kb.render import Renderer  # noqa: E402

log = get_plugin_logger("kb")
_renderer: Renderer | None = None


def on_files(files: Files, config) -> Files:
    global _renderer
    result = build(Path(config.config_file_path).parent)
    for problem in result.problems:
        (log.error if problem.severity == "error" else log.warning)(str(problem))
    if not result.ok:
        count = sum(p.severity == "error" for p in result.problems)
        raise PluginError(f"{count} content problem(s), listed above: fix them and build again (`make check` lists them without building).")
    _renderer = result.renderer()
    for path, markdown in _renderer.pages().items():
        files.append(File.generated(config, path, content=markdown))
    return files


@event_priority(100)  # before mkdocs-bibtex turns [@key] into footnotes
def on_page_markdown(markdown: str, page, config, files) -> str:
    slug = _source_slug(page.file.src_uri)
    if _renderer is not None and slug in _renderer.kb.sources:
        return _renderer.source_page(slug, body=markdown)
    return markdown


def _source_slug(src_uri: str) -> str | None:
    parts = src_uri.split("/")
    return parts[1][:-3] if len(parts) == 2 and parts[0] == "sources" and parts[1].endswith(".md") else None
