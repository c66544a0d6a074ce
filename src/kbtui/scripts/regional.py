"""Regional variants of a search query: one word as the mainland, Taiwan and Hong Kong write it.

The fold (:func:`kbtui.scripts.hanzi.fold`) makes search script-insensitive
character by character, but regional vocabulary differs by whole words
(软件 / 軟體, 鼠标 / 滑鼠, 内存 / 記憶體), which no one-to-one fold can match.
:func:`regional_variants` turns a query into those other words through
OpenCC 1.4's regional phrase tables (``TWPhrases`` and ``TWPhrasesRev`` for
Taiwan, ``HKPhrases`` and ``HKPhrasesRev`` for Hong Kong), so search can look
for each and show which one it found. It always uses OpenCC 1.4's data,
whatever backend the views use: this is matching, not what the reader sees.
"""

from __future__ import annotations

from kbtui.scripts.engine import get_converter
from kbtui.scripts.hanzi import fold
from kbtui.scripts.kana import count_han

TAIWAN, HONG_KONG, MAINLAND = "Taiwan", "Hong Kong", "Mainland"
"""The labels :func:`regional_variants` gives."""

_ROUTES = (
    (("s2twp",), TAIWAN),
    (("s2hkp",), HONG_KONG),
    (("s2tw", "tw2sp"), MAINLAND),
    (("s2hk", "hk2sp"), MAINLAND),
)
"""From the query in Simplified: Taiwan's and Hong Kong's words, and the mainland's
word for a Taiwan or Hong Kong one (its characters put in that region's forms first)."""


def regional_variants(query: str) -> list[tuple[str, str]]:
    """The other regions' words for ``query``: ``(variant text, label)`` pairs.

    ``软件`` gives ``[("軟體", "Taiwan")]``, ``滑鼠`` gives ``[("鼠标",
    "Mainland")]`` and ``光标`` ``[("游標", "Taiwan, Hong Kong")]``. A variant
    that folds to the same text as the query is left out (search finds it
    already), and one that folds as an earlier variant adds its label to it,
    so a query without regional vocabulary gives an empty list. A query
    without Chinese characters gives one at once, loading no dictionary.
    """
    if not count_han(query):
        return []
    simplified = _convert(query, ("t2s",))
    found: dict[str, tuple[str, list[str]]] = {fold(query): (query, [])}
    for chain, label in _ROUTES:
        variant = _convert(simplified, chain)
        text, labels = found.setdefault(fold(variant), (variant, []))
        if text is not query and label not in labels:
            labels.append(label)
    return [(text, ", ".join(labels)) for text, labels in found.values() if labels]


def _convert(text: str, chain: tuple[str, ...]) -> str:
    for name in chain:
        text = get_converter(name).convert(text)[0]
    return text
