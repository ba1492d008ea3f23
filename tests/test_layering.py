"""The layers of the core hold: the checks (`python -m kb check`) load, check and derive, and
render nothing, so they import neither the renderer nor Jinja (where each page goes is in
`kb.paths`)."""

from __future__ import annotations

import os
import subprocess
import sys

from kbtest import ROOT


def test_the_checks_import_no_renderer():
    code = "import sys, kb.pipeline; print(sorted(m for m in ('jinja2', 'kb.render') if m in sys.modules))"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "scripts")}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert done.stdout.strip() == "[]", f"imported by the checks: {done.stdout}"
