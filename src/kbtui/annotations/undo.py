"""The store's undo history: the last annotation changes made in this process.

Apart from the store because it is the one thing the store keeps outside
the database: it lives and dies with the process, holds copies the caller
cannot change behind its back (the UI edits annotations in place), and
forgets beyond :data:`UNDO_DEPTH`.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kbtui.annotations.model import Annotation

if TYPE_CHECKING:
    from kbtui.annotations.tables import StoreTables

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

    def undo(
        self, data: StoreTables, transaction: Callable[[], AbstractContextManager[None]]
    ) -> str | None:
        """Take back the latest change in ``data``, in one ``transaction``; what was
        undone (``"add highlight"``…), or ``None`` when there is nothing to undo. A
        change that could not be taken back (a full disk) stays to be undone."""
        if not self._changes:
            return None
        change = self._changes.pop()
        target = change.after or change.before
        assert target is not None
        try:
            with transaction():
                current = data.locate(target.id)
                if current is not None:
                    data.remove(current[0], target.id)
                if change.before is not None:
                    data.put_many(change.before.doc_id, [change.before])
        except BaseException:
            self._changes.append(change)
            raise
        return change.description


def _copy(a: Annotation | None) -> Annotation | None:
    """A copy the caller cannot change behind our back (the UI edits in place)."""
    return None if a is None else Annotation.from_record(a.to_record())
