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
        self._kept: tuple[str, Hashable, list[Annotation]] | None = None

    def annotations_for(self, doc_id: str) -> list[Annotation]:
        """The document's annotations as stored, by position (a new list each time; the
        store held only to take the records, not while 146,000 are made)."""
        with self._hold():
            table = self._data.records(doc_id)  # first: it takes in other processes' writes
            version = self._version(ANNOTATIONS + doc_id)
            kept = self._kept
            if kept is not None and kept[:2] == (doc_id, version):
                return list(kept[2])
            records = list(table.values())
        with collector_paused():
            found = sorted(map(self._data.annotation, records), key=_position)
        with self._hold():
            self._versions.saw(found)
            self._kept = doc_id, version, found
        return list(found)
