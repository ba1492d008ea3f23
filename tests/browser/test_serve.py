"""`make serve` (properdocs serve, scripts/serve_hook.py) in real chromium: the page reloads itself
after an edit (its Content-Security-Policy allows exactly the server's live-reload script), keeps
answering while a content problem stands (the last good page, the problem at its top), and
reloads once the problem is fixed. The built site's policy is unchanged: test_csp.py checks that each
built page allows exactly the hashes of its own inline scripts."""

from __future__ import annotations

import contextlib
import html
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from projectcopy import add_hook, copy_project, edit

from .browserkit import LOCAL_HOST, _free_port, _wait_for_port, browsing
from .test_csp import executable_inline_scripts, policy_of, sha256

SOURCE = "docs/sources/asiapress-2025-06-hyesan-missing.md"
PAGE = "/sources/asiapress-2025-06-hyesan-missing/"
SUMMARY = "ASIAPRESS reported in June 2025 that repeated missing-person cases"
EDITED = "ASIAPRESS reported in June 2025 (edited while serving) that repeated missing-person cases"
#: Seconds a rebuild may take on a busy machine (about 2 s alone), plus the server's polling.
RELOAD_TIMEOUT = 60


@contextlib.contextmanager
def serving(project: Path, log: Path) -> Iterator[str]:
    """`properdocs serve` (`make serve`) on the copy, on a free port; yields the base URL."""
    port = _free_port()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(project / "scripts")}
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "properdocs", "serve", "-f", "mkdocs.yml", "--dev-addr", f"{LOCAL_HOST}:{port}"],
            cwd=project, env=env, stdout=out, stderr=subprocess.STDOUT,
        )
    try:
        _wait_for_port(port, server, timeout=120)
        yield f"http://{LOCAL_HOST}:{port}"
    finally:
        server.send_signal(signal.SIGINT)  # Ctrl-C: the server removes its folders
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture
def served(tmp_path) -> Iterator[tuple[Path, str, Path]]:
    """A copy of the project under serve: (copy, base URL, log file)."""
    project = copy_project(tmp_path / "kb")
    log = tmp_path / "serve.log"
    with serving(project, log) as base_url:
        yield project, base_url, log


def answer(url: str, timeout: float = 10) -> tuple[int, str]:
    """A plain HTTP request, as a second reader would make it: status and text."""
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.status, response.read().decode("utf-8")


def wait_for_reload(page, text: str, present: bool = True) -> None:
    """The page reloaded by itself (the marker set on `window` is gone) and does (not) show `text`."""
    page.wait_for_function(
        "([text, present]) => window.kbMarker === undefined && document.body.innerText.includes(text) === present",
        arg=[text, present], timeout=RELOAD_TIMEOUT * 1000,
    )


def test_serve_reloads_after_an_edit_and_keeps_answering_through_a_content_problem(playwright_browser, served):
    project, base_url, log = served
    with browsing(playwright_browser, base_url) as web:
        web.open(PAGE)
        assert SUMMARY in web.page.inner_text("article")
        # Exactly one hash more than the built page has: that of the script the server appended.
        _, served_html = answer(base_url + PAGE)
        scripts = executable_inline_scripts(served_html)
        assert "livereload(" in scripts[-1]
        assert sorted(policy_of(served_html)["script-src"][1:]) == sorted({sha256(s) for s in scripts})

        # An edit: the page reloads itself and shows the new text.
        web.page.evaluate("window.kbMarker = 1")
        edit(project / SOURCE, SUMMARY, EDITED)
        wait_for_reload(web.page, "(edited while serving)")

        # A content problem: the server still answers, with the last good page and the problem on it.
        web.page.evaluate("window.kbMarker = 1")
        edit(project / SOURCE, "outlet: asiapress\n", "outlet: asiapres\n")
        wait_for_reload(web.page, "unknown outlet 'asiapres'")
        problems = web.page.inner_text("#kb-serve-problems")
        assert "Your last change does not build" in problems
        assert f"{SOURCE}:4: outlet: unknown outlet 'asiapres'" in problems
        assert "(edited while serving)" in web.page.inner_text("article")  # the last good version
        started = time.monotonic()
        status, text = answer(base_url + "/topics/")
        assert status == 200 and 'id="kb-serve-problems"' in text and "unknown outlet 'asiapres'" in html.unescape(text)
        assert time.monotonic() - started < 10

        # Fixed: the page reloads once more, without the problem.
        web.page.evaluate("window.kbMarker = 1")
        edit(project / SOURCE, "outlet: asiapres\n", "outlet: asiapress\n")
        wait_for_reload(web.page, "Your last change does not build", present=False)
        assert web.page.locator("#kb-serve-problems").count() == 0

        blocked = [(page, text) for page, text in web.recorder.console_errors if "Content Security Policy" in text]
        assert blocked == [], blocked  # the live-reload script was allowed, on every load
        assert web.recorder.page_errors == []
    output = log.read_text(encoding="utf-8")
    assert output.count("Reloading browsers") >= 3, output
    assert "Traceback" not in output



def test_only_the_script_the_server_appended_is_allowed(site):
    """The same text as a script anywhere else in the page (say, written in the content) gets no hash."""
    from properdocs.livereload import _SCRIPT_TEMPLATE
    from serve_hook import _allow_live_reload

    page = (site / "index.html").read_bytes()
    script = b"<script>" + _SCRIPT_TEMPLATE.substitute(epoch=1, request_id=2).encode() + b"</script>"
    in_content = page.replace(b'<article class="md-content__inner md-typeset">',
                              b'<article class="md-content__inner md-typeset">' + script, 1)
    assert in_content != page
    assert _allow_live_reload(in_content) == in_content
    end = page.rindex(b"</body>")
    appended = page[:end] + script + page[end:]
    policy = policy_of(_allow_live_reload(appended).decode())["script-src"]
    expected = policy_of(page.decode())["script-src"] + [sha256(_SCRIPT_TEMPLATE.substitute(epoch=1, request_id=2))]
    assert sorted(policy) == sorted(expected)


def served_when(url: str, condition, timeout: float = RELOAD_TIMEOUT) -> str:
    """The page's text (entities decoded) once `condition(text)` holds; every request must answer."""
    deadline = time.monotonic() + timeout
    while True:
        status, text = answer(url)
        assert status == 200
        text = html.unescape(text)
        if condition(text):
            return text
        assert time.monotonic() < deadline, text[-3000:]
        time.sleep(0.5)


def test_a_rebuild_that_crashes_once_its_pages_are_written_leaves_the_last_good_site(tmp_path):
    """Rebuilds go to a folder beside the served one: pages of a build that then failed are never served."""
    project = copy_project(tmp_path / "kb")
    crashing = SUMMARY.replace("June 2025", "June 2025 (crash)")
    # A crash in the code, after every page is written, whenever the summary says "(crash)".
    add_hook(project, "import pathlib\n\ndef on_post_build(config):\n"
                      f"    if '(crash)' in pathlib.Path({str(project / SOURCE)!r}).read_text():\n"
                      "        raise RuntimeError('a crash once every page is written')\n")
    with serving(project, tmp_path / "serve.log") as base_url:
        edit(project / SOURCE, SUMMARY, crashing)
        text = served_when(base_url + PAGE, lambda text: 'id="kb-serve-problems"' in text)
        assert "RuntimeError: a crash once every page is written" in text
        assert "(crash)" not in text and SUMMARY in text  # the last good page, not the crashed build's
        edit(project / SOURCE, crashing, EDITED)
        served_when(base_url + PAGE, lambda text: 'id="kb-serve-problems"' not in text and "(edited while serving)" in text)
