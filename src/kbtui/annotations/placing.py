"""Placing a document's annotations in its current text, and keeping the new places.

When a document changed, :func:`~kbtui.annotations.anchoring.anchor` finds its annotations
again and the store records where (offsets, context, the new text hash), so the search runs
once per change of text, not once per reading. Recording is a write, but the callers are
reads (``list``, ``show``, an export, the app opening a document), and a read must never
wait for another process's lock: :class:`Placing` tries the lock without waiting, answers
with the new places from memory when it is held, and writes them later, with the store's
next transaction or read (:meth:`Placing.put_pending`). Nothing is lost meanwhile: the
annotations themselves are stored, and what waits is only where they now stand.

Apart from :mod:`kbtui.annotations.store`, which is at its size limit and delegates here.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from kbtui.annotations.busy import lock_wait
from kbtui.annotations.errors import DatabaseError
from kbtui.annotations.model import AnchorState, Annotation
from kbtui.annotations.tables import StoreTables
from kbtui.annotations.versions import Versions

Pending = dict[str, tuple[dict[str, object], Annotation]]
"""A document's new places not yet written: annotation id -> (its record as it was, placed)."""

READ_LOCK_WAIT = 0.0
"""Seconds a read waits for the lock to record new places: none (they wait in memory)."""


class Placing:
    """Re-anchoring of one store's annotations, and the new places not yet written."""

    def __init__(
        self,
        data: StoreTables,
        hold: Callable[[], AbstractContextManager[Any]],
        transaction: Callable[[], AbstractContextManager[None]],
        versions: Versions,
    ) -> None:
        self._data = data
        self._hold = hold
        self._transaction = transaction
        self._versions = versions
        self._orphaned_at: dict[str, str] = {}  # annotation id -> text hash it failed on
        self._pending: dict[str, Pending] = {}

    def place(
        self, doc_id: str, stored: list[Annotation], source: str, text_hash: str
    ) -> list[Annotation]:
        """``stored`` (annotations of ``doc_id``) placed in ``source``, in no set order.

        An annotation whose stored text hash is ``text_hash`` and whose quote is at its
        offsets is taken as it is (no search: :func:`anchor`'s first rule); the others
        are searched for, and what moved is recorded (:meth:`_record`). An orphan is not
        searched for again in the same text by this process.
        """
        ready, settled, annotations = [], [], []
        size, orphaned_at = len(source), self._orphaned_at
        for a in self._with_pending(doc_id, stored):
            if (
                a.text_hash == text_hash
                and a.anchor != AnchorState.ORPHAN
                and a.end <= size
                and source[a.start : a.end] == a.quote
            ):
                ready.append(a)  # anchor()'s first rule, inline: a document's 146,000
            elif orphaned_at.get(a.id) == text_hash:
                settled.append(a)
            else:
                annotations.append(a)
        from kbtui.annotations.anchoring import anchor_all, placed  # not before the first frame

        results = anchor_all(annotations, source, text_hash=text_hash)
        anchored = [
            placed(a, r, source, text_hash) for a, r in zip(annotations, results, strict=True)
        ]
        orphaned_at.update((a.id, text_hash) for a in anchored if a.anchor == AnchorState.ORPHAN)
        changed = [
            (old, new)
            for new, old in zip(anchored, annotations, strict=True)
            if new is not old and new != old
        ]
        self._record(doc_id, changed)
        return ready + anchored + settled

    def _with_pending(self, doc_id: str, stored: list[Annotation]) -> list[Annotation]:
        """``stored`` with the new places not yet written put in, where the stored
        annotation is still the version they were found for."""
        with self._hold():
            pending = dict(self._pending.get(doc_id, {}))
        if not pending:
            return stored
        return [
            found[1] if (found := pending.get(a.id)) and a.to_record() == found[0] else a
            for a in stored
        ]

    def _record(self, doc_id: str, changed: list[tuple[Annotation, Annotation]]) -> None:
        """Keep ``changed`` (each as it was, and as placed now) to be written, and write
        what waits if the lock is free now."""
        if changed:
            with self._hold():
                waiting = self._pending.setdefault(doc_id, {})
                waiting.update((new.id, (old.to_record(), new)) for old, new in changed)
        if self.has_pending():
            self.write_pending(READ_LOCK_WAIT)

    def has_pending(self) -> bool:
        """Whether new places wait to be written."""
        with self._hold():
            return bool(self._pending)

    def write_pending(self, wait: float) -> bool:
        """Write the new places that wait, waiting at most ``wait`` s for the lock;
        whether they were written (a locked or full disk keeps them for next time)."""
        with contextlib.suppress(DatabaseError), lock_wait(wait), self._hold():
            with self._transaction():
                written = self.put_pending()
            self.forget(written)
            return True
        return False

    def put_pending(self) -> dict[str, Pending]:
        """Write the new places that wait, in the open transaction, except those whose
        annotation changed meanwhile (its record is not the one they were found for:
        ``updated`` alone has whole seconds); what was taken, for :meth:`forget`."""
        with self._hold():
            taken = {doc_id: dict(found) for doc_id, found in self._pending.items()}
        for doc_id, found in taken.items():
            record = self._data.record
            same = [new for key, (was, new) in found.items() if record(doc_id, key) == was]
            self._data.put_many(doc_id, same)
            self._versions.saw(same)
        return taken

    def forget(self, written: dict[str, Pending]) -> None:
        """Drop what :meth:`put_pending` wrote (and was committed) from what waits."""
        with self._hold():
            for doc_id, found in written.items():
                waiting = self._pending.get(doc_id, {})
                for key, kept in found.items():
                    if waiting.get(key) is kept:
                        del waiting[key]
                if not waiting:
                    self._pending.pop(doc_id, None)
