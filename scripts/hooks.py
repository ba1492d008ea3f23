"""The MkDocs adapter: the only module that imports MkDocs.

Once per build it runs the core (load -> check -> derive -> render), reports content problems
one line each, and adds the generated pages as in-memory files and the downloads from a
temporary folder (nothing generated is ever written into docs/). Per page it gives MkDocs each
source page composed from its front matter (in place of the file), and appends the backlinks,
"Cite this page" and the abbreviation tooltips. After Markdown it puts in the raw HTML that
skipped it (Renderer(defer_html=True)): the claims of a source page before the search plugin
reads the page; the claim lists and figures of list pages, the backlinks and the cite box into
the finished HTML, out of the search index. It lets go of each page's Markdown once it is used,
holds its HTML compressed between MkDocs' two passes over the pages, and lets go of it once the
page is written: MkDocs would keep both to the end of the build. Composed source pages are held
compressed until MkDocs reads them, and the build's state is let go before the search plugin
writes its index.
"""

from __future__ import annotations

import atexit
import ctypes
import datetime as dt
import gc
import os
import shutil
import subprocess
import sys
import tempfile
import zlib
from functools import partial
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files

sys.path.insert(0, str(Path(__file__).parent))  # make `kb` importable without installing it

from kb import build  # noqa: E402
from kb.parallel import Shared  # noqa: E402
from kb.sanitize import sanitize  # noqa: E402
from kb.paths import source_path  # noqa: E402
from kb.render import TEMPLATE_CACHE, ComposedPage, Renderer, backlinks, markdown_links, page_title  # noqa: E402

log = get_plugin_logger("kb")
#: What one build computed, for the per-page events of the same build.
_state: dict = {}

#: Past this much memory held by the build (MB), source pages are composed in this process alone.
COMPOSE_ALONE_MB = 300
#: Where the content of a generated page comes from, for "Edit this page".
EDIT_SOURCES = {"topics": "data/topics.yml", "places": "data/places.yml", "organizations": "data/organizations.yml"}


@event_priority(100)  # before mkdocs-bibtex reads bib/: it stops with a traceback on a BibTeX syntax error
def on_config(config):
    """Check the content before any plugin reads it, so that every problem is one line; and point
    edit links at the main branch (MkDocs would guess 'master' for GitHub)."""
    gc.unfreeze()  # what a build that failed before `on_post_build` froze (`mkdocs serve`)
    root = Path(config.config_file_path).parent
    TEMPLATE_CACHE.keep_under(root)
    result = build(root, to_render=True)
    for problem in result.problems:
        (log.error if problem.severity == "error" else log.warning)(str(problem))
    if not result.ok:
        count = sum(p.severity == "error" for p in result.problems)
        raise PluginError(f"{count} content problem(s), listed above: fix them and build again (`make check` lists them without building).")
    _state["build"] = result
    # The knowledge base lives to the end of the build: the cycle collector need not walk it
    # again and again (`on_post_build` unfreezes it), nor touch it in the child process.
    gc.freeze()
    _give_bibtex_one_file(config)
    if config.repo_url:
        config.edit_uri = "edit/main/docs/"
    return config


def on_files(files: Files, config) -> Files:
    result = _state["build"]
    renderer = result.renderer(use_directory_urls=config.use_directory_urls, defer_html=True)
    _reuse_references_for_bibtex(config, renderer.references())
    # The source pages are composed by two processes (`kb.parallel`): a child starts on them
    # while this one renders the other pages and writes the downloads. Not past COMPOSE_ALONE_MB:
    # the child copies what it reads, and at 10,000 sources (this process at 370 MB) the two
    # held 1.1 GB together, more than the build's peak; composing here costs 5 s there.
    with Shared(partial(_compose_source_page, renderer), result.kb.sources, unless_resident_mb=COMPOSE_ALONE_MB) as composing:
        generated = renderer.pages()
        for path, content in generated.items():
            files.append(File.generated(config, path, content=content))
        for path, pieces in renderer.downloads():
            # Written out piece by piece, and on disk rather than in memory until the build ends:
            # 11 MB of data at 1,000 sources.
            target = _scratch() / "downloads" / path
            target.parent.mkdir(parents=True, exist_ok=True)
            with target.open("w", encoding="utf-8") as out:
                out.writelines(pieces)
            files.append(File.generated(config, path, abs_src_path=str(target)))
        composed = composing.results()

    outgoing: dict[str, set[str]] = {}
    titles: dict[str, str] = {}

    def read_links_and_title(path: str, markdown: str) -> None:
        outgoing[path] = markdown_links(path, markdown) | renderer.html_links.get(path, set())
        titles[path] = page_title(markdown, path)

    sources = {}
    for page, packed, links, title in composed:
        renderer.adopt(page)
        outgoing[page.path], titles[page.path], sources[page.path] = links, title, packed
    for path, markdown in generated.items():
        read_links_and_title(path, markdown)
    for file in files.documentation_pages():
        if file.src_uri not in outgoing:  # hand-written
            read_links_and_title(file.src_uri, file.content_string)
    root = Path(config.config_file_path).parent
    _state.update(
        packed={},
        renderer=renderer,
        sources=sources,
        source_titles={source_path(slug): page.source.title for slug, page in result.kb.sources.items()},
        generated=set(generated),
        backlinks={path: [(p, titles[p]) for p in linkers] for path, linkers in backlinks(outgoing).items()},
        abbreviations=renderer.abbreviations(),
        date=_build_date(root),
    )
    return files


def _compose_source_page(renderer: Renderer, slug: str) -> tuple[ComposedPage, bytes, set[str], str]:
    """A source page composed, read for its links and title, and compressed: held so until MkDocs
    reads it (`on_page_read_source`); at 10,000 sources they are 80 MB of Markdown."""
    page = renderer.composed_source_page(slug)
    packed = zlib.compress(page.markdown.encode("utf-8"), 1)
    links = markdown_links(page.path, page.markdown) | page.html_links
    title = page_title(page.markdown, page.path)
    page.markdown = ""  # the compressed copy is the one kept
    return page, packed, links, title


def on_env(env, config, files):
    """Keep the theme's compiled templates between the rebuilds of `mkdocs serve`."""
    env.bytecode_cache = TEMPLATE_CACHE
    return env


def on_page_read_source(page, config) -> str | None:
    """A source page's Markdown is composed from its front matter, which the core has already
    read and checked; given here, it spares MkDocs parsing the same YAML again (3 % of a build
    at 1,000 sources). None: MkDocs reads the file itself (every other page)."""
    packed = _state["sources"].pop(page.file.src_uri, None)  # the page keeps it from here on
    return zlib.decompress(packed).decode("utf-8") if packed is not None else None


@event_priority(100)
def _title_from_front_matter(markdown: str, page, config, files) -> str:
    """The page title MkDocs would have read from the front matter `title` (rather than from the
    rendered H1, whose character references would show in the theme's header)."""
    if page.file.src_uri in _state["source_titles"]:
        page.meta["title"] = _state["source_titles"][page.file.src_uri]
    return markdown


@event_priority(100)  # before mkdocs-bibtex turns [@key] into footnotes
def _append_page_blocks(markdown: str, page, config, files) -> str:
    path = page.file.src_uri
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


@event_priority(200)  # before the search plugin indexes the page's HTML
def _unpack_content(context, page, config, nav):
    """The page's HTML back from `_pack_content`, for the theme's template and the search plugin."""
    packed = _state["packed"].pop(page.file.src_uri, None)
    if packed is not None:
        page.content = zlib.decompress(packed).decode("utf-8")
    return context


def _edit_link(context, page, config, nav):
    """Point "Edit this page" of a generated page at the file its content comes from."""
    if config.repo_url and page.file.src_uri in _state.get("generated", ()):
        section = page.file.src_uri.split("/")[0]
        target = EDIT_SOURCES.get(section, "scripts/kb/templates")
        page.edit_url = f"{config.repo_url.rstrip('/')}/edit/main/{target}"
    return context


@event_priority(150)  # first: before the project's own HTML is put in and any plugin reads the page
def _sanitize(html: str, page, config, files) -> str:
    """Everything Markdown made of contributors' text through the allow-list (`kb.sanitize`)."""
    return sanitize(html)


@event_priority(100)  # before any other plugin reads the page's HTML
def _fill_indexed(html: str, page, config, files) -> str:
    """Put in the raw HTML that skipped Markdown but belongs in the search index (claims of source pages)."""
    return _state["renderer"].fill_deferred(page.file.src_uri, html, indexed=True)


@event_priority(-100)  # after every other plugin has read the page's Markdown
def _release_markdown(html: str, page, config, files) -> str:
    """MkDocs keeps every page's Markdown and HTML until the build ends, though it reads neither once
    the page is written (the title comes from the render). Letting them go keeps the memory of a
    build closer to one page's worth per page. "" rather than None: None means "not read yet"."""
    page.markdown = ""
    return html


@event_priority(-200)  # the last to see the HTML in MkDocs' first pass
def _pack_content(html: str, page, config, files) -> str:
    """MkDocs renders every page's Markdown before it writes any page, and nothing reads the HTML
    in between: held compressed until `_unpack_content` (1,000 sources: 33 MB of source-page HTML
    in memory, 17 MB as UTF-8, held as 3 MB; 0.13 s to compress)."""
    _state["packed"][page.file.src_uri] = zlib.compress(html.encode("utf-8"), 1)
    return ""


@event_priority(-150)  # after csp_hook (-100): the fragments hold no inline code, and it parses the page without them
def _fill_deferred(output: str, page, config) -> str:
    """Put the raw HTML that skipped Markdown (claim lists, figures) into the finished page."""
    return _state["renderer"].fill_deferred(page.file.src_uri, output)


@event_priority(-200)  # after every other plugin's on_post_page: the page is about to be written
def _release_content(output: str, page, config) -> str:
    page.content = ""
    return output


@event_priority(100)  # before the search plugin writes its index
def on_post_build(config) -> None:
    """Let go of what this build computed, and give the freed memory back to the system, before
    the search plugin writes its index: the build's largest moment, since the index is made as
    one string and then as bytes (106 MB each at 10,000 sources). The next build (`mkdocs
    serve`) computes everything again from on_config; the scratch folder stays."""
    for key in [key for key in _state if key != "scratch"]:
        del _state[key]
    gc.unfreeze()
    gc.collect()
    _return_free_memory_to_the_system()


def _return_free_memory_to_the_system() -> None:
    """glibc keeps freed memory for its own reuse, but the index's strings are too large to reuse
    it: they are mapped afresh. malloc_trim hands the free pages back. A no-op without glibc."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


on_page_markdown = CombinedEvent(_title_from_front_matter, _append_page_blocks)
on_page_content = CombinedEvent(_sanitize, _fill_indexed, _release_markdown, _pack_content)
on_page_context = CombinedEvent(_unpack_content, _edit_link)
on_post_page = CombinedEvent(_fill_deferred, _release_content)


def _give_bibtex_one_file(config) -> None:
    """mkdocs-bibtex parses each file of bib_dir on its own, and pybtex looks its parser up in
    the installed packages' metadata for every file (12 ms each: 12 s at 1,000 sources). The
    files have just been checked (each parses, no key twice), so it gets them as one file."""
    plugin = config.plugins.get("bibtex")
    if plugin is None or plugin.config.bib_dir is None:
        return
    combined = _scratch() / "sources.bib"
    files = sorted(Path(plugin.config.bib_dir).rglob("*.bib"))
    combined.write_text("\n".join(f.read_text(encoding="utf-8-sig") for f in files), encoding="utf-8")
    plugin.config.bib_file, plugin.config.bib_dir = str(combined), None


def _scratch() -> Path:
    """A temporary folder for the files the build hands to MkDocs and mkdocs-bibtex (the combined
    .bib, the downloads); the same across the rebuilds of `mkdocs serve`, removed at exit."""
    if "scratch" not in _state:
        _state["scratch"] = Path(tempfile.mkdtemp(prefix="kb-build-"))
        atexit.register(shutil.rmtree, _state["scratch"], ignore_errors=True)
    return _state["scratch"]


def _reuse_references_for_bibtex(config, references: dict[str, str]) -> None:
    """mkdocs-bibtex formats a reference anew for every citation on every page (10,000 times at
    1,000 sources). In its pure-Python mode the text is pybtex's plain style, which the core has
    already formatted once per key for the bibliography page: the plugin reuses those, cleaned
    up the way it cleans its own (tests/test_site.py checks that both agree)."""
    registry = getattr(config.plugins.get("bibtex"), "registry", None)
    if registry is None or not hasattr(registry, "style"):  # pandoc mode: its own cache, its own style
        return
    format_reference = registry.reference_text
    ready = {key: bibtex_footnote_text(text) for key, text in references.items()}

    def reference_text(citation) -> str:
        return ready[citation.key] if citation.key in ready else format_reference(citation)

    registry.reference_text = reference_text


def bibtex_footnote_text(reference: str) -> str:
    """A reference as mkdocs-bibtex's SimpleRegistry writes it in a footnote."""
    return reference.replace("\n", " ").replace("\\(", "(").replace("\\)", ")").replace("\\.", ".")


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
