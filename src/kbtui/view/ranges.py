"""Styled ranges of a view, found by the line they touch.

The reader paints one line at a time, and each line needs the spans,
highlights, mentions and find matches that overlap it: out of possibly tens
of thousands over a 5 MB document. :class:`RangeIndex` answers that without
looking at the others. Apart from the wrapping and the row index because it
knows nothing of rows or cells, only of offsets.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Iterable
from typing import Generic, TypeVar

T = TypeVar("T")


class RangeIndex(Generic[T]):
    """Ranges ``[start, end)`` with a payload, queried by overlap with a window.

    Ranges are grouped by length class (powers of two) and sorted by start
    within a class, so a query only looks at ranges that start at most one
    class length before the window: the ranges that touch a visible line, not
    every range of a 5 MB document. Empty ranges are dropped (nothing shows).
    """

    def __init__(self, ranges: Iterable[tuple[int, int, T]]) -> None:
        self._items = [(s, e, p) for s, e, p in ranges if e > s]
        buckets: dict[int, list[tuple[int, int]]] = {}
        for index, (start, end, _payload) in enumerate(self._items):
            buckets.setdefault((end - start).bit_length(), []).append((start, index))
        self._buckets = []
        for bits, entries in sorted(buckets.items()):
            entries.sort()
            starts = array("q", (s for s, _ in entries))
            self._buckets.append((1 << bits, starts, [i for _, i in entries]))

    def __len__(self) -> int:
        return len(self._items)

    def __bool__(self) -> bool:
        return bool(self._items)

    def overlapping(self, start: int, end: int) -> list[tuple[int, int, T]]:
        """Ranges that share a character with ``[start, end)``, in the order given."""
        found: list[int] = []
        items = self._items
        for longest, starts, indices in self._buckets:
            lo = bisect_left(starts, start - longest + 1)
            hi = bisect_left(starts, end)
            found.extend(i for i in indices[lo:hi] if items[i][1] > start)
        found.sort()
        return [items[i] for i in found]
