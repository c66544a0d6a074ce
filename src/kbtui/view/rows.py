"""Row bookkeeping for the lazy layout: estimated heights, and rows <-> segments.

A 5 MB view has ~50,000 lines, too many to wrap when a document opens, so
:class:`kbtui.view.layout.TextLayout` starts from *estimated* segment heights
(:func:`estimate_rows`, from :func:`cells_per_char`) and corrects each one the
first time the segment is wrapped. :class:`RowIndex` holds those heights and
answers "which segment holds row ``y``" and "where does segment ``i`` start"
while they change. Apart from :mod:`kbtui.view.wrap` because none of it wraps
anything: it is arithmetic on row counts.
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections.abc import Iterable
from itertools import accumulate, repeat
from operator import floordiv, mul


def estimate_rows(lengths: Iterable[int], cells_per_char: float, width: int) -> list[int]:
    """Estimated row counts for segments of the given lengths, without wrapping them.

    ``cells_per_char`` is the document's average (about 2 for Chinese, 1 for
    English). A row of CJK text holds an even number of cells and kinsoku
    sometimes shortens it, so the estimate uses a slightly narrower row.
    """
    usable = max(width - 1, 1) if cells_per_char > 1.2 else max(width, 1)
    # length * cells / usable + 1 in integer arithmetic (x1000), all in C-level maps
    scale = round(cells_per_char * 1000)
    cells = map(mul, lengths, repeat(scale))
    return list(map((1).__add__, map(floordiv, cells, repeat(usable * 1000))))


def cells_per_char(text: str) -> float:
    """Average cells per character, assuming non-ASCII characters are mostly CJK.

    Uses the UTF-8 length (CJK takes three bytes, ASCII one), which is a
    C-level pass even on megabytes of text.
    """
    if not text:
        return 1.0
    size = len(text.encode("utf-8", "surrogatepass"))
    wide = (size - len(text)) / 2
    return (len(text) + wide) / len(text)


class RowIndex:
    """Heights of many segments, with fast row <-> segment lookups.

    Heights may be estimates that are corrected later, so updates must be
    cheap as well as lookups. Segments are grouped in blocks; each block keeps
    its sum and the blocks keep running totals, so every operation is a few
    C-level slices and bisects instead of a Python loop over segments.
    """

    BLOCK = 256

    def __init__(self, heights: Iterable[int]) -> None:
        self._heights = array("q", heights)
        size = self.BLOCK
        self._block_sums = array(
            "q", (sum(self._heights[i : i + size]) for i in range(0, len(self._heights), size))
        )
        self._rebuild_totals()

    def _rebuild_totals(self) -> None:
        self._block_starts = array("q", accumulate(self._block_sums, initial=0))
        self._sums_block = -1
        """Block whose running sums ``_sums`` holds (consecutive lookups share it)."""
        self._sums: list[int] = []

    def __len__(self) -> int:
        return len(self._heights)

    @property
    def total(self) -> int:
        """Sum of all heights (rows in the document)."""
        return self._block_starts[-1]

    def height(self, i: int) -> int:
        """Height of segment ``i``."""
        return self._heights[i]

    def set(self, i: int, height: int) -> int:
        """Set segment ``i``'s height; returns the change."""
        delta = height - self._heights[i]
        if delta:
            self._heights[i] = height
            self._block_sums[i // self.BLOCK] += delta
            self._rebuild_totals()
        return delta

    def set_many(self, items: Iterable[tuple[int, int]]) -> None:
        """Set several heights, rebuilding the running totals once."""
        changed = False
        for i, height in items:
            delta = height - self._heights[i]
            if delta:
                self._heights[i] = height
                self._block_sums[i // self.BLOCK] += delta
                changed = True
        if changed:
            self._rebuild_totals()

    def copy(self, other: RowIndex, first: int, other_first: int, count: int) -> None:
        """Take ``count`` heights from ``other``'s ``other_first`` on, from ``first`` on.

        One slice copy, and the sums of only the blocks it touches made again.
        """
        if count <= 0:
            return
        heights, size = self._heights, self.BLOCK
        heights[first : first + count] = other._heights[other_first : other_first + count]
        for block in range(first // size, (first + count - 1) // size + 1):
            self._block_sums[block] = sum(heights[block * size : (block + 1) * size])
        self._rebuild_totals()

    def start(self, i: int) -> int:
        """First row of segment ``i``."""
        block, first = divmod(i, self.BLOCK)
        base = block * self.BLOCK
        return self._block_starts[block] + sum(self._heights[base : base + first])

    def locate(self, row: int) -> tuple[int, int]:
        """The segment holding ``row`` and the row's index within it.

        Rows outside the document are clamped to its first or last row.
        """
        row = min(max(row, 0), max(self.total - 1, 0))
        block = bisect_right(self._block_starts, row) - 1
        block = min(block, len(self._block_sums) - 1)
        base = block * self.BLOCK
        local = row - self._block_starts[block]
        if block != self._sums_block:
            self._sums = list(accumulate(self._heights[base : base + self.BLOCK]))
            self._sums_block = block
        sums = self._sums
        k = min(bisect_right(sums, local), len(sums) - 1)
        return base + k, local - (sums[k - 1] if k else 0)
