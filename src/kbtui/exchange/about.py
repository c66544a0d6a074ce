"""Which entities an annotation is about: those its quote or its note names.

Computed each time, never stored: entities change (a new alias, a merge, a
rename, a mention the user corrects) and a stored list would then be wrong
for every annotation at once, with nothing to say so.

Two sources, each for what only it knows:

* the mention index's mentions that overlap the annotation's place in its
  document. The index read the quote in its context, so a bare ``Amodei``
  that coreference resolved to Dario counts (the matcher alone would call it
  a shared name), and a quote that cuts a name in half still names it;
* the matcher over the note, which the index never sees, and over the quote
  of an orphan, which has no place in the current text.

A shared name that nothing resolved names nobody: it cannot say who the
annotation is about. In :mod:`kbtui.exchange` because this is the first layer that sees both
annotations and entities; the app asks through :mod:`kbtui.session.annotation_entities`.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable

from kbtui.annotations.model import AnchorState, Annotation
from kbtui.entities.mentions import Mention, MentionIndex
from kbtui.entities.model import Entity


class About:
    """The entities of annotations, over one mention index.

    Each document's mentions are read once, and each annotation's answer is
    kept: an export by entity asks about every annotation once per entity.
    """

    def __init__(self, index: MentionIndex) -> None:
        self.index = index
        self._mentions: dict[str, tuple[list[int], list[Mention]]] = {}
        self._known: dict[tuple[object, ...], tuple[Entity, ...]] = {}

    def entities(self, annotation: Annotation) -> tuple[Entity, ...]:
        """The entities ``annotation`` names, in the order its quote, then its note, name them."""
        a = annotation
        key = (a.id, a.doc_id, a.start, a.end, a.anchor, a.quote, a.note)
        if key not in self._known:
            ids = [*self._quoted(a), *self._named(a.note)]
            found = (self.index.registry.get(entity_id) for entity_id in dict.fromkeys(ids))
            self._known[key] = tuple(e for e in found if e is not None and not e.ambiguous)
        return self._known[key]

    def names(self, annotation: Annotation, entity_id: str) -> bool:
        """Whether ``annotation`` is about the entity ``entity_id``."""
        return any(e.id == entity_id for e in self.entities(annotation))

    def about(self, annotations: Iterable[Annotation], entity_id: str) -> list[Annotation]:
        """The annotations about the entity ``entity_id``, in the order given."""
        return [a for a in annotations if self.names(a, entity_id)]

    def _quoted(self, annotation: Annotation) -> list[str]:
        """The entity ids of the quote: from the index where the annotation is placed."""
        if annotation.anchor == AnchorState.ORPHAN or annotation.doc_id not in self.index:
            return self._named(annotation.quote)
        ends, mentions = self._doc_mentions(annotation.doc_id)
        ids = []
        for mention in mentions[bisect_right(ends, annotation.start) :]:
            if mention.start >= annotation.end:
                break
            ids.append(mention.entity_id)
        return ids

    def _named(self, text: str) -> list[str]:
        """The entity ids the matcher finds in ``text``."""
        if not text.strip():
            return []
        matcher = self.index.matcher
        return [matcher.entity_ids[key] for _start, _end, key in matcher.find(text)]

    def _doc_mentions(self, doc_id: str) -> tuple[list[int], list[Mention]]:
        """A document's mentions in order, with their ends (mentions never overlap, so
        the ends are in order too and a bisection finds the first one past a start)."""
        if doc_id not in self._mentions:
            mentions = self.index.mentions_in(doc_id)
            self._mentions[doc_id] = ([m.end for m in mentions], mentions)
        return self._mentions[doc_id]


def find_entity(index: MentionIndex, name: str) -> Entity:
    """The entity any spelling of ``name`` leads to, for an export by entity.

    Raises :class:`LookupError` with one line for the user: no such entity,
    or a name shared by several (which of them is meant cannot be guessed).
    """
    entity = index.registry.lookup(name)
    if entity is None:
        raise LookupError(f"no entity is called {name!r} (kbtui mentions lists them)")
    if entity.ambiguous:
        names = [_name(index, c) for c in entity.candidates]
        raise LookupError(f"{name!r} is a name shared by {', '.join(names)}: name one of them")
    return entity


def _name(index: MentionIndex, entity_id: str) -> str:
    entity = index.registry.get(entity_id)
    return entity.name if entity is not None else entity_id
