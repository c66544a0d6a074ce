"""The user's word on shared names ("this Amodei is Daniela"), kept in the store's database.

Records ``{"doc", "shared", "name", "start"}`` in the ``coreference`` table
(:data:`COREFERENCE`), under ids that sort in the order they were saved:
:mod:`kbtui.entities.coreference` applies them in that order, so a later one
wins. ``shared`` is the shared name as the mention reads, ``name`` the
entity it stands for, ``start`` the one mention meant (a source offset) or
``None`` for all of the document's. A table added within schema version 1,
as the word list was: a kbtui without it never reads it and keeps it as it is.

Apart from :class:`~kbtui.annotations.store.Store` (which holds one as
``store.coreference``) as the word list is: it shares the database and its
lock, not the annotations' rules (no anchoring, no undo). Plain records
here, as the entity records are; the entities package gives them meaning.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from kbtui.annotations.tables import StoreTables

if TYPE_CHECKING:
    from kbtui.annotations.words import Locking  # its module brings the vocabulary model

COREFERENCE = "coreference"
"""The table's name."""

MAX_NAME_CHARS = 1000
"""A name longer than this is no name a mention could read."""


class MentionCorrections:
    """The corrections of one store; every method is one transaction."""

    def __init__(self, data: StoreTables, storage: Locking) -> None:
        self._data = data
        self._storage = storage

    def records(self) -> list[dict[str, Any]]:
        """Every correction, oldest first. A malformed one is left out (and left
        in the file): a correction is a hint, and without it the name is inferred."""
        with self._storage.hold():
            table = self._data.read_table(COREFERENCE)
            found = (_usable(table[key]) for key in sorted(table))
            return [record for record in found if record is not None]

    def add(self, doc_id: str, shared: str, name: str, start: int | None) -> dict[str, Any]:
        """Keep one correction after every other (``ValueError`` for an unusable one)."""
        record = correction_record(doc_id, shared, name, start)
        with self._storage.hold(), self._storage.transaction():
            table = self._data.read_table(COREFERENCE)
            key = f"{len(table) + 1:09d}"
            while key in table:  # another process deleted one
                key = f"{int(key) + 1:09d}"
            self._data.insert_records(COREFERENCE, {key: record})
        return record


def correction_record(
    doc_id: object, shared: object, name: object, start: object
) -> dict[str, Any]:
    """The record of one correction, or ``ValueError`` saying what is wrong with it."""
    for what, value in (("document", doc_id), ("shared name", shared), ("name", name)):
        if not isinstance(value, str) or not 0 < len(value) <= MAX_NAME_CHARS:
            raise ValueError(f"the {what} must be a string of 1 to {MAX_NAME_CHARS} characters")
    if start is not None and (not isinstance(start, int) or isinstance(start, bool) or start < 0):
        raise ValueError("the mention's start must be an offset or null")
    return {"doc": doc_id, "shared": shared, "name": name, "start": start}


def _usable(record: object) -> dict[str, Any] | None:
    if not isinstance(record, Mapping):
        return None
    try:
        return correction_record(*(record.get(k) for k in ("doc", "shared", "name", "start")))
    except ValueError:
        return None
