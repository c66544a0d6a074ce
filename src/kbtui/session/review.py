"""The review queue: the re-anchored annotations the user should confirm, across the corpus.

Which annotations and what is shown of each is :mod:`kbtui.annotations.review`'s;
here the queue is kept for a session, filled by re-anchoring each annotated
document (:meth:`ReviewQueue.refresh`, a worker's job: it reads every such
document), kept up to date one document at a time
(:meth:`ReviewQueue.refresh_document`, which the app calls when a file
changed), and acted on through the store, so every write is journalled and
``delete`` can be undone.

The store rewrites an annotation's quote selector when it re-anchors it, so
the text it was made on is gone once its document has been re-anchored. The
queue keeps it: wherever kbtui re-anchors a document (the reader as it opens
one, the live corpus, the queue's own count) it goes through
:meth:`ReviewQueue.reanchor`, which takes the stored annotations first. A
document re-anchored by an earlier kbtui, or by a command, has lost it: the
queue then shows the text as it stands, and says so.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kbtui.annotations.model import AnchorState, Annotation
from kbtui.annotations.review import (
    REVIEW_THRESHOLD,
    Passage,
    Placement,
    accepted,
    candidates,
    needs_review,
)

if TYPE_CHECKING:
    from kbtui.documents.model import Document
    from kbtui.session.session import Session

_QUEUES: weakref.WeakKeyDictionary[Session, ReviewQueue] = weakref.WeakKeyDictionary()
_QUEUES_LOCK = threading.Lock()

CONTEXT_CHARS = 32
"""Characters of context shown either side of a candidate passage."""


@dataclass(frozen=True, slots=True)
class ReviewItem:
    """One annotation to confirm: as it stands now, and as it was made."""

    annotation: Annotation
    """As stored now: placed where re-anchoring put it, or an orphan."""
    before: Annotation
    """As it was before its document changed (its quote, prefix and suffix)."""

    @property
    def known_before(self) -> bool:
        """Whether ``before`` is the text it was made on (else it was re-anchored by an
        earlier kbtui and the old text is gone; an orphan always keeps it)."""
        a = self.annotation
        return a.anchor == AnchorState.ORPHAN or self.before.text_hash != a.text_hash

    @property
    def old(self) -> Passage:
        """The text the annotation was made on, with its context."""
        return Passage.stored(self.before)


class ReviewQueue:
    """The annotations to confirm in one session's corpus, by document."""

    def __init__(self, session: Session, threshold: float = REVIEW_THRESHOLD) -> None:
        self._session = session
        self.threshold = threshold
        """Moved annotations scoring under this are asked about."""
        self._before: dict[str, Annotation] = {}
        self._items: dict[str, list[ReviewItem]] = {}
        self._touched: set[str] = set()  # documents changed through the queue (for undo)
        self._remembered: set[str] = set()  # documents whose stored annotations were taken
        self._lock = threading.Lock()

    def refresh(self, progress: Callable[[int, int], None] | None = None) -> list[ReviewItem]:
        """Re-anchor every annotated document and take the queue anew (slow: call it in
        a worker; ``progress`` is told ``(done, total)``)."""
        kept = self._session.store.documents.documents()
        doc_ids = sorted(d for d, records in kept.items() if records.annotations)
        for done, doc_id in enumerate(doc_ids, start=1):
            self.refresh_document(doc_id)
            if progress is not None:
                progress(done, len(doc_ids))
        with self._lock:
            for gone in self._items.keys() - set(doc_ids):
                del self._items[gone]
        return self.items()

    def refresh_document(self, doc_id: str) -> list[ReviewItem]:
        """Re-anchor one document's annotations and take its part of the queue anew.

        A document that is gone or unreadable leaves the queue: its
        annotations are not re-anchored until it can be read.
        """
        doc = self._document(doc_id)
        if doc is None:
            with self._lock:
                self._items.pop(doc_id, None)
            return []
        self.reanchor(doc_id, doc.source)
        with self._lock:
            return list(self._items.get(doc_id, []))

    def reanchor(self, doc_id: str, source: str) -> list[Annotation]:
        """The document's annotations placed in its new ``source``, as
        :meth:`~kbtui.annotations.store.Store.anchored_annotations` places (and stores)
        them, the text they were made on kept first and the queue's part taken.

        What to call instead of the store's method wherever a changed document
        is re-anchored (the live corpus, the reader), so the review screen can
        show what each annotation quoted before the change.
        """
        store = self._session.store
        with self._lock:
            first = doc_id not in self._remembered
            self._remembered.add(doc_id)
        stored = store.annotations_for(doc_id) if first else None
        if stored is not None:  # later, take() keeps what is placed exactly up to date
            self._remember(stored)
        anchored = store.anchored_annotations(doc_id, source, stored=stored)  # read once
        self.take(doc_id, anchored)
        return anchored

    def take(self, doc_id: str, anchored: Iterable[Annotation]) -> list[ReviewItem]:
        """Take the document's part of the queue from its annotations just re-anchored
        (by the reader, which has them: no search again). Those placed exactly are
        kept as the text they were made on, should it change later."""
        with self._lock:
            self._before.update((a.id, a) for a in anchored if a.anchor == AnchorState.EXACT)
            items = [
                ReviewItem(a, self._before.get(a.id, a))
                for a in anchored
                if needs_review(a, self.threshold)
            ]
            if items:
                self._items[doc_id] = items
            else:
                self._items.pop(doc_id, None)
        return items

    def items(self) -> list[ReviewItem]:
        """The queue: by document, then position (orphans by where they were)."""
        with self._lock:
            return [item for doc_id in sorted(self._items) for item in self._items[doc_id]]

    def count(self) -> int:
        """How many annotations are waiting to be confirmed."""
        with self._lock:
            return sum(map(len, self._items.values()))

    def candidates(self, item: ReviewItem) -> list[Placement]:
        """Where the annotation could go, best first: where it stands now (if placed),
        then the other places its old quote fits (:func:`kbtui.annotations.review.candidates`)."""
        doc = self._document(item.annotation.doc_id)
        if doc is None:
            return []
        found = candidates(item.before, doc.source)
        a = item.annotation
        if not a.placed:
            return found
        here = Placement(
            a.start, a.end, a.score or 0.0, Passage.at(doc.source, a.start, a.end, CONTEXT_CHARS)
        )
        return [here] + [p for p in found if p.end <= a.start or p.start >= a.end]

    def accept(self, item: ReviewItem, start: int, end: int) -> Annotation:
        """Place the annotation at ``[start, end)`` of its document's current text, as
        shown (see :meth:`place`)."""
        return self.place(item.annotation.id, start, end)

    def place(self, annotation_id: str, start: int, end: int) -> Annotation:
        """Place an annotation at ``[start, end)`` of its document's current text (exact,
        score 1; undoable as an edit) and take it out of the queue.

        ``KeyError`` if it was deleted meanwhile, ``LookupError`` if its
        document is gone; the store's errors for a failed write.
        """
        current = self._session.store.get(annotation_id)
        if current is None:
            raise KeyError(annotation_id)
        doc = self._document(current.doc_id)
        if doc is None:
            raise LookupError(f"no such document: {current.doc_id}")
        stored = self._session.store.update(accepted(current, doc.source, start, end))
        with self._lock:
            self._before[stored.id] = stored
            self._touched.add(stored.doc_id)
        self._drop(stored.doc_id, stored.id)
        return stored

    def delete(self, item: ReviewItem) -> Annotation:
        """Delete the annotation (undoable, as any delete) and take it out of the queue."""
        deleted = self._session.store.delete(item.annotation.id)
        with self._lock:
            self._touched.add(deleted.doc_id)
        self._drop(deleted.doc_id, deleted.id)
        return deleted

    def undo(self) -> str | None:
        """Take back the store's last change, and look again at the documents the queue
        changed (what was undone may be back in the queue)."""
        done = self._session.store.undo()
        if done is not None:
            with self._lock:
                touched = sorted(self._touched)
            for doc_id in touched:
                self.refresh_document(doc_id)
        return done

    def _remember(self, stored: Iterable[Annotation]) -> None:
        """Keep annotations as stored, unless an earlier version is kept already."""
        with self._lock:
            for a in stored:
                self._before.setdefault(a.id, a)

    def _drop(self, doc_id: str, annotation_id: str) -> None:
        with self._lock:
            left = [i for i in self._items.get(doc_id, []) if i.annotation.id != annotation_id]
            if left:
                self._items[doc_id] = left
            else:
                self._items.pop(doc_id, None)

    def _document(self, doc_id: str) -> Document | None:
        """The document as it is now, or ``None`` if it is gone or cannot be read."""
        try:
            doc = self._session.corpus.load(doc_id)
        except KeyError:  # DocumentNotFound
            return None
        return doc if doc.readable else None


def review_queue(session: Session) -> ReviewQueue:
    """The session's review queue, made on first use with the threshold of its settings.

    One per session, so the app and the live corpus (which re-anchors changed
    documents in its worker: :meth:`ReviewQueue.reanchor`) share it.
    """
    with _QUEUES_LOCK:
        queue = _QUEUES.get(session)
        if queue is None:
            queue = _QUEUES[session] = ReviewQueue(session, session.settings.review_threshold)
        return queue
