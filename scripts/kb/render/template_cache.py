"""Compiled Jinja templates kept between rebuilds and runs (one cache per process)."""

from __future__ import annotations

import os
from contextlib import suppress
from pathlib import Path

from jinja2 import BytecodeCache


class TemplateCache(BytecodeCache):
    """Compiled Jinja templates, kept for the life of the process and, once `keep_under(project)` is
    called, in files between runs (as Python keeps .pyc files).

    `mkdocs serve` makes new Jinja environments on every rebuild (ours, and the theme's: a
    third of a rebuild at seed size went into compiling the same templates again), and every
    `kb generate` or `mkdocs build` is a new process (compiling our templates: 65 ms of the
    0.8 s of `kb generate` at 100 sources). Jinja checks each entry against the template's
    source and its own version, so an edited template is compiled afresh."""

    def __init__(self) -> None:
        self._compiled: dict[str, bytes] = {}
        self.folder: Path | None = None

    def keep_under(self, project: Path) -> None:
        """Keep compiled templates in the project's `.cache/jinja/` too (created when first
        needed; as Material's own plugins keep their caches in `.cache/`; ignored by Git)."""
        self.folder = Path(project) / ".cache" / "jinja"

    def load_bytecode(self, bucket) -> None:
        code = self._compiled.get(bucket.key)
        if code is None and self.folder is not None:
            code = self._read(self.folder / bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)  # left empty (so compiled again) if out of date

    def dump_bytecode(self, bucket) -> None:
        code = self._compiled[bucket.key] = bucket.bytecode_to_string()
        if self.folder is not None:
            self._write(self.folder / bucket.key, code)

    @staticmethod
    def _read(file: Path) -> bytes | None:
        try:
            return file.read_bytes()
        except OSError:  # not there yet, or not readable: compiled as if never kept
            return None

    @staticmethod
    def _write(file: Path, code: bytes) -> None:
        """Written whole or not at all: another process (the build's child) may read it meanwhile."""
        partial_file = file.with_name(f"{file.name}.{os.getpid()}.tmp")
        try:
            file.parent.mkdir(parents=True, exist_ok=True)
            partial_file.write_bytes(code)
            os.replace(partial_file, file)
        except OSError:  # a read-only checkout: the templates are compiled on each run instead
            with suppress(OSError):  # nor is a partly written file left behind
                partial_file.unlink(missing_ok=True)


#: One per process; this module is imported once, while MkDocs re-imports hooks on every rebuild.
TEMPLATE_CACHE = TemplateCache()
