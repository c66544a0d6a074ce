"""Entities as the app lists them: rows with counts, and the plain lines that describe them.

The entity browser, the command palette and the mentions panel all show an
entity the same way (its kind and other spellings, or for a shared name the
entities it may stand for), so the words are made here once, as plain text;
the UI turns them into literal widgets.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kbtui.scripts.hanzi import fold

if TYPE_CHECKING:
    from kbtui.entities.mentions import MentionIndex
    from kbtui.entities.model import Entity
    from kbtui.entities.passages import EntityMentions


@dataclass(frozen=True, slots=True)
class EntityRow:
    """An entity and how often the corpus names it."""

    entity: Entity
    documents: int
    mentions: int

    def haystack(self) -> str:
        """The folded text the browser's filter searches: every spelling and the kind."""
        return fold(" ".join([*self.entity.names, *self.entity.shared, str(self.entity.kind)]))


def entity_rows(index: MentionIndex) -> list[EntityRow]:
    """Every entity of the index's registry, most named first, then by name."""
    stats = index.stats()
    rows = [
        EntityRow(entity, stats[entity.id].documents, stats[entity.id].mentions)
        for entity in index.registry.entities
    ]
    rows.sort(key=lambda r: (-r.documents, -r.mentions, fold(r.entity.name)))
    return rows


def describe(entity: Entity, registry_names: Callable[[str], str] | None = None) -> str:
    """One plain line about an entity: kind and other spellings, or for a shared
    name the entities it may stand for."""
    if entity.ambiguous:
        names = [registry_names(c) if registry_names else c for c in entity.candidates]
        return f"shared name: may be {', '.join(names)}"
    aliases = ", ".join(entity.aliases)
    return f"{entity.kind}" + (f" · {aliases}" if aliases else "")


def name_of(index: MentionIndex, entity_id: str) -> str:
    """An entity's name, or its id when the registry no longer has it."""
    entity = index.registry.get(entity_id)
    return entity.name if entity is not None else entity_id


def passages_title(found: EntityMentions, names: Callable[[str], str], other: bool) -> str:
    """The mentions panel's title, plain text (``other``: the mention the user is on is left
    out, so these are the *other* passages)."""
    entity = found.entity
    places = "other passages" if other else "passages"
    return (
        f"{entity.name} · {describe(entity, names)} — {found.count} {places} "
        f"in {len(found.documents)} documents"
    )
