"""kb.parallel: work shared with a forked child gives the same results as work done here, in
the same order; a child that fails costs time, not results; errors are raised here."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import threading
import time

import pytest
from kbtest import run_build

from kb import parallel
from kb.parallel import Background, Shared

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="the second process is used on Linux only")


@pytest.fixture(autouse=True)
def forking_allowed(monkeypatch):
    monkeypatch.delenv("KB_PROCESSES", raising=False)
    _let_other_threads_end(timeout=10)
    assert parallel.can_fork(), ("the tests of the second process need a process without other threads; running: "
                                 + ", ".join(thread.name for thread in threading.enumerate()))


def _let_other_threads_end(timeout: float) -> None:
    """Wait for threads an earlier test left ending: Playwright's asyncio thread that waits for its
    driver process ('asyncio-waitpid-0') can outlive the browser fixture by a moment, and
    `can_fork` (rightly) refuses to fork while it runs."""
    deadline = time.monotonic() + timeout
    for thread in threading.enumerate():
        if thread is not threading.current_thread():
            thread.join(max(0.0, deadline - time.monotonic()))


def double_and_pid(item: int) -> tuple[int, int]:
    time.sleep(0.002)
    return item * 2, os.getpid()


def test_shared_results_are_in_order_and_the_child_does_its_part():
    with Shared(double_and_pid, range(100)) as shared:
        time.sleep(0.3)  # this process's other work: the child starts on the items meanwhile
        results = shared.results()
    assert [value for value, _ in results] == [item * 2 for item in range(100)]
    assert {pid for _, pid in results} - {os.getpid()}, "the child took some of the items"
    assert not multiprocessing.active_children()


def test_both_processes_take_items_when_both_are_free():
    with Shared(double_and_pid, range(400)) as shared:
        results = shared.results()
    pids = [pid for _, pid in results]
    assert pids.count(os.getpid()) and len(set(pids)) == 2


def test_items_a_failed_child_took_are_done_here():
    parent = os.getpid()

    def fails_in_the_child(item: int) -> tuple[int, int]:
        if os.getpid() != parent:
            raise RuntimeError("the child fails")
        return double_and_pid(item)

    with Shared(fails_in_the_child, range(50)) as shared:
        time.sleep(0.1)
        results = shared.results()
    assert results == [(item * 2, parent) for item in range(50)]


def test_an_error_in_the_work_is_raised_here_and_the_child_stopped():
    def breaks_on_seven(item: int) -> int:
        if item == 7:
            raise ValueError("item 7 is bad")
        return item

    with pytest.raises(ValueError, match="item 7"):
        with Shared(breaks_on_seven, range(20)) as shared:
            shared.results()
    assert not multiprocessing.active_children()


def test_no_child_where_forking_is_not_safe(monkeypatch):
    release = threading.Event()
    server = threading.Thread(target=release.wait)  # as `mkdocs serve` runs its server
    server.start()
    try:
        assert not parallel.can_fork()
        with Shared(double_and_pid, range(30)) as shared:
            results = shared.results()
        assert {pid for _, pid in results} == {os.getpid()}
        assert Background(pids).result() == os.getpid()
    finally:
        release.set()
        server.join()
    monkeypatch.setenv("KB_PROCESSES", "1")
    assert not parallel.can_fork()


def test_no_child_for_a_process_past_its_memory_limit():
    assert parallel.resident_mb() > 10
    with Shared(double_and_pid, range(30), unless_resident_mb=1) as shared:
        assert {pid for _, pid in shared.results()} == {os.getpid()}
    with Shared(double_and_pid, range(30), unless_resident_mb=100_000) as shared:
        time.sleep(0.2)
        assert {pid for _, pid in shared.results()} - {os.getpid()}


def pids():
    yield os.getpid()


def sleep_then_pid(seconds: float):
    time.sleep(seconds)
    yield os.getpid()


def test_background_result_comes_from_the_child():
    def pid_and_total():
        yield os.getpid(), sum(range(1000))

    job = Background(pid_and_total)
    pid, total = job.result()
    assert pid != os.getpid() and total == 499500
    assert job.result() == (pid, total), "asked twice, the same result"


def test_background_sends_each_value_as_soon_as_it_is_made():
    def quick_then_slow():
        yield "read"
        time.sleep(0.6)
        yield "formatted"

    job = Background(quick_then_slow)
    started = time.monotonic()
    assert job.result(0) == "read"
    assert time.monotonic() - started < 0.5, "the first value did not wait for the second"
    assert not job.ready(1), "the second is still being made"
    assert job.result(1) == "formatted"
    assert _children_end(), "the child ends once it has sent its last value"


def test_background_is_ready_once_the_child_has_sent_its_result():
    job = Background(sleep_then_pid, 0.5)
    assert not job.ready(), "still sleeping in the child"
    deadline = time.monotonic() + 10
    while not job.ready() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert job.ready()
    started = time.monotonic()
    assert job.result() != os.getpid()
    assert time.monotonic() - started < 0.2, "ready: the result is there to be read"


def test_background_without_a_child_is_ready_at_once(monkeypatch):
    monkeypatch.setenv("KB_PROCESSES", "1")
    job = Background(pids)
    assert job.ready() and job.ready(1)
    assert job.result() == os.getpid()


def test_background_that_fails_is_done_again_here():
    parent = os.getpid()

    def only_here():
        if os.getpid() != parent:
            raise RuntimeError("the child fails")
        yield 42

    assert Background(only_here).result() == 42


def test_background_that_fails_half_way_keeps_what_it_sent():
    parent = os.getpid()

    def first_anywhere_second_only_here():
        yield ("first", os.getpid())
        if os.getpid() != parent:
            raise RuntimeError("the child fails after its first value")
        yield ("second", os.getpid())

    job = Background(first_anywhere_second_only_here)
    assert job.result(1) == ("second", parent), "made here"
    assert job.result(0)[1] != parent, "the child's first value is kept, not made again"
    assert _children_end()


def test_background_value_asked_for_past_the_last_is_an_error():
    job = Background(pids)
    job.result(0)
    with pytest.raises(StopIteration):
        job.result(1)


def _children_end(timeout: float = 5) -> bool:
    """Whether every child process has ended within `timeout` (`active_children` reaps them)."""
    deadline = time.monotonic() + timeout
    while multiprocessing.active_children() and time.monotonic() < deadline:
        time.sleep(0.01)
    return not multiprocessing.active_children()


def test_cancelled_background_leaves_no_process():
    job = Background(sleep_then_pid, 30)
    job.cancel()
    assert not multiprocessing.active_children()


# --- The generation with and without the second process ----------------------------------


@pytest.fixture(scope="module")
def synthetic_kb(tmp_path_factory):
    import bench

    root = tmp_path_factory.mktemp("parallel") / "kb"
    bench.synthesize(root, 40, places=30, organizations=12, outlets=6)
    return root


def files_of(folder) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_command_line_starts_on_bibtex_before_it_imports_the_libraries():
    """`python -m kb` forks its BibTeX child before importing pydantic, PyYAML, Jinja and pybtex
    (0.15 s in which the second core would otherwise wait): importing its module must not
    import them, nor must `import kb`."""
    import bench

    heavy = ["pydantic", "yaml", "jinja2", "pybtex"]
    code = f"import sys, kb.__main__; print(sorted(m for m in {heavy!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=bench.bench_env(), check=True)
    assert done.stdout.strip() == "[]", f"imported before the BibTeX child is started: {done.stdout}"


def test_the_checks_import_no_renderer():
    """`python -m kb check` loads, checks and derives (`kb.pipeline`): it renders nothing, so it
    must not import the renderer and Jinja (where each page goes is in `kb.paths`)."""
    import bench

    code = "import sys, kb.pipeline; print(sorted(m for m in ('jinja2', 'kb.render') if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=bench.bench_env(), check=True)
    assert done.stdout.strip() == "[]", f"imported by the checks: {done.stdout}"


def test_bibtex_read_by_the_child_is_what_this_process_reads(synthetic_kb, monkeypatch):
    from kb.bibtex import BibTeX, formatted_references, load_bib

    job = BibTeX(synthetic_kb, with_references=True)
    loaded, references = job.loaded(), job.references()
    monkeypatch.setenv("KB_PROCESSES", "1")
    here = load_bib(synthetic_kb)
    assert loaded == here and len(here.entries) >= 40
    assert references == formatted_references(here.entries)
    assert BibTeX(synthetic_kb).references() == references, "formatted here when not asked for at the start"


def test_kb_generate_writes_the_same_pages_in_one_process_or_two(synthetic_kb, tmp_path):
    import bench

    written = {}
    for processes in ("1", "2"):
        out = tmp_path / processes
        env = {**bench.bench_env(), "KB_PROCESSES": processes}
        done = subprocess.run([sys.executable, "-m", "kb", "--root", str(synthetic_kb), "generate", str(out)],
                              capture_output=True, text=True, env=env)
        assert done.returncode == 0, done.stderr
        written[processes] = files_of(out)
    assert len(written["1"]) > 40 + 20 and written["1"] == written["2"]


def test_a_site_built_in_one_process_or_two_is_the_same(synthetic_kb, tmp_path):
    sites = {}
    for processes in ("1", "2"):
        built = run_build(synthetic_kb / "mkdocs.yml", tmp_path / processes, KB_PROCESSES=processes,
                                 SOURCE_DATE_EPOCH="1764720000")
        assert built.returncode == 0, built.stderr[-4000:]
        sites[processes] = files_of(tmp_path / processes)
    assert len(sites["1"]) > 100
    differing = [path for path in sites["1"] if sites["1"][path] != sites["2"].get(path)]
    assert not differing and sites["1"].keys() == sites["2"].keys()


# --- Checks and derivation side by side (kb.build) -----------------------------------------


def test_indexes_that_cannot_be_derived_are_no_error_when_the_checks_explain_why(tmp_path, monkeypatch):
    """The indexes are derived while a child checks: on a knowledge base with a mistake they may
    fail to derive; the contributor then gets the problem line, not a traceback."""
    import kb
    import kb.pipeline
    from fixtures.kbfactory import SOURCE, make_kb

    def derive_fails(knowledge_base):
        raise KeyError("inminban-surveilance")

    monkeypatch.setattr(kb.pipeline, "derive", derive_fails)
    broken = make_kb(tmp_path / "broken", [(SOURCE, "    topics: [inminban-surveillance]\n", "    topics: [inminban-surveilance]\n")])
    result = kb.build(broken.root)
    assert not result.ok and result.derived is None
    assert any("unknown topic 'inminban-surveilance'" in str(p) for p in result.problems)

    valid = make_kb(tmp_path / "valid")
    with pytest.raises(KeyError):  # nothing wrong in the content: a real error, raised
        kb.build(valid.root)


def test_a_result_that_cannot_be_sent_is_made_here_without_a_traceback(capfd):
    parent = os.getpid()

    def unpicklable_in_the_child(item: int):
        return (lambda: item) if os.getpid() != parent else item  # a lambda cannot be pickled

    with Shared(unpicklable_in_the_child, range(40)) as shared:
        time.sleep(0.1)
        assert shared.results() == list(range(40))
    assert "Traceback" not in capfd.readouterr().err
