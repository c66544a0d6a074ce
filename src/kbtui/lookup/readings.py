"""What kbtui takes from pypinyin: readings of characters and phrases, and syllable forms.

Importing this module imports pypinyin, which loads all of its data (about
0.3 s here). Only two things do: building the dictionary cache (once) and
pinyin search (the first search of a process). A look-up never does.
"""

from __future__ import annotations

import re
from functools import cache

from pypinyin import Style, lazy_pinyin
from pypinyin.contrib.tone_convert import to_normal, to_tone
from pypinyin.pinyin_dict import pinyin_dict
from pypinyin.style import convert

from kbtui.lookup.syllables import NEUTRAL, normalise

INTERJECTIONS = frozenset({"m", "n", "ng", "hm", "hng", "ê", "r"})
"""Syllables pypinyin knows that no query means: with them almost any Latin
string (``mn``, ``nm``) would read as pinyin."""


def phrase_reading(word: str) -> str:
    """pypinyin's numbered reading of ``word``, from its phrase data (``重庆`` → ``chong2 qing4``).

    Neutral tones as 5 and ü as ``ü``, the way the cache stores CC-CEDICT's
    readings, so the two compare as strings.
    """
    tones = lazy_pinyin(word, style=Style.TONE3, neutral_tone_with_five=True, v_to_u=True)
    return normalise(" ".join(tones))


def tone_marked(numbered: str) -> str:
    """``lü4`` → ``lǜ``, ``de5`` → ``de``."""
    return str(to_tone(numbered.replace("ü", "v")))


def zhuyin(numbered: str) -> str:
    """``an1`` → ``ㄢ``, ``de5`` → ``˙ㄉㄜ``, ``r5`` → ``˙ㄦ``.

    pypinyin leaves a neutral tone's 5 in and writes its dot last; Taiwan
    (the MOE dictionary) writes the dot first.
    """
    symbols = re.sub(r"\d", "", str(convert(numbered.replace("ü", "v"), Style.BOPOMOFO, True)))
    if numbered.endswith(str(NEUTRAL)) and symbols.endswith("˙"):
        symbols = "˙" + symbols[:-1]
    return symbols


@cache
def char_readings() -> dict[str, tuple[str, ...]]:
    """Every character pypinyin knows, with its readings without tones (heteronyms too).

    Read straight from pypinyin's character table (41,923 characters, about
    0.1 s) rather than one ``pinyin()`` call per character, which is ten
    times slower for a whole text; ü is spelled ``v``, as a query types it.
    """
    toneless = cache(lambda marked: str(to_normal(marked)))
    table: dict[str, tuple[str, ...]] = {}
    for code, readings in pinyin_dict.items():
        table[chr(code)] = tuple(dict.fromkeys(toneless(r) for r in readings.split(",")))
    return table


@cache
def all_syllables() -> frozenset[str]:
    """Every toneless syllable some character reads as (``v`` for ü)."""
    return frozenset(r for rs in char_readings().values() for r in rs)


@cache
def known_syllables() -> frozenset[str]:
    """The syllables a query may be made of: :func:`all_syllables` but the interjections."""
    return all_syllables() - INTERJECTIONS
