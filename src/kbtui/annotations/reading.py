"""A document's annotations as stored, made once for each state of its table.

Opening a big document reads its annotations more than once: the reader takes
them to place and draw them, and the review queue, counting in its worker, takes
them again; 146,000 :class:`Annotation` objects cost most of a second each time.
:class:`DocumentReading` keeps those of the document read last, with the version
of its table they were made from (:meth:`JournalStorage.table_version`: it changes
with every write, this process's or another's, and with every reload), and hands
out the same objects again while the table is unchanged.

The objects are shared, as the reader's and the review queue's already were: a
caller that changes one in place (the app's ``c``) either writes it, which changes
the table, or fails, which reloads it (:meth:`JournalStorage.transaction`).
Apart from :mod:`kbtui.annotations.store`, which is at its size limit.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from contextlib import AbstractContextManager
from operator import attrgetter
from typing import Any

from kbtui.annotations.bulk import collector_paused
from kbtui.annotations.model import Annotation
from kbtui.annotations.schema import ANNOTATIONS
from kbtui.annotations.tables import StoreTables
from kbtui.annotations.versions import Versions

_position = attrgetter("start", "end")


class _Making:
    """A document's annotations being made by one thread, for another that wants them too."""

    __slots__ = ("done", "found", "key")

    def __init__(self, key: tuple[str, Hashable]) -> None:
        self.key = key
        self.done = threading.Event()
        self.found: list[Annotation] | None = None
        """What was made (``None`` until then, or if making them failed)."""


class DocumentReading:
    """Annotations of the document read last, kept while its table stays as it was."""

    def __init__(
        self,
        data: StoreTables,
        version: Callable[[str], Hashable],
        hold: Callable[[], AbstractContextManager[Any]],
        versions: Versions,
    ) -> None:
        self._data = data
        self._version = version
        self._hold = hold
        self._versions = versions
        self._kept: tuple[tuple[str, Hashable], list[Annotation]] | None = None
        self._making: _Making | None = None

    def annotations_for(self, doc_id: str) -> list[Annotation]:
        """The document's annotations as stored, by position (a new list each time; the
        store held only to take the records, not while 146,000 are made).

        A thread that asks while another makes the same ones waits for them: the app's
        load worker and its review count asked at once and made them twice, each at half
        speed. Making them takes no lock, so the wait ends whatever the waiter holds."""
        with self._hold():
            table = self._data.records(doc_id)  # first: it takes in other processes' writes
            key = doc_id, self._version(ANNOTATIONS + doc_id)
            if self._kept is not None and self._kept[0] == key:
                return list(self._kept[1])
            other = self._making
            if other is None or other.key != key or (other.done.is_set() and not other.found):
                other, mine = None, _Making(key)
                self._making = mine
                records = list(table.values())
        found = self._made(mine, records) if other is None else self._awaited(other, doc_id)
        with self._hold():
            self._versions.saw(found)
            if other is None:
                self._kept = key, found
                if self._making is mine:
                    self._making = None
        return list(found)

    def _made(self, making: _Making, records: list[dict[str, Any]]) -> list[Annotation]:
        """Annotations of ``records``, by position, told to whoever waits on ``making``."""
        try:
            with collector_paused():
                making.found = sorted(map(self._data.annotation, records), key=_position)
        finally:
            making.done.set()
        return making.found

    def _awaited(self, making: _Making, doc_id: str) -> list[Annotation]:
        """What another thread makes; made here if it failed (its error comes again)."""
        making.done.wait()
        return making.found if making.found is not None else self.annotations_for(doc_id)
