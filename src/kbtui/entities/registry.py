"""The registry: every entity of a corpus, and the way from any spelling to its entity.

Names come from three sources, applied in this order so that the later,
more deliberate one wins:

1. ``entities.yaml`` at the corpus root (canonical name, kind, aliases), the
   curated list (:mod:`kbtui.entities.entities_file`);
2. frontmatter entity lists (``people``, ``companies_orgs``,
   ``products_models`` and the keys ``entities.yaml`` names in
   ``entity_lists``): a name that is already known joins its entity, any
   other becomes an entity of its own;
3. the user's records ``{name, kind, aliases}``, kept in the database (the
   edits that make them are in :mod:`kbtui.entities.model`).

Spellings are compared by their keys (:func:`kbtui.entities.names.name_key`).
A name claimed by two entities (a surname such as ``Amodei``, shared by Dario
and Daniela) is given to neither: unless one of them has it as its canonical
name, it becomes an *ambiguous* entity whose ``candidates`` are the claimants,
so the reader can mark it and say who it may be, but never guesses.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from kbtui.entities.entities_file import EntitiesFile
from kbtui.entities.model import AMBIGUOUS_PREFIX, Entity, EntityRecord, Kind
from kbtui.entities.names import clean_name, name_key

_KIND_ORDER = {kind: order for order, kind in enumerate(Kind)}

LIST_KINDS: Mapping[str, Kind] = {
    "people": Kind.PERSON,
    "companies_orgs": Kind.ORGANISATION,
    "products_models": Kind.PRODUCT,
}
"""The kind a frontmatter list gives a name it introduces."""


@dataclass(eq=False, slots=True)
class _Group:
    """An entity while the registry is being built: spellings by key."""

    name: str
    kind: Kind
    spellings: dict[str, str]
    sources: set[str]

    @property
    def key(self) -> str:
        return name_key(self.name)


class EntityRegistry:
    """Every entity of a corpus, and the way from any spelling to its entity."""

    def __init__(self, entities: Sequence[Entity], keys: Mapping[str, str]) -> None:
        self._entities = {entity.id: entity for entity in entities}
        self._keys = dict(keys)

    @classmethod
    def build(
        cls,
        curated: Iterable[EntityRecord] = (),
        frontmatter: Iterable[tuple[str, str]] = (),
        user: Iterable[EntityRecord] = (),
    ) -> EntityRegistry:
        """Build from curated records, ``(list key, name)`` pairs found in
        frontmatter, and user records, in that order of precedence (see the
        module docstring)."""
        builder = _Builder()
        for record in curated:
            builder.add_curated(record)
        for list_key, name in frontmatter:
            builder.add_frontmatter(list_key, name)
        for record in user:
            builder.add_user(record)
        return builder.finish()

    @classmethod
    def for_corpus(
        cls,
        entities_file: EntitiesFile,
        metadata: Iterable[Mapping[str, Sequence[str]]] = (),
        user: Iterable[EntityRecord] = (),
    ) -> EntityRegistry:
        """Build from a corpus's ``entities.yaml``, the ``Metadata.entities`` of
        its documents and the user's records."""
        pairs = (
            (key, name)
            for entities in metadata
            for key in entities_file.entity_lists
            for name in entities.get(key, ())
        )
        return cls.build(entities_file.entities, pairs, user)

    @property
    def entities(self) -> list[Entity]:
        """All entities, ambiguous ones included, by kind then name."""
        return sorted(self._entities.values(), key=lambda e: (_KIND_ORDER[e.kind], e.id))

    def __len__(self) -> int:
        return len(self._entities)

    def __contains__(self, entity_id: object) -> bool:
        return entity_id in self._entities

    def get(self, entity_id: str) -> Entity | None:
        """The entity with this id."""
        return self._entities.get(entity_id)

    def lookup(self, name: str) -> Entity | None:
        """The entity any spelling of ``name`` leads to (maybe an ambiguous one)."""
        entity_id = self._keys.get(name_key(name))
        return self._entities.get(entity_id) if entity_id else None

    def name_keys(self) -> dict[str, str]:
        """Every name key and the id of the entity it leads to: what the
        mention matcher looks for."""
        return dict(self._keys)


class _Builder:
    """Collects groups of spellings, then resolves each key to one entity.

    ``canonical`` and ``owners`` index the groups by canonical key and by
    every spelling key, so a corpus with tens of thousands of frontmatter
    names builds in linear time.
    """

    def __init__(self) -> None:
        self.groups: dict[int, _Group] = {}
        self.canonical: dict[str, _Group] = {}
        self.owners: dict[str, list[_Group]] = {}

    def resolve(self, key: str) -> _Group | None:
        """The one group a key leads to: its canonical owner, else its only owner."""
        canonical = self.canonical.get(key)
        if canonical is not None:
            return canonical
        owners = self.owners.get(key, [])
        return owners[0] if len(owners) == 1 else None

    def new_group(self, name: str, kind: Kind, source: str) -> _Group:
        group = _Group(name=name, kind=kind, spellings={}, sources={source})
        self.groups[id(group)] = group
        self.canonical[group.key] = group
        self.add_spelling(group, name)
        return group

    def add_spelling(self, group: _Group, name: str) -> None:
        key = name_key(name)
        if key and key not in group.spellings:
            group.spellings[key] = name
            self.owners.setdefault(key, []).append(group)

    def drop_spelling(self, group: _Group, key: str) -> None:
        del group.spellings[key]
        self.owners[key].remove(group)

    def add_curated(self, record: EntityRecord) -> None:
        key = name_key(record.name)
        if not key:
            return
        group = self.canonical.get(key) or self.new_group(record.name, record.kind, "file")
        for alias in record.aliases:
            self.add_spelling(group, alias)

    def add_frontmatter(self, list_key: str, name: str) -> None:
        key = name_key(name)
        if not key:
            return
        group = self.resolve(key)
        if group is not None:
            group.sources.add("frontmatter")
        elif key not in self.owners:
            kind = LIST_KINDS.get(list_key, Kind.OTHER)
            self.new_group(clean_name(name), kind, "frontmatter")

    def add_user(self, record: EntityRecord) -> None:
        """Apply a user record: it names its entity, absorbs every entity whose
        canonical name it lists, and takes its aliases from any other claimant."""
        keys = [key for key in dict.fromkeys(map(name_key, record.names)) if key]
        if not keys:
            return
        target = self.resolve(keys[0]) or self.new_group(record.name, record.kind, "user")
        for key in keys[1:]:
            absorbed = self.canonical.get(key)
            if absorbed is not None and absorbed is not target:
                self.absorb(target, absorbed)
        for name in record.names:
            self.claim(target, name)
        self.rename(target, record.name)
        if record.kind is not Kind.AMBIGUOUS:
            target.kind = record.kind
        target.sources.add("user")

    def absorb(self, target: _Group, other: _Group) -> None:
        for key, spelling in list(other.spellings.items()):
            self.drop_spelling(other, key)
            self.add_spelling(target, spelling)
        target.sources |= other.sources
        del self.canonical[other.key]
        del self.groups[id(other)]

    def claim(self, target: _Group, name: str) -> None:
        """Give the spelling ``name`` to ``target``, taking it from any other
        group that has it as an alias."""
        key = name_key(name)
        for group in list(self.owners.get(key, [])):
            if group is not target and group.key != key:
                self.drop_spelling(group, key)
        self.add_spelling(target, name)

    def rename(self, group: _Group, name: str) -> None:
        del self.canonical[group.key]
        group.name = name
        self.canonical[group.key] = group

    def finish(self) -> EntityRegistry:
        keys: dict[str, str] = {}
        shared: dict[str, list[_Group]] = {}
        for key, claimants in self.owners.items():
            winner = self.resolve(key)
            if winner is not None:
                keys[key] = winner.key
            elif claimants:
                shared[key] = claimants
        groups = list(self.groups.values())
        entities = [_entity(group, keys) for group in groups]
        entities += _ambiguous_entities(shared, keys)
        return EntityRegistry(entities, keys)


def _entity(group: _Group, keys: Mapping[str, str]) -> Entity:
    own = [s for k, s in group.spellings.items() if keys.get(k) == group.key and k != group.key]
    shared = [s for k, s in group.spellings.items() if k not in keys]
    return Entity(
        id=group.key,
        name=group.name,
        kind=group.kind,
        aliases=tuple(own),
        shared=tuple(shared),
        sources=frozenset(group.sources),
    )


def _ambiguous_entities(shared: Mapping[str, list[_Group]], keys: dict[str, str]) -> list[Entity]:
    """One ambiguous entity per set of claimants: ``Amodei`` and ``阿莫代伊``,
    both claimed by Dario and Daniela, are one entity with two spellings."""
    by_claimants: dict[tuple[str, ...], list[str]] = {}
    for key, claimants in shared.items():
        ids = tuple(sorted(group.key for group in claimants))
        by_claimants.setdefault(ids, []).append(key)
    entities = []
    for ids, shared_keys in by_claimants.items():
        spellings = [shared[key][0].spellings[key] for key in shared_keys]
        entity_id = AMBIGUOUS_PREFIX + shared_keys[0]
        for key in shared_keys:
            keys[key] = entity_id
        entities.append(
            Entity(
                id=entity_id,
                name=spellings[0],
                kind=Kind.AMBIGUOUS,
                aliases=tuple(spellings[1:]),
                candidates=ids,
            )
        )
    return entities
