"""The word list's table in the store's database: entries kept, listed, deleted and merged.

The entries are :class:`kbtui.lookup.vocab.VocabEntry` records in the
``vocab`` table (:mod:`kbtui.annotations.schema`), written through the same
storage as annotations, so a new word is journalled first and reaches the
main file atomically, and two kbtui processes on one database lose none.
Apart from :class:`~kbtui.annotations.store.Store` (which holds one as
``store.words``) because the word list shares its database and lock, not
its rules: no anchoring, no undo, merged by id alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Protocol

from kbtui.annotations.errors import unreadable
from kbtui.annotations.schema import VOCAB
from kbtui.annotations.tables import StoreTables
from kbtui.lookup.vocab import VocabEntry


class Locking(Protocol):
    """What the word list needs of the store's storage (both storages have it)."""

    def hold(self) -> AbstractContextManager[Any]:
        """This process's lock on the in-memory database."""
        ...

    def transaction(self) -> AbstractContextManager[None]:
        """A change: locked, caught up with other processes, committed on exit."""
        ...


@dataclass(frozen=True, slots=True)
class WordCounts:
    """What :meth:`WordList.merge` did with the words it was given."""

    added: int = 0
    unchanged: int = 0
    """Already in the list under the same id (the stored entry stands)."""


class WordList:
    """The word list of one store; every method is one transaction."""

    def __init__(self, data: StoreTables, storage: Locking) -> None:
        self._data = data
        self._storage = storage

    def entries(self) -> list[VocabEntry]:
        """Every entry, oldest first (:class:`DatabaseError` for a malformed one)."""
        with self._storage.hold():
            records = self._data.read_table(VOCAB)
            found = [self._entry(record) for record in records.values()]
        return sorted(found, key=lambda entry: (entry.added, entry.id))

    def get(self, entry_id: str) -> VocabEntry | None:
        """The entry with this id, if the list has it."""
        with self._storage.hold():
            record = self._data.read_table(VOCAB).get(entry_id)
            return None if record is None else self._entry(record)

    def same_word(self, entry: VocabEntry) -> VocabEntry | None:
        """An entry already kept for ``entry``'s word with its reading, if any.

        The reader adds a word once: the same word with the same reading is
        one Anki note however often it is met (the deck's guid says so too).
        """
        key = _word_key(entry)
        return next((kept for kept in self.entries() if _word_key(kept) == key), None)

    def add(self, entry: VocabEntry) -> VocabEntry:
        """Keep a new entry; ``ValueError`` if its id is in the list."""
        with self._storage.hold(), self._storage.transaction():
            if entry.id in self._data.read_table(VOCAB):
                raise ValueError(f"word list entry {entry.id} already exists")
            self._data.insert_records(VOCAB, {entry.id: entry.to_dict()})
        return entry

    def delete(self, entry_id: str) -> VocabEntry:
        """Remove an entry and return it; ``KeyError`` if the list lacks it."""
        with self._storage.hold(), self._storage.transaction():
            record = self._data.read_table(VOCAB).get(entry_id)
            if record is None:
                raise KeyError(entry_id)
            entry = self._entry(record)
            self._data.remove_record(VOCAB, entry_id)
        return entry

    def merge(self, entries: Iterable[VocabEntry]) -> WordCounts:
        """Add the entries whose id the list lacks, in one transaction.

        A known id keeps the stored entry: a word's fields are what the
        dictionary said when it was added, so an export coming back, or a
        copy from another machine, has nothing newer to bring.
        """
        incoming = {entry.id: entry for entry in entries}
        with self._storage.hold(), self._storage.transaction():
            stored = self._data.read_table(VOCAB)
            new = [entry for key, entry in incoming.items() if key not in stored]
            if new:
                self._data.insert_records(VOCAB, {entry.id: entry.to_dict() for entry in new})
        return WordCounts(len(new), len(incoming) - len(new))

    def _entry(self, record: Mapping[str, Any]) -> VocabEntry:
        try:
            return VocabEntry.from_dict(record)
        except ValueError as exc:
            what = record.get("id", "?")
            raise unreadable(self._data.where, f"has a malformed word {what!r} ({exc})") from exc


def _word_key(entry: VocabEntry) -> tuple[str, str, str]:
    return entry.simplified, entry.traditional, entry.numbered.lower()
