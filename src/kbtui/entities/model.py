"""The entity model: what an entity is, as declared and as resolved.

An :class:`EntityRecord` is an entity as someone declared it: a line of
``entities.yaml`` or a user record in the database (``{name, kind,
aliases}``). An :class:`Entity` is what the registry made of all the
records: one node per name, with the spellings that lead only to it. The
user's edits in the UI become records too (:func:`new_entity_record`,
:func:`alias_record`, :func:`rename_record`, :func:`merge_record`), applied
in the order they were made, so a later one wins.

Apart from the registry so that the readers of records (``entities.yaml``,
the database) and the UI can use these types without the resolution rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from kbtui.entities.names import as_name, as_names, clean_name

AMBIGUOUS_PREFIX = "?"
"""Ids of ambiguous entities start with this, so they never equal a key."""


class Kind(StrEnum):
    """What an entity is. ``ambiguous`` marks a name shared by several."""

    PERSON = "person"
    ORGANISATION = "organisation"
    PRODUCT = "product"
    OTHER = "other"
    AMBIGUOUS = "ambiguous"


_KIND_WORDS = {
    "organization": Kind.ORGANISATION,
    "org": Kind.ORGANISATION,
    "company": Kind.ORGANISATION,
    "people": Kind.PERSON,
    "model": Kind.PRODUCT,
}


def parse_kind(value: object) -> Kind:
    """The kind a file or record names; anything unknown is ``other``."""
    word = value.strip().lower() if isinstance(value, str) else ""
    if word in Kind.__members__.values() and word != Kind.AMBIGUOUS:
        return Kind(word)
    return _KIND_WORDS.get(word, Kind.OTHER)


@dataclass(frozen=True, slots=True)
class EntityRecord:
    """One entity as declared: in ``entities.yaml`` or a user record in the database."""

    name: str
    kind: Kind = Kind.OTHER
    aliases: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """The name, then the aliases."""
        return (self.name, *self.aliases)

    @classmethod
    def from_dict(cls, data: object) -> EntityRecord | None:
        """A record from stored data, or ``None`` when it has no usable name."""
        if not isinstance(data, Mapping):
            return None
        name = as_name(data.get("name"))
        if not name:
            return None
        aliases = as_names(data.get("aliases"))
        return cls(name=name, kind=parse_kind(data.get("kind")), aliases=tuple(aliases))


@dataclass(frozen=True, slots=True)
class Entity:
    """One entity, as the registry resolved it.

    ``id`` is the key of the canonical name (or, for an ambiguous name,
    :data:`AMBIGUOUS_PREFIX` and its key); it changes when the entity is
    renamed, so store records, not ids. ``aliases`` are the other spellings
    that lead only here, one per key; ``shared`` are spellings this entity
    claims but that are ambiguous. ``sources`` says where it was declared
    (``file``, ``frontmatter``, ``user``). ``candidates`` are, for an
    ambiguous entity, the ids of the entities the name may stand for.
    """

    id: str
    name: str
    kind: Kind
    aliases: tuple[str, ...] = ()
    shared: tuple[str, ...] = ()
    sources: frozenset[str] = frozenset()
    candidates: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """Every spelling that leads here: the name first."""
        return (self.name, *self.aliases)

    @property
    def ambiguous(self) -> bool:
        """Whether this is a name shared by several entities."""
        return self.kind is Kind.AMBIGUOUS

    def to_json(self) -> dict[str, object]:
        """The entity as plain data (for ``kbtui mentions --json``)."""
        data: dict[str, object] = {
            "id": self.id,
            "name": self.name,
            "kind": str(self.kind),
            "aliases": list(self.aliases),
        }
        if self.candidates:
            data["candidates"] = list(self.candidates)
        return data


# User records: each edit of the UI becomes one record the database stores.


def new_entity_record(name: str, kind: Kind = Kind.OTHER) -> EntityRecord:
    """Make a selection a new entity."""
    return EntityRecord(name=clean_name(name), kind=kind)


def _editable(entity: Entity) -> None:
    if entity.ambiguous:
        raise ValueError(f"{entity.name!r} is a name shared by several entities; pick one of them")


def alias_record(entity: Entity, alias: str) -> EntityRecord:
    """Make a selection an alias of ``entity``; the alias is taken from any
    other entity that claimed it (so giving ``Amodei`` to Dario resolves the
    ambiguity, by the user's choice)."""
    _editable(entity)
    return EntityRecord(entity.name, entity.kind, (*entity.aliases, clean_name(alias)))


def rename_record(entity: Entity, new_name: str) -> EntityRecord:
    """Rename ``entity``; the old name stays an alias. Renaming to a name
    another entity already owns merges the two (ask the user first)."""
    _editable(entity)
    return EntityRecord(clean_name(new_name), entity.kind, (entity.name, *entity.aliases))


def merge_record(keep: Entity, absorb: Entity) -> EntityRecord:
    """Merge ``absorb`` into ``keep``: its names become ``keep``'s aliases."""
    _editable(keep)
    _editable(absorb)
    return EntityRecord(keep.name, keep.kind, (*keep.aliases, absorb.name, *absorb.aliases))
