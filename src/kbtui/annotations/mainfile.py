"""The database's main file: what it may be, and how it is read.

Apart from :mod:`kbtui.annotations.storage` (which decides when to read and
rewrite it) because these checks are what stands between a hostile or
damaged path and the user's data: a pipe that would block, a dangling
symlink that would be "repaired" into an empty database, a file that is not
a database at all.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from kbtui.annotations.bulk import collector_paused
from kbtui.annotations.errors import DatabaseError, unreadable
from kbtui.annotations.files import Tables, loads
from kbtui.annotations.journal import JOURNAL_FORMAT
from kbtui.annotations.layout import STORAGE_TABLE, main_bytes, split_main
from kbtui.annotations.unread import Unread


def check_regular(path: Path) -> None:
    """Refuse a path that exists but is no regular file (a folder, a pipe, a device),
    or a symlink to nothing.

    Reading a pipe blocks for ever, and a rewrite *replaces* what is there:
    ``--db /dev/null`` run as root would swap the device for a file, and a
    dangling symlink would be read as an empty database.
    """
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        if os.path.islink(path):
            raise unreadable(path, "is a symbolic link to a missing file") from None
        return  # missing: a new database
    except OSError:
        return  # unreadable: reading says so
    if not stat.S_ISREG(mode):
        raise unreadable(path, "is not a regular file")


@dataclass(frozen=True, slots=True)
class MainFile:
    """The main file as read: its tables and the generations it names."""

    tables: Tables
    generation: str | None
    """Changes with every rewrite (``None``: written by another program)."""
    previous: str | None
    """The generation this one replaced: a journal naming it was folded in."""
    lines: bool
    """Laid out one table per line (:mod:`~kbtui.annotations.layout`), else as one."""


def read_main(path: Path, *, lazy: bool = False) -> MainFile | None:
    """The main file; ``None`` when there is none yet, or it is empty.

    An empty file counts as an empty database (TinyDB's convention, and
    what ``touch`` makes); a damaged one raises :class:`DatabaseError`.
    ``lazy``: long tables of a file laid out by :mod:`~kbtui.annotations.layout`
    stay :class:`~kbtui.annotations.unread.Unread` in :attr:`MainFile.tables`.
    """
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise DatabaseError(path, f"cannot be read: {exc.strerror}") from exc
    if not raw or (raw[:1].isspace() and not raw.strip()):  # a copy only of a blank start
        return None
    split = split_main(raw, path)
    if split is not None:
        mine, tables = split
        if not lazy:
            tables = {n: t.table() if isinstance(t, Unread) else t for n, t in tables.items()}
        return MainFile(tables, _text(mine.get("generation")), _text(mine.get("previous")), True)
    try:
        with collector_paused():
            tables = _check_shape(loads(raw.decode("utf-8")), path)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise unreadable(path, f"is not valid JSON ({exc})") from exc
    private = tables.pop(STORAGE_TABLE, None) or {}
    mine = private.get("1") or {}
    return MainFile(tables, _text(mine.get("generation")), _text(mine.get("previous")), False)


def new_main(tables: Tables, generation: str, previous: str | None) -> bytes:
    """The main file holding ``tables`` (some may be unread) as generation ``generation``,
    which replaces ``previous``."""
    private = {"generation": generation, "previous": previous, "journal": JOURNAL_FORMAT}
    return main_bytes(tables, private)


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _check_shape(tables: object, path: Path) -> Tables:
    """``tables`` if it has TinyDB's shape, else :class:`DatabaseError`."""
    if not isinstance(tables, dict):
        raise unreadable(path, "is not a kbtui database (not a JSON object of tables)")
    for name, table in tables.items():
        if not isinstance(table, dict):
            raise unreadable(path, f"is not a kbtui database (table {name!r} is not an object)")
        for key, record in table.items():
            if not isinstance(record, dict):
                raise unreadable(
                    path, f"is not a kbtui database (record {key!r} of {name!r} is not an object)"
                )
    return tables


def check_journal(
    main: MainFile | None, first: str | None, journal: bytes, header_end: int, where: Path
) -> None:
    """Refuse a journal (``journal``'s bytes at ``where``, naming generation ``first``)
    whose writes ``main`` may lack.

    A journal naming the main file's *previous* generation is one a
    rewrite already folded in (a crash came before the journal was
    reset); any other mismatch (a lost or emptied main file, a damaged
    generation) would silently drop acknowledged writes.
    """
    main_name = where.name.removesuffix(".journal")
    if not journal:
        if main is not None and main.previous is not None:  # a rewrite made it
            raise unreadable(where, f"is missing or empty beside {main_name}")
        return  # no journal: a new database, or its first rewrite cut short
    if main is None:
        raise unreadable(
            where, f"extends a main file that is missing or empty ({where.with_name(main_name)})"
        )
    writes = journal.count(b"\n", header_end)
    if writes == 0 or (first is not None and first in (main.generation, main.previous)):
        return
    raise unreadable(
        where,
        f"extends generation {first!r}, not {main.generation!r} of {main_name}; "
        f"its {writes} writes would be lost",
    )
