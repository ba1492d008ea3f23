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
_OPENING_QUOTE = re.compile(r"""(?:^\s*(?:-\s+)?[\w-]+\s*:\s+|^\s*-\s+|[\[,]\s*)(["'])""")


def unclosed_quote_line(text: str, before: int) -> int | None:
    """The first line (from 0), up to line `before`, that opens a quoted value and does not close
    it: YAML then reads on, over the next lines, and stops with an error far below (or at a
    quote mark many lines down). Only asked once the file has failed to parse."""
    for number, line in enumerate(text.splitlines()[: before + 1]):
        if opening := _OPENING_QUOTE.search(line):
            quote, rest = opening.group(1), line[opening.end():]
            closing = rest.replace('\\\\', "").replace('\\"', "") if quote == '"' else rest.replace("''", "")
            if quote not in closing:
                return number
    return None
