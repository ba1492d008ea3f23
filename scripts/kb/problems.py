"""Problems found in the content: one line each, naming the file, the line, the field and the fix."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Iterable, Literal


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int | None
    field: str
    message: str
    severity: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        field = f" {self.field}:" if self.field else ""
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{where}:{field} {prefix}{self.message}"


def errors(problems: Iterable[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]


def close_match(word: str, choices: Iterable[str]) -> str | None:
    match = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return match[0] if match else None


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """' (did you mean 'x'?)' when a close match exists, else ''."""
    match = close_match(word, choices)
    return f" (did you mean '{match}'?)" if match else ""


def field_path(loc: Iterable[object]) -> str:
    """('claims', 3, 'topics', 0) -> 'claims[3].topics[0]'."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


#: How to write a value of each type pydantic asks for, as the end of a "wrong type" line.
_HOW_TO_WRITE = {
    "list_type": 'write a list in brackets, e.g. {field}["A", "B"] (or [] for none)',
    "tuple_type": "write the two numbers in brackets, e.g. {field}[41.4, 128.2]",
    "string_type": 'put the value in quotes, e.g. {field}"1984"',
    "bool_type": "write true or false",
    "bool_parsing": "write true or false",
    "int_type": "write a whole number",
    "int_parsing": "write a whole number",
    "float_type": "write a number, e.g. 41.4",
    "float_parsing": "write a number, e.g. 41.4",
    "dict_type": "write its fields on the lines below it, indented (see CONTRIBUTING.md)",
    "model_type": "write its fields on the lines below it, indented (see CONTRIBUTING.md)",
    "model_attributes_type": "write its fields on the lines below it, indented (see CONTRIBUTING.md)",
}


def how_to_write(kind: str, field: object) -> str:
    """': how to write it' for a "wrong type" problem of pydantic type `kind`, or ''."""
    hint = _HOW_TO_WRITE.get(kind)
    if hint is None:
        return ""
    name = f"{field}: " if isinstance(field, str) else ""  # an item of a list has no name
    return ": " + hint.format(field=name)
