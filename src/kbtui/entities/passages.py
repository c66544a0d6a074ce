"""Passages: every place an entity is named, with context lines, for people to read.

What the mentions panel lists and ``kbtui mentions`` prints: an entity,
the documents naming it (most named first when listing every entity) and
each mention's sentence as the reader shows it, safe to print (see
:func:`kbtui.search.context.context`); people see a sentence that names the
entity twice once (:meth:`DocumentPassages.distinct`), ``--json`` every mention.

Apart from the index because it reads documents again, for their context
lines, while the index answers from the offsets it holds.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from kbtui.documents.model import Document
from kbtui.entities.mentions import EntityStats, Loader, Mention, MentionIndex, safe_load
from kbtui.entities.model import Entity
from kbtui.search.context import Context, context


@dataclass(frozen=True, slots=True)
class Passage:
    """One mention with its context line."""

    start: int
    end: int
    context: Context
    inferred: bool = False
    """A shared name this entity was inferred for (:mod:`kbtui.entities.coreference`)."""

    def to_json(self) -> dict[str, object]:
        """One context of ``kbtui mentions --json`` (``"inferred": true`` for an inferred one)."""
        data: dict[str, object] = {
            "start": self.start,
            "end": self.end,
            "context": str(self.context),
        }
        if self.inferred:
            data["inferred"] = True
        return data


@dataclass(slots=True)
class DocumentPassages:
    """The passages of one document naming an entity; ``count`` counts them all,
    ``inferred`` those of a shared name inferred to be this entity."""

    doc_id: str
    count: int
    passages: list[Passage] = field(default_factory=list)
    inferred: int = 0

    def distinct(self) -> list[Passage]:
        """The passages to show people: a sentence that names the entity twice, once."""
        shown: list[Passage] = []
        for passage in self.passages:
            if not shown or shown[-1].context.sentence != passage.context.sentence:
                shown.append(passage)
        return shown

    def to_json(self) -> dict[str, object]:
        """One document of an entity in ``kbtui mentions --json``."""
        data: dict[str, object] = {"doc": self.doc_id, "count": self.count}
        if self.inferred:
            data["inferred"] = self.inferred
        data["contexts"] = [passage.to_json() for passage in self.passages]
        return data


@dataclass(slots=True)
class EntityMentions:
    """An entity and every passage naming it, grouped by document."""

    entity: Entity
    documents: list[DocumentPassages]

    @property
    def count(self) -> int:
        """How many mentions in all."""
        return sum(group.count for group in self.documents)

    def to_json(self) -> dict[str, object]:
        """The shape ``kbtui mentions --json`` prints for one entity."""
        return {
            **self.entity.to_json(),
            "count": self.count,
            "documents": [group.to_json() for group in self.documents],
        }


def entity_mentions(
    index: MentionIndex,
    entity_id: str,
    load: Loader,
    *,
    exclude: tuple[str, int] | None = None,
    max_per_document: int | None = None,
) -> EntityMentions:
    """Every passage naming an entity, grouped by document, with context lines.

    ``exclude`` is ``(doc_id, start)`` of the mention the user stands on, left
    out of the list. Each document's text is loaded once, for its contexts.
    """
    entity = index.registry.get(entity_id)
    if entity is None:
        raise KeyError(entity_id)
    groups = []
    for doc_id, _count in index.documents_for(entity_id):
        mentions = index.passages(entity_id, doc_id)
        if exclude is not None and exclude[0] == doc_id:
            mentions = [m for m in mentions if m.start != exclude[1]]
        if mentions:
            groups.append(_document_passages(doc_id, mentions, load, max_per_document))
    return EntityMentions(entity, groups)


def _document_passages(
    doc_id: str, mentions: list[Mention], load: Loader, limit: int | None
) -> DocumentPassages:
    source = safe_load(load, doc_id)
    text = source.source if isinstance(source, Document) else source
    shown = mentions if limit is None else mentions[:limit]
    passages = [Passage(m.start, m.end, context(text, m.start, m.end), m.inferred) for m in shown]
    inferred = sum(m.inferred for m in mentions)
    return DocumentPassages(doc_id, len(mentions), passages, inferred)


def mentions_report(
    index: MentionIndex,
    load: Loader,
    entity: str | None = None,
    *,
    max_per_document: int | None = None,
) -> list[EntityMentions]:
    """What ``kbtui mentions [ENTITY]`` prints: one entity (named by any
    spelling), or every entity the corpus names, most named first.

    Raises :class:`LookupError` with a message for an unknown name.
    """
    if entity is not None:
        found = index.registry.lookup(entity)
        if found is None:
            raise LookupError(f"no entity is called {entity!r}")
        return [entity_mentions(index, found.id, load, max_per_document=max_per_document)]
    stats = index.stats()
    named = [e for e in index.registry.entities if stats[e.id].mentions]
    named.sort(key=_by_count(stats))
    return [entity_mentions(index, e.id, load, max_per_document=max_per_document) for e in named]


def _by_count(stats: Mapping[str, EntityStats]) -> Callable[[Entity], tuple[int, int, str]]:
    return lambda e: (-stats[e.id].documents, -stats[e.id].mentions, e.name.casefold())
