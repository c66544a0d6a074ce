"""Where the store's data sits in TinyDB's tables, and the typed way to reach it.

The layout is :mod:`kbtui.annotations.schema`'s: one annotation table per
document, found by scanning the table names. Reads take the storage's
tables with ``get``, never ``[]``, so the storage keeps no copy for them
(see :class:`kbtui.annotations.changes.LiveTables`). Annotations are written
as operations on single records (:meth:`JournalStorage.apply`): a document
may hold 50,000 of them, and a TinyDB write costs the whole table. The other
writes go through TinyDB's table API, whose writes the storage turns into
journal operations.
Apart from the store, which decides what to change and when (transactions,
undo, merging), because this is how, whatever the change.

TinyDB annotates document ids as ``int``, although a table converts ids with
its ``document_id_class``; kbtui's tables use ``str`` ids (annotation uuids,
document ids), and :func:`_id` is the one place that hands them to TinyDB.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.table import Document, Table

from kbtui.annotations.changes import LiveTables
from kbtui.annotations.files import Tables
from kbtui.annotations.limits import check_annotation, check_tags
from kbtui.annotations.memory import MemoryStorage
from kbtui.annotations.model import Annotation
from kbtui.annotations.records import annotation_of
from kbtui.annotations.schema import ANNOTATIONS, DOCS, ENTITIES
from kbtui.annotations.storage import JournalStorage
from kbtui.annotations.unread import TEXT_LOOKUPS


class StringTable(Table):
    """A TinyDB table keyed by kbtui's own string ids."""

    document_id_class = str  # type: ignore[assignment]  # TinyDB declares type[int]; any class works


class KbtuiDB(TinyDB):
    """TinyDB with string-keyed tables."""

    table_class = StringTable


def _id(key: str) -> Any:
    """A document id as TinyDB's API takes it (see the module docstring)."""
    return key


def _document(record: Mapping[str, Any], key: str) -> Document:
    """A record to insert under ``key``."""
    return Document(record, doc_id=_id(key))


class StoreTables:
    """The store's annotations, document state, entity records and word list in one database."""

    def __init__(self, db: TinyDB, where: Path) -> None:
        self._db = db
        self.where = where
        """The database file, for messages (``:memory:`` in memory)."""

    def read(self) -> Tables:
        """The whole database as the storage holds it: read, never modify."""
        return self._db.storage.read() or {}

    def replace(self, tables: Tables) -> None:
        """Write ``tables`` as the whole database (a migration)."""
        self._db.storage.write(tables)

    # -- annotations -----------------------------------------------------------

    def read_table(self, name: str) -> dict[str, Any]:
        """One table's records by id (none if it does not exist): read, never modify."""
        return self.read().get(name, {})

    def records(self, doc_id: str) -> dict[str, Any]:
        """The stored annotation records of one document, by id."""
        return self.read_table(ANNOTATIONS + doc_id)

    def record(self, doc_id: str, annotation_id: str) -> dict[str, Any] | None:
        """One stored annotation record (``None``: not in that document's table), read
        without decoding the table where that can be told from its text."""
        name = ANNOTATIONS + doc_id
        tables = self.read()
        unread = tables.unread(name) if isinstance(tables, LiveTables) else None
        if unread is not None:
            known, found = unread.lookup(annotation_id)
            if known:
                return found
        record: dict[str, Any] | None = self.read_table(name).get(annotation_id)
        return record

    def count(self, doc_id: str) -> int:
        """How many annotations the document has (an unread table's index says)."""
        tables = self.read()
        name = ANNOTATIONS + doc_id
        unread = tables.unread(name) if isinstance(tables, LiveTables) else None
        size = unread.size() if unread is not None else None
        return size if size is not None else len(self.read_table(name))

    def annotation_tables(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """Every document's annotation table, with its name."""
        for name, table in self.read().items():
            if name.startswith(ANNOTATIONS):
                yield name, table

    def annotation(self, record: Mapping[str, Any]) -> Annotation:
        """The annotation a record holds (:class:`DatabaseError` if malformed)."""
        return annotation_of(record, self.where)

    def locate(self, annotation_id: str) -> tuple[str, dict[str, Any]] | None:
        """The document id and record of an annotation, by a scan of the tables."""
        for doc_id in self.annotated():
            record = self.record(doc_id, annotation_id)
            if record is not None:
                return doc_id, record
        return None

    def require(self, annotation_id: str) -> Annotation:
        """The annotation with this id; ``KeyError`` if there is none."""
        found = self.locate(annotation_id)
        if found is None:
            raise KeyError(annotation_id)
        return self.annotation(found[1])

    def locations(self, ids: Collection[str]) -> dict[str, str]:
        """Annotation id -> document id, for those of ``ids`` that are stored: each
        table is looked up by id or scanned, whichever is less work (an unread one is
        looked up in its text for a few ids, else decoded)."""
        found: dict[str, str] = {}
        tables = self.read()
        for doc_id in self.annotated():
            name = ANNOTATIONS + doc_id
            unread = tables.unread(name) if isinstance(tables, LiveTables) else None
            if unread is not None and len(ids) <= TEXT_LOOKUPS:
                looked = [(key, *unread.lookup(key)) for key in ids]
                if all(known for _key, known, _record in looked):
                    found.update((key, doc_id) for key, _known, record in looked if record)
                    continue
            table = self.read_table(name)
            if len(ids) < len(table):
                found.update((key, doc_id) for key in ids if key in table)
            else:
                found.update((key, doc_id) for key in table if key in ids)
        return found

    def annotated(self) -> list[str]:
        """The ids of the documents with an annotation table (no table decoded)."""
        return [name[len(ANNOTATIONS) :] for name in self.read() if name.startswith(ANNOTATIONS)]

    def insert(self, annotation: Annotation) -> None:
        """Store a new annotation in its document's table (``ValueError`` if its id is
        there, or it is over the limits of :mod:`kbtui.annotations.limits`)."""
        check_annotation(annotation)
        name = ANNOTATIONS + annotation.doc_id
        if self.record(annotation.doc_id, annotation.id) is not None:
            raise ValueError(f"Document with ID {annotation.id!r} already exists")
        self._apply(name, [["p", name, annotation.id, annotation.to_record()]])

    def remove(self, doc_id: str, annotation_id: str) -> None:
        """Delete an annotation from a document's table."""
        name = ANNOTATIONS + doc_id
        if self.record(doc_id, annotation_id) is not None:
            self._apply(name, [["d", name, annotation_id]])

    def put_many(self, doc_id: str, annotations: list[Annotation]) -> None:
        """Write annotations of one document, new or replacing, in one operation each
        (``ValueError``, and nothing written, if one is over the limits)."""
        for a in annotations:
            check_annotation(a)
        name = ANNOTATIONS + doc_id
        if annotations:
            self._apply(name, [["p", name, a.id, a.to_record()] for a in annotations])

    def _apply(self, name: str, ops: list[list[Any]]) -> None:
        """Hand record operations to the storage; TinyDB's cached queries on ``name`` are stale."""
        storage = self._db.storage
        if not isinstance(storage, JournalStorage | MemoryStorage):
            raise TypeError(f"record operations need kbtui's storage, not {type(storage).__name__}")
        storage.apply(ops)
        self._db.table(name).clear_cache()

    # -- documents and entities ------------------------------------------------

    def put_doc_record(self, doc_id: str, record: Mapping[str, Any]) -> None:
        """Store a document's state, replacing what was there (``ValueError`` if its
        tags are over the limits)."""
        check_tags(list(record.get("tags", ())))
        self._db.table(DOCS).upsert(_document(record, doc_id))

    def insert_records(self, name: str, records: Mapping[str, Mapping[str, Any]]) -> None:
        """Store new records under their ids in table ``name`` (the word list's)."""
        self._db.table(name).insert_multiple(_document(r, key) for key, r in records.items())

    def remove_record(self, name: str, key: str) -> None:
        """Delete the record under ``key`` from table ``name``."""
        self._db.table(name).remove(doc_ids=[_id(key)])

    def append_entity(self, record: Mapping[str, Any]) -> None:
        """Store an entity record under an id that sorts after every other."""
        table = self._db.table(ENTITIES)
        key = f"{len(table) + 1:09d}"
        while table.contains(doc_id=_id(key)):  # another process deleted one
            key = f"{int(key) + 1:09d}"
        table.insert(_document(record, key))
