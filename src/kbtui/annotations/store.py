"""The annotation store: the one object the UI and the CLI read and write data through.

It keeps annotations, per-document state and the user's entity records in a
TinyDB database (see :mod:`kbtui.annotations.storage` for how that reaches disk safely),
and offers what the reader needs: the annotations of a document re-anchored
to its current text, changes with undo, tags for completion, and merging of
imported annotations.

Schema, version :data:`SCHEMA_VERSION` (TinyDB tables, record ids are strings):

``meta``
    ``{"schema": {"version": 1}}``.
``annotations:<document id>``
    One table per document, ``{annotation id: Annotation.to_record()}``.
    Per-document tables make opening a document read only its own
    annotations, and make a write compare only its own document's records.
``docs``
    ``{document id: {"tags": [...], "position": int, "script": str|None,
    "last_opened": ISO time|None}}``.
``entities``
    The user's entity records ``{"name", "kind", "aliases"}`` under ids that
    sort in the order they were saved; :mod:`kbtui.entities.registry` applies them in
    that order, so a later record wins.

Version 0 (a file with no ``meta`` table) is the layout of kbtui's first
prototype, written with TinyDB's default integer ids: one ``annotations``
table of annotation records (fields missing from older records take their
defaults; a record without an ``id`` gets one), a ``documents`` table of
``{"doc_id", "tags", "position", "script", "last_opened"}`` and an
``entities`` table of records. :meth:`Store.migrate` converts it (after
saving a copy as ``<db>.schema0.bak``), in one atomic write.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

from tinydb import TinyDB
from tinydb.table import Document, Table

from kbtui.annotations.anchoring import anchor_all
from kbtui.annotations.errors import DatabaseError, unreadable
from kbtui.annotations.files import Tables
from kbtui.annotations.memory import MemoryStorage
from kbtui.annotations.model import AnchorState, Annotation, now_iso
from kbtui.annotations.storage import DEFAULT_COMPACT_BYTES, JournalStorage
from kbtui.atomic import atomic_write_bytes
from kbtui.documents.model import source_hash
from kbtui.locations import database_path

__all__ = ["DatabaseError", "DocState", "ImportCounts", "Store"]

SCHEMA_VERSION = 1
"""The layout this kbtui writes; older ones are migrated on open."""

META = "meta"
DOCS = "docs"
ENTITIES = "entities"
ANNOTATIONS = "annotations:"
"""Prefix of the per-document annotation tables."""

UNDO_DEPTH = 100
"""How many annotation changes :meth:`Store.undo` can take back."""

P = ParamSpec("P")
R = TypeVar("R")

_ANCHOR_FIELDS = ("anchor", "score")  # bookkeeping, not content, when comparing imports


@dataclass(frozen=True, slots=True)
class DocState:
    """What kbtui remembers about one document."""

    tags: tuple[str, ...] = ()
    position: int = 0
    """Reading position, a source offset."""
    script: str | None = None
    """The script variant last chosen (``None``: the user's default)."""
    last_opened: str | None = None
    """ISO 8601 time the document was last opened."""

    def to_record(self) -> dict[str, object]:
        """The stored form."""
        return {
            "tags": list(self.tags),
            "position": self.position,
            "script": self.script,
            "last_opened": self.last_opened,
        }

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> DocState:
        """Rebuild from :meth:`to_record`, tolerating missing or odd fields."""
        position = record.get("position")
        script = record.get("script")
        opened = record.get("last_opened")
        return cls(
            tags=tuple(_strings(record.get("tags"))),
            position=position if isinstance(position, int) and position >= 0 else 0,
            script=script if isinstance(script, str) else None,
            last_opened=opened if isinstance(opened, str) else None,
        )


@dataclass(frozen=True, slots=True)
class ImportCounts:
    """What :meth:`Store.merge_import` did with the annotations it was given."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    """Identical to what was stored, or not newer than it (the stored one is kept)."""


@dataclass(frozen=True, slots=True)
class _Change:
    """One undoable annotation change: ``before`` and ``after`` (``None``: absent)."""

    description: str
    before: Annotation | None
    after: Annotation | None


def _serialised(method: Callable[Concatenate[Store, P], R]) -> Callable[Concatenate[Store, P], R]:
    """Run a :class:`Store` method holding the in-memory database still.

    The UI loads documents in worker threads while its own thread annotates;
    TinyDB is not thread-safe, so one thread at a time reads or changes it.
    """

    @functools.wraps(method)
    def serialised(self: Store, *args: P.args, **kwargs: P.kwargs) -> R:
        with self._hold():
            return method(self, *args, **kwargs)

    return serialised


class _Table(Table):
    """Tables keyed by kbtui's own string ids (annotation uuids, document ids)."""

    document_id_class = str  # type: ignore[assignment]


class _TinyDB(TinyDB):
    table_class = _Table


class Store:
    """Annotations, document state and user entities, with undo.

    Open one with :meth:`open` (a file) or :meth:`in_memory`. Every change
    is one transaction: under the database lock, after catching up with
    other processes, written to disk before the method returns.
    """

    def __init__(self, db: TinyDB, path: Path | None = None) -> None:
        self._db = db
        self.path = path
        """The database file (``None`` in memory)."""
        self._undo: list[_Change] = []
        self._orphaned_at: dict[str, str] = {}  # annotation id -> text hash it failed on

    @classmethod
    def open(
        cls,
        path: str | os.PathLike[str] | None = None,
        *,
        compact_bytes: int = DEFAULT_COMPACT_BYTES,
    ) -> Store:
        """Open (or create) the database at ``path``, else at :func:`database_path`.

        Raises :class:`DatabaseError` naming the file if it cannot be used;
        the file is then left as it was.
        """
        target = database_path(path)
        db = _TinyDB(target, storage=JournalStorage, compact_bytes=compact_bytes)
        store = cls(db, target)
        store.migrate()
        return store

    @classmethod
    def in_memory(cls) -> Store:
        """A store that keeps nothing (tests, previews)."""
        store = cls(_TinyDB(storage=MemoryStorage))
        store.migrate()
        return store

    @_serialised
    def close(self) -> None:
        """Fold the journal into the database file and let go of it."""
        self._db.close()

    @_serialised
    def compact(self) -> None:
        """Fold the journal into the database file now (a full atomic rewrite)."""
        compact = getattr(self._db.storage, "compact", None)
        if compact is not None:
            compact()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- annotations -----------------------------------------------------------

    @_serialised
    def annotations_for(self, doc_id: str) -> list[Annotation]:
        """The document's annotations as stored, by position."""
        records = self._tables().get(ANNOTATIONS + doc_id, {})
        return sorted(map(self._annotation, records.values()), key=_position)

    def anchored_annotations(self, doc_id: str, source: str) -> list[Annotation]:
        """The document's annotations placed in its current ``source``, by position.

        Those whose document changed are re-anchored (:mod:`kbtui.annotations.anchoring`)
        and the outcome is stored: a placed one takes its new offsets,
        context and the new text hash; an orphan keeps its offsets and quote
        (so it can be placed again if the text comes back; this process
        does not search again for it in the same text). Not undoable, and
        ``updated`` is left alone: the user changed nothing. The search runs
        without holding the store, so call this from a worker thread.
        """
        text_hash = source_hash(source)
        stored = self.annotations_for(doc_id)
        settled = [a for a in stored if self._orphaned_at.get(a.id) == text_hash]
        annotations = [a for a in stored if self._orphaned_at.get(a.id) != text_hash]
        results = anchor_all(annotations, source, text_hash=text_hash)
        placed = [
            _placed(a, r, source, text_hash) for a, r in zip(annotations, results, strict=True)
        ]
        self._orphaned_at.update(
            (a.id, text_hash) for a in placed if a.anchor == AnchorState.ORPHAN
        )
        changed = [new for new, old in zip(placed, annotations, strict=True) if new != old]
        if changed:
            self._store_anchoring(doc_id, changed)
        return sorted(placed + settled, key=_position)

    @_serialised
    def _store_anchoring(self, doc_id: str, changed: list[Annotation]) -> None:
        """Store re-anchored annotations, except those changed meanwhile (by ``updated``)."""
        with self._transaction():
            stored = self._table_records(doc_id)
            same = [a for a in changed if stored.get(a.id, {}).get("updated") == a.updated]
            self._put_many(doc_id, same)

    @_serialised
    def all_annotations(self) -> list[Annotation]:
        """Every annotation, by document and position."""
        found = [
            self._annotation(record)
            for name, table in self._annotation_tables()
            for record in table.values()
        ]
        return sorted(found, key=lambda a: (a.doc_id, a.start, a.end))

    @_serialised
    def count(self, doc_id: str) -> int:
        """How many annotations the document has."""
        return len(self._tables().get(ANNOTATIONS + doc_id, {}))

    @_serialised
    def get(self, annotation_id: str) -> Annotation | None:
        """The annotation with this id, wherever it is."""
        found = self._locate(annotation_id)
        return None if found is None else self._annotation(found[1])

    @_serialised
    def add(self, annotation: Annotation) -> Annotation:
        """Store a new annotation (undoable). ``ValueError`` if its id exists."""
        with self._transaction():
            if self._locate(annotation.id) is not None:
                raise ValueError(f"annotation {annotation.id} already exists")
            self._table_of(annotation.doc_id).insert(
                Document(annotation.to_record(), doc_id=annotation.id)
            )
        self._remember(f"add {annotation.kind}", None, annotation)
        return annotation

    @_serialised
    def update(self, annotation: Annotation) -> Annotation:
        """Replace the stored annotation with the same id (undoable).

        Returns the stored version, whose ``updated`` is now. ``KeyError`` if
        there is no such annotation (another process may have deleted it).
        """
        new = replace(annotation, updated=now_iso(), tags=list(annotation.tags))
        with self._transaction():
            old = self._require(annotation.id)
            if old.doc_id != new.doc_id:
                self._table_of(old.doc_id).remove(doc_ids=[old.id])
            self._put_many(new.doc_id, [new])
        self._remember(f"edit {new.kind}", old, new)
        return new

    @_serialised
    def delete(self, annotation_id: str) -> Annotation:
        """Delete an annotation (undoable) and return it. ``KeyError`` if absent."""
        with self._transaction():
            old = self._require(annotation_id)
            self._table_of(old.doc_id).remove(doc_ids=[annotation_id])
        self._remember(f"delete {old.kind}", old, None)
        return old

    # -- undo ------------------------------------------------------------------

    @_serialised
    def undo(self) -> str | None:
        """Take back the last add, edit or delete made through this store.

        Returns what was undone (``"add highlight"``, ``"delete bookmark"``…),
        or ``None`` when there is nothing to undo. The history lives in this
        process only.
        """
        if not self._undo:
            return None
        change = self._undo.pop()
        target = change.after or change.before
        assert target is not None
        with self._transaction():
            current = self._locate(target.id)
            if current is not None:
                self._table_of(current[0]).remove(doc_ids=[target.id])
            if change.before is not None:
                self._put_many(change.before.doc_id, [change.before])
        return change.description

    @property
    def can_undo(self) -> bool:
        """Whether :meth:`undo` has something to take back."""
        return bool(self._undo)

    def _remember(
        self, description: str, before: Annotation | None, after: Annotation | None
    ) -> None:
        self._undo.append(_Change(description, _copy(before), _copy(after)))
        del self._undo[:-UNDO_DEPTH]

    # -- documents -------------------------------------------------------------

    @_serialised
    def doc_state(self, doc_id: str) -> DocState:
        """What is remembered about the document (defaults if nothing)."""
        record = self._tables().get(DOCS, {}).get(doc_id)
        return DocState.from_record(record) if record is not None else DocState()

    @_serialised
    def set_position(self, doc_id: str, position: int) -> None:
        """Remember the reading position (a source offset)."""
        self._change_doc(doc_id, position=max(0, position))

    @_serialised
    def set_script(self, doc_id: str, script: str | None) -> None:
        """Remember the script variant chosen for the document."""
        self._change_doc(doc_id, script=script)

    @_serialised
    def set_doc_tags(self, doc_id: str, tags: Iterable[str]) -> None:
        """Set the document's own tags (trimmed, blanks and repeats dropped)."""
        self._change_doc(doc_id, tags=tuple(_clean_tags(tags)))

    @_serialised
    def touch_opened(self, doc_id: str) -> None:
        """Record that the document was opened now."""
        self._change_doc(doc_id, last_opened=now_iso())

    @_serialised
    def all_tags(self) -> list[str]:
        """Every tag in use on annotations and documents, for completion."""
        tags: set[str] = set()
        for _name, table in self._annotation_tables():
            for record in table.values():
                tags.update(_strings(record.get("tags")))
        for record in self._tables().get(DOCS, {}).values():
            tags.update(_strings(record.get("tags")))
        return sorted(tags, key=lambda t: (t.casefold(), t))

    def _change_doc(self, doc_id: str, **changes: Any) -> None:
        with self._transaction():
            old = self.doc_state(doc_id)
            new = replace(old, **changes)
            if new != old:
                table = self._db.table(DOCS)
                table.upsert(Document(new.to_record(), doc_id=doc_id))

    # -- user entities ---------------------------------------------------------

    @_serialised
    def list_user_entities(self) -> list[dict[str, object]]:
        """The user's entity records ``{name, kind, aliases}``, oldest first."""
        table = self._tables().get(ENTITIES, {})
        return [_entity_record(table[key]) for key in sorted(table)]

    @_serialised
    def save_user_entity(
        self, name: str, kind: str = "other", aliases: Iterable[str] = ()
    ) -> dict[str, object]:
        """Append an entity record (a new entity, an alias, a rename or a merge).

        Records are kept in order and applied in order by
        :mod:`kbtui.entities.registry` (``new_entity_record``, ``alias_record``,
        ``rename_record``, ``merge_record`` make them), so the latest wins.
        """
        record = _entity_record({"name": name, "kind": kind, "aliases": list(aliases)})
        with self._transaction():
            table = self._db.table(ENTITIES)
            key = f"{len(table) + 1:09d}"
            while table.contains(doc_id=key):  # another process deleted one
                key = f"{int(key) + 1:09d}"
            table.insert(Document(record, doc_id=key))
        return record

    # -- import ----------------------------------------------------------------

    @_serialised
    def merge_import(self, annotations: Iterable[Annotation]) -> ImportCounts:
        """Merge imported annotations by id, never duplicating one.

        A new id is added; a known id is replaced when the import differs and
        is newer (``updated``); otherwise the stored one is kept (an export
        of it coming back, or an older copy). One transaction; not undoable.
        """
        incoming = {a.id: a for a in annotations}  # the last of a repeated id wins
        added = updated = unchanged = 0
        with self._transaction():
            where = self._index()
            writes: dict[str, list[Annotation]] = {}
            for a in incoming.values():
                doc_id = where.get(a.id)
                if doc_id is None:
                    added += 1
                elif self._keeps(self._annotation(self._table_records(doc_id)[a.id]), a):
                    unchanged += 1
                    continue
                else:
                    updated += 1
                    if doc_id != a.doc_id:
                        self._table_of(doc_id).remove(doc_ids=[a.id])
                writes.setdefault(a.doc_id, []).append(a)
            for doc_id, batch in writes.items():
                self._put_many(doc_id, batch)
        return ImportCounts(added, updated, unchanged)

    @staticmethod
    def _keeps(stored: Annotation, incoming: Annotation) -> bool:
        """Whether the stored annotation stands against an imported one with its id."""
        if _content(stored) == _content(incoming):
            return True
        return _time(incoming.updated) <= _time(stored.updated)

    # -- schema ----------------------------------------------------------------

    @_serialised
    def schema_version(self) -> int:
        """The schema version of the database as it is (0: before versions)."""
        return _schema_version(self._tables(), self._where())

    @_serialised
    def migrate(self) -> None:
        """Bring the database to :data:`SCHEMA_VERSION` (nothing if it is there).

        A database from a newer kbtui raises :class:`DatabaseError` and is
        not touched. An older one is first saved beside itself.
        """
        with self._transaction():
            tables = self._tables()
            version = _schema_version(tables, self._where())
            if version == SCHEMA_VERSION:
                return
            if version > SCHEMA_VERSION:
                raise DatabaseError(
                    self._where(),
                    f"was written by a newer kbtui (schema {version}; "
                    f"this one reads up to {SCHEMA_VERSION}); it has been left untouched",
                )
            if tables and self.path is not None:
                backup = self.path.with_name(f"{self.path.name}.schema{version}.bak")
                atomic_write_bytes(backup, json.dumps(tables, ensure_ascii=False).encode())
            for step in range(version, SCHEMA_VERSION):
                tables = MIGRATIONS[step](tables, self._where())
            self._db.storage.write(tables)

    # -- internals -------------------------------------------------------------

    def _hold(self) -> AbstractContextManager[Any]:
        """This process's lock on the in-memory database (TinyDB is not thread-safe)."""
        return self._db.storage.hold()  # type: ignore[attr-defined, no-any-return]

    def _transaction(self) -> AbstractContextManager[None]:
        return self._db.storage.transaction()  # type: ignore[attr-defined, no-any-return]

    def _tables(self) -> Tables:
        """The whole database as the storage holds it: read, never modify."""
        return self._db.storage.read() or {}

    def _where(self) -> Path:
        return self.path or Path(":memory:")

    def _annotation_tables(self) -> Iterator[tuple[str, dict[str, Any]]]:
        for name, table in self._tables().items():
            if name.startswith(ANNOTATIONS):
                yield name, table

    def _table_of(self, doc_id: str) -> Table:
        return self._db.table(ANNOTATIONS + doc_id)

    def _table_records(self, doc_id: str) -> dict[str, Any]:
        return self._tables().get(ANNOTATIONS + doc_id, {})

    def _locate(self, annotation_id: str) -> tuple[str, dict[str, Any]] | None:
        """The document id and record of an annotation, by a scan of the tables."""
        for name, table in self._annotation_tables():
            record = table.get(annotation_id)
            if record is not None:
                return name[len(ANNOTATIONS) :], record
        return None

    def _require(self, annotation_id: str) -> Annotation:
        found = self._locate(annotation_id)
        if found is None:
            raise KeyError(annotation_id)
        return self._annotation(found[1])

    def _index(self) -> dict[str, str]:
        """Annotation id -> document id, for every annotation."""
        return {
            key: name[len(ANNOTATIONS) :]
            for name, table in self._annotation_tables()
            for key in table
        }

    def _put_many(self, doc_id: str, annotations: list[Annotation]) -> None:
        """Write annotations of one document in one TinyDB write per kind of change."""
        if not annotations:
            return
        table = self._table_of(doc_id)
        records = {a.id: a.to_record() for a in annotations}
        present = [key for key in records if key in self._table_records(doc_id)]
        if present:
            table.update(_replace_with(records), doc_ids=present)
        new = [Document(r, doc_id=key) for key, r in records.items() if key not in present]
        if new:
            table.insert_multiple(new)

    def _annotation(self, record: Mapping[str, Any]) -> Annotation:
        try:
            return Annotation.from_record(dict(record))
        except (TypeError, ValueError, KeyError) as exc:
            what = record.get("id", "?")
            raise unreadable(self._where(), f"has a malformed annotation {what!r} ({exc})") from exc


# -- migrations ------------------------------------------------------------------


def _schema_version(tables: Tables, where: Path) -> int:
    if META not in tables:
        return 0
    version = tables[META].get("schema", {}).get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 0:
        raise unreadable(where, f"has an unreadable schema version {version!r}")
    return version


def _migrate_0_to_1(tables: Tables, where: Path) -> Tables:
    """The prototype layout (module docstring) to version 1."""
    out: Tables = {
        name: table
        for name, table in tables.items()
        if name not in ("annotations", "documents", ENTITIES)
    }
    for key, record in tables.get("annotations", {}).items():
        try:
            a = Annotation.from_record(record)
        except (TypeError, ValueError, KeyError) as exc:
            raise unreadable(
                where, f"has an annotation kbtui cannot migrate ({key}: {exc})"
            ) from exc
        out.setdefault(ANNOTATIONS + a.doc_id, {})[a.id] = a.to_record()
    for record in tables.get("documents", {}).values():
        if isinstance(record.get("doc_id"), str):
            out.setdefault(DOCS, {})[record["doc_id"]] = DocState.from_record(record).to_record()
    old_entities = tables.get(ENTITIES, {})
    ordered = sorted(old_entities, key=lambda k: (len(k), k))  # integer ids, as strings
    out[ENTITIES] = {
        f"{i:09d}": _entity_record(old_entities[k]) for i, k in enumerate(ordered, start=1)
    }
    out[META] = {"schema": {"version": 1}}
    return out


MIGRATIONS: dict[int, Callable[[Tables, Path], Tables]] = {0: _migrate_0_to_1}
"""``MIGRATIONS[n]`` turns schema ``n`` into ``n + 1``."""


# -- helpers ---------------------------------------------------------------------


def _placed(a: Annotation, result: Any, source: str, text_hash: str) -> Annotation:
    """``a`` as it stands after :func:`~kbtui.annotations.anchoring.anchor` gave ``result``."""
    if result.state == AnchorState.ORPHAN:
        return replace(a, anchor=AnchorState.ORPHAN, score=result.score)
    if a.text_hash == text_hash and (result.start, result.end) == (a.start, a.end):
        if a.anchor != AnchorState.ORPHAN:
            return a  # unchanged document: nothing to record
        return replace(a, anchor=result.state, score=result.score)  # its text came back
    fresh = Annotation.from_source(a.doc_id, source, result.start, result.end)
    return replace(
        a,
        start=result.start,
        end=result.end,
        quote=fresh.quote,
        prefix=fresh.prefix,
        suffix=fresh.suffix,
        text_hash=text_hash,
        anchor=result.state,
        score=result.score,
    )


def _replace_with(records: dict[str, dict[str, Any]]) -> Callable[[dict[str, Any]], None]:
    """A TinyDB update function replacing each record by the one with its ``id``."""

    def update(record: dict[str, Any]) -> None:
        new = records[record["id"]]
        record.clear()
        record.update(new)

    return update


def _position(a: Annotation) -> tuple[int, int]:
    return (a.start, a.end)


def _copy(a: Annotation | None) -> Annotation | None:
    """A copy the caller cannot change behind our back (the UI edits in place)."""
    return None if a is None else Annotation.from_record(a.to_record())


def _content(a: Annotation) -> dict[str, object]:
    record = a.to_record()
    for key in _ANCHOR_FIELDS:
        record.pop(key, None)
    return record


def _time(value: str) -> datetime:
    """An ISO 8601 time for comparison (naive ones taken as UTC; unreadable: oldest)."""
    try:
        parsed = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return datetime.min.replace(tzinfo=UTC)
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _strings(value: object) -> list[str]:
    """The strings of a stored list (anything else is ignored)."""
    return [v for v in value if isinstance(v, str)] if isinstance(value, list | tuple) else []


def _clean_tags(tags: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(t.strip() for t in tags if t.strip()))


def _entity_record(record: Mapping[str, Any]) -> dict[str, object]:
    name = record.get("name")
    kind = record.get("kind")
    return {
        "name": name if isinstance(name, str) else "",
        "kind": kind if isinstance(kind, str) else "other",
        "aliases": _strings(record.get("aliases")),
    }
