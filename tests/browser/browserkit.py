"""Helpers of the browser tests: build a site, serve it on 127.0.0.1, record what its pages do.

Every request any page makes goes through `Recorder`: requests to another host are recorded and
aborted (they would fail offline anyway), console errors, page errors and dialogs are recorded,
so that each test can say which page did what.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOCAL_HOST = "127.0.0.1"
DESKTOP = {"width": 1280, "height": 900}
RESULT_LINKS = ".md-search-result__item > a.md-search-result__link"


def site_build(config: Path, site_dir: Path, strict: bool = True, **env: str) -> subprocess.CompletedProcess:
    """A real build (`make build`) in a subprocess, with extra environment variables (SOURCE_DATE_EPOCH…)."""
    full_env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(ROOT / "scripts"), **env}
    args = [sys.executable, "-m", "properdocs", "build", "-f", str(config), "-d", str(site_dir)] + (["--strict"] if strict else [])
    return subprocess.run(args, capture_output=True, text=True, env=full_env, cwd=config.parent)


def html_pages(site_dir: Path) -> list[str]:
    """Every HTML page of a built site as its URL path ('/', '/topics/', '/404.html')."""
    paths = []
    for file in sorted(site_dir.rglob("*.html")):
        rel = file.relative_to(site_dir).as_posix()
        paths.append("/" + (rel[: -len("index.html")] if rel.endswith("index.html") else rel))
    return paths


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((LOCAL_HOST, 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def serve(directory: Path) -> Iterator[str]:
    """`python -m http.server` on a free local port; yields the base URL (no trailing slash)."""
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "http.server", "--bind", LOCAL_HOST, "--directory", str(directory), str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for_port(port, server)
        yield f"http://{LOCAL_HOST}:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def _wait_for_port(port: int, server: subprocess.Popen, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"http.server exited with {server.returncode}")
        with contextlib.suppress(OSError), socket.create_connection((LOCAL_HOST, port), timeout=0.2):
            return
        time.sleep(0.05)
    raise RuntimeError(f"http.server did not listen on port {port} within {timeout} s")


@dataclass
class Recorder:
    """What the pages of one browser context did, labelled with the page being visited."""

    current: str = "(no page yet)"
    third_party: list[tuple[str, str]] = field(default_factory=list)
    console_errors: list[tuple[str, str]] = field(default_factory=list)
    page_errors: list[tuple[str, str]] = field(default_factory=list)
    dialogs: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)

    def route(self, route) -> None:
        if urlsplit(route.request.url).hostname == LOCAL_HOST:
            route.continue_()
        else:
            self.third_party.append((self.current, route.request.url))
            route.abort()

    def watch(self, page) -> None:
        page.on("console", lambda msg: msg.type == "error" and self.console_errors.append((self.current, msg.text)))
        page.on("pageerror", lambda error: self.page_errors.append((self.current, str(error))))
        page.on("dialog", self._dialog)
        page.on("requestfailed", self._request_failed)
        page.on("response", lambda response: response.status >= 400 and self.failed.append((self.current, f"{response.url}: HTTP {response.status}")))

    def _dialog(self, dialog) -> None:
        self.dialogs.append((self.current, f"{dialog.type}: {dialog.message}"))
        dialog.dismiss()

    def _request_failed(self, request) -> None:
        # Third-party requests are aborted on purpose; ERR_ABORTED is a load cut short by the next visit.
        if urlsplit(request.url).hostname == LOCAL_HOST and request.failure != "net::ERR_ABORTED":
            self.failed.append((self.current, f"{request.url}: {request.failure}"))

    def clear(self) -> None:
        for name in ("third_party", "console_errors", "page_errors", "dialogs", "failed"):
            getattr(self, name).clear()


@dataclass
class Browsing:
    """One served site, one context and one reused page, with everything recorded."""

    base_url: str
    context: object
    page: object
    recorder: Recorder

    def open(self, path: str, wait_until: str = "load"):
        """Go to a path of the site; returns the HTTP response."""
        self.recorder.current = path
        response = self.page.goto(self.base_url + path, wait_until=wait_until)
        assert response is not None and response.status == 200, f"{path}: HTTP {response and response.status}"
        return response


@contextlib.contextmanager
def browsing(browser, base_url: str) -> Iterator[Browsing]:
    """A fresh context on `base_url`; every request is routed through a Recorder."""
    recorder = Recorder()
    context = browser.new_context(viewport=DESKTOP, service_workers="block")
    context.route("**/*", recorder.route)
    page = context.new_page()
    recorder.watch(page)
    try:
        yield Browsing(base_url, context, page, recorder)
    finally:
        context.close()


def result_paths(page) -> list[str]:
    hrefs = page.eval_on_selector_all(RESULT_LINKS, "links => links.map(a => a.href)")
    return [urlsplit(href).path for href in hrefs]


def settled_result_paths(page, timeout: float = 5.0) -> list[str]:
    """The result list once it has stopped changing (each keystroke re-runs the query)."""
    page.locator(RESULT_LINKS).first.wait_for(timeout=timeout * 1000)
    deadline = time.monotonic() + timeout
    previous = result_paths(page)
    while time.monotonic() < deadline:
        page.wait_for_timeout(250)
        current = result_paths(page)
        if current == previous:
            return current
        previous = current
    return previous
