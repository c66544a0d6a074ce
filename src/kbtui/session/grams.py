"""Which rows hold each short run of characters (a gram): the document list's filter index.

A filter word of one or two characters is then a look-up, and a longer one is
tested only on the rows holding each of its grams. Three-character grams are
kept only where many rows hold them (:data:`DENSE`): those are the words whose
rows a per-row test would have to check nearly all of (``doc`` in every id).
"""

from __future__ import annotations

from array import array
from bisect import insort
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import partial
from operator import add

from kbtui.session.rowsets import Positions, mask_of

Grams = dict[str, "int | Positions"]
"""The positions of the rows holding each gram: a mask, or an array for the few."""


def gram_index(
    texts: Sequence[str], grams_of: Callable[[str], set[str]], cancelled: Callable[[], bool]
) -> Grams | None:
    """The positions of the ``texts`` holding each gram (of ``grams_of`` a text): as a
    mask for the grams many hold (no more memory than their positions), else as an
    array; three-character grams only if many hold them. None if ``cancelled()``
    (asked every 4,096 texts)."""
    # arrays from the start: the collector runs many times while this fills
    # them (on the UI thread too), and would walk lists of every position
    found: defaultdict[str, Positions] = defaultdict(partial(array, "i"))
    for i, text in enumerate(texts):
        if not i & 4095 and cancelled():
            return None
        for gram in grams_of(text):
            found[gram].append(i)
    dense = len(texts) // DENSE
    return {
        gram: mask_of(p) if len(p) > dense else p
        for gram, p in found.items()
        if len(gram) < 3 or len(p) > dense
    }


def pairs_and_triples(text: str) -> set[str]:
    """The pairs and the runs of three characters of ``text``."""
    pairs = list(map(add, text, text[1:]))
    return {*pairs, *triples(text, pairs)}


def triples(text: str, pairs: Iterable[str] | None = None) -> Iterator[str]:
    """The runs of three characters of ``text``, in order (``pairs``: its pairs, if made)."""
    return map(add, map(add, text, text[1:]) if pairs is None else pairs, text[2:])


def without(rows: int | Positions, place: int) -> int | Positions:
    """``rows`` less ``place`` (an array is changed in place)."""
    if isinstance(rows, int):
        return rows & ~(1 << place)
    rows.remove(place)
    return rows


def with_(rows: int | Positions | None, place: int) -> int | Positions:
    """``rows`` and ``place`` (an array is changed in place)."""
    if rows is None:
        return array("i", [place])
    if isinstance(rows, int):
        return rows | 1 << place
    insort(rows, place)
    return rows


DENSE = 32
"""A gram held by more than 1/32 of the rows is kept as a mask (of a bit a row), not
as positions (of 32 bits each); a three-character one is kept only then."""
