"""The layout of the annotation database, its version, and migrations from older ones.

Schema, version :data:`SCHEMA_VERSION` (TinyDB tables, record ids are strings):

``meta``
    ``{"schema": {"version": 1}}``.
``annotations:<document id>``
    One table per document, ``{annotation id: Annotation.to_record()}``.
    Per-document tables make opening a document read only its own
    annotations, and make a write compare only its own document's records.
``docs``
    ``{document id: {"tags": [...], "position": int, "script": str|None,
    "locale": str|None, "last_opened": ISO time|None, "lines": bool}}`` (``locale`` and
    ``lines`` may be absent).
``entities``
    The user's entity records ``{"name", "kind", "aliases"}`` under ids that
    sort in the order they were saved; :mod:`kbtui.entities.registry` applies them in
    that order, so a later record wins.
``vocab``
    The word list: ``{entry id: VocabEntry.to_dict()}``
    (:class:`kbtui.lookup.vocab.VocabEntry`). Added within version 1: a
    table a kbtui without the word list never reads and keeps as it is, so
    neither version needs a migration to open the other's file.
``coreference``
    The user's word on shared names (:mod:`kbtui.annotations.corrections`), added
    within version 1 as ``vocab`` was.

Version 0 (a file with no ``meta`` table) is the layout of kbtui's first
prototype, written with TinyDB's default integer ids: one ``annotations``
table of annotation records (fields missing from older records take their
defaults; a record without an ``id`` gets one), a ``documents`` table of
``{"doc_id", "tags", "position", "script", "last_opened"}`` and an
``entities`` table of records. :func:`migrated` converts it (after saving a
copy as ``<db>.schema0.bak``), and the store writes the result in one
atomic write.

Apart from the store because a migration works on the raw tables of a
database as it was, before any of the store's rules apply to it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from kbtui.annotations.errors import DatabaseError, unreadable
from kbtui.annotations.files import Tables
from kbtui.annotations.model import Annotation
from kbtui.annotations.records import DocState, entity_record
from kbtui.atomic import atomic_write_bytes

SCHEMA_VERSION = 1
"""The layout this kbtui writes; older ones are migrated on open."""

META = "meta"
DOCS = "docs"
ENTITIES = "entities"
VOCAB = "vocab"
ANNOTATIONS = "annotations:"
"""Prefix of the per-document annotation tables."""


def schema_version(tables: Tables, where: Path) -> int:
    """The schema version of ``tables`` (0: before versions)."""
    if META not in tables:
        return 0
    version = tables[META].get("schema", {}).get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 0:
        raise unreadable(where, f"has an unreadable schema version {version!r}")
    return version


def migrated(tables: Tables, where: Path, path: Path | None) -> Tables | None:
    """``tables`` brought to :data:`SCHEMA_VERSION`, or ``None`` if they are there.

    Tables from a newer kbtui raise :class:`DatabaseError`. Older ones are
    first saved beside the database ``path`` (unless empty or in memory).
    """
    version = schema_version(tables, where)
    if version == SCHEMA_VERSION:
        return None
    if version > SCHEMA_VERSION:
        raise DatabaseError(
            where,
            f"was written by a newer kbtui (schema {version}; "
            f"this one reads up to {SCHEMA_VERSION}); it has been left untouched",
        )
    if tables and path is not None:
        backup = path.with_name(f"{path.name}.schema{version}.bak")
        atomic_write_bytes(backup, json.dumps(tables, ensure_ascii=False).encode())
    for step in range(version, SCHEMA_VERSION):
        tables = MIGRATIONS[step](tables, where)
    return tables


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
        f"{i:09d}": entity_record(old_entities[k]) for i, k in enumerate(ordered, start=1)
    }
    out[META] = {"schema": {"version": 1}}
    return out


MIGRATIONS: dict[int, Callable[[Tables, Path], Tables]] = {0: _migrate_0_to_1}
"""``MIGRATIONS[n]`` turns schema ``n`` into ``n + 1``."""
