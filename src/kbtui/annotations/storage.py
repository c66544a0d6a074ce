"""A TinyDB storage that survives kills and lets two processes share a database.

TinyDB's own ``JSONStorage`` truncates and rewrites the live file in place
(tinydb issue #467), so a kill in the middle of a write tears the database,
and it re-parses and re-serialises the whole file on every operation, so
adding one record to 50,000 costs half a second. :class:`JournalStorage`
keeps TinyDB's data model and file format and changes how it reaches disk.

On disk, for a database ``kbtui.json``:

``kbtui.json``
    The main file: an ordinary TinyDB JSON document ``{table: {id: record}}``
    that plain ``TinyDB("kbtui.json")`` can read. It is only ever *replaced*,
    atomically (temporary file, fsync, rename, fsync of the folder: see
    :mod:`kbtui.atomic`), never written in place. One extra table,
    ``_storage``, holds its *generation*, a random id that changes with
    every rewrite.
``kbtui.json.journal``
    What changed since the main file was written: one line per committed
    transaction, ``<crc32 of the JSON, 8 hex digits> <JSON>``, appended and
    fsynced before the write returns. The first line names the generation of
    the main file the journal extends; a journal naming another generation is
    stale (a rewrite finished but the crash came before the journal was
    reset) and is discarded. A last line that is incomplete or fails its
    checksum is a write that was cut off before it was acknowledged, and is
    dropped; a damaged line *followed by good ones* is real damage, and the
    database is refused.
``kbtui.json.lock``
    Held (filelock) around every read-modify-write and every rewrite.

So a write costs one short append and one fsync, whatever the size of the
database; the journal is folded into the main file (*compaction*: a full
atomic rewrite) when it passes :data:`DEFAULT_COMPACT_BYTES` and on close. A
kill at any moment leaves the old main file or the new one, plus a journal
whose good lines are exactly the acknowledged writes.

Two processes: each keeps the whole database in memory. Inside
:meth:`JournalStorage.transaction` (which the store wraps around every
change) the lock is held and the files are checked first (inode, size,
modification time); if another process wrote, its journal lines are replayed,
or everything is reloaded after a rewrite. A write records only the records
it changed (found by comparing with a private copy of what is on disk), so
even a write computed from a stale read cannot undo another process's
changes to other records.

A file that cannot be read as a database raises :class:`DatabaseError`
naming it, and is never written over.
"""

from __future__ import annotations

import json
import math
import os
import stat
import threading
import uuid
import zlib
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout
from tinydb.storages import MemoryStorage as _TinyMemoryStorage
from tinydb.storages import Storage

from kbtui.atomic import atomic_write_bytes

Tables = dict[str, dict[str, Any]]
"""TinyDB's whole-database shape: table name -> record id -> record."""

STORAGE_TABLE = "_storage"
"""The main file's private table: ``{"1": {"generation": ..., "journal": 1}}``."""

JOURNAL_FORMAT = 1
"""Version of the journal line format, written in each journal's first line."""

DEFAULT_COMPACT_BYTES = 4 * 1024 * 1024
"""Journal size that triggers a rewrite of the main file.

At about 1 KB per annotation change that is thousands of writes between
rewrites, so the rewrite's cost (proportional to the database) is paid
rarely, while replaying the journal on open stays far below a second.
"""

LOCK_TIMEOUT = 30.0
"""Seconds to wait for another process's lock before giving up.

The lock is held for milliseconds (a rewrite of a very large database: about
a second); a process killed while holding it releases it with its file
descriptors, so a long wait means a process that hangs.
"""

_MISSING = object()


class DatabaseError(Exception):
    """The database cannot be used as it is. The message names the file.

    kbtui stops with this message rather than write over something it could
    not read: the file is left exactly as it was.
    """

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        """The file at fault (the database or its journal)."""
        self.reason = reason
        """What is wrong, without the file name."""
        super().__init__(f"{path}: {reason}")


def unreadable(path: Path, reason: str) -> DatabaseError:
    """A :class:`DatabaseError` for a file kbtui will not touch, saying so."""
    return DatabaseError(path, f"{reason}; kbtui has left it untouched (repair or move it)")


@dataclass(frozen=True, slots=True)
class _FileKey:
    """What tells us a file changed under us: a new inode means it was replaced."""

    dev: int
    ino: int
    size: int
    mtime_ns: int


def _check_regular(path: Path) -> None:
    """Refuse a path that exists but is no regular file (a folder, a pipe, a device).

    Reading a pipe blocks for ever, and a rewrite *replaces* what is there:
    ``--db /dev/null`` run as root would swap the device for a file.
    """
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return  # missing (a new database), or unreadable: reading says so
    if not stat.S_ISREG(mode):
        raise unreadable(path, "is not a regular file")


def _file_key(path: Path) -> _FileKey | None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return _FileKey(st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def _dumps(value: object) -> str:
    """JSON as kbtui writes it: UTF-8 text kept readable, no NaN (not JSON)."""
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def _loads(text: str) -> Any:
    """JSON as kbtui reads it: ``NaN``, ``Infinity`` and ``1e999`` are refused,
    since :func:`_dumps` could never write them back (ValueError)."""
    return json.loads(text, parse_constant=_not_json, parse_float=_finite)


def _not_json(name: str) -> float:
    raise ValueError(f"{name} is not a JSON number")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text} is too large a number")
    return value


# -- journal lines -------------------------------------------------------------


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


def _has_good_line(data: bytes, pos: int) -> bool:
    """Whether a complete, valid journal line starts anywhere at or after ``pos``."""
    while (nl := data.find(b"\n", pos)) >= 0:
        if _unframe(data[pos:nl]) is not None:
            return True
        pos = nl + 1
    return False


def scan_journal(data: bytes, start: int, path: Path, base: int = 0) -> tuple[list[str], int]:
    """The payloads of the good lines from ``start``, and the offset after the last.

    ``data`` is the journal from byte ``base`` on (for messages).

    A bad tail (a line cut off by a crash before it was acknowledged) ends
    the scan; a bad line with good lines after it cannot come from a crash,
    since a cut-off tail is removed under the lock before anyone appends, so
    it raises :class:`DatabaseError`.
    """
    payloads: list[str] = []
    pos = start
    while (nl := data.find(b"\n", pos)) >= 0:
        payload = _unframe(data[pos:nl])
        if payload is None:
            if _has_good_line(data, nl + 1):
                raise unreadable(path, f"is damaged at byte {base + pos}")
            break
        payloads.append(payload)
        pos = nl + 1
    return payloads, pos


# -- operations ----------------------------------------------------------------
# An operation is a JSON array: ["t", table] creates a table, ["p", table, id,
# record] puts a record, ["d", table, id] deletes one, ["x", table] drops a table.


def apply_ops(tables: Tables, ops: list[list[Any]], *, only_present: bool = False) -> None:
    """Apply journal operations to ``tables`` in place (``only_present``: skip
    operations on tables it does not have)."""
    for op in ops:
        kind, name = op[0], op[1]
        if only_present and name not in tables:
            continue
        if kind == "p":
            tables.setdefault(name, {})[op[2]] = op[3]
        elif kind == "d":
            tables.get(name, {}).pop(op[2], None)
        elif kind == "t":
            tables.setdefault(name, {})
        elif kind == "x":
            tables.pop(name, None)
        else:
            raise ValueError(f"unknown operation {kind!r}")


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


def _generation(tables: Tables) -> str | None:
    """Remove the private table from ``tables`` and return its generation."""
    private = tables.pop(STORAGE_TABLE, None) or {}
    generation = (private.get("1") or {}).get("generation")
    return generation if isinstance(generation, str) else None


def _copy(table: dict[str, Any]) -> dict[str, Any]:
    """A deep copy of a table, as it would come back from disk."""
    result: dict[str, Any] = json.loads(_dumps(table))
    return result


class _LiveTables(dict[str, dict[str, Any]]):
    """The tables handed to TinyDB.

    TinyDB reads a table with ``[]`` before it changes any of its records in
    place (``Table._update_table``), so that is when the storage keeps a
    private copy of the table as it is on disk, to tell later what changed.
    Plain reads through ``get`` cost nothing.
    """

    def __init__(self, tables: Tables, on_access: Callable[[str, dict[str, Any]], None]) -> None:
        super().__init__(tables)
        self._on_access = on_access

    def __getitem__(self, name: str) -> dict[str, Any]:
        table = super().__getitem__(name)
        self._on_access(name, table)
        return table


class JournalStorage(Storage):
    """TinyDB storage: an atomically replaced JSON file plus a fsynced journal.

    Use as ``TinyDB(path, storage=JournalStorage)``. Wrap each
    read-modify-write in :meth:`transaction`; a TinyDB write outside one
    takes the lock by itself (safe, but its read was not under the lock).
    All of a transaction's writes go to disk as one journal line when it
    ends, so they happen together or not at all.

    Relies on how TinyDB's ``Table._update_table`` writes: it reads the
    table with ``[]`` before changing records in place (see
    :class:`_LiveTables`), and assigns a *new* dict for the table, so a table
    whose dict is the one last handed out is unchanged and not compared.
    What :meth:`read` returns must only be changed that way (TinyDB's API).
    Not for use from several threads at once without :meth:`transaction`.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        compact_bytes: int = DEFAULT_COMPACT_BYTES,
        lock_timeout: float = LOCK_TIMEOUT,
    ) -> None:
        super().__init__()
        self.path = Path(path)
        """The main file."""
        self.journal_path = self.path.with_name(self.path.name + ".journal")
        """The journal next to it."""
        self.compact_bytes = compact_bytes
        """Journal size (bytes) above which the main file is rewritten."""
        self._lock = FileLock(
            self.path.with_name(self.path.name + ".lock"), timeout=lock_timeout, thread_local=False
        )
        self._lock_timeout = lock_timeout
        self._thread_lock = threading.RLock()
        self._depth = 0
        self._state: Tables = {}  # what TinyDB reads and mutates
        self._shadow: Tables = {}  # on-disk copies of the tables TinyDB may change in place
        self._known: dict[str, dict[str, Any]] = {}  # table dicts as last handed out
        self._pending: list[str] = []  # operations of the open transaction, as JSON
        self._main_key: _FileKey | None = None
        self._journal_key: _FileKey | None = None
        self._journal_end = 0  # offset after the last journal line applied
        self._header_end = 0  # offset after the journal's first line
        self._stale = True
        self._needs_rewrite = False  # the main file must be rewritten before appending
        self._generation: str | None = None  # of the main file we hold
        self._closed = False
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseError(self.path, f"cannot create its folder: {exc.strerror}") from exc
        _check_regular(self.path)
        with self.transaction():  # loads, repairs a cut-off journal, compacts a long one
            self._remove_stale_temporaries()

    # -- TinyDB's interface ----------------------------------------------------

    def read(self) -> Tables:
        """The whole database (kept in memory; reloaded if another process wrote)."""
        if self._depth == 0 and self._changed_on_disk():
            with self.transaction():
                pass
        return self._state

    def write(self, data: Tables) -> None:
        """Record what ``data`` changes, as one journal line (or part of the open one)."""
        try:
            ops = self._diff(data)
        except BaseException:
            self._stale = True  # TinyDB already changed the live state in place
            raise
        with self.transaction():
            for text in ops:
                apply_ops(self._state, [json.loads(text)])
                apply_ops(self._shadow, [json.loads(text)], only_present=True)
            self._known = dict(self._state)
            self._pending.extend(ops)

    def close(self) -> None:
        """Fold the journal into the main file, so it stands alone after a clean exit."""
        if self._closed:
            return
        try:
            with self.transaction():
                if self._journal_end > self._header_end:
                    self._compact()
        finally:
            self._closed = True

    # -- transactions ----------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Hold the lock, catch up with other processes, and commit on exit.

        Nested transactions join the outer one. If the body raises, nothing
        is written and the in-memory state is reloaded from disk.
        """
        with self._thread_lock:
            if self._depth:
                self._depth += 1
                try:
                    yield
                finally:
                    self._depth -= 1
                return
            self._acquire()
            try:
                self._depth = 1
                try:
                    self._refresh()
                    yield
                    self._commit()
                except BaseException:
                    self._pending.clear()
                    self._stale = True
                    raise
                finally:
                    self._depth = 0
                if self._journal_end > self.compact_bytes:
                    self._compact()
            finally:
                self._lock.release()

    def hold(self) -> AbstractContextManager[Any]:
        """Keep this process's other threads out (reentrant; no file lock)."""
        return self._thread_lock

    def compact(self) -> None:
        """Rewrite the main file with everything and start an empty journal."""
        with self.transaction():
            self._compact()

    def _acquire(self) -> None:
        try:
            self._lock.acquire()
        except Timeout as exc:
            raise DatabaseError(
                self.path,
                f"is locked by another kbtui process (waited {self._lock_timeout:.0f} s)",
            ) from exc
        except OSError as exc:  # e.g. a read-only folder: no lock file can be made
            raise DatabaseError(self.path, f"cannot be locked: {exc.strerror}") from exc

    def _commit(self) -> None:
        """Append the open transaction's operations as one fsynced journal line."""
        if not self._pending:
            return
        if self._needs_rewrite:  # the main file has it all once rewritten
            self._pending.clear()
            self._compact()
            return
        line = frame('{"ops":[' + ",".join(self._pending) + "]}")
        self._pending.clear()
        try:
            fd = os.open(self.journal_path, os.O_WRONLY | os.O_APPEND)
        except OSError as exc:
            raise DatabaseError(self.journal_path, f"cannot be written: {exc.strerror}") from exc
        try:
            view = memoryview(line)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
            st = os.fstat(fd)
        except OSError as exc:
            raise DatabaseError(self.journal_path, f"cannot be written: {exc.strerror}") from exc
        finally:
            os.close(fd)
        self._journal_end += len(line)
        self._journal_key = _FileKey(st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)

    # -- finding what changed ----------------------------------------------------

    def _diff(self, data: Tables) -> list[str]:
        """The operations (as JSON) that turn what is on disk into ``data``.

        Only tables whose dict is new since we last handed them out are
        compared, record by record, with the private on-disk copy (records
        may have been changed in place, so identity says nothing about them);
        a table with no copy was never read for a change, so its old dict
        is as on disk.
        """
        ops: list[list[Any]] = []
        for name, table in data.items():
            before = self._known.get(name)
            if before is table:
                continue
            old = self._shadow.get(name, before)
            if old is None:
                ops.append(["t", name])
                old = {}
            ops.extend(
                ["p", name, key, record]
                for key, record in table.items()
                if old.get(key, _MISSING) != record
            )
            ops.extend(["d", name, key] for key in old.keys() - table.keys())
        ops.extend(["x", name] for name in self._known.keys() - data.keys())
        return [_dumps(op) for op in ops]

    def _keep_copy(self, name: str, table: dict[str, Any]) -> None:
        """Before TinyDB may change a table in place, keep a copy of it (once)."""
        if name not in self._shadow:
            self._shadow[name] = _copy(table)

    def _changed_on_disk(self) -> bool:
        return (
            self._stale
            or _file_key(self.path) != self._main_key
            or _file_key(self.journal_path) != self._journal_key
        )

    # -- loading ---------------------------------------------------------------

    def _refresh(self) -> None:
        """Catch up with the files (lock held): replay new journal lines or reload."""
        journal_key = _file_key(self.journal_path)
        old = self._journal_key
        if self._stale or _file_key(self.path) != self._main_key:
            self._load()
        elif journal_key != old:
            replaced = old is None or journal_key is None or journal_key.ino != old.ino
            if self._needs_rewrite or replaced or journal_key.size < self._journal_end:
                self._load()
            elif self._journal_generation(self._read_journal_head()) != self._generation:
                self._load()  # rewritten in place by someone else: trust nothing
            else:
                self._replay_tail()

    def _replay_tail(self) -> None:
        """Apply the lines another process appended since we last looked."""
        start = self._journal_end
        data = self._read_journal(start)
        payloads, end = scan_journal(data, 0, self.journal_path, base=start)
        self._apply_payloads(payloads)
        self._journal_end = start + end
        self._cut_torn_tail(start + len(data))

    def _load(self) -> None:
        """Read everything from disk (lock held), repairing what a crash left."""
        main = self._read_main()
        tables, generation = main if main is not None else ({}, None)
        self._state = _LiveTables(tables, self._keep_copy)
        self._shadow = {}
        self._known = dict(tables)
        self._main_key = _file_key(self.path)
        journal = self._read_journal() if generation else b""
        header = self._journal_generation(journal)
        self._needs_rewrite = main is None or generation is None or header != generation
        self._generation = generation
        if self._needs_rewrite:
            # A new database, one written by another program, or a journal left
            # from before the last rewrite (already folded in): the first write
            # rewrites the main file and starts a journal; reading writes nothing.
            self._header_end = self._journal_end = 0
        else:
            payloads, end = scan_journal(journal, self._header_end, self.journal_path)
            self._apply_payloads(payloads)
            self._journal_end = end
            self._cut_torn_tail(len(journal))
        self._journal_key = _file_key(self.journal_path)
        self._stale = False

    def _read_main(self) -> tuple[Tables, str | None] | None:
        """The main file's tables and generation; ``None`` when there is none yet.

        An empty file counts as an empty database (TinyDB's convention, and
        what ``touch`` makes); a damaged one raises :class:`DatabaseError`.
        """
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise DatabaseError(self.path, f"cannot be read: {exc.strerror}") from exc
        if not raw.strip():
            return None
        try:
            tables = _check_shape(_loads(raw.decode("utf-8")), self.path)
        except (UnicodeDecodeError, ValueError, RecursionError) as exc:
            raise unreadable(self.path, f"is not valid JSON ({exc})") from exc
        generation = _generation(tables)  # also removes the private table
        return tables, generation

    def _read_journal_head(self) -> bytes:
        """The journal's first line (it is short: a checksum and a generation)."""
        with open(self.journal_path, "rb") as handle:
            return handle.readline(4096)

    def _read_journal(self, start: int = 0) -> bytes:
        try:
            with open(self.journal_path, "rb") as handle:
                handle.seek(start)
                return handle.read()
        except FileNotFoundError:
            return b""
        except OSError as exc:
            raise DatabaseError(self.journal_path, f"cannot be read: {exc.strerror}") from exc

    def _journal_generation(self, journal: bytes) -> str | None:
        """The generation the journal's first line names (``None``: no journal)."""
        if not journal:
            return None
        nl = journal.find(b"\n")
        payload = _unframe(journal[:nl]) if nl >= 0 else None
        try:
            header = json.loads(payload) if payload is not None else None
        except ValueError:
            header = None
        if not isinstance(header, dict) or header.get("journal") != JOURNAL_FORMAT:
            # Journals are created whole by a rename, so a bad first line is damage.
            raise unreadable(self.journal_path, "has a damaged first line")
        self._header_end = nl + 1
        generation = header.get("generation")
        return generation if isinstance(generation, str) else None

    def _apply_payloads(self, payloads: list[str]) -> None:
        try:
            for payload in payloads:
                apply_ops(self._state, json.loads(payload)["ops"])
                if self._shadow:
                    apply_ops(self._shadow, json.loads(payload)["ops"], only_present=True)
            self._known = dict(self._state)
        except (ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
            reason = f"holds an entry kbtui cannot read ({exc})"
            raise unreadable(self.journal_path, reason) from exc

    def _cut_torn_tail(self, size: int) -> None:
        """Drop the bytes of a write cut off by a crash (lock held), before anyone appends."""
        if size <= self._journal_end:
            return
        try:
            with open(self.journal_path, "r+b") as handle:
                handle.truncate(self._journal_end)
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as exc:
            raise DatabaseError(self.journal_path, f"cannot be repaired: {exc.strerror}") from exc
        self._journal_key = _file_key(self.journal_path)

    # -- rewriting -------------------------------------------------------------

    def _compact(self) -> None:
        """Write everything to a new main file, then a fresh journal (lock held).

        A crash between the two leaves the new main file and a journal naming
        the old generation, which the next load discards as already folded in.
        """
        generation = uuid.uuid4().hex
        body = dict(self._state)  # between writes, exactly what is on disk
        body[STORAGE_TABLE] = {"1": {"generation": generation, "journal": JOURNAL_FORMAT}}
        header = frame(_dumps({"journal": JOURNAL_FORMAT, "generation": generation}))
        try:
            atomic_write_bytes(self.path, _dumps(body).encode("utf-8"))
            atomic_write_bytes(self.journal_path, header)
        except OSError as exc:
            raise DatabaseError(self.path, f"cannot be written: {exc.strerror}") from exc
        self._main_key = _file_key(self.path)
        self._journal_key = _file_key(self.journal_path)
        self._header_end = self._journal_end = len(header)
        self._needs_rewrite = False
        self._generation = generation

    def _remove_stale_temporaries(self) -> None:
        """Delete temporary files a killed rewrite left (lock held, so none is in use)."""
        for name in (self.path.name, self.journal_path.name):
            for leftover in self.path.parent.glob(f".{name}.*.tmp"):
                leftover.unlink(missing_ok=True)


class MemoryStorage(_TinyMemoryStorage):
    """TinyDB's in-memory storage with the same interface as the journal one.

    For tests and throwaway stores: threads are kept apart, but nothing is
    locked between processes or rolled back.
    """

    def __init__(self) -> None:
        super().__init__()
        self._thread_lock = threading.RLock()

    def hold(self) -> AbstractContextManager[Any]:
        """Keep other threads out (reentrant)."""
        return self._thread_lock

    def transaction(self) -> AbstractContextManager[None]:
        """Nothing to lock between processes, nothing to commit."""
        return nullcontext()
