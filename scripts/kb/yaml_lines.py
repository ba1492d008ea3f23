"""Contributor YAML (front matter, data/*.yml) parsed with the line of every field, or one
Problem line saying where and why it cannot be: anchors and aliases refused before anything
expands them (`kb.yaml_guard`), a syntax error reported where it starts."""

from __future__ import annotations

from typing import Any

import yaml

from .problems import Problem
from .yaml_guard import refusal, unclosed_quote_line

#: {field path: file line}, e.g. {("claims", 1, "topics", 0): 30}.
Lines = dict[tuple, int]


_NO_TIMESTAMPS = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class _TextDateLoader(yaml.SafeLoader):
    """SafeLoader that leaves dates as text: PyYAML would raise a bare ValueError on an
    impossible date such as 2024-02-30; the schema reports it with its field and line."""

    yaml_implicit_resolvers = _NO_TIMESTAMPS


class _FastTextDateLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """The same on libyaml, about 10 times faster; used first, since most files are valid."""

    yaml_implicit_resolvers = _NO_TIMESTAMPS


#: What usually causes a YAML syntax error in front matter written by hand.
YAML_HINT = 'check indentation, colons and quotes (inside "..." write \\" for a quote mark)'


def parse_yaml(text: str, path: str, first_line: int, problems: list[Problem],
               with_lines: bool = True) -> tuple[Any, Lines] | None:
    """Parse YAML, returning the data and a map from field path to line number (empty without
    `with_lines`).

    `first_line` is the file line on which `text` starts (front matter starts on line 2).
    A file libyaml rejects is parsed again by the pure-Python loader, whose messages say more
    ("expected ',' or ']', but got ':'").
    """
    if refused := refusal(text, _FastTextDateLoader):  # before anything expands an alias
        problems.append(Problem(path, refused[0] + first_line, "", refused[1]))
        return None
    try:
        return _parse_with(_FastTextDateLoader, text, first_line, with_lines)
    except yaml.YAMLError:
        pass
    try:
        return _parse_with(_TextDateLoader, text, first_line, with_lines)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + first_line if mark else first_line
        reason = getattr(error, "problem", None) or str(error).splitlines()[0]
        context = getattr(error, "context_mark", None)
        opened = unclosed_quote_line(text, line - first_line)
        if opened is not None:
            # YAML reads on, past the line's end, for the closing quote: the mistake is where it opens.
            line = opened + first_line
            reason = "a quoted value starts on this line and is not closed on it: end it with the same quote mark"
        elif context and context.line + first_line != line:
            reason += f" (what is wrong may start on line {context.line + first_line})"
        problems.append(Problem(path, line, "", f"YAML syntax error: {reason}; {YAML_HINT}"))
        return None


def _parse_with(loader_class: type, text: str, first_line: int, with_lines: bool) -> tuple[Any, Lines]:
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    return data, _line_map(node, (), first_line) if node is not None and with_lines else {}


def _line_map(node: yaml.Node, path: tuple, first_line: int) -> Lines:
    lines: Lines = {path: node.start_mark.line + first_line}
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            child = path + (key_node.value,)
            lines.update(_line_map(value_node, child, first_line))
            lines[child] = key_node.start_mark.line + first_line
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines.update(_line_map(item, path + (index,), first_line))
    return lines


def line_of(lines: Lines, loc: tuple) -> int | None:
    """The line of the deepest part of `loc` that appears in the file."""
    for end in range(len(loc), -1, -1):
        if loc[:end] in lines:
            return lines[loc[:end]]
    return None
