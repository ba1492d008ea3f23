"""`make bench`: build time, memory, page weight and reader figures of synthetic knowledge bases.

Modules, in the order a run uses them:

- synthesis (with vocabulary): write a synthetic knowledge base (`synthesize`, deterministic);
- configs: its mkdocs.yml, and the floor's (a bare Material build of the same pages);
- measuring: time and peak memory of a command's process tree (scripts/measure_tree.py), profiles;
- serving: `make serve`'s rebuild time after a change;
- weight: page bytes and DOM nodes read from a built site (lxml), the static first view;
- host and browser: the site served over http with gzip as a host does, measured in headless
  Chromium (search, first view, claim explorer, offline search from file://);
- sizes: one size's run, and the seed's; targets: PASS / MISS; report: tables, JSON, Markdown;
- __main__: the command line (`python -m bench --help`).
"""

from bench.project import PROJECT, bench_env  # noqa: F401 - used by tests that synthesise knowledge bases
from bench.synthesis import copy_project_content, synthesize  # noqa: F401
