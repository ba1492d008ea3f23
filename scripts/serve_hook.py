"""MkDocs hook for `make serve` only: the preview reloads, and keeps answering while a change is broken.

- Live reload. The dev server appends an inline `<script>` to every page it serves, which polls
  the server and reloads the page after a rebuild. The page's Content-Security-Policy
  (scripts/csp_hook.py) allows only hashed inline scripts, so the browser refused it. The text
  differs on every request (it holds the site's version and a request id), so no hash is known
  at build time: a WSGI wrapper around the server hashes the script it has just appended and adds
  exactly that hash to the page's `script-src`. Only under `serve`: the built site is unchanged.
- Rebuilds into a folder beside the served one, swapped in only when the build succeeded
  (scripts/build_site.py), so that a failed rebuild leaves the last good pages in place.
- A failed rebuild used to leave the server waiting for a good build before it answered any
  request: every request hung. Here the failure is caught: the server goes on serving the last
  good pages, each with the problems listed at its top, reloads the browser to show them, and
  reloads it again once the change builds.
"""

from __future__ import annotations

import atexit
import base64
import hashlib
import html
import logging
import re
import shutil
import tempfile
import traceback
from pathlib import Path

from build_site import replace_folder  # scripts/build_site.py, beside this file
from mkdocs.exceptions import Abort
from mkdocs.plugins import event_priority, get_plugin_logger

log = get_plugin_logger("serve")
#: The script the dev server appends before `</body>` (properdocs/livereload/__init__.py).
LIVERELOAD_SCRIPT = re.compile(rb"\s*var livereload = function\(epoch, requestId\).*\slivereload\(\d+, \d+\);\s*", re.S)
CSP_META = re.compile(rb'(<meta http-equiv="Content-Security-Policy" content="[^"]*?script-src \'self\')')
BODY_TAG = re.compile(rb"<body[^>]*>", re.I)

#: Across the rebuilds of one `serve` (MkDocs keeps a hook module loaded).
_state: dict = {"serving": False, "staged": False, "staging": None, "problems": []}


def on_startup(command: str, dirty: bool) -> None:
    _state["serving"] = command == "serve"
    # `--dirty` rebuilds only what changed, in place: it must build into the served folder itself.
    _state["staged"] = command == "serve" and not dirty


@event_priority(110)  # before hooks.py, which stops a build with content problems
def on_config(config):
    """Under serve, each rebuild goes into a new folder beside the served one (swapped in by
    `_rebuild`). Not the first build: nothing is served yet, and without live reload
    (`--no-livereload`) nothing would swap it in."""
    if _state["staged"] and "served" not in _state:
        _state["served"] = Path(config.site_dir)
    elif _state["staged"]:
        served = _state["served"]
        _state["staging"] = Path(tempfile.mkdtemp(prefix=f".{served.name}.new-", dir=served.parent))
        atexit.register(shutil.rmtree, _state["staging"], ignore_errors=True)
        config.site_dir = str(_state["staging"])
    return config


def on_serve(server, config, builder):
    """Wrap the server's rebuilds and its answers."""
    if not _state["serving"]:
        return server
    server.builder = _rebuild(server.builder)
    server.set_app(_with_live_reload_allowed(server.serve_request))
    return server


def _swap_in() -> None:
    staging, _state["staging"] = _state["staging"], None
    if staging is not None and staging.is_dir():
        replace_folder(_state["served"], staging)
        shutil.rmtree(staging, ignore_errors=True)  # after the swap: the previous site


def _rebuild(builder):
    def rebuild_keeping_the_last_good_site():
        errors = _ErrorLines()
        logging.getLogger("properdocs").addHandler(errors)
        try:
            builder()
        except Exception as error:  # the engine's Abort (content problems, a plugin's error), or a crash
            if not isinstance(error, Abort):  # a bug in the code: its traceback says where
                traceback.print_exc()
            if not errors.lines:
                errors.lines.append(f"{type(error).__name__}: {error}")
            if _state["staging"] is not None:
                shutil.rmtree(_state["staging"], ignore_errors=True)
                _state["staging"] = None
            _state["problems"] = list(errors.lines)
            log.error("The change does not build: the preview shows the last good pages, the problems at the top of "
                      "each; fix them and save, and the browser reloads.")
        else:
            _state["problems"] = []
            _swap_in()
        finally:
            logging.getLogger("properdocs").removeHandler(errors)
        # Returning normally, even after a failure, is what lets the server answer again.

    return rebuild_keeping_the_last_good_site


class _ErrorLines(logging.Handler):
    """The error lines a build logs (the content problems, one each)."""

    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def _with_live_reload_allowed(app):
    """The server's WSGI app, with each HTML page allowing its own live-reload script (and, after
    a failed rebuild, showing the problems)."""

    def wrapped(environ, start_response):
        answer: dict = {}

        def keep(status, headers, exc_info=None):
            answer.update(status=status, headers=headers)
            return lambda data: None  # the app returns its body; nothing writes through this

        body = app(environ, keep)
        headers = answer["headers"]
        if not any(name.lower() == "content-type" and value.startswith("text/html") for name, value in headers):
            start_response(answer["status"], headers)
            return body
        try:
            page = b"".join(body)
        finally:
            getattr(body, "close", lambda: None)()
        page = _with_problems(_allow_live_reload(page), _state["problems"])
        headers = [(n, v) for n, v in headers if n.lower() != "content-length"] + [("Content-Length", str(len(page)))]
        start_response(answer["status"], headers)
        return [page]

    return wrapped


def _allow_live_reload(page: bytes) -> bytes:
    """The page with the hash of its live-reload script added to its policy's script-src: the
    last script, right before the last `</body>` where the server put it, and only that one
    (a script of the same text elsewhere, say in the content, gets nothing)."""
    body_end = page.rfind(b"</body>")
    start = page.rfind(b"<script>", 0, body_end)
    script = page[start + len(b"<script>"): body_end - len(b"</script>")]
    if body_end < 0 or start < 0 or not page[:body_end].endswith(b"</script>") or not LIVERELOAD_SCRIPT.fullmatch(script):
        return page
    digest = base64.b64encode(hashlib.sha256(script).digest())
    return CSP_META.sub(lambda m: m.group(1) + b" 'sha256-" + digest + b"'", page, count=1)


def _with_problems(page: bytes, problems: list[str]) -> bytes:
    """The page with the last rebuild's problems at the top of its body (styled as a failure note)."""
    body = BODY_TAG.search(page)
    if not problems or body is None:
        return page
    items = "".join(f"<li><code>{html.escape(line)}</code></li>" for line in problems)
    note = ('<div class="md-typeset" role="alert" id="kb-serve-problems"><div class="admonition failure">'
            '<p class="admonition-title">Your last change does not build: this is the last good version. '
            'Fix these, save, and the page reloads.</p>'
            f"<ul>{items}</ul></div></div>")
    return page[: body.end()] + note.encode("utf-8") + page[body.end():]
