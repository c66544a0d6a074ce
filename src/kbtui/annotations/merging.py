"""How an imported annotation meets a stored one with the same id.

Apart from the store because it is a policy, not storage: a known id is
replaced only when the import differs in content (re-anchoring bookkeeping
does not count) and is newer by its ``updated`` time; otherwise the stored
one stands, so an export coming back, or an older copy, changes nothing. An
import that says nothing of when it was modified (``updated`` empty) never
beats a stored one; added, it counts as modified when it was created.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from kbtui.annotations.model import Annotation
from kbtui.annotations.tables import StoreTables

_ANCHOR_FIELDS = ("anchor", "score")  # bookkeeping, not content, when comparing imports


@dataclass(frozen=True, slots=True)
class ImportCounts:
    """What :meth:`~kbtui.annotations.store.Store.merge_import` did with what it was given."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    """Identical to what was stored, or not newer than it (the stored one is kept)."""


def merge_into(data: StoreTables, annotations: Iterable[Annotation]) -> ImportCounts:
    """Merge ``annotations`` into ``data`` by id (the caller holds a transaction)."""
    incoming = {a.id: a for a in annotations}  # the last of a repeated id wins
    added = updated = unchanged = 0
    where = data.locations(incoming.keys())
    writes: dict[str, list[Annotation]] = {}
    for a in incoming.values():
        doc_id = where.get(a.id)
        stored = data.record(doc_id, a.id) if doc_id is not None else None
        if doc_id is None or stored is None:
            added += 1
            a = a if a.updated else replace(a, updated=a.created)
        elif keeps(data.annotation(stored), a):
            unchanged += 1
            continue
        else:
            updated += 1
            if doc_id != a.doc_id:
                data.remove(doc_id, a.id)
        writes.setdefault(a.doc_id, []).append(a)
    for doc_id, batch in writes.items():
        data.put_many(doc_id, batch)
    return ImportCounts(added, updated, unchanged)


def keeps(stored: Annotation, incoming: Annotation) -> bool:
    """Whether the stored annotation stands against an imported one with its id."""
    if _content(stored) == _content(incoming):
        return True
    return _time(incoming.updated) <= _time(stored.updated)


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
