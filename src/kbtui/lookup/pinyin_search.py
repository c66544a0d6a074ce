"""Toneless pinyin queries (``anquan``, ``an quan``) found in Chinese text of either script.

A query reads as pinyin when each of its tokens splits into syllables
(:func:`pinyin_readings`). A text's Han characters are read with every
reading pypinyin gives them (银行's 行 is *háng* and *xíng*, so ``yinhang``
and ``yinxing`` both find it): Traditional characters have their own
readings, so 安全 and 安全 in either script are found alike. The query then
becomes one regular expression of character classes over the characters the
text holds, so the scan itself runs at the speed of :mod:`re`.

The first :class:`PinyinText` of a process imports pypinyin (about 0.3 s, see
:mod:`.readings`).
"""

from __future__ import annotations

import itertools
import re
from functools import cache

MAX_READINGS = 64
"""At most this many ways of splitting one query are tried (``xianxianxian`` has 8)."""

LONGEST_SYLLABLE = 6
"""``zhuang``, ``shuang``, ``chuang``."""

_TOKEN = re.compile(r"[a-z]+")
_SEPARATORS = re.compile(r"[\s'’]+")

MIN_LETTERS = 4
MIN_SYLLABLES = 2
"""A search looks for a query as pinyin only at this length: ``a`` or ``he``
alone would find every 啊 and 和 (see :func:`searches_by_pinyin`)."""

_SHAPE = re.compile(
    r"(?:(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
    r"(?:iang|iong|uang|ueng|ang|eng|ing|ong|ian|iao|uai|uan|van|ai|ei|ao|ou|an|en|er|in"
    r"|ia|ie|iu|ua|uo|ui|un|ue|ve|vn|a|o|e|i|u|v))+"
)
"""Initials and finals: every run of syllables has this shape (a test checks
pypinyin's), so a query without it is no pinyin without importing pypinyin."""


def _tokens(query: str) -> list[str]:
    """The query's tokens, lower case, ü spelled ``v`` (as pypinyin does); apostrophes split."""
    folded = query.strip().lower().replace("u:", "v").replace("ü", "v")
    return [token for token in _SEPARATORS.split(folded) if token]


@cache
def _splits(token: str) -> tuple[tuple[str, ...], ...]:
    """Every way ``token`` is a run of syllables, fewer syllables first."""
    # Deferred, as in PinyinText: importing this module must not import pypinyin.
    from kbtui.lookup.readings import known_syllables

    syllables = known_syllables()
    ways: list[list[tuple[str, ...]]] = [[] for _ in range(len(token) + 1)]
    ways[0] = [()]
    for end in range(1, len(token) + 1):
        for start in range(max(0, end - LONGEST_SYLLABLE), end):
            if ways[start] and token[start:end] in syllables:
                ways[end].extend((*way, token[start:end]) for way in ways[start])
        del ways[end][MAX_READINGS:]
    return tuple(sorted(ways[-1], key=len))


def pinyin_readings(query: str) -> list[tuple[str, ...]]:
    """Every way ``query`` reads as toneless syllables, fewer syllables first; [] if none.

    ``anquan`` → ``[("an", "quan")]``; ``xian`` → ``[("xian",), ("xi", "an")]``;
    ``an quan`` → ``[("an", "quan")]`` (a space or apostrophe is a boundary no
    syllable crosses); ``hello`` → ``[]``.
    """
    tokens = _tokens(query)
    if not tokens or not all(_TOKEN.fullmatch(token) for token in tokens):
        return []
    per_token = [_splits(token) for token in tokens]
    if not all(per_token):
        return []
    combined = (sum(parts, ()) for parts in itertools.product(*per_token))
    return sorted(itertools.islice(combined, MAX_READINGS), key=len)


def is_pinyin_query(query: str) -> bool:
    """Whether ``query`` reads as toneless pinyin (see :func:`pinyin_readings`)."""
    return bool(pinyin_readings(query))


def searches_by_pinyin(query: str) -> bool:
    """Whether a search looks for ``query`` as pinyin, beside its letters.

    It must read as pinyin (:func:`pinyin_readings`) and be at least
    :data:`MIN_SYLLABLES` syllables or :data:`MIN_LETTERS` letters long. A
    query whose letters cannot be syllables (``Claude``, ``创立``) is told at
    once, so a plain search never waits for pypinyin's import.
    """
    if not may_be_pinyin(query):
        return False
    readings = pinyin_readings(query)
    letters = sum(map(len, _tokens(query)))
    return bool(readings) and (letters >= MIN_LETTERS or len(readings[0]) >= MIN_SYLLABLES)


def may_be_pinyin(query: str) -> bool:
    """False when ``query``'s letters cannot be syllables; costs nothing, imports nothing."""
    letters = "".join(_tokens(query))
    return bool(letters) and _SHAPE.fullmatch(letters) is not None


def pinyin_ready() -> bool:
    """Whether a pinyin search now runs at once: pypinyin's readings are loaded
    (else the first one takes about half a second, in a worker if it can)."""
    return _every_character.cache_info().currsize > 0


def pinyin_pattern(query: str) -> re.Pattern[str] | None:
    """One expression finding ``query`` as pinyin in any text, or None if nothing can match.

    Built over every character pypinyin reads (:func:`_every_character`), so
    a corpus search compiles it once instead of one :class:`PinyinText` per
    document; its matches in a text are those of that text's ``PinyinText``.
    """
    return _every_character().pattern(query)


@cache
def _every_character() -> PinyinText:
    from kbtui.lookup.readings import char_readings  # deferred, as in PinyinText

    return PinyinText("".join(char_readings()))


class PinyinText:
    """One text's Han characters grouped by reading, to find pinyin queries in it.

    Build one per text and keep it while the text is unchanged: building
    looks at each distinct character once (a 1 MB text: see
    ``bench/lookup.py``), each query then costs one regular-expression scan.
    """

    def __init__(self, text: str) -> None:
        # Deferred: pypinyin's import (0.3 s) is paid by the first search, not at start-up.
        from kbtui.lookup.readings import char_readings

        self.text = text
        readings = char_readings()
        by_syllable: dict[str, list[str]] = {}
        for ch in set(text):
            for syllable in readings.get(ch, ()):
                by_syllable.setdefault(syllable, []).append(ch)
        self._classes = {
            syllable: "[" + "".join(map(re.escape, sorted(chars))) + "]"
            for syllable, chars in by_syllable.items()
        }

    def pattern(self, query: str) -> re.Pattern[str] | None:
        """The expression matching ``query`` in this text, or None if nothing can match."""
        alternatives = [
            "".join(self._classes[syllable] for syllable in reading)
            for reading in pinyin_readings(query)
            if all(syllable in self._classes for syllable in reading)
        ]
        return re.compile("|".join(alternatives)) if alternatives else None

    def find(self, query: str) -> list[tuple[int, int]]:
        """``(start, end)`` offsets of each match of ``query``, left to right, none overlapping."""
        pattern = self.pattern(query)
        if pattern is None:
            return []
        return [match.span() for match in pattern.finditer(self.text)]
