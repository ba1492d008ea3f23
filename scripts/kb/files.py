"""Reading files: the text of each, or one Problem line saying why it cannot be read."""

from __future__ import annotations

from pathlib import Path

from .invisible import invisible_characters
from .problems import Problem

#: What some Windows editors put at the start of a UTF-8 file: not text, and dropped.
BYTE_ORDER_MARK = "\ufeff"


def read_text(file: Path, rel: str, problems: list[Problem]) -> str | None:
    """The file's text (without a byte-order mark), its invisible characters reported; None,
    and the reason in `problems`, if it cannot be read."""
    try:
        text = file.read_text(encoding="utf-8").removeprefix(BYTE_ORDER_MARK)
        problems.extend(invisible_characters(text, rel))
        return text
    except UnicodeDecodeError as error:
        line = file.read_bytes()[: error.start].count(b"\n") + 1
        problems.append(Problem(rel, line, "", "file is not UTF-8: save it as UTF-8 in your editor"))
    except IsADirectoryError:
        problems.append(Problem(rel, None, "", f"is a folder, but its name ends in {file.suffix}: rename the folder"))
    except OSError as error:
        problems.append(Problem(rel, None, "", f"cannot be read ({error.strerror}): check that the file exists and that you may read it"))
    return None


#: Files MkDocs would publish exactly as they are, which a browser runs as a page or script:
#: no check, no sanitizer and no Content-Security-Policy touches them.
ACTIVE_DOCUMENTS = {".html", ".htm", ".xhtml", ".xht", ".shtml", ".svg", ".svgz", ".xml", ".js", ".mjs"}
#: Where the project's own scripts and styles live (reviewed as code); pages are never there.
ASSETS = "docs/assets/"


def active_documents(root: Path) -> list[str]:
    """Paths (from the project folder) of the files under docs/ that would be published as is and
    run in a browser: any HTML page, and scripts or SVG outside docs/assets/."""
    docs = root / "docs"
    found = []
    for file in sorted(docs.rglob("*")) if docs.is_dir() else []:
        rel = file.relative_to(root).as_posix()
        suffix = file.suffix.lower()
        if suffix in ACTIVE_DOCUMENTS and (not rel.startswith(ASSETS) or suffix.startswith((".htm", ".xht", ".sht"))):
            found.append(rel)
    return found
