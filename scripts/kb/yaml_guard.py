"""What contributor YAML may not do, found before anything is built from it.

YAML anchors and aliases (`&name` ... `*name`) let a few lines stand for an exponentially large
value: nine levels of nine aliases (a "billion laughs") took `make check` past 90 s and 9 GB of
memory, since every step after the parser (the schema, the checks, the pages) walks the value as
if it were written out. Nothing in this project's files needs them, so they are refused, with the
line, from the parser's event stream: the events are read one by one and the aliases are never
expanded. Nesting deeper than `MAX_DEPTH` is refused the same way (Python's recursion limit would
end the load with a traceback): the schema never nests more than five levels.
"""

from __future__ import annotations

import re

import yaml

#: Far more than any field of the schema needs (claims[0].date.value is three levels).
MAX_DEPTH = 20


def refusal(text: str, loader_class: type) -> tuple[int, str] | None:
    """(line in `text`, counted from 0, message) for the first anchor, alias or too-deep
    nesting, or None. A text that does not parse is left to the loader, which reports it."""
    if "&" not in text and "*" not in text and not _may_nest_deeply(text):
        return None  # no anchor, alias or deep nesting can be written without these: most files
    depth = 0
    loader = loader_class(text)
    try:
        while loader.check_event():
            event = loader.get_event()
            line = event.start_mark.line
            if isinstance(event, yaml.AliasEvent):
                return line, (f"YAML alias '*{event.anchor}' is not allowed: write the value out in full "
                              "(aliases can make a small file expand without bound)")
            if getattr(event, "anchor", None):
                return line, (f"YAML anchor '&{event.anchor}' is not allowed: remove it and write each value "
                              "out in full (anchors and aliases can make a small file expand without bound)")
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    return line, (f"nested more than {MAX_DEPTH} levels deep: no field needs this; "
                                  "check the brackets and the indentation")
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1
    except yaml.YAMLError:
        return None
    finally:
        loader.dispose()
    return None


def _may_nest_deeply(text: str) -> bool:
    """Whether the text has enough brackets, or deep enough indentation, to nest past MAX_DEPTH."""
    if text.count("[") + text.count("{") > MAX_DEPTH:
        return True
    return _DEEP_INDENT.search(text) is not None


_DEEP_INDENT = re.compile(rf"^[ -]{{{MAX_DEPTH + 1}}}", re.M)


#: A value that opens with a quote mark: `key: "...`, `- "...`, `[..., "...`.
_OPENING_QUOTE = re.compile(r"""(?:^[ \t]*(?:-[ \t]+)?[\w-]+[ \t]*:[ \t]+|^[ \t]*-[ \t]+|[\[,][ \t]*)(["'])""", re.M)
#: A line that starts a new field: inside a quoted value, the sign that its quote was never closed.
_FIELD_LINE = re.compile(r"\n[ \t]*(?:-[ \t]+)?[\w-]+[ \t]*:(?:[ \t]|$)", re.M)


def unclosed_quote_line(text: str, before: int) -> int | None:
    """The line (from 0), up to line `before`, of a quoted value that is never closed: YAML then
    reads on over the next fields and stops with an error far below, or at another value's
    quote. Such a value runs over a line that starts a new field (`title_is_ours: true`), which
    a quoted text written over several lines on purpose does not. Asked only once the file has
    failed to parse."""
    for opening in _OPENING_QUOTE.finditer(text):
        line = text.count("\n", 0, opening.start())
        if line > before:
            break
        quote, start = opening.group(1), opening.end()
        closing = _closing_quote(text, start, quote)
        if _FIELD_LINE.search(text, start, len(text) if closing is None else closing):
            return line
    return None


def _closing_quote(text: str, start: int, quote: str) -> int | None:
    """Where the quoted value that starts at `start` ends (`\\"` and `''` are quote marks in it)."""
    position = start
    while (position := text.find(quote, position)) >= 0:
        if quote == '"' and _escaped(text, position):
            position += 1
        elif quote == "'" and text.startswith("''", position):
            position += 2
        else:
            return position
    return None


def _escaped(text: str, position: int) -> bool:
    backslashes = len(text[:position]) - len(text[:position].rstrip("\\"))
    return backslashes % 2 == 1
