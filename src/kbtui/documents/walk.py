"""Finding the document files under a corpus root, and wording what goes wrong.

A document is a file whose name ends in one of :data:`EXTENSIONS` (any
case), found recursively; hidden files and folders are skipped, links to
folders are not followed (so there are no cycles), and links to files outside
the corpus are skipped with a problem saying so. A folder that cannot be
listed, or a name that is not valid UTF-8, is reported as a problem rather
than listed. Apart from :mod:`kbtui.documents.corpus`, which reads what is
found, because this is the one pass over the file system every scan makes,
whether it then reads a file or takes it from the cache.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import partial
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import NamedTuple, TypeVar

EXTENSIONS = frozenset({".md", ".markdown", ".txt"})
"""File name endings (any case) that make a file a document."""

_ENDINGS = tuple(EXTENSIONS)

NOT_UTF8 = "name is not valid UTF-8 (rename it to read it)"
"""The problem of a file or folder whose name kbtui cannot use as an id."""


OUTSIDE = "skipped: a link to a file outside the corpus"
"""The problem of a link that would read (and show) a file the corpus does not hold."""


def inside(root: Path, path: str | os.PathLike[str]) -> bool:
    """Whether ``path``, links resolved, lies under ``root`` (itself resolved).

    A link in a corpus to ``/etc/shadow`` or ``~/.ssh/id_rsa`` would otherwise
    be listed with its first line as a title, and searched and shown.
    """
    real = os.path.realpath(path)
    return os.path.commonpath([str(root), real]) == str(root)


class Found(NamedTuple):
    """A document file found by the walk, with its status (``None``: stat failed).

    The path stays the string the walk made: a :class:`~pathlib.Path` for each
    of 100,000 files cost more than their ``stat``, and most are never opened
    (a tuple, not a frozen dataclass, for the same reason).
    """

    id: str
    path: str
    stat: os.stat_result | None


def walk(root: Path) -> tuple[list[Found], list[str]]:
    """Every document file under ``root`` (resolved) sorted by id, and the problems:
    folders that could not be read, names and links that were skipped.

    A folder's entries are taken a kind at a time (their names, which are folders,
    their status), each in one ``map`` over the folder: a walk of 100,000 files
    spent as long in its own steps per file as in the system's ``stat``.
    """
    found: list[Found] = []
    problems: list[str] = []
    stack = [(str(root), "")]
    while stack:
        folder, prefix = stack.pop()
        try:
            with os.scandir(folder) as listing:
                items = [item for item in listing if not item.name.startswith(".")]
        except OSError as error:
            problems.append(f"{prefix or '.'}: {unreadable_reason(error)}")
            continue
        folders = _each(_IS_FOLDER, items, _is_folder)
        files = [
            item
            for item, is_folder in zip(items, folders, strict=True)
            if not is_folder and item.name.lower().endswith(_ENDINGS)
        ]
        found += _documents(root, prefix, _named(prefix, files, problems), problems)
        subfolders = [item for item, is_folder in zip(items, folders, strict=True) if is_folder]
        for item in _named(prefix, subfolders, problems):
            stack.append((item.path, f"{prefix}{item.name}/"))
    found.sort(key=itemgetter(0))
    problems.sort()
    return found, problems


_NAME = attrgetter("name")
_PATH = attrgetter("path")
_IS_FOLDER = partial(os.DirEntry.is_dir, follow_symlinks=False)
_FOUND = partial(tuple.__new__, Found)
"""A :class:`Found` from an ``(id, path, stat)`` tuple, in C (its class's ``__new__`` is Python)."""

T = TypeVar("T")


def _each(
    method: Callable[[os.DirEntry[str]], T],
    items: list[os.DirEntry[str]],
    careful: Callable[[os.DirEntry[str]], T],
) -> list[T]:
    """``method`` of each item, in one ``map``; if one fails, ``careful`` of each."""
    try:
        return list(map(method, items))
    except OSError:
        return list(map(careful, items))


def _named(
    prefix: str, items: list[os.DirEntry[str]], problems: list[str]
) -> list[os.DirEntry[str]]:
    """``items`` but those whose names are not valid UTF-8, which become problems."""
    if "".join(map(_NAME, items)).isascii():
        return items
    usable = []
    for item in items:
        if item.name.isascii() or _is_utf8(item.name):
            usable.append(item)
        else:
            problems.append(f"{prefix}{_shown_name(item.name)}: {NOT_UTF8}")
    return usable


def _documents(
    root: Path, prefix: str, files: list[os.DirEntry[str]], problems: list[str]
) -> list[Found]:
    """The document files of one folder with their status, but links out of the corpus
    (which become problems)."""
    if any(map(os.DirEntry.is_symlink, files)):
        outside = [item.is_symlink() and not inside(root, item.path) for item in files]
        problems += [
            f"{prefix}{item.name}: {OUTSIDE}" for item, o in zip(files, outside, strict=True) if o
        ]
        files = [item for item, out in zip(files, outside, strict=True) if not out]
    ids = map(prefix.__add__, map(_NAME, files))
    stats = _each(os.DirEntry.stat, files, _stat)
    return list(map(_FOUND, zip(ids, map(_PATH, files), stats, strict=True)))


def unreadable_reason(error: OSError) -> str:
    """``unreadable: permission denied`` and the like."""
    return f"unreadable: {(error.strerror or str(error)).lower()}"


def _is_utf8(name: str) -> bool:
    """Whether a name from the file system is valid UTF-8.

    Other bytes (a GBK name unzipped on Linux) come as lone surrogates, which
    no id can hold: the cache, the database and the terminal all refuse them.
    """
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _shown_name(name: str) -> str:
    """A name that is not valid UTF-8, its bad bytes written as ``\\xNN``."""
    return os.fsencode(name).decode("utf-8", errors="backslashreplace")


def _is_folder(item: os.DirEntry[str]) -> bool:
    """A real folder (links to folders are not followed, so no cycles)."""
    try:
        return item.is_dir(follow_symlinks=False)
    except OSError:
        return False


def _stat(item: os.DirEntry[str]) -> os.stat_result | None:
    try:
        return item.stat()
    except OSError:
        return None
