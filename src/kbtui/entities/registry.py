"""Entities: people, organisations and products, one node however they are spelled.

Names come from three sources, applied in this order so that the later,
more deliberate one wins:

1. ``entities.yaml`` at the corpus root (canonical name, kind, aliases), the
   curated list;
2. frontmatter entity lists (``people``, ``companies_orgs``,
   ``products_models`` and the keys ``entities.yaml`` names in
   ``entity_lists``): a name that is already known joins its entity, any
   other becomes an entity of its own;
3. the user's records ``{name, kind, aliases}``, kept in the database. The
   helpers at the end (:func:`new_entity_record`, :func:`alias_record`,
   :func:`rename_record`, :func:`merge_record`) turn an edit into one record.

Two spellings are the same name when their *keys* are equal (see
:func:`name_key`): NFKC, white space collapsed, Traditional folded to
Simplified, every name separator (``·`` ``・`` ``•`` ``‧``) made ``·``, Latin
lower-cased. So 達里奧·阿莫代伊 = 达里奥·阿莫代伊 and ``dario amodei`` = ``Dario
Amodei``; 輝達 and 英伟达 are different keys, joined only by an alias.

A name claimed by two entities (a surname such as ``Amodei``, shared by Dario
and Daniela) is given to neither: unless one of them has it as its canonical
name, it becomes an *ambiguous* entity whose ``candidates`` are the claimants,
so the reader can mark it and say who it may be, but never guesses.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

import yaml

from kbtui.documents.metadata import STANDARD_ENTITY_LISTS
from kbtui.scripts.hanzi import fold

ENTITIES_FILE = "entities.yaml"
"""The curated entity list at a corpus root."""

AMBIGUOUS_PREFIX = "?"
"""Ids of ambiguous entities start with this, so they never equal a key."""


class Kind(StrEnum):
    """What an entity is. ``ambiguous`` marks a name shared by several."""

    PERSON = "person"
    ORGANISATION = "organisation"
    PRODUCT = "product"
    OTHER = "other"
    AMBIGUOUS = "ambiguous"


_KIND_ORDER = {kind: order for order, kind in enumerate(Kind)}

LIST_KINDS: Mapping[str, Kind] = {
    "people": Kind.PERSON,
    "companies_orgs": Kind.ORGANISATION,
    "products_models": Kind.PRODUCT,
}
"""The kind a frontmatter list gives a name it introduces."""

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


def clean_name(name: str) -> str:
    """A name as written, with NFKC applied and white space collapsed, for display."""
    return " ".join(unicodedata.normalize("NFKC", name).split())


def name_key(name: str) -> str:
    """The key two spellings of one name share (empty for a blank name)."""
    return fold(clean_name(name))


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

    def to_dict(self) -> dict[str, object]:
        """The record as stored: ``{name, kind, aliases}``."""
        return {"name": self.name, "kind": str(self.kind), "aliases": list(self.aliases)}

    @classmethod
    def from_dict(cls, data: object) -> EntityRecord | None:
        """A record from stored data, or ``None`` when it has no usable name."""
        if not isinstance(data, Mapping):
            return None
        name = _as_name(data.get("name"))
        if not name:
            return None
        aliases = _as_names(data.get("aliases"))
        return cls(name=name, kind=parse_kind(data.get("kind")), aliases=tuple(aliases))


def _as_name(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return ""
    return clean_name(str(value))


def _as_names(value: object) -> list[str]:
    items = value if isinstance(value, list | tuple) else [value]
    return [name for item in items if (name := _as_name(item))]


@dataclass(slots=True)
class EntitiesFile:
    """What a corpus's ``entities.yaml`` declares, and what was wrong with it."""

    entity_lists: tuple[str, ...] = STANDARD_ENTITY_LISTS
    entities: list[EntityRecord] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def load_entities_file(corpus_root: Path) -> EntitiesFile:
    """Read ``entities.yaml`` at ``corpus_root``; a missing file declares nothing.

    A broken file is reported in ``problems`` and declares nothing more than
    what could be read, never raising: the corpus still opens.
    """
    path = corpus_root / ENTITIES_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return EntitiesFile()
    except (OSError, UnicodeDecodeError) as error:
        return EntitiesFile(problems=[f"{ENTITIES_FILE}: cannot read: {error}"])
    return parse_entities_yaml(text)


def parse_entities_yaml(text: str) -> EntitiesFile:
    """Parse the text of an ``entities.yaml``."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        return EntitiesFile(problems=[f"{ENTITIES_FILE}: not valid YAML: {_first_line(error)}"])
    except RecursionError:
        return EntitiesFile(problems=[f"{ENTITIES_FILE}: nested too deeply to read"])
    if data is None:
        return EntitiesFile()
    if not isinstance(data, Mapping):
        return EntitiesFile(problems=[f"{ENTITIES_FILE}: expected a mapping at the top"])
    result = EntitiesFile(entity_lists=_entity_lists(data.get("entity_lists")))
    entries = data.get("entities") or []
    if not isinstance(entries, list):
        result.problems.append(f"{ENTITIES_FILE}: 'entities' should be a list")
        return result
    for number, entry in enumerate(entries, 1):
        record = EntityRecord.from_dict(entry)
        if record is None:
            result.problems.append(f"{ENTITIES_FILE}: entity {number} has no name; skipped")
        else:
            result.entities.append(record)
    return result


def _entity_lists(value: object) -> tuple[str, ...]:
    """The standard lists and the declared ones: names only, never a list spelled out
    (YAML aliases make a few lines stand for millions of items)."""
    declared = (
        [name for item in value if (name := _as_name(item))] if isinstance(value, list) else []
    )
    return tuple(dict.fromkeys([*STANDARD_ENTITY_LISTS, *declared]))


def _first_line(error: Exception) -> str:
    return " ".join(str(error).split())[:200]


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

    def fingerprint(self) -> str:
        """A short hash of every key and where it leads."""
        digest = hashlib.sha256()
        for key, entity_id in sorted(self._keys.items()):
            digest.update(f"{key}\0{entity_id}\n".encode())
        return digest.hexdigest()[:16]


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


# User records: each edit of the UI becomes one record the database stores.
# Records are applied in the order they were made, so a later one wins.


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


def set_kind_record(entity: Entity, kind: Kind) -> EntityRecord:
    """Change the kind of ``entity``."""
    _editable(entity)
    return EntityRecord(entity.name, kind, entity.aliases)
