"""How an imported annotation meets a stored one with the same id.

Apart from the store because it is a policy, not storage: a known id is
replaced only when the import differs in content (re-anchoring bookkeeping
does not count) and is newer by its ``updated`` time; otherwise the stored
one stands, so an export coming back, or an older copy, changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from kbtui.annotations.model import Annotation

_ANCHOR_FIELDS = ("anchor", "score")  # bookkeeping, not content, when comparing imports


@dataclass(frozen=True, slots=True)
class ImportCounts:
    """What :meth:`~kbtui.annotations.store.Store.merge_import` did with what it was given."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    """Identical to what was stored, or not newer than it (the stored one is kept)."""


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
