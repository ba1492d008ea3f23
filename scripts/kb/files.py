"""Reading files: the text of each, or one Problem line saying why it cannot be read."""

from __future__ import annotations

from pathlib import Path

from .problems import Problem


def read_text(file: Path, rel: str, problems: list[Problem]) -> str | None:
    try:
        return file.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        line = file.read_bytes()[: error.start].count(b"\n") + 1
        problems.append(Problem(rel, line, "", "file is not UTF-8: save it as UTF-8 in your editor"))
    except IsADirectoryError:
        problems.append(Problem(rel, None, "", f"is a folder, but its name ends in {file.suffix}: rename the folder"))
    except OSError as error:
        problems.append(Problem(rel, None, "", f"cannot be read ({error.strerror}): check that the file exists and that you may read it"))
    return None
