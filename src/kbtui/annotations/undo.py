"""The store's undo history: the last annotation changes made in this process.

Apart from the store because it is the one thing the store keeps outside
the database: it lives and dies with the process, holds copies the caller
cannot change behind its back (the UI edits annotations in place), and
forgets beyond :data:`UNDO_DEPTH`.
"""

from __future__ import annotations

from dataclasses import dataclass

from kbtui.annotations.model import Annotation

UNDO_DEPTH = 100
"""How many annotation changes :meth:`kbtui.annotations.store.Store.undo` can take back."""


@dataclass(frozen=True, slots=True)
class Change:
    """One undoable annotation change: ``before`` and ``after`` (``None``: absent)."""

    description: str
    before: Annotation | None
    after: Annotation | None


class UndoHistory:
    """The changes to take back, the latest last."""

    def __init__(self) -> None:
        self._changes: list[Change] = []

    def __bool__(self) -> bool:
        return bool(self._changes)

    def remember(
        self, description: str, before: Annotation | None, after: Annotation | None
    ) -> None:
        """Add a change (copies of ``before`` and ``after``), forgetting the oldest if full."""
        self._changes.append(Change(description, _copy(before), _copy(after)))
        del self._changes[:-UNDO_DEPTH]

    def pop(self) -> Change | None:
        """The latest change, taken out of the history (``None``: there is none)."""
        return self._changes.pop() if self._changes else None


def _copy(a: Annotation | None) -> Annotation | None:
    """A copy the caller cannot change behind our back (the UI edits in place)."""
    return None if a is None else Annotation.from_record(a.to_record())
