"""Compare-and-set for annotations: a stale copy never overwrites a newer version.

The app keeps its own copies of a document's annotations and changes them
in place (``c``, ``a``, ``t``); another kbtui process may have changed the
same annotation meanwhile. The store remembers each version it handed out
(by id and ``updated`` time, a few fields per annotation: :class:`Versions`),
so when a copy comes back it knows what the copy started from, and a
three-way merge keeps both sides: the fields this process changed take its
values, the others the stored ones. Only when both changed the same field
differently, or the copy's starting point is unknown, is the change refused
(:class:`StaleAnnotation`, a ``ValueError``: the app says so and shows the
stored version). A delete is refused likewise when the annotation changed
since it was handed out, once: the user has then seen the new version.

``updated`` has whole seconds, so two processes may stamp the same time;
a version is therefore its fields as well as its time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from kbtui.annotations.model import Annotation

FIELDS = (
    "doc_id",
    "start",
    "end",
    "quote",
    "prefix",
    "suffix",
    "colour",
    "kind",
    "note",
    "tags",
    "text_hash",
    "anchor",
    "score",
)
"""What a version is made of besides its ``updated`` time (not ``id``, ``created``)."""

Fields = tuple[Any, ...]


class StaleAnnotation(ValueError):
    """A change made to a copy of an annotation that another process changed meanwhile."""


def fields_of(a: Annotation) -> Fields:
    """``a``'s :data:`FIELDS`, tags as a tuple (the caller may change the list in place)."""
    return tuple(tuple(a.tags) if name == "tags" else getattr(a, name) for name in FIELDS)


class Versions:
    """The versions of annotations this process handed out or wrote."""

    def __init__(self) -> None:
        self._seen: dict[tuple[str, str], Fields] = {}
        self._latest: dict[str, str] = {}  # annotation id -> the updated time last seen

    def saw(self, annotations: Iterable[Annotation]) -> None:
        """Remember ``annotations`` as handed out (or just written) in this form."""
        for a in annotations:
            self._seen[a.id, a.updated] = fields_of(a)
            self._latest[a.id] = a.updated

    def merged(self, mine: Annotation, current: Annotation) -> Annotation:
        """``mine`` (a changed copy) applied to ``current`` (the stored version).

        Raises :class:`StaleAnnotation` when ``current`` changed since the copy
        was handed out and the two cannot both be kept.
        """
        base = self._seen.get((mine.id, mine.updated))
        if base is None:
            if current.updated == mine.updated:
                return mine
            self.saw([current])
            raise StaleAnnotation(_changed_elsewhere(current, "now shown as it is there"))
        theirs = fields_of(current)
        values = {}
        for name, old, new, stored in zip(FIELDS, base, fields_of(mine), theirs, strict=True):
            if new != old and stored != old and new != stored:
                self.saw([current])
                raise StaleAnnotation(_changed_elsewhere(current, f"its {name} differs there"))
            values[name] = new if new != old else stored
        values["tags"] = list(values["tags"])
        return replace(current, **values)

    def check_delete(self, current: Annotation) -> None:
        """Refuse to delete ``current`` when it changed since this process handed it out
        (:class:`StaleAnnotation`); the next delete goes ahead."""
        seen = self._latest.get(current.id)
        if seen is None:
            return
        if current.updated == seen and self._seen.get((current.id, seen)) == fields_of(current):
            return
        self.saw([current])
        raise StaleAnnotation(_changed_elsewhere(current, "delete again to delete it"))


def _changed_elsewhere(a: Annotation, then: str) -> str:
    return f"the {a.kind} was changed by another kbtui meanwhile; not saved ({then})"
