"""`make serve`'s rebuild: seconds from a change to a source file until the server reloads the browsers."""

from __future__ import annotations

import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from bench.measuring import StepFailed
from bench.project import bench_env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServeLog:
    """`properdocs serve` (`make serve`) in the background; its log lines with the time each was read."""

    def __init__(self, root: Path):
        self.lines: queue.Queue[tuple[float, str]] = queue.Queue()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "properdocs", "serve", "-f", str(root / "mkdocs.yml"), "--dev-addr", f"127.0.0.1:{free_port()}"],
            cwd=root, env=bench_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put((time.perf_counter(), line.rstrip()))

    def wait_for(self, text: str, timeout: float = 120) -> tuple[float, list[str]]:
        """Time at which a line containing `text` appeared, and the lines read until then."""
        seen, deadline = [], time.perf_counter() + timeout
        while True:
            try:
                when, line = self.lines.get(timeout=max(0.0, deadline - time.perf_counter()))
            except queue.Empty:
                raise StepFailed(f"properdocs serve: no '{text}' within {timeout} s:\n" + "\n".join(seen)) from None
            seen.append(line)
            if text in line:
                return when, seen

    def stop(self) -> None:
        """Ctrl-C, as a contributor stops it: the build's scratch folder is removed at exit
        (SIGTERM would skip that and leave it in /tmp)."""
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=30)



def measure_serve(root: Path, changes: int = 3) -> tuple[float, list[float], list[float]]:
    """Seconds from a change to a source file until `properdocs serve` says "Reloading browsers"."""
    source = sorted((root / "docs" / "sources").glob("*.md"))[0]
    original = source.read_text(encoding="utf-8")
    serve = ServeLog(root)
    try:
        start = time.perf_counter()
        ready, _ = serve.wait_for("Serving on")
        waits, reported = [], []
        for n in range(changes):
            time.sleep(1.0)  # let the watcher settle
            changed_at = time.perf_counter()
            source.write_text(original + f"\nAn edit made by the benchmark ({n + 1}).\n", encoding="utf-8")
            done, lines = serve.wait_for("Reloading browsers")
            waits.append(round(done - changed_at, 2))
            reported += [float(m.group(1)) for line in lines if (m := re.search(r"Documentation built in ([\d.]+) seconds", line))]
        return round(ready - start, 2), waits, reported
    finally:
        serve.stop()
        source.write_text(original, encoding="utf-8")
