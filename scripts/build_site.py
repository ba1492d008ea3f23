"""`make build`: the strict build, into a folder beside site/ that replaces site/ only once it succeeded.

    python scripts/build_site.py [-f mkdocs.yml] [-d site]

The engine (`python -m properdocs build --strict`) writes into a new hidden folder beside the
site's (`.site.new-XXXX`), and prints what it prints. Only when it exits with 0 does that folder
take the place of site/; after any failure (a content problem, a strict-mode warning, a crash,
Ctrl-C) site/ is byte for byte what it was, and a first build that fails leaves no site/.

The replacement is as atomic as the file system allows: on Linux one `renameat2(RENAME_EXCHANGE)`
swaps the two folders (a reader sees either the old site or the new one, never neither);
elsewhere the old one is renamed aside, the new one renamed in, the old one removed.

`replaced_on_success` does the same for a build run in this process (`scripts/offline.py`).
Independent of `kb` and of the engine's Python API: scripts/pdf.py runs this file too.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from pagefind_index import PAGES_VARIABLE, write_bundles

#: renameat2's flag that swaps two paths (linux/fs.h), and the "current folder" file descriptor.
RENAME_EXCHANGE = 2
AT_FDCWD = -100


@contextlib.contextmanager
def replaced_on_success(target: Path) -> Iterator[Path]:
    """A new empty folder beside `target`; when the block ends without an exception it replaces
    `target`, else it is removed and `target` is untouched."""
    target = Path(os.path.realpath(target))  # a site/ that links elsewhere: what it points to is replaced
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-", dir=target.parent))
    try:
        staging.chmod(0o777 & ~_umask())  # mkdtemp makes it 0700; the site is for others to read
        yield staging
        replace_folder(target, staging)
    finally:
        # After an exchange this is the old site; after a failure, the half-built one.
        shutil.rmtree(staging, ignore_errors=True)


def replace_folder(target: Path, staging: Path) -> None:
    """Put `staging` at `target`; what was at `target` is then at `staging` (or gone)."""
    if not os.path.lexists(target):
        os.rename(staging, target)
    elif not _exchange(staging, target):
        aside = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
        os.rename(target, aside / target.name)
        os.rename(staging, target)
        shutil.rmtree(aside, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux 3.15+, glibc 2.28+); False where that is not possible."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    return renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def engine_build(config: Path, site_dir: Path, env: dict[str, str] | None = None) -> int:
    """`properdocs build --strict` into `site_dir`, its output on this terminal, then the search
    index of its pages (scripts/pagefind_index.py: after the engine, so that the two processes
    never hold their memory at once); the exit status."""
    with tempfile.TemporaryDirectory(prefix="kb-search-") as pages:
        env = {**(os.environ if env is None else env), PAGES_VARIABLE: pages}
        command = [sys.executable, "-m", "properdocs", "build", "--strict", "-f", str(config), "-d", str(site_dir)]
        code = subprocess.run(command, env=env, cwd=config.parent).returncode
        if code or not any(Path(pages).iterdir()):  # failed, or an offline build (Material's own search)
            return code
        problems = write_bundles(Path(pages), site_dir)
        for problem in problems:
            print(f"ERROR   -  {problem}", file=sys.stderr)
        return 1 if problems else 0


def build_site(config: Path, site_dir: Path, env: dict[str, str] | None = None) -> int:
    """The strict build; site_dir replaced only when it succeeded. The exit status (0: built)."""
    relative = os.path.relpath(site_dir)
    try:
        with replaced_on_success(site_dir) as staging:
            code = engine_build(config, staging, env)
            if code:
                raise _Failed(code)
    except _Failed as failed:
        print(f"The build failed: {relative}/ is as it was before (nothing of this build was kept).", file=sys.stderr)
        return failed.code
    except KeyboardInterrupt:
        print(f"\nInterrupted: {relative}/ is as it was before.", file=sys.stderr)
        return 130
    return 0


class _Failed(Exception):
    def __init__(self, code: int):
        super().__init__(code)
        self.code = code


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-f", "--config-file", type=Path, default=Path("mkdocs.yml"), help="default: mkdocs.yml")
    parser.add_argument("-d", "--site-dir", type=Path, help="default: site/ beside the configuration file")
    args = parser.parse_args(argv)
    config = args.config_file.resolve()
    if not config.is_file():
        print(f"{args.config_file}: no such configuration file: give mkdocs.yml with -f", file=sys.stderr)
        return 2
    # A `kill` (CI cancelling a job) is handled like Ctrl-C: the half-built folder is removed.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    return build_site(config, args.site_dir or config.parent / "site")


if __name__ == "__main__":
    sys.exit(main())
