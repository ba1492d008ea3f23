"""Compiled templates kept between runs (kb.render.TemplateCache): used when the template is
unchanged, never when it was edited, and never in the way of a build that cannot write them."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader

from kb.render import TemplateCache


def _environment(templates: Path, cache: TemplateCache) -> tuple[Environment, list[str]]:
    """A Jinja environment on `cache` that records which templates it had to compile."""
    env = Environment(loader=FileSystemLoader(templates), bytecode_cache=cache)
    compiled: list[str] = []
    compile_ = env.compile

    def counting_compile(source, name=None, filename=None, *args, **kwargs):
        compiled.append(name)
        return compile_(source, name, filename, *args, **kwargs)

    env.compile = counting_compile
    return env, compiled


def test_a_new_process_reuses_what_an_earlier_one_compiled_and_compiles_an_edited_template(tmp_path):
    templates, folder = tmp_path / "templates", tmp_path / ".cache" / "jinja"
    templates.mkdir()
    (templates / "page.md.j2").write_text("# {{ title }}\n", encoding="utf-8")

    first = TemplateCache()
    first.keep_under(tmp_path)
    env, compiled = _environment(templates, first)
    assert env.get_template("page.md.j2").render(title="Hyesan") == "# Hyesan"
    assert compiled == ["page.md.j2"] and len(list(folder.iterdir())) == 1

    later = TemplateCache()  # as in the next run: nothing in memory
    later.keep_under(tmp_path)
    env, compiled = _environment(templates, later)
    assert env.get_template("page.md.j2").render(title="Hyesan") == "# Hyesan"
    assert compiled == [], "the template was compiled again although it had not changed"

    (templates / "page.md.j2").write_text("## {{ title }}\n", encoding="utf-8")
    edited = TemplateCache()
    edited.keep_under(tmp_path)
    env, compiled = _environment(templates, edited)
    assert env.get_template("page.md.j2").render(title="Hyesan") == "## Hyesan", "an out-of-date compiled template was used"
    assert compiled == ["page.md.j2"]
    assert not list(folder.glob("*.tmp")), "a partly written file was left behind"


def test_a_folder_that_cannot_be_written_only_means_compiling_each_time(tmp_path):
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "page.md.j2").write_text("{{ 1 + 1 }}", encoding="utf-8")
    (tmp_path / ".cache").write_text("a file where the folder would go", encoding="utf-8")

    cache = TemplateCache()
    cache.keep_under(tmp_path)
    env, compiled = _environment(templates, cache)
    assert env.get_template("page.md.j2").render() == "2"
    assert compiled == ["page.md.j2"]
