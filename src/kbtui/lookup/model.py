"""What a look-up returns: dictionary entries and the word found, with its reading in context."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from kbtui.lookup.syllables import Syllable, joined


def is_han(ch: str) -> bool:
    """Whether ``ch`` is a Han character (CJK ideograph, any extension, or 〇)."""
    code = ord(ch)
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0x20000 <= code <= 0x323AF
        or 0xF900 <= code <= 0xFAFF
        or 0x2F800 <= code <= 0x2FA1F
        or code == 0x3007
    )


class Reading:
    """The three spellings of a reading, for anything that has ``syllables``."""

    __slots__ = ()
    syllables: tuple[Syllable, ...]

    @property
    def pinyin(self) -> str:
        """Tone marks: ``ān quán``."""
        return joined(self.syllables, "marked")

    @property
    def numbered(self) -> str:
        """Tone numbers: ``an1 quan2``."""
        return joined(self.syllables, "numbered")

    @property
    def zhuyin(self) -> str:
        """Zhuyin: ``ㄢ ㄑㄩㄢˊ``."""
        return joined(self.syllables, "zhuyin")


@dataclass(frozen=True, slots=True)
class DictEntry(Reading):
    """One CC-CEDICT entry: both headwords, its own reading, its senses."""

    traditional: str
    simplified: str
    syllables: tuple[Syllable, ...]
    definitions: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class LookupResult(Reading):
    """The word found at a place in a text, and what the dictionary says of it.

    ``entries`` are every entry for the word, the one whose reading fits the
    context first; ``syllables`` are the reading in context (the first
    entry's, or character by character for a name the dictionary lacks), so
    the reader colours each syllable by ``tone``. ``start`` and ``end`` are
    offsets into the text looked in.
    """

    text: str
    start: int
    end: int
    entries: tuple[DictEntry, ...]
    syllables: tuple[Syllable, ...]
    entity: str | None = None
    """The entity the name is known as, when the caller's hook knows one."""

    @property
    def simplified(self) -> str:
        """The headword in Simplified (the text itself when the dictionary lacks it)."""
        return self.entries[0].simplified if self.entries else self.text

    @property
    def traditional(self) -> str:
        """The headword in Traditional (the text itself when the dictionary lacks it)."""
        return self.entries[0].traditional if self.entries else self.text

    @property
    def tones(self) -> tuple[int, ...]:
        """Each syllable's tone (1-4, 5 neutral, 0 not a syllable), for colouring."""
        return tuple(syllable.tone for syllable in self.syllables)

    @property
    def definitions(self) -> tuple[str, ...]:
        """Every sense of every entry, in order."""
        return tuple(sense for entry in self.entries for sense in entry.definitions)

    def with_entity(self, name: str | None) -> LookupResult:
        """The same result naming an entity."""
        return dataclasses.replace(self, entity=name)
