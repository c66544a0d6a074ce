"""Which known entity an unregistered name probably is: a part of its name, or a variant of it.

Texts name a registered person in ways the registry does not list: the given
name alone (``Dario`` for Dario Amodei), or another transliteration
(达里欧 or 達利歐 for 达里奥). A suggestion that is one of these is offered as
an *alias* of that entity rather than as a new one. Two tests, in order:

1. the candidate is a part of exactly one person's spelling (a word of a
   Latin name, a part of a name written with ``·``): similarity 1 (only a
   person's: ``Google`` is no alias of Google Brain);
2. a Han candidate reads like a spelling (or a part) of exactly one entity:
   same first character, at most one character longer or shorter, and
   toneless pinyin at least :data:`ALIAS_SIMILARITY` alike
   (:class:`difflib.SequenceMatcher` ratio over the syllables' letters).

A part or a reading shared by several entities (``Amodei``) says nothing:
no alias is offered.

pypinyin is imported on first use (a third of a second).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cache

from kbtui.entities.model import Entity, Kind
from kbtui.entities.names import name_key
from kbtui.entities.registry import EntityRegistry
from kbtui.scripts.hanzi import MIDDLE_DOT

ALIAS_SIMILARITY = 0.75
"""How alike two readings must be. 达里欧 ``daliou`` and 达里奥 ``daliao``: 0.83;
克里斯 ``kelisi`` and 克里格 ``keliege``: 0.62 (measured: see the tests)."""


@dataclass(frozen=True, slots=True)
class AliasGuess:
    """The entity a candidate probably names, and how alike the names are (0-1)."""

    entity: Entity
    similarity: float


def name_parts(key: str) -> list[str]:
    """The parts of a name key: its words (Latin) or its ``·``-separated parts."""
    parts = key.replace(MIDDLE_DOT, " ").split()
    return parts if len(parts) > 1 else []


def _han(text: str) -> bool:
    return bool(text) and all("\u4e00" <= ch <= "\u9fff" for ch in text)


@cache
def reading(han: str) -> str:
    """The toneless pinyin of a Han name, syllables run together."""
    from pypinyin import Style, lazy_pinyin

    return "".join(lazy_pinyin(han, style=Style.NORMAL, errors="ignore"))


def reading_similarity(a: str, b: str) -> float:
    """How alike two Han names sound (0: not comparable; see the module's docstring)."""
    if not (_han(a) and _han(b)) or a[0] != b[0] or abs(len(a) - len(b)) > 1:
        return 0.0
    return SequenceMatcher(None, reading(a), reading(b), autojunk=False).ratio()


class AliasFinder:
    """Answers "whose alias is this?" for one registry (built once per suggestion pass)."""

    def __init__(self, registry: EntityRegistry) -> None:
        self._parts: dict[str, set[str]] = {}
        self._han: dict[str, dict[str, set[str]]] = {}
        self._entities: dict[str, Entity] = {}
        for entity in registry.entities:
            if not entity.ambiguous:
                self._entities[entity.id] = entity
                self._add(entity, map(name_key, entity.names))

    def _add(self, entity: Entity, keys: Iterable[str]) -> None:
        entity_id = entity.id
        for key in keys:
            parts = name_parts(key)
            for part in parts if entity.kind is Kind.PERSON else ():
                self._parts.setdefault(part, set()).add(entity_id)
            for han in [key, *parts]:
                if _han(han):
                    self._han.setdefault(han[0], {}).setdefault(han, set()).add(entity_id)

    def guess(self, key: str) -> AliasGuess | None:
        """The entity the name ``key`` probably stands for, if exactly one."""
        owners = self._parts.get(key, set())
        if owners:
            return self._one(owners, 1.0)
        if not _han(key):
            return None
        best, owners = 0.0, set()
        for spelling, ids in self._han.get(key[0], {}).items():
            score = reading_similarity(key, spelling)
            if score > best:
                best, owners = score, set(ids)
            elif score == best and score:
                owners |= ids
        return self._one(owners, best) if best >= ALIAS_SIMILARITY else None

    def _one(self, owners: set[str], similarity: float) -> AliasGuess | None:
        if len(owners) != 1:
            return None
        return AliasGuess(self._entities[next(iter(owners))], round(similarity, 2))
