"""Compare-and-set for annotations: a stale copy never overwrites a newer version.

The app keeps its own copies of a document's annotations and changes them
in place (``c``, ``a``, ``t``); another kbtui process may have changed the
same annotation meanwhile. Each copy the store hands out carries its fields
as they were (``Annotation.handed_out``), and the store remembers each
version by id and ``updated`` time for copies made with ``replace()``
(:class:`Versions`), so when a copy comes back it knows what the copy started
from, and a three-way merge keeps both sides: the fields this process changed take its
values, the others the stored ones. Only when both changed the same field
differently, or the copy's starting point is unknown, is the change refused
(:class:`StaleAnnotation`, a ``ValueError``: the app says so and shows the
stored version), once: made again on the same stored version, the change
goes through (the user was told, and insists; a note kept in its editor is
saved by saving it again). A delete is refused likewise when the annotation
changed since it was handed out, once.

``updated`` has whole seconds, so two processes may stamp the same time;
a version is therefore its fields as well as its time, and a copy's own
record of where it started wins over the store's by id and time (which a
newer version read in the same second, or a re-anchoring, replaces).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from operator import attrgetter
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


_GET = attrgetter(*FIELDS)
_TAGS = FIELDS.index("tags")


def fields_of(a: Annotation) -> Fields:
    """``a``'s :data:`FIELDS`, tags as a tuple (the caller may change the list in place)."""
    values: Fields = _GET(a)
    return (*values[:_TAGS], tuple(values[_TAGS]), *values[_TAGS + 1 :])


class Versions:
    """The versions of annotations this process handed out or wrote."""

    def __init__(self) -> None:
        self._seen: dict[tuple[str, str], Fields] = {}
        self._latest: dict[str, str] = {}  # annotation id -> the updated time last seen
        self._refused: dict[str, tuple[str, Fields]] = {}  # id -> the version it was refused on

    def saw(self, annotations: Iterable[Annotation]) -> None:
        """Remember ``annotations`` as handed out (or just written) in this form."""
        for a in annotations:
            a.handed_out = self._seen[a.id, a.updated] = fields_of(a)
            self._latest[a.id] = a.updated

    def merged(self, mine: Annotation, current: Annotation) -> Annotation:
        """``mine`` (a changed copy) applied to ``current`` (the stored version).

        Raises :class:`StaleAnnotation` when ``current`` changed since the copy
        was handed out and the two cannot both be kept; the same change made
        again on the same ``current`` then wins (the user was told, and insists:
        a note kept in its editor is saved by saving it again).
        """
        theirs = fields_of(current)
        insists = self._refused.pop(mine.id, None) == (current.updated, theirs)
        base = mine.handed_out or self._seen.get((mine.id, mine.updated))
        if base is None:
            if current.updated == mine.updated or insists:
                return mine
            raise self._refuse(current, "now shown as it is there")
        values = {}
        for name, old, new, stored in zip(FIELDS, base, fields_of(mine), theirs, strict=True):
            if new != old and stored != old and new != stored and not insists:
                raise self._refuse(current, f"its {name} differs there: save again to replace it")
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
        raise StaleAnnotation(f"another kbtui changed this {current.kind} meanwhile; delete again")

    def _refuse(self, current: Annotation, why: str) -> StaleAnnotation:
        """The refusal of a change to ``current``, remembered so that the same change
        made again on it goes through."""
        self.saw([current])
        self._refused[current.id] = (current.updated, fields_of(current))
        return StaleAnnotation(f"another kbtui changed this {current.kind} meanwhile ({why})")
