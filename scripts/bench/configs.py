"""Configurations of the benchmark's knowledge bases: the project's mkdocs.yml for a synthetic copy,
and the floor, a bare Material project with the same pages."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import yaml

from bench.project import CONTENT_DIRS, PROJECT
from kb.check import CITATION_BLOCK

#: Config keys whose paths are relative to docs/, not to the project.
DOCS_RELATIVE_KEYS = {"nav", "not_in_nav", "extra_css", "extra_javascript", "docs_dir", "site_dir"}


def _project_config() -> dict:
    from mkdocs.utils.yaml import yaml_load  # resolves !ENV and python tags as mkdocs does

    with open(PROJECT / "mkdocs.yml", encoding="utf-8") as file:
        return yaml_load(file)


def _absolutize(value: object, root: Path) -> object:
    """Point relative paths at the project, except those the benchmark writes (docs, data, bib)."""
    if isinstance(value, dict):
        return {k: v if k in DOCS_RELATIVE_KEYS else _absolutize(v, root) for k, v in value.items()}
    if isinstance(value, list):
        return [_absolutize(item, root) for item in value]
    if isinstance(value, str) and "\n" not in value and len(value) < 200 and not os.path.isabs(value):
        first = Path(value).parts[0] if Path(value).parts else ""
        if first not in CONTENT_DIRS and (PROJECT / value).exists() and not (root / value).exists():
            return str(PROJECT / value)
    return value


def write_full_config(root: Path) -> Path:
    """The project's mkdocs.yml, its hook and other project paths made absolute."""
    config = _absolutize(_project_config(), root)
    return _dump_config(root / "mkdocs.yml", config)


def write_floor(root: Path, generated: Path, floor: Path) -> Path:
    """A bare Material project with the same pages: search plugin only, no hook, no bibtex,
    the composed Markdown from `kb generate` as plain files, citations removed."""
    shutil.copytree(root / "docs", floor / "docs", ignore=shutil.ignore_patterns("sources"))
    shutil.copytree(generated, floor / "docs", dirs_exist_ok=True, ignore=shutil.ignore_patterns(".kb-generated"))
    for page in (floor / "docs").rglob("*.md"):
        page.write_text(CITATION_BLOCK.sub("", page.read_text(encoding="utf-8")), encoding="utf-8")
    config = _absolutize(_project_config(), floor)
    config.pop("hooks", None)
    config.pop("watch", None)
    config["plugins"] = [p for p in config.get("plugins", []) if p == "search" or (isinstance(p, dict) and "search" in p)]
    # The hook's downloads (files that are not Markdown pages) are not in `kb generate`'s output:
    # links to them are the only dangling ones; every other warning still fails the strict build.
    config["validation"] = {**config.get("validation", {}), "not_found": "info"}
    return _dump_config(floor / "mkdocs.yml", config)


def _dump_config(path: Path, config: dict) -> Path:
    path.write_text(yaml.dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path

