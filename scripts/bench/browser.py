"""Reader figures measured in headless Chromium (Debian's /usr/bin/chromium through Python
playwright, launched as tests/browser/browserkit.py launches it).

Every measure opens a new browser context (an empty cache) and one page, watched through a CDP
session (`Probe`): the encoded bytes received (the `encodedDataLength` of CDP's
Network.loadingFinished: what came over the wire, headers included, compressed where the host
compressed) by the page and by its workers (attached with Target.setAutoAttach, each with its own
Network domain; Chromium reports a worker's own script with its headers only, if at all: 195 bytes
for the 12 KB of Material's search worker, so each worker's script counts with the Content-Length
the host sends for it), and the JS heap in use (Runtime.getHeapUsage) of the page and of each worker.
Times are taken inside the page (the first keystroke's or the click's event time, and
performance.now() when the result appears in the DOM, seen by a MutationObserver), so that the
driver's round trips do not count. The site is served by bench/host.py (gzip, as a host serves it) or opened from file://.
"""

from __future__ import annotations

import contextlib
import functools
import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bench.project import SCRIPTS, bench_env

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
DESKTOP = {"width": 1280, "height": 900}
#: What a reader types, and what the synthetic knowledge bases contain: the real content's words
#: (its topic, place and organization names) are in every size. 혜산 is Hyesan in Hangul.
QUERIES = ["inminban", "repatriation", "보위부", "Hyesan", "혜산"]
SEARCH_RESULT = ".md-search-result__item"
#: The claim explorer's contract (shared with the engineer who builds it): see docs/about/performance.md.
EXPLORER_RESULTS = "#explorer-results"
EXPLORER_TOPIC_BOX = 'fieldset[data-facet="topic"] input[type="checkbox"]'
#: The longest wait for a page, a result or a render: today's search takes 19–35 s at 10,000 sources.
TIMEOUT_S = 120

#: Installed in the page once it has loaded: the time of the first keystroke, the "/" that opens
#: the search box (the query is typed at once after it), and of the first search result in the DOM.
#: The keystroke's time is its event's timeStamp: when Chromium received the key, not when the
#: page got round to it. Offline, the page's main thread builds the index and handles keys only
#: after that: performance.now() in the handler would leave the wait out.
SEARCH_CLOCK = """() => {
  const clock = window.__benchClock = {typed: null, result: null};
  document.addEventListener("keydown", event => { if (clock.typed === null) clock.typed = event.timeStamp; }, true);
  const seen = () => document.querySelector(%s) !== null;
  new MutationObserver((records, observer) => {
    if (seen()) { clock.result = performance.now(); observer.disconnect(); }
  }).observe(document.body, {childList: true, subtree: true});
}""" % json.dumps(SEARCH_RESULT)

#: The time of a click on a topic box, and of the next increment of data-renders.
EXPLORER_CLOCK = """() => {
  const clock = window.__benchClock = {changed: null, rendered: null};
  const results = document.querySelector(%s);
  const before = Number(results.dataset.renders);
  document.addEventListener("click", event => { if (clock.changed === null) clock.changed = event.timeStamp; }, true);
  new MutationObserver((records, observer) => {
    if (Number(results.dataset.renders) > before) { clock.rendered = performance.now(); observer.disconnect(); }
  }).observe(results, {attributes: true, attributeFilter: ["data-renders"]});
}""" % json.dumps(EXPLORER_RESULTS)


@functools.cache
def _served_bytes(url: str) -> int:
    """The Content-Length the host sends for a URL, gzip accepted (0 for file:// and the like)."""
    if not url.startswith("http"):
        return 0
    with urllib.request.urlopen(urllib.request.Request(url, method="HEAD", headers={"Accept-Encoding": "gzip"}), timeout=10) as response:
        return int(response.headers.get("Content-Length", 0))


class Probe:
    """A new context (cold cache) and page; CDP counts the bytes and reads the heaps of the page and its workers."""

    def __init__(self, browser):
        self.context = browser.new_context(viewport=DESKTOP, service_workers="block")
        self.page = self.context.new_page()
        self.cdp = self.context.new_cdp_session(self.page)
        self.received: dict[str, int] = {}  # "target:requestId" -> encoded bytes
        self.workers: list[str] = []  # CDP session ids of the workers still running
        self.worker_scripts: list[str] = []  # the URLs of every worker's script
        self.replies: dict[tuple[str, int], dict] = {}
        self._next_id = 0
        self.cdp.on("Network.loadingFinished", lambda event: self._finished("page", event))
        # The page's own requests sent after its load event (what it fetches once shown).
        self.loaded = False
        self.after_load: set[str] = set()
        self.cdp.on("Page.loadEventFired", lambda event: setattr(self, "loaded", True))
        self.cdp.on("Network.requestWillBeSent",
                    lambda event: self.after_load.add(f"page:{event['requestId']}") if self.loaded else None)
        self.cdp.on("Target.attachedToTarget", self._attached)
        self.cdp.on("Target.receivedMessageFromTarget", self._from_worker)
        self.cdp.on("Target.detachedFromTarget", self._detached)
        self.cdp.send("Network.enable")
        self.cdp.send("Page.enable")
        # Not flattened: the workers' sessions are then reached through this one (Target.sendMessageToTarget).
        self.cdp.send("Target.setAutoAttach", {"autoAttach": True, "waitForDebuggerOnStart": True, "flatten": False})

    def _finished(self, target: str, event: dict) -> None:
        self.received[f"{target}:{event['requestId']}"] = int(event["encodedDataLength"])

    def _attached(self, event: dict) -> None:
        session = event["sessionId"]
        if event["targetInfo"]["type"] in {"worker", "shared_worker"}:
            self.workers.append(session)
            self.worker_scripts.append(event["targetInfo"]["url"])
            self._to_worker(session, "Network.enable")
        self._to_worker(session, "Runtime.runIfWaitingForDebugger")

    def _detached(self, event: dict) -> None:
        if event["sessionId"] in self.workers:
            self.workers.remove(event["sessionId"])

    def _to_worker(self, session: str, method: str) -> int:
        self._next_id += 1
        message = json.dumps({"id": self._next_id, "method": method})
        self.cdp.send("Target.sendMessageToTarget", {"sessionId": session, "message": message})
        return self._next_id

    def _from_worker(self, event: dict) -> None:
        message = json.loads(event["message"])
        if message.get("method") == "Network.loadingFinished":
            self._finished(event["sessionId"], message["params"])
        elif "id" in message:
            self.replies[(event["sessionId"], message["id"])] = message

    @property
    def bytes(self) -> int:
        return sum(self.received.values()) + sum(map(_served_bytes, self.worker_scripts))

    @property
    def bytes_before_load(self) -> int:
        """The bytes of what the page asked for before its load event, its workers included."""
        return self.bytes - sum(size for key, size in self.received.items() if key in self.after_load)

    def heap_bytes(self) -> int:
        """JS heap in use: the page's and every worker's (Runtime.getHeapUsage)."""
        used = int(self.cdp.send("Runtime.getHeapUsage")["usedSize"])
        for session in list(self.workers):
            try:
                asked = self._to_worker(session, "Runtime.getHeapUsage")
            except Exception:  # noqa: BLE001 - the worker ended between the list and the question: no heap left
                continue
            deadline = time.monotonic() + 30  # a worker answers once it is idle (after building an index)
            while (session, asked) not in self.replies and time.monotonic() < deadline:
                self.page.wait_for_timeout(20)
            used += int(self.replies.get((session, asked), {}).get("result", {}).get("usedSize", 0))
        return used

    def close(self) -> None:
        self.context.close()


@dataclass
class SearchFigure:
    query: str
    seconds: float | None  # first keystroke ("/", then the query) → first result; None: no result within TIMEOUT_S
    from_navigation_s: float | None  # the navigation's start → first result (the page loads, then "/" and the query are typed)
    bytes: int  # encoded bytes received from the navigation to the first result
    heap_bytes: int  # the page's and its workers' JS heap once the first result is shown
    results: int = 0  # result items on screen then


@dataclass
class ExplorerFigure:
    first_view_bytes: int  # from the navigation to the first render from data (data-renders ≥ 1)
    filter_seconds: float | None  # click on a topic box → data-renders incremented
    heap_bytes: int


@dataclass
class ReaderFigures:
    search: list[SearchFigure] = field(default_factory=list)
    source_first_view_bytes: int = 0  # a source page, from the navigation until the network is idle
    explorer: ExplorerFigure | None = None  # None: the site has no /claims/ page
    offline_search: list[SearchFigure] | None = None


def search(browser, url: str, query: str) -> SearchFigure:
    """Open `url`, press "/" (Material's shortcut to the search box), type the query; time to the first result."""
    probe = Probe(browser)
    try:
        probe.page.goto(url, wait_until="load", timeout=TIMEOUT_S * 1000)
        probe.page.evaluate(SEARCH_CLOCK)
        probe.page.keyboard.press("/")
        probe.page.keyboard.type(query)
        probe.page.keyboard.press("End")  # a keyup after Hangul, which is typed without key events
        try:
            probe.page.wait_for_function("() => window.__benchClock.result !== null", timeout=TIMEOUT_S * 1000, polling=20)
        except Exception as error:  # playwright's TimeoutError: no result, which the target reports
            if "Timeout" not in type(error).__name__:
                raise
            return SearchFigure(query, None, None, probe.bytes, probe.heap_bytes())
        received = probe.bytes
        clock = probe.page.evaluate("() => window.__benchClock")
        probe.page.wait_for_timeout(500)  # the results of the whole query, whose index the heap then holds
        # performance.now() counts from the navigation's start (the page's time origin).
        return SearchFigure(query, round((clock["result"] - clock["typed"]) / 1000, 3), round(clock["result"] / 1000, 3), received,
                            probe.heap_bytes(), probe.page.locator(SEARCH_RESULT).count())
    finally:
        probe.close()


def first_view(browser, url: str) -> int:
    """Encoded bytes a page receives from the navigation until its network is idle (500 ms)."""
    probe = Probe(browser)
    try:
        probe.page.goto(url, wait_until="networkidle", timeout=TIMEOUT_S * 1000)
        return probe.bytes
    finally:
        probe.close()


def explorer(browser, url: str) -> ExplorerFigure:
    probe = Probe(browser)
    try:
        probe.page.goto(url, wait_until="load", timeout=TIMEOUT_S * 1000)
        rendered = f"Number(document.querySelector({json.dumps(EXPLORER_RESULTS)})?.dataset.renders) >= 1"
        shown_by_load = probe.page.evaluate(f"() => {rendered}")
        probe.page.wait_for_function(f"() => {rendered}", timeout=TIMEOUT_S * 1000, polling=20)
        # The first view: what the page fetched to show its first results. Shown by its load event,
        # that is what it asked for before it; what it fetches afterwards for the filters (the
        # columns) is not, however fast it arrives (at 1,000 sources it arrived before the first
        # look at the page, at 10,000 after: the count depended on the timing).
        first_view_bytes = probe.bytes_before_load if shown_by_load else probe.bytes
        probe.page.evaluate(EXPLORER_CLOCK)
        probe.page.locator(EXPLORER_TOPIC_BOX).first.click()
        try:
            probe.page.wait_for_function("() => window.__benchClock.rendered !== null", timeout=TIMEOUT_S * 1000, polling=20)
        except Exception as error:
            if "Timeout" not in type(error).__name__:
                raise
            return ExplorerFigure(first_view_bytes, None, probe.heap_bytes())
        clock = probe.page.evaluate("() => window.__benchClock")
        return ExplorerFigure(first_view_bytes, round((clock["rendered"] - clock["changed"]) / 1000, 3), probe.heap_bytes())
    finally:
        probe.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def hosted(site: Path) -> Iterator[str]:
    """The site served by bench/host.py in its own process; yields its base URL (no trailing slash)."""
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "bench.host", str(site), str(port)], cwd=SCRIPTS, env=bench_env(),
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 10
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"bench.host did not listen on port {port}: {server.stderr.read().decode()[-500:]}")
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@contextlib.contextmanager
def chromium() -> Iterator[object]:
    """Debian's headless Chromium (never Playwright's own download)."""
    from playwright.sync_api import sync_playwright

    path = chromium_path()
    if path is None:
        raise RuntimeError("chromium is not installed (apt-get install chromium), or run the bench with --no-browser")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def reader_figures(browser, site: Path, source_page: str, queries: list[str]) -> ReaderFigures:
    """Search (each query from the home page), a source page's first view, and the claim explorer if there is one."""
    figures = ReaderFigures()
    with hosted(site) as base:
        figures.search = [search(browser, f"{base}/", query) for query in queries]
        figures.source_first_view_bytes = first_view(browser, f"{base}/{source_page}")
        if (site / "claims" / "index.html").is_file():
            figures.explorer = explorer(browser, f"{base}/claims/")
    return figures


def offline_search(browser, unzipped: Path, queries: list[str]) -> list[SearchFigure]:
    """The offline copy opened from file://: each query from its home page."""
    return [search(browser, (unzipped / "index.html").as_uri(), query) for query in queries]
