"""The journal: what changed since the main file was written, one fsynced line per write.

For a database ``kbtui.json`` the journal is ``kbtui.json.journal``: one line
per committed transaction, ``<crc32 of the JSON, 8 hex digits> <JSON>``,
appended and fsynced before the write returns. The first line names the
generation of the main file the journal extends; a journal naming the
main file's previous generation is stale (a rewrite finished but the crash
came before the journal was reset) and is discarded. A last line without its
newline is a write that was cut off before it was acknowledged, and is
dropped; a complete line that fails its checksum is real damage, and the
database is refused.

Apart from :mod:`kbtui.annotations.storage`, which decides *when* to read,
append, repair or restart the journal (under its lock), because this is the
part a crash can tear: the line format, the scan that tells a cut-off tail
from damage, and the operations a line holds.
"""

from __future__ import annotations

import json
import os
import zlib
from pathlib import Path
from typing import Any

from kbtui.annotations.errors import DatabaseError, unreadable
from kbtui.annotations.files import FileKey, Tables, dumps, file_key
from kbtui.annotations.unread import Unread

JOURNAL_FORMAT = 1
"""Version of the journal line format, written in each journal's first line."""


# -- lines -----------------------------------------------------------------------


def frame(payload: str) -> bytes:
    """One journal line: the checksum of ``payload``, a space, ``payload``."""
    data = payload.encode("utf-8")
    return b"%08x " % zlib.crc32(data) + data + b"\n"


def _unframe(line: bytes) -> str | None:
    """The payload of a journal line (without its newline), or ``None`` if damaged."""
    if len(line) < 10 or line[8:9] != b" ":
        return None
    data = line[9:]
    try:
        ok = int(line[:8], 16) == zlib.crc32(data)
        return data.decode("utf-8") if ok else None
    except ValueError:  # not hex, or not UTF-8
        return None


def scan_journal(data: bytes, start: int, path: Path, base: int = 0) -> tuple[list[str], int]:
    """The payloads of the good lines from ``start``, and the offset after the last.

    ``data`` is the journal from byte ``base`` on (for messages).

    A tail without its newline (a line cut off by a crash before it was
    acknowledged) ends the scan; a complete line that fails its checksum
    cannot come from a crash (a line is one write, ending in its newline, and
    a cut-off tail is removed under the lock before anyone appends), so it is
    damage to an acknowledged write and raises :class:`DatabaseError`.
    """
    payloads: list[str] = []
    pos = start
    while (nl := data.find(b"\n", pos)) >= 0:
        payload = _unframe(data[pos:nl])
        if payload is None:
            raise unreadable(path, f"is damaged at byte {base + pos}")
        payloads.append(payload)
        pos = nl + 1
    return payloads, pos


def header(generation: str) -> bytes:
    """The first line of a fresh journal extending the main file of ``generation``."""
    return frame(dumps({"journal": JOURNAL_FORMAT, "generation": generation}))


# -- operations ------------------------------------------------------------------
# An operation is a JSON array: ["t", table] creates a table, ["p", table, id,
# record] puts a record, ["d", table, id] deletes one, ["x", table] drops a table.


def apply_ops(tables: Tables, ops: list[list[Any]], *, only_present: bool = False) -> None:
    """Apply journal operations to ``tables`` in place (``only_present``: skip
    operations on tables it does not have)."""
    for op in ops:
        kind, name = op[0], op[1]
        if only_present and name not in tables:
            continue
        unread = dict.get(tables, name)  # as held: an unread table keeps it for later
        if kind in ("p", "d") and isinstance(unread, Unread):
            unread.ops.append(_checked(op))
        elif kind == "p":
            tables.setdefault(name, {})[op[2]] = op[3]
        elif kind == "d":
            tables.get(name, {}).pop(op[2], None)
        elif kind == "t":
            tables.setdefault(name, {})
        elif kind == "x":
            tables.pop(name, None)
        else:
            raise ValueError(f"unknown operation {kind!r}")


def _checked(op: list[Any]) -> list[Any]:
    """A record operation kept for an unread table, refused now if it could not be
    applied later (``ValueError``)."""
    if len(op) < (4 if op[0] == "p" else 3) or not isinstance(op[2], str):
        raise ValueError(f"malformed operation {dumps(op)[:60]}")
    return op


# -- the file --------------------------------------------------------------------


class Journal:
    """The journal file of one database, and how far this process has applied it.

    Every method is called with the database lock held.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        """The journal file."""
        self.key: FileKey | None = None
        """The file as this process last saw it (``None``: absent)."""
        self.end = 0
        """Offset after the last line applied."""
        self.header_end = 0
        """Offset after the first line (0 when no journal extends the main file)."""

    @property
    def has_writes(self) -> bool:
        """Whether lines follow the header (the main file lacks their changes)."""
        return self.end > self.header_end

    def appended_to(self, current: FileKey | None) -> bool:
        """Whether ``current`` is the same file as last seen, with lines added at most."""
        old = self.key
        return (
            old is not None
            and current is not None
            and current.ino == old.ino
            and current.size >= self.end
        )

    def read(self, start: int = 0) -> bytes:
        """The journal from byte ``start`` on (nothing if there is no journal)."""
        try:
            with open(self.path, "rb") as handle:
                handle.seek(start)
                return handle.read()
        except FileNotFoundError:
            return b""
        except OSError as exc:
            raise DatabaseError(self.path, f"cannot be read: {exc.strerror}") from exc

    def read_head(self) -> bytes:
        """The journal's first line (it is short: a checksum and a generation)."""
        with open(self.path, "rb") as handle:
            return handle.readline(4096)

    def generation(self, journal: bytes) -> str | None:
        """The generation the first line of ``journal`` names (``None``: no journal).

        Also notes where that line ends (:attr:`header_end`).
        """
        if not journal:
            return None
        nl = journal.find(b"\n")
        payload = _unframe(journal[:nl]) if nl >= 0 else None
        try:
            first = json.loads(payload) if payload is not None else None
        except ValueError:
            first = None
        if not isinstance(first, dict) or first.get("journal") != JOURNAL_FORMAT:
            # Journals are created whole by a rename, so a bad first line is damage.
            raise unreadable(self.path, "has a damaged first line")
        self.header_end = nl + 1
        generation = first.get("generation")
        return generation if isinstance(generation, str) else None

    def append(self, payload: str) -> None:
        """Add ``payload`` as one line, fsynced before this returns."""
        line = frame(payload)
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND)
        except OSError as exc:
            raise DatabaseError(self.path, f"cannot be written: {exc.strerror}") from exc
        try:
            view = memoryview(line)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
            st = os.fstat(fd)
        except OSError as exc:
            raise DatabaseError(self.path, f"cannot be written: {exc.strerror}") from exc
        finally:
            os.close(fd)
        self.end += len(line)
        self.key = FileKey.of(st)

    def cut_torn_tail(self, size: int) -> None:
        """Drop the bytes of a write cut off by a crash, before anyone appends.

        ``size`` is how long the journal was when read; what lies past
        :attr:`end` is the torn line.
        """
        if size <= self.end:
            return
        try:
            with open(self.path, "r+b") as handle:
                handle.truncate(self.end)
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as exc:
            raise DatabaseError(self.path, f"cannot be repaired: {exc.strerror}") from exc
        self.key = file_key(self.path)

    def restarted(self, first_line: bytes) -> None:
        """Note that the journal was just replaced by ``first_line`` alone."""
        self.key = file_key(self.path)
        self.header_end = self.end = len(first_line)
