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
    :mod:`kbtui.atomic`), never written in place, one table per line: a long
    table is kept as its text until asked for (:mod:`kbtui.annotations.layout`).
    One extra table, ``_storage``, holds its *generation*, a random id that
    changes with every rewrite, and the index of its lines.
``kbtui.json.journal``
    What changed since the main file was written, one checksummed, fsynced
    line per committed transaction (:mod:`kbtui.annotations.journal`).
``kbtui.json.lock``
    Held (flock, :mod:`.lockfile`) around every read-modify-write and every rewrite.

So a write costs one short append and one fsync, whatever the size of the
database; the journal is folded into the main file (*compaction*: a full
atomic rewrite) when it passes :data:`DEFAULT_COMPACT_BYTES` and on close (of a
database under :data:`CLOSE_REWRITE_BYTES`). A
kill at any moment leaves the old main file or the new one, plus a journal
whose good lines are exactly the acknowledged writes.

Two processes: each keeps the whole database in memory. Inside
:meth:`JournalStorage.transaction` (which the store wraps around every
change) the lock is held and the files are checked first (inode, size,
modification time); if another process wrote, its journal lines are replayed,
or everything is reloaded after a rewrite. A write records only the records
it changed (:mod:`kbtui.annotations.changes`), so even a write computed from
a stale read cannot undo another process's changes to other records.

A file that cannot be read as a database raises :class:`DatabaseError`
naming it, and is never written over; so does a journal the main file does
not account for (a missing or emptied main file, another generation), since
dropping it would drop acknowledged writes. ``read_only`` storages (the CLI's
reading commands) take no lock and never create, repair or compact a file.
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

from kbtui.annotations.busy import DatabaseBusy, acquire_file_lock, lock_timeout, lock_wait
from kbtui.annotations.changes import ChangeTracker
from kbtui.annotations.errors import DatabaseError, unreadable
from kbtui.annotations.files import FileKey, Tables, dumps, file_key, remove_stale_temporaries
from kbtui.annotations.journal import Journal, header, scan_journal
from kbtui.annotations.lockfile import LockFile
from kbtui.annotations.mainfile import MainFile, check_journal, check_regular, new_main, read_main
from kbtui.atomic import atomic_write_bytes

__all__ = ["DEFAULT_COMPACT_BYTES", "DatabaseError", "JournalStorage"]

DEFAULT_COMPACT_BYTES = 4 * 1024 * 1024
"""Journal size that triggers a rewrite of the main file.

At about 1 KB per annotation change that is thousands of writes between
rewrites, so the rewrite's cost (proportional to the database) is paid
rarely, while replaying the journal on open stays far below a second.
"""

CLOSE_REWRITE_BYTES = 16 * 1024 * 1024
"""Main file size above which closing leaves the journal as it is: rewriting 80 MB
(146,000 annotations) took seconds, which quitting the app or importing one
annotation must not wait for; the journal is folded in when it passes
:data:`DEFAULT_COMPACT_BYTES`, as between writes. A main file written whole on one
line (by an older kbtui) is rewritten once, by line, so later opens need not decode it."""

READ_TRIES = 5
"""How often a read-only storage reads the two files again when the main file was
replaced meanwhile (a writer compacting: it replaces the main file, then the journal)."""

READ_LOCK_WAIT = 0.5
"""Seconds a read waits for the lock to catch up with another process's write."""

LOCK_TIMEOUT = 30.0
"""Seconds to wait for another process's lock before giving up.

The lock is held for milliseconds (a rewrite of a very large database: about
a second); a process killed while holding it releases it with its file
descriptors, so a long wait means a process that hangs."""


class JournalStorage(Storage):
    """TinyDB storage: an atomically replaced JSON file plus a fsynced journal.

    Use as ``TinyDB(path, storage=JournalStorage)``. Wrap each
    read-modify-write in :meth:`transaction`; a TinyDB write outside one
    takes the lock by itself (safe, but its read was not under the lock).
    All of a transaction's writes go to disk as one journal line when it
    ends, so they happen together or not at all.

    What :meth:`read` returns must only be changed the way TinyDB's API
    does (see :class:`~kbtui.annotations.changes.ChangeTracker`). Not for
    use from several threads at once without :meth:`transaction`.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        compact_bytes: int = DEFAULT_COMPACT_BYTES,
        lock_timeout: float = LOCK_TIMEOUT,
        read_only: bool = False,
    ) -> None:
        super().__init__()
        self.read_only = read_only
        """Never write, create, lock or repair anything: writes stay in memory."""
        self.path = Path(path)
        """The main file."""
        self._journal = Journal(self.path.with_name(self.path.name + ".journal"))
        self.compact_bytes = compact_bytes
        """Journal size (bytes) above which the main file is rewritten."""
        self._lock: LockFile | None = None  # made by the first write (busy.acquire_file_lock)
        self._lock_timeout = lock_timeout
        self._thread_lock = threading.RLock()
        self._depth = 0
        self._tracker = ChangeTracker({})
        self._pending: list[str] = []  # operations of the open transaction, as JSON
        self._main_key: FileKey | None = None
        self._stale = True
        self._needs_rewrite = False  # the main file must be rewritten before appending
        self._generation: str | None = None  # of the main file we hold
        self._closed = False
        self._loads = 0  # how often everything was read from disk
        self._lines = True  # the main file is laid out one table per line (layout.py)
        self._busy_until = 0.0  # reads answer from memory until then: the lock was held
        self.catch_ups = 0
        """How often this storage has taken in other processes' writes (its own never count)."""
        if not read_only:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise DatabaseError(self.path, f"cannot create its folder: {exc.strerror}") from exc
        check_regular(self.path)
        check_regular(self._journal.path)
        with self.transaction():  # loads, repairs a cut-off journal, compacts a long one
            if not read_only:
                remove_stale_temporaries(self.path, self._journal.path)

    # -- TinyDB's interface ----------------------------------------------------

    def read(self) -> Tables:
        """The whole database (kept in memory; reloaded if another process wrote: under the
        lock, which a read waits for at most :data:`READ_LOCK_WAIT`, and not again for as
        long, else it answers with what it holds, as the files were after a commit)."""
        if self._depth == 0 and self._changed_on_disk():
            if not self._stale and time.monotonic() < self._busy_until:
                return self._tracker.tables
            wait = lock_timeout(self._lock_timeout)
            wait = wait if self._stale else min(wait, READ_LOCK_WAIT)
            try:
                with lock_wait(wait), self.transaction():
                    pass
            except DatabaseBusy:
                if self._stale:  # what it holds may be half changed: nothing to answer with
                    raise
                self._busy_until = time.monotonic() + READ_LOCK_WAIT
        return self._tracker.tables

    def write(self, data: Tables) -> None:
        """Record what ``data`` changes, as one journal line (or part of the open one)."""
        try:
            ops = self._tracker.diff(data)
        except BaseException:
            self._stale = True  # TinyDB already changed the live state in place
            raise
        with self.transaction():
            self._tracker.written(ops)
            self._pending.extend(ops)

    def table_version(self, name: str) -> tuple[int, int]:
        """Changes whenever table ``name`` may have (a write, another process's, a reload):
        what was made from the table stands while it is the same."""
        return self._loads, self._tracker.changes(name)

    def apply(self, ops: list[list[Any]]) -> None:
        """Record operations on single records (journal ``p``/``d``), as TinyDB's write
        would, without one (which hands over the whole table: adding one annotation to
        50,000 would copy and compare them all; an operation costs what its record does)."""
        texts = [dumps(op) for op in ops]
        with self.transaction():
            self._tracker.written(texts)
            self._pending.extend(texts)

    def close(self) -> None:
        """Fold the journal into the main file, so it stands alone after a clean exit,
        unless the main file is over :data:`CLOSE_REWRITE_BYTES` and laid out by line
        (the next open replays the journal instead, as it would after a kill)."""
        if self._closed or self.read_only:
            self._closed = True
            return
        try:
            with self.transaction():
                small = self._main_key is None or self._main_key.size <= CLOSE_REWRITE_BYTES
                if self._journal.has_writes and (small or not self._lines):
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
                if self._journal.end > self.compact_bytes and not self.read_only:
                    self._compact()
            finally:
                if self._lock is not None:
                    self._lock.release()

    def hold(self) -> AbstractContextManager[Any]:
        """Keep this process's other threads out (reentrant; no file lock)."""
        return self._thread_lock

    def compact(self) -> None:
        """Rewrite the main file with everything and start an empty journal."""
        with self.transaction():
            self._compact()

    def _acquire(self) -> None:
        if self.read_only:  # a read-only folder may not even allow a lock file
            return
        self._lock = acquire_file_lock(self._lock, self.path, lock_timeout(self._lock_timeout))

    def _commit(self) -> None:
        """Append the open transaction's operations as one fsynced journal line."""
        if not self._pending:
            return
        if self.read_only:  # applied in memory only: re-anchoring, a migration
            self._pending.clear()
            return
        if self._needs_rewrite:  # the main file has it all once rewritten
            self._pending.clear()
            self._compact()
            return
        payload = '{"ops":[' + ",".join(self._pending) + "]}"
        self._pending.clear()
        self._journal.append(payload)

    def _changed_on_disk(self) -> bool:
        return (
            self._stale
            or file_key(self.path) != self._main_key
            or file_key(self._journal.path) != self._journal.key
        )

    # -- loading ---------------------------------------------------------------

    def _refresh(self) -> None:
        """Catch up with the files (lock held): replay new journal lines or reload,
        counted in :attr:`catch_ups`."""
        journal = self._journal
        journal_key = file_key(journal.path)
        if self._stale or file_key(self.path) != self._main_key:
            self._load()
        elif journal_key == journal.key:
            return
        elif self._needs_rewrite or not journal.appended_to(journal_key):
            self._load()
        elif journal.generation(journal.read_head()) != self._generation:
            self._load()  # rewritten in place by someone else: trust nothing
        else:
            self._replay_tail()
            journal.key = journal_key  # or every read after this would replay again
        self.catch_ups += 1

    def _replay_tail(self) -> None:
        """Apply the lines another process appended since we last looked."""
        start = self._journal.end
        data = self._journal.read(start)
        payloads, end = scan_journal(data, 0, self._journal.path, base=start)
        self._apply_payloads(payloads)
        self._journal.end = start + end
        if not self.read_only:
            self._journal.cut_torn_tail(start + len(data))

    def _load(self) -> None:
        """Read everything from disk (lock held), repairing what a crash left."""
        main, journal, main_key = self._read_both()
        generation = main.generation if main is not None else None
        self._tracker = ChangeTracker(main.tables if main is not None else {})
        self._loads += 1
        self._main_key = main_key
        first = self._journal.generation(journal)
        check_journal(main, first, journal, self._journal.header_end, self._journal.path)
        self._needs_rewrite = main is None or generation is None or first != generation
        self._generation = generation
        self._lines = main is not None and main.lines
        if self._needs_rewrite:
            # A new database, one written by another program, or a journal left
            # from before the last rewrite (already folded in): the first write
            # rewrites the main file and starts a journal; reading writes nothing.
            self._journal.header_end = self._journal.end = 0
        else:
            payloads, end = scan_journal(journal, self._journal.header_end, self._journal.path)
            self._apply_payloads(payloads)
            self._journal.end = end
            if not self.read_only:
                self._journal.cut_torn_tail(len(journal))
        self._journal.key = file_key(self._journal.path)
        self._stale = False

    def _read_both(self) -> tuple[MainFile | None, bytes, FileKey | None]:
        """The main file, the journal, and the main file's key before it was read.

        Without the lock (read-only), a writer may replace the main file
        between the two reads; then both are read again.
        """
        for _ in range(READ_TRIES):
            key = file_key(self.path)
            main = read_main(self.path, lazy=True)
            journal = self._journal.read()
            if not self.read_only or file_key(self.path) == key:
                break
        return main, journal, key

    def _apply_payloads(self, payloads: list[str]) -> None:
        try:
            self._tracker.replay(payloads)
        except (ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
            reason = f"holds an entry kbtui cannot read ({exc})"
            raise unreadable(self._journal.path, reason) from exc

    # -- rewriting -------------------------------------------------------------

    def _compact(self) -> None:
        """Write everything to a new main file, then a fresh journal (lock held).

        A crash between the two leaves the new main file and a journal naming
        the old generation (the new file's ``previous``), which the next load
        discards as already folded in.
        """
        if self.read_only:
            raise DatabaseError(self.path, "is open read-only")
        generation = uuid.uuid4().hex
        first = header(generation)
        body = new_main(self._tracker.tables.stored(), generation, self._generation)
        try:
            atomic_write_bytes(self.path, body)
            atomic_write_bytes(self._journal.path, first)
        except OSError as exc:
            raise DatabaseError(self.path, f"cannot be written: {exc.strerror}") from exc
        self._main_key = file_key(self.path)
        self._journal.restarted(first)
        self._needs_rewrite = False
        self._generation = generation
        self._lines = True
