"""Where a BibTeX file's braces go wrong: the entry and the field, for the contributor to fix.

pybtex reports an unclosed `{` as "premature end of file" at the file's last line, and a `}`
too many not at all: it ends the entry there, and the fields after it are silently lost (an
entry without its year). Run only on a file whose `{` and `}` do not pair up (`str.count`: the
other files cost nothing), it reads the file field by field, as BibTeX does: a field's value in
braces runs to its matching `}`; then comes a comma, or the entry's closing brace.
"""

from __future__ import annotations

import re

from .problems import Problem

_ENTRY = re.compile(r"^[ \t]*@(\w+)\s*\{\s*([^,\s{}]*)\s*,", re.M)
_FIELD = re.compile(r"^[ \t]*(\w+)[ \t]*=[ \t]*", re.M)


def brace_problems(text: str, path: str) -> list[Problem]:
    """One problem per entry whose braces do not pair up (none if the file's do)."""
    if text.count("{") == text.count("}"):
        return []
    starts = [m for m in _ENTRY.finditer(text) if m.group(1).lower() not in {"comment", "preamble", "string"}]
    problems = []
    for index, entry in enumerate(starts):
        end = starts[index + 1].start() if index + 1 < len(starts) else len(text)
        if found := _entry_problem(text, entry, end):
            position, field, message = found
            problems.append(Problem(path, text.count("\n", 0, position) + 1, f"{entry.group(2)}.{field}", message))
    return problems


def _entry_problem(text: str, entry: re.Match, end: int) -> tuple[int, str, str] | None:
    fields = list(_FIELD.finditer(text, entry.end(), end))
    for number, field in enumerate(fields):
        value_start = field.end()
        if not text.startswith("{", value_start):
            continue  # a quoted value, a number or a macro: braces inside quotes are rare
        next_field = fields[number + 1].start() if number + 1 < len(fields) else end
        close = _matching_brace(text, value_start, end)
        name = field.group(1).lower()
        if close is None or close > next_field:
            return value_start, name, ("a '{' in this field is never closed: add the missing '}' "
                                       "(every '{' needs its '}' within the field)")
        after = text[close + 1:next_field]
        if after.strip() not in {",", "", "}", ",}"} and not re.fullmatch(r"\s*,?\s*\}\s*", after):
            return close, name, ("a '}' too many in this field ends it early, and the entry with it: "
                                 "remove it (every '}' needs its '{' within the field)")
    return None


def _matching_brace(text: str, start: int, end: int) -> int | None:
    """The position of the `}` that closes the `{` at `start`, before `end`; None if none does."""
    depth = 0
    for position in range(start, end):
        char = text[position]
        escaped = text[position - 1] == "\\"  # \{ and \} are characters, not braces
        if char == "{" and not escaped:
            depth += 1
        elif char == "}" and not escaped:
            depth -= 1
            if depth == 0:
                return position
    return None
