"""The in-memory stand-in for :class:`~kbtui.annotations.storage.JournalStorage`.

For tests and throwaway stores (:meth:`kbtui.annotations.store.Store.in_memory`):
the same interface, so the store needs no special case, and none of the
files, locks or journal, so it is apart from them.
"""

from __future__ import annotations

import threading
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from tinydb.storages import Storage

from kbtui.annotations.files import Tables
from kbtui.annotations.journal import apply_ops


class MemoryStorage(Storage):
    """An in-memory storage with the same interface as the journal one.

    For tests and throwaway stores: threads are kept apart, but nothing is
    locked between processes or rolled back.
    """

    def __init__(self) -> None:
        super().__init__()
        self._memory: Tables | None = None
        self._thread_lock = threading.RLock()
        self.catch_ups = 0  # nothing else writes it (as JournalStorage.catch_ups counts)
        self._writes = 0

    def table_version(self, name: str) -> int:
        """Changes with every write (of any table: nothing here says which one changed)."""
        return self._writes

    def read(self) -> Tables | None:
        """The database as last written (``None`` before the first write)."""
        return self._memory

    def write(self, data: Tables) -> None:
        """Keep ``data`` (itself, not a copy, as TinyDB's MemoryStorage does)."""
        self._memory = data
        self._writes += 1

    def apply(self, ops: list[list[Any]]) -> None:
        """Apply operations on single records, like the journal storage's."""
        if self._memory is None:
            self._memory = {}
        apply_ops(self._memory, ops)
        self._writes += 1

    def hold(self) -> AbstractContextManager[Any]:
        """Keep other threads out (reentrant)."""
        return self._thread_lock

    def transaction(self) -> AbstractContextManager[None]:
        """Nothing to lock between processes, nothing to commit."""
        return nullcontext()
