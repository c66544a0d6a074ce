"""The annotation store: the one object the UI and the CLI read and write data through.

It keeps annotations, per-document state, entity records, the word list and the user's word
on shared names in a TinyDB database (:mod:`.schema`, :mod:`.storage`), and offers re-anchored
annotations, changes with undo, tags for completion and merging of imports.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Collection, Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import replace
from functools import cached_property
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tinydb import TinyDB

from kbtui.annotations.corrections import MentionCorrections
from kbtui.annotations.errors import DatabaseError
from kbtui.annotations.memory import MemoryStorage
from kbtui.annotations.model import Annotation, now_iso
from kbtui.annotations.placing import Placing
from kbtui.annotations.reading import DocumentReading
from kbtui.annotations.records import DocState, clean_tags, entity_record, strings
from kbtui.annotations.relocation import Relocation
from kbtui.annotations.schema import DOCS, ENTITIES, migrated, schema_version
from kbtui.annotations.serialised import serialised
from kbtui.annotations.storage import DEFAULT_COMPACT_BYTES, JournalStorage
from kbtui.annotations.tables import KbtuiDB, StoreTables
from kbtui.annotations.undo import UndoHistory
from kbtui.annotations.versions import StaleAnnotation, Versions
from kbtui.documents.model import source_hash
from kbtui.locations import database_path

if TYPE_CHECKING:
    from kbtui.annotations.merging import ImportCounts
    from kbtui.annotations.words import WordList

__all__ = ["DatabaseError", "DocState", "StaleAnnotation", "Store"]

_position = attrgetter("start", "end")
CLOSE_LOCK_WAIT = 1.0
"""Seconds closing waits for the lock to write the new places a read kept."""


class Store:
    """Annotations, document state and user entities, with undo.

    Open one with :meth:`open` (a file) or :meth:`in_memory`. Every change is one
    :meth:`transaction`: locked, caught up with other processes, on disk when it returns;
    many reads in one check the files once, not each (a listing of every document)."""

    def __init__(self, db: TinyDB, path: Path | None = None, *, read_only: bool = False) -> None:
        storage = db.storage
        if not isinstance(storage, JournalStorage | MemoryStorage):
            raise TypeError(f"a store needs transactions, which {type(storage).__name__} lacks")
        self._db = db
        self._storage = storage
        self._caught_up = storage.catch_ups  # what reload() last reported
        self.path = path
        """The database file (``None`` in memory)."""
        self.read_only = read_only
        """Whether nothing is written (a migration's backup included)."""
        self._data = StoreTables(db, path or Path(":memory:"))
        self._undo = UndoHistory()
        self.documents = Relocation(self._data, storage)
        """Which documents have records, and moving them (:mod:`kbtui.annotations.relocation`)."""
        self.coreference = MentionCorrections(self._data, storage)
        """The user's corrections of shared names (:mod:`kbtui.annotations.corrections`)."""
        self._versions = Versions()  # what was handed out, for compare-and-set
        self._placing = Placing(self._data, self._hold, self._storage.transaction, self._versions)
        self._reading = DocumentReading(
            self._data, self._storage.table_version, self._hold, self._versions
        )

    @cached_property
    def words(self) -> WordList:
        """The word list (:mod:`kbtui.annotations.words`), in the same database (its
        module and the vocabulary model load when first asked for: ~5 ms of start-up)."""
        from kbtui.annotations.words import WordList

        return WordList(self._data, self._storage)

    @classmethod
    def open(
        cls,
        path: str | os.PathLike[str] | None = None,
        *,
        compact_bytes: int = DEFAULT_COMPACT_BYTES,
        read_only: bool = False,
    ) -> Store:
        """Open (or create) the database at ``path``, else at :func:`database_path`.

        Raises :class:`DatabaseError` naming the file if it cannot be used;
        the file is then left as it was. ``read_only`` never writes, creates
        or locks a file (what a store changes, e.g. re-anchoring, stays in memory).
        """
        target = database_path(path)
        db = KbtuiDB(
            target, storage=JournalStorage, compact_bytes=compact_bytes, read_only=read_only
        )
        store = cls(db, target, read_only=read_only)
        store.migrate()
        return store

    @classmethod
    def in_memory(cls) -> Store:
        """A store that keeps nothing (tests, previews)."""
        store = cls(KbtuiDB(storage=MemoryStorage))
        store.migrate()
        return store

    @serialised
    def close(self) -> None:
        """Write the new places still waiting (briefly: they are found again otherwise),
        fold the journal into the database file and let go of it."""
        if self._placing.has_pending():
            self._placing.write_pending(CLOSE_LOCK_WAIT)
        self._db.close()

    @serialised
    def compact(self) -> None:
        """Fold the journal into the database file now (a full atomic rewrite)."""
        if isinstance(self._storage, JournalStorage):
            self._storage.compact()

    @serialised
    def reload(self) -> bool:
        """Catch up with other processes' writes; whether any came in since the last call
        (also those a write of this store took in first). For a watcher that saw the files
        change: this store's own writes do not count, so it never reloads in a loop."""
        self._storage.read()  # catches up by itself
        seen, self._caught_up = self._caught_up, self._storage.catch_ups
        return self._caught_up != seen

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- annotations -----------------------------------------------------------

    def annotations_for(self, doc_id: str) -> list[Annotation]:
        """The document's annotations as stored, by position (made once for each state of
        its table: :mod:`kbtui.annotations.reading`)."""
        return self._reading.annotations_for(doc_id)

    def anchored_annotations(
        self,
        doc_id: str,
        source: str,
        *,
        only: Collection[str] | None = None,
        stored: list[Annotation] | None = None,
    ) -> list[Annotation]:
        """The document's annotations placed in its current ``source``, by position
        (``only``: those with these ids; ``stored``: all, as the caller just read them).

        Those whose document changed are re-anchored and the outcome is stored, never
        waiting for another process's lock (:mod:`kbtui.annotations.placing`): a placed one
        takes its new offsets, context and text hash; an orphan keeps its offsets and quote.
        Not undoable, ``updated`` left alone. Call it from a worker thread.
        """
        if stored is None:
            stored = self.annotations_for(doc_id) if only is None else self._some(doc_id, only)
        placed = self._placing.place(doc_id, stored, source, source_hash(source))
        return sorted(placed, key=_position)

    @serialised
    def _some(self, doc_id: str, ids: Collection[str]) -> list[Annotation]:
        """Those of the document's annotations that have these ids, as stored."""
        records = [self._data.record(doc_id, key) for key in ids]
        found = [self._data.annotation(record) for record in records if record is not None]
        self._versions.saw(found)
        return found

    @serialised
    def all_annotations(self) -> list[Annotation]:
        """Every annotation, by document and position."""
        found = [
            self._data.annotation(record)
            for name, table in self._data.annotation_tables()
            for record in table.values()
        ]
        self._versions.saw(found)
        return sorted(found, key=lambda a: (a.doc_id, a.start, a.end))

    @serialised
    def count(self, doc_id: str) -> int:
        """How many annotations the document has."""
        return self._data.count(doc_id)

    @serialised
    def get(self, annotation_id: str) -> Annotation | None:
        """The annotation with this id, wherever it is."""
        found = self._data.locate(annotation_id)
        if found is None:
            return None
        self._versions.saw([annotation := self._data.annotation(found[1])])
        return annotation

    @serialised
    def add(self, annotation: Annotation) -> Annotation:
        """Store a new annotation (undoable). ``ValueError`` if its id exists."""
        with self.transaction():
            if self._data.locate(annotation.id) is not None:
                raise ValueError(f"annotation {annotation.id} already exists")
            self._data.insert(annotation)
        self._versions.saw([annotation])
        self._undo.remember(f"add {annotation.kind}", None, annotation)
        return annotation

    @serialised
    def update(self, annotation: Annotation) -> Annotation:
        """Replace the stored annotation with the same id (undoable).

        ``annotation`` is a changed copy of a version this store handed out: a newer
        stored one takes its changes, or :class:`StaleAnnotation` says why it cannot
        (:mod:`kbtui.annotations.versions`). Returns the stored version, whose
        ``updated`` is now. ``KeyError`` if another process deleted it.
        """
        with self.transaction():
            old = self._data.require(annotation.id)
            merged = self._versions.merged(annotation, old)
            new = replace(merged, updated=now_iso(), tags=list(merged.tags))
            if old.doc_id != new.doc_id:
                self._data.remove(old.doc_id, old.id)
            self._data.put_many(new.doc_id, [new])
        self._versions.saw([new])
        self._undo.remember(f"edit {new.kind}", old, new)
        return new

    @serialised
    def delete(self, annotation_id: str) -> Annotation:
        """Delete an annotation (undoable) and return it. ``KeyError`` if absent,
        :class:`StaleAnnotation` if it changed since it was handed out."""
        with self.transaction():
            old = self._data.require(annotation_id)
            self._versions.check_delete(old)
            self._data.remove(old.doc_id, annotation_id)
        self._undo.remember(f"delete {old.kind}", old, None)
        return old

    # -- undo ------------------------------------------------------------------

    @serialised
    def undo(self) -> str | None:
        """Take back the last add, edit or delete made through this store.

        Returns what was undone (``"add highlight"``, ``"delete bookmark"``…), or
        ``None`` when there is nothing to undo. The history is this process's.
        """
        return self._undo.undo(self._data, self.transaction)

    @property
    def can_undo(self) -> bool:
        """Whether :meth:`undo` has something to take back."""
        return bool(self._undo)

    # -- documents -------------------------------------------------------------

    @serialised
    def doc_state(self, doc_id: str) -> DocState:
        """What is remembered about the document (defaults if nothing)."""
        record = self._data.read_table(DOCS).get(doc_id)
        return DocState.from_record(record) if record is not None else DocState()

    @serialised
    def set_position(self, doc_id: str, position: int) -> None:
        """Remember the reading position (a source offset)."""
        self._change_doc(doc_id, position=max(0, position))

    @serialised
    def set_script(self, doc_id: str, script: str | None) -> None:
        """Remember the script variant chosen for the document."""
        self._change_doc(doc_id, script=script)

    @serialised
    def set_locale(self, doc_id: str, locale: str | None) -> None:
        """Remember the source locale the user set (``None``: back to the document's own)."""
        self._change_doc(doc_id, locale=locale)

    @serialised
    def set_lines(self, doc_id: str, lines: bool) -> None:
        """Remember whether a transcript shows its original lines (else paragraphs)."""
        self._change_doc(doc_id, lines=lines)

    @serialised
    def set_doc_tags(self, doc_id: str, tags: Iterable[str]) -> None:
        """Set the document's own tags (trimmed, blanks and repeats dropped)."""
        self._change_doc(doc_id, tags=tuple(clean_tags(tags)))

    @serialised
    def touch_opened(self, doc_id: str) -> None:
        """Record that the document was opened now."""
        self._change_doc(doc_id, last_opened=now_iso())

    @serialised
    def all_tags(self) -> list[str]:
        """Every tag in use on annotations and documents, for completion."""
        tags: set[str] = set()
        for _name, table in self._data.annotation_tables():
            for record in table.values():
                tags.update(strings(record.get("tags")))
        for record in self._data.read_table(DOCS).values():
            tags.update(strings(record.get("tags")))
        return sorted(tags, key=lambda t: (t.casefold(), t))

    def _change_doc(self, doc_id: str, **changes: Any) -> None:
        with self.transaction():
            old = self.doc_state(doc_id)
            new = replace(old, **changes)
            if new != old:
                self._data.put_doc_record(doc_id, new.to_record())

    # -- user entities ---------------------------------------------------------

    @serialised
    def list_user_entities(self) -> list[dict[str, object]]:
        """The user's entity records ``{name, kind, aliases}``, oldest first."""
        table = self._data.read_table(ENTITIES)
        return [entity_record(table[key]) for key in sorted(table)]

    @serialised
    def save_user_entity(
        self, name: str, kind: str = "other", aliases: Iterable[str] = ()
    ) -> dict[str, object]:
        """Append an entity record (a new entity, an alias, a rename or a merge).

        Records are kept in order and applied in order by
        :mod:`kbtui.entities.registry` (``new_entity_record``, ``alias_record``,
        ``rename_record``, ``merge_record`` make them), so the latest wins.
        """
        record = entity_record({"name": name, "kind": kind, "aliases": list(aliases)})
        with self.transaction():
            self._data.append_entity(record)
        return record

    # -- import ----------------------------------------------------------------

    @serialised
    def merge_import(self, annotations: Iterable[Annotation]) -> ImportCounts:
        """Merge imported annotations by id, never duplicating one.

        A new id is added; a known id is replaced when the import differs and is
        newer (``updated``), else the stored one is kept (an export of it coming
        back, an older copy). One transaction; not undoable.
        """
        from kbtui.annotations.merging import merge_into

        with self.transaction():
            return merge_into(self._data, annotations)

    # -- schema ----------------------------------------------------------------

    @serialised
    def schema_version(self) -> int:
        """The schema version of the database as it is (0: before versions)."""
        return schema_version(self._data.read(), self._data.where)

    @serialised
    def migrate(self) -> None:
        """Bring the database to the current schema (nothing if it is there).

        A database from a newer kbtui raises :class:`DatabaseError` and is
        not touched. An older one is first saved beside itself.
        """
        with self.transaction():
            tables = migrated(
                self._data.read(), self._data.where, None if self.read_only else self.path
            )
            if tables is not None:
                self._data.replace(tables)

    # -- internals -------------------------------------------------------------

    def _hold(self) -> AbstractContextManager[Any]:
        """This process's lock on the in-memory database (TinyDB is not thread-safe)."""
        return self._storage.hold()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """The storage's transaction, which also writes the new places a read kept
        while another process held the lock (:mod:`kbtui.annotations.placing`)."""
        with self._storage.transaction():
            yield
            written = self._placing.put_pending() if self._placing.has_pending() else {}
        self._placing.forget(written)
