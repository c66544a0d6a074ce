"""Which documents the database holds records for, and moving them to another document id.

A document's id is its path in the corpus, so renaming or moving the file
leaves its annotations, its state (tags, position, script) and its words
under an id the corpus no longer has. They are never dropped: listed here
(:meth:`Relocation.documents`) so the user can see what is missing, and
moved whole (:meth:`Relocation.move`) when the user says where the file went
(``kbtui reattach``). Apart from :class:`~kbtui.annotations.store.Store`
(which holds one as ``store.documents``) because it touches every table of
one document at once, where the store's methods each touch one.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from kbtui.annotations.records import DocState, clean_tags
from kbtui.annotations.schema import DOCS, VOCAB
from kbtui.annotations.tables import StoreTables

if TYPE_CHECKING:
    from kbtui.annotations.words import Locking  # its module brings the vocabulary model


@dataclass(frozen=True, slots=True)
class DocumentRecords:
    """What the database keeps about one document id."""

    doc_id: str
    annotations: int = 0
    words: int = 0
    """Word-list entries met in the document."""
    state: bool = False
    """Whether its state (tags, position, script…) is kept."""

    @property
    def empty(self) -> bool:
        """Nothing is kept (an annotation table left empty by deletions)."""
        return not (self.annotations or self.words or self.state)


class Relocation:
    """The per-document records of one store; every method is one transaction."""

    def __init__(self, data: StoreTables, storage: Locking) -> None:
        self._data = data
        self._storage = storage

    def documents(self) -> dict[str, DocumentRecords]:
        """Every document id the database keeps something for, with what it keeps."""
        with self._storage.hold():
            return self._documents()

    def records(self, doc_id: str) -> DocumentRecords:
        """What the database keeps for ``doc_id`` (all zero when nothing)."""
        return self.documents().get(doc_id, DocumentRecords(doc_id))

    def move(self, old: str, new: str) -> DocumentRecords:
        """Move every record of document ``old`` to document ``new``; returns what moved.

        Annotations and words take the new id; the state moves when ``new``
        has none, else ``new`` keeps its own and gains ``old``'s tags. What
        ``new`` already had stays. ``KeyError`` when ``old`` has nothing,
        ``ValueError`` when ``old`` and ``new`` are the same.
        """
        if old == new:
            raise ValueError(f"{old!r} is already the document's id")
        with self._storage.hold(), self._storage.transaction():
            moving = self._documents().get(old)
            if moving is None or moving.empty:
                raise KeyError(old)
            self._move_annotations(old, new)
            self._move_state(old, new)
            self._move_words(old, new)
        return moving

    def _documents(self) -> dict[str, DocumentRecords]:
        found: dict[str, dict[str, Any]] = {}
        for doc_id in self._data.annotated():
            if count := self._data.count(doc_id):
                found.setdefault(doc_id, {})["annotations"] = count
        for doc_id in self._data.read_table(DOCS):
            found.setdefault(doc_id, {})["state"] = True
        for record in self._data.read_table(VOCAB).values():
            doc_id = record.get("doc_id")
            if isinstance(doc_id, str):
                counts = found.setdefault(doc_id, {})
                counts["words"] = counts.get("words", 0) + 1
        return {doc_id: DocumentRecords(doc_id, **kept) for doc_id, kept in found.items()}

    def _move_annotations(self, old: str, new: str) -> None:
        moved = [self._data.annotation(r) for r in self._data.records(old).values()]
        self._data.put_many(new, [replace(a, doc_id=new) for a in moved])
        for a in moved:
            self._data.remove(old, a.id)

    def _move_state(self, old: str, new: str) -> None:
        docs = self._data.read_table(DOCS)
        if old not in docs:
            return
        state = DocState.from_record(docs[old])
        if new in docs:
            kept = DocState.from_record(docs[new])
            state = replace(kept, tags=tuple(clean_tags([*kept.tags, *state.tags])))
        self._data.put_doc_record(new, state.to_record())
        self._data.remove_record(DOCS, old)

    def _move_words(self, old: str, new: str) -> None:
        words = self._data.read_table(VOCAB)
        moving = {key: {**r, "doc_id": new} for key, r in words.items() if r.get("doc_id") == old}
        for key in moving:
            self._data.remove_record(VOCAB, key)
        if moving:
            self._data.insert_records(VOCAB, moving)
