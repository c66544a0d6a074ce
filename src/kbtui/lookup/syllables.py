"""Pinyin syllables: tone numbers, tone marks, zhuyin and the tone itself.

CC-CEDICT writes readings with tone numbers (``an1 quan2``, ``lu:4``,
``Chong2 qing4``). The reader shows tone marks, colours each syllable by its
tone, and optionally shows zhuyin. Converting a syllable is pypinyin's job,
but importing pypinyin costs a third of a second (it loads all its data), so
the cache (:mod:`.cache`) converts every syllable CC-CEDICT uses once, when
it is built, and a look-up only reads the table this module wraps.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

NUMBERED = re.compile(r"[a-zü]+[1-5]")
"""A syllable with a tone number, lower case, ü written as ü."""

NEUTRAL = 5
"""The tone number CC-CEDICT and pypinyin give the neutral tone."""


@dataclass(frozen=True, slots=True)
class Syllable:
    """One syllable of a reading, in every form the reader shows."""

    text: str
    """The character it reads, or ``""`` when the reading does not align with the word."""
    numbered: str
    """``an1``, ``Chong2``, ``lü4``; a token that is no syllable (``C``, ``·``) as written."""
    marked: str
    """``ān``, ``Chóng``, ``lǜ``."""
    zhuyin: str
    """``ㄢ``, ``ㄔㄨㄥˊ``; a token that is no syllable as written."""
    tone: int
    """1 to 4, 5 for the neutral tone, 0 for a token that is no syllable (for colouring)."""


def normalise(pinyin: str) -> str:
    """CC-CEDICT's ``u:`` (and the ``v`` some sources use for it) as ``ü``.

    Why: one spelling of ü, so readings from CC-CEDICT and pypinyin compare
    equal and the conversion table has one key per syllable.
    """
    return re.sub(r"(?<=[lnLN])(u:|v)", "ü", pinyin).replace("u:", "ü")


def same_reading(a: str, b: str) -> bool:
    """Whether two numbered readings are the same syllables (case does not count)."""
    return normalise(a).lower().split() == normalise(b).lower().split()


class SyllableTable:
    """Numbered syllables (lower case) mapped to their tone-marked and zhuyin forms."""

    def __init__(self, rows: Mapping[str, tuple[str, str]]) -> None:
        self._rows = dict(rows)

    def syllable(self, token: str, text: str = "") -> Syllable:
        """``token`` (``Chong2``) as a :class:`Syllable` reading ``text``."""
        token = normalise(token)
        row = self._rows.get(token.lower())
        if row is None:
            return Syllable(text, token, token, token, 0)
        marked, zhuyin = row
        if token[:1].isupper():
            marked = marked[:1].upper() + marked[1:]
        return Syllable(text, token, marked, zhuyin, int(token[-1]))

    def reading(self, pinyin: str, word: str) -> tuple[Syllable, ...]:
        """A whole numbered reading of ``word``, each syllable paired with its character.

        CC-CEDICT gives one token per character, Latin letters included
        (``卡拉OK`` is ``ka3 la1 O K``); where the counts differ no syllable is
        paired, rather than pairing wrongly.
        """
        tokens = pinyin.split()
        texts = list(word) if len(tokens) == len(word) else [""] * len(tokens)
        return tuple(self.syllable(token, text) for token, text in zip(tokens, texts, strict=True))


Form = Literal["numbered", "marked", "zhuyin"]
"""Which written form of a syllable."""


def joined(syllables: tuple[Syllable, ...], form: Form) -> str:
    """The syllables' ``numbered``, ``marked`` or ``zhuyin`` forms, space separated."""
    return " ".join(str(getattr(syllable, form)) for syllable in syllables)
