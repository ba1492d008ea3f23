"""The MkDocs adapter: the only module that imports MkDocs.

Once per build it runs the core (load -> check -> derive -> render), reports content problems
one line each, and adds the generated pages as in-memory files and the downloads from a
temporary folder (nothing generated is ever written into docs/). Per page it gives MkDocs each
source page composed from its front matter (in place of the file), and appends the backlinks,
"Cite this page" and the abbreviation tooltips. After Markdown it puts in the raw HTML that
skipped it (Renderer(defer_html=True)): the claims of a source page before the search plugin
reads the page; the claim lists and figures of list pages, the backlinks and the cite box into
the finished HTML, out of the search index. Each page's text goes to the search index
(scripts/pagefind_index.py), which Pagefind writes once the pages are. From the git history
(kb/history.py, read once per build) come the What's new page, the Atom feed (feed.xml) and each
page's "Last updated" (kb/updated.py), shown under its content and put in sitemap.xml.
"""

from __future__ import annotations

import atexit
import os
import re
import shutil
import sys
import tempfile
import zlib
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files

sys.path.insert(0, str(Path(__file__).parent))  # make `kb` importable without installing it

from kb import build  # noqa: E402
from kb.feed import FEED, atom  # noqa: E402
from kb.history import read_history  # noqa: E402
from kb.paths import organization_path, place_path, source_path, topic_path  # noqa: E402
from kb.render import Renderer, backlinks, html_url, markdown_links, page_title  # noqa: E402
from kb.sanitize import sanitize  # noqa: E402
from kb.symlinks import symlink_problems  # noqa: E402
from kb.updated import PageDates  # noqa: E402
from pagefind_index import SearchIndex  # noqa: E402

log = get_plugin_logger("kb")
#: What one build computed, for the per-page events of the same build.
_state: dict = {}

#: Where the content of a generated page comes from, for "Edit this page".
EDIT_SOURCES = {"topics": "data/topics.yml", "places": "data/places.yml", "organizations": "data/organizations.yml"}


@event_priority(100)  # before mkdocs-bibtex reads bib/: it stops with a traceback on a BibTeX syntax error
def on_config(config):
    """Check the content before any plugin reads it, so that every problem is one line; and point
    edit links at the main branch (MkDocs would guess 'master' for GitHub)."""
    root = Path(config.config_file_path).parent
    unfinished = _state.pop("search", None)  # a build of `make serve` that failed half-way
    if unfinished is not None:
        unfinished.close()
    # Links that loop or leave the repository stop the build before anything follows them.
    if links := symlink_problems(root):
        for problem in links:
            log.error(str(problem))
        raise PluginError(f"{len(links)} symbolic link(s), listed above: remove them and build again.")
    result = build(root)
    for problem in result.problems:
        (log.error if problem.severity == "error" else log.warning)(str(problem))
    if not result.ok:
        count = sum(p.severity == "error" for p in result.problems)
        raise PluginError(f"{count} content problem(s), listed above: fix them and build again (`make check` lists them without building).")
    _state["build"] = result
    # The hosted site searches with Pagefind (scripts/pagefind_index.py); the offline copy, which
    # cannot fetch files from disk, keeps Material's own search.
    offline = config.plugins.get("material/offline")
    if offline is None or not offline.config.enabled:
        words = os.environ.get("KB_SEARCH_BUNDLE_WORDS")  # to see a small site indexed in parts (tests)
        _state["search"] = SearchIndex(int(words)) if words else SearchIndex()
    _give_bibtex_one_file(config)
    if config.repo_url:
        config.edit_uri = "edit/main/docs/"
    return config


def on_files(files: Files, config) -> Files:
    result = _state["build"]
    root = Path(config.config_file_path).parent
    history = read_history(root)  # one git log for every file (kb/history.py)
    try:  # the page limit of long lists: `extra: kb: page_claims: N` (or KB_PAGE_CLAIMS)
        renderer = result.renderer(use_directory_urls=config.use_directory_urls, defer_html=True, history=history,
                                   page_claims=(config.extra.get("kb") or {}).get("page_claims"))
    except ValueError as error:
        raise PluginError(f"{config.config_file_path}: {error}") from None
    feed = atom(result.kb, renderer.whats_new(), title=config.site_name, site_url=config.site_url or "",
                page_url=lambda path: html_url(path, config.use_directory_urls))
    files.append(File.generated(config, FEED, content=feed))
    _reuse_references_for_bibtex(config, renderer.references())
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
    # Source pages are composed now: their links make the backlinks every page shows.
    sources = {source_path(slug): renderer.source_page(slug) for slug in result.kb.sources}

    outgoing: dict[str, set[str]] = {}
    titles: dict[str, str] = {}
    for path, markdown in [*generated.items(), *sources.items()]:
        outgoing[path] = markdown_links(path, markdown) | renderer.html_links.get(path, set())
        titles[path] = page_title(markdown, path)
    for file in files.documentation_pages():
        if file.src_uri not in outgoing:  # hand-written
            outgoing[file.src_uri] = markdown_links(file.src_uri, file.content_string)
            titles[file.src_uri] = page_title(file.content_string, file.src_uri)
    _state.update(
        renderer=renderer,
        sources={path: _pack(markdown) for path, markdown in sources.items()},
        packed={},
        source_titles={source_path(slug): page.source.title for slug, page in result.kb.sources.items()},
        generated=set(generated),
        backlinks={path: [(p, titles[p]) for p in linkers] for path, linkers in backlinks(outgoing).items()},
        abbreviations=renderer.abbreviations(),
        page_dates=PageDates(result.kb, result.derived, history),
        names=_names_of_pages(result.kb),
    )
    return files


def _names_of_pages(kb) -> dict[str, list[str]]:
    """Every name of each topic, place and organization, for its page in the search index: a
    reader who types any of them (a romanization, the Hangul, a former name) finds the page first."""
    names = {topic_path(t.slug): [t.title, *t.aliases] for t in kb.topics.values()}
    names.update({place_path(p.slug): [p.name, *p.names] for p in kb.places.values()})
    names.update({organization_path(o.slug): [o.name, *o.names] for o in kb.organizations.values()})
    return names


def on_page_read_source(page, config) -> str | None:
    """A source page's Markdown is composed from its front matter, which the core has already
    read and checked; given here, it spares MkDocs parsing the same YAML again (3 % of a build
    at 1,000 sources). None: MkDocs reads the file itself (every other page)."""
    packed = _state["sources"].pop(page.file.src_uri, None)  # the page keeps it from here on
    return _unpack(packed) if packed is not None else None


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
    day = PageDates.day(_state["page_dates"].of(path, generated=path in _state["generated"]))
    page.update_date = day  # sitemap.xml <lastmod>
    # Shown by Material under the content (partials/source-file.html), as it shows a git plugin's date.
    page.meta["revision_date"] = f'<span class="kb-updated">Last updated <time datetime="{day}">{day}</time></span>'
    return "\n\n".join([
        markdown.rstrip(),
        renderer.backlinks_block(path, _state["backlinks"].get(path, [])),
        renderer.cite_block(path, title, page_url, day),
        _state["abbreviations"],
    ]) + "\n"


# --- Memory: what the engine would hold to the end of the build --------------------------------
# The engine renders every page's Markdown to HTML before it writes any page, and keeps each
# page's Markdown and HTML to the end of the build. At 10,000 sources that made the build's
# peak 1.3 GB (over the 1 GB a build may take); holding the HTML compressed between the two
# passes, letting go of the Markdown once rendered and of the HTML once written, and holding the
# composed source pages compressed until the engine reads them, is what keeps it under (figures
# in docs/about/performance.md). Nothing else in the build is there for speed or memory alone.


def _pack(text: str) -> bytes:
    return zlib.compress(text.encode("utf-8"), 1)


def _unpack(packed: bytes) -> str:
    return zlib.decompress(packed).decode("utf-8")


@event_priority(-100)  # after every other plugin has read the page's Markdown
def _release_markdown(html: str, page, config, files) -> str:
    page.markdown = ""  # "" rather than None: None means "not read yet"
    return html


@event_priority(-200)  # the last to see the HTML in the engine's first pass
def _pack_content(html: str, page, config, files) -> str:
    _state["packed"][page.file.src_uri] = _pack(html)
    return ""


@event_priority(200)  # before the theme's template and the search plugin read it
def _unpack_content(context, page, config, nav):
    packed = _state["packed"].pop(page.file.src_uri, None)
    if packed is not None:
        page.content = _unpack(packed)
    return context


@event_priority(-200)  # after every other plugin's on_post_page: the page is about to be written
def _release_content(output: str, page, config) -> str:
    page.content = ""
    return output


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


@event_priority(90)  # after the claims of source pages are in; before the claim lists of list pages
def _collect_for_search(html: str, page, config, files) -> str:
    """Hand the page's text to Pagefind; Material's search then leaves it out of its own index."""
    search: SearchIndex | None = _state.get("search")
    if search is not None and not (page.meta.get("search") or {}).get("exclude"):  # lists of what is indexed elsewhere
        page.meta["search"] = {"exclude": True}
        names = _state["names"].get(page.file.src_uri, [])
        search.add(page.url, page.title or "", html, config.theme.get("language") or "en", names)
    return html


@event_priority(-150)  # after csp_hook (-100): the fragments hold no inline code, and it parses the page without them
def _fill_deferred(output: str, page, config) -> str:
    """Put the raw HTML that skipped Markdown (claim lists, figures) into the finished page."""
    return _state["renderer"].fill_deferred(page.file.src_uri, output)


#: Material's search worker, by the name its templates give it (a hash in the name).
MATERIAL_WORKER = re.compile(r'("search": ")([^"]*?)assets/javascripts/workers/search\.[0-9a-f]+\.min\.js"')


def _search_with_pagefind(output: str, page=None, config=None) -> str:
    """Point Material's search at the Pagefind worker (docs/assets/search-pagefind.js) in the
    page's `__config`, when this build has a Pagefind index (not the offline copy)."""
    if _state.get("search") is None:
        return output
    return MATERIAL_WORKER.sub(r'\1\2assets/search-pagefind.js"', output, count=1)


def on_post_build(config) -> None:
    """Let go of what this build computed (the next build of `make serve` computes everything
    again from on_config; the scratch folder stays), then write the search index."""
    search: SearchIndex | None = _state.get("search")
    for key in [key for key in _state if key != "scratch"]:
        del _state[key]
    if search is not None:
        try:
            problems = search.write(Path(config.site_dir))
        finally:
            search.close()
        if problems:
            raise PluginError("; ".join(problems))


def on_post_template(output: str, template_name: str, config) -> str:
    """The theme's own pages (404.html) search like the others."""
    return _search_with_pagefind(output) if template_name.endswith(".html") else output


on_page_markdown = CombinedEvent(_title_from_front_matter, _append_page_blocks)
on_page_content = CombinedEvent(_sanitize, _fill_indexed, _collect_for_search, _release_markdown, _pack_content)
on_page_context = CombinedEvent(_unpack_content, _edit_link)
on_post_page = CombinedEvent(_fill_deferred, _search_with_pagefind, _release_content)


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

