"""Symbolic links under docs/, data/ and bib/ that the build must not follow.

The engine copies every file under docs/ into the site, following links: a link to a folder that
contains it (`ln -s . docs/sources/loop`) ended in an OSError traceback after 40 levels, a link
to a large folder outside the repository kept the build copying it, and a link to a file outside
the repository published that file. Each such link is one line here, found without following any
link, before anything reads the content.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from .problems import Problem

#: The folders whose files the build reads or publishes.
CONTENT_FOLDERS = ("docs", "data", "bib")


def symlink_problems(root: Path) -> list[Problem]:
    """One problem per link under the content folders that loops, dangles or leaves `root`."""
    root = Path(os.path.realpath(root))
    problems = []
    for folder in CONTENT_FOLDERS:
        for directory, subfolders, files in os.walk(root / folder):  # os.walk follows no link
            for name in sorted(subfolders + files):
                link = Path(directory) / name
                if link.is_symlink() and (problem := _link_problem(link, root)):
                    problems.append(problem)
    return problems


def _link_problem(link: Path, root: Path) -> Problem | None:
    where = link.relative_to(root).as_posix()
    pointed = os.readlink(link)
    remove = f"remove the link (rm '{where}')"
    try:
        target = Path(os.path.realpath(link, strict=True))
    except OSError as error:
        if error.errno == errno.ELOOP:  # links that point at each other
            return Problem(where, None, "", f"a symbolic link in a loop ('{pointed}'): {remove}")
        return Problem(where, None, "", f"a symbolic link to '{pointed}', which does not exist: {remove}, "
                                        "or put the file itself here")
    if not target.is_relative_to(root):
        return Problem(where, None, "", f"a symbolic link to '{target}', outside the repository (the site would "
                                        f"publish it): copy the file into the repository instead, and {remove}")
    if target.is_dir() and link.parent.is_relative_to(target):
        return Problem(where, None, "", f"a symbolic link to '{pointed}', a folder that contains the link (a loop "
                                        f"without end): {remove}")
    return None
