"""The MkDocs adapter: the only module that imports MkDocs.

Once per build it runs the core (load -> check -> derive -> render), reports content problems
one line each, and adds the generated pages and downloads as in-memory files (nothing
generated is ever written into docs/). Per page it composes source pages from their front
matter, and appends the backlinks, "Cite this page" and the abbreviation tooltips.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files

sys.path.insert(0, str(Path(__file__).parent))  # make `kb` importable without installing it

from kb import build  # noqa: E402
from kb.render import Renderer, backlinks, page_title, source_path  # noqa: E402

log = get_plugin_logger("kb")
#: What one build computed, for the per-page events of the same build.
_state: dict = {}

#: Where the content of a generated page comes from, for "Edit this page".
EDIT_SOURCES = {"topics": "data/topics.yml", "places": "data/places.yml", "organizations": "data/organizations.yml"}


@event_priority(100)  # before mkdocs-bibtex reads bib/: it stops with a traceback on a BibTeX syntax error
def on_config(config):
    """Check the content before any plugin reads it, so that every problem is one line; and point
    edit links at the main branch (MkDocs would guess 'master' for GitHub)."""
    result = build(Path(config.config_file_path).parent)
    for problem in result.problems:
        (log.error if problem.severity == "error" else log.warning)(str(problem))
    if not result.ok:
        count = sum(p.severity == "error" for p in result.problems)
        raise PluginError(f"{count} content problem(s), listed above: fix them and build again (`make check` lists them without building).")
    _state["build"] = result
    if config.repo_url:
        config.edit_uri = "edit/main/docs/"
    return config


def on_files(files: Files, config) -> Files:
    result = _state["build"]
    _cache_bibtex_references(config)

    renderer = Renderer(result.kb, result.derived, use_directory_urls=config.use_directory_urls)
    generated = renderer.pages()
    sources = {source_path(slug): renderer.source_page(slug) for slug in result.kb.sources}
    for path, content in {**generated, **renderer.downloads()}.items():
        files.append(File.generated(config, path, content=content))

    handwritten = {
        f.src_uri: f.content_string for f in files.documentation_pages()
        if f.src_uri not in generated and f.src_uri not in sources
    }
    all_pages = {**handwritten, **generated, **sources}
    titles = {path: page_title(markdown, path) for path, markdown in all_pages.items()}
    root = Path(config.config_file_path).parent
    _state.update(
        renderer=renderer,
        sources=sources,
        generated=set(generated),
        backlinks={path: [(p, titles[p]) for p in linkers] for path, linkers in backlinks(all_pages).items()},
        abbreviations=renderer.abbreviations(),
        date=_build_date(root),
    )
    return files


@event_priority(100)  # before mkdocs-bibtex turns [@key] into footnotes
def on_page_markdown(markdown: str, page, config, files) -> str:
    path = page.file.src_uri
    if path in _state["sources"]:
        markdown = _state["sources"][path]
    renderer: Renderer = _state["renderer"]
    # The full address when the site's is known (SITE_URL, set for the hosted site), else the path.
    page_url = config.site_url + page.url if config.site_url else (page.url or "./")
    title = page.title or page_title(markdown, path)
    return "\n\n".join([
        markdown.rstrip(),
        renderer.backlinks_block(path, _state["backlinks"].get(path, [])),
        renderer.cite_block(path, title, page_url, _state["date"]),
        _state["abbreviations"],
    ]) + "\n"


def on_page_context(context, page, config, nav):
    """Point "Edit this page" of a generated page at the file its content comes from."""
    if config.repo_url and page.file.src_uri in _state.get("generated", ()):
        section = page.file.src_uri.split("/")[0]
        target = EDIT_SOURCES.get(section, "scripts/kb/templates")
        page.edit_url = f"{config.repo_url.rstrip('/')}/edit/main/{target}"
    return context


def _cache_bibtex_references(config) -> None:
    """mkdocs-bibtex formats a reference anew for every citation on every page (10,000 times at
    1,000 sources, 14 % of the build). In its pure-Python mode the text depends on the key alone,
    so each key is formatted once per build."""
    registry = getattr(config.plugins.get("bibtex"), "registry", None)
    if registry is None or hasattr(registry, "kb_reference_cache"):
        return
    format_reference = registry.reference_text
    registry.kb_reference_cache = {}

    def reference_text(citation) -> str:
        if citation.key not in registry.kb_reference_cache:
            registry.kb_reference_cache[citation.key] = format_reference(citation)
        return registry.kb_reference_cache[citation.key]

    registry.reference_text = reference_text


def _build_date(root: Path) -> str:
    """The date a build describes: SOURCE_DATE_EPOCH, else the last commit's date.

    Not the wall clock, so that two builds of the same commit are byte-identical.
    """
    if os.environ.get("SOURCE_DATE_EPOCH"):
        return dt.datetime.fromtimestamp(int(os.environ["SOURCE_DATE_EPOCH"]), dt.timezone.utc).date().isoformat()
    try:
        out = subprocess.run(["git", "log", "-1", "--format=%cs"], cwd=root, capture_output=True, text=True, timeout=10)
        if out.returncode == 0 and out.stdout.strip():
            return out.stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        pass
    return dt.date.today().isoformat()
