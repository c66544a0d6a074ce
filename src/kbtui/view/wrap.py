"""The reader's layout core: line wrapping in terminal cells, and row bookkeeping.

The reader shows a view text wrapped to the window width. Three facts shape
this module:

* CJK characters take two cells, combining marks none, so widths come from
  Rich's own cell table (the one Textual paints with); anything else would let
  a row overflow or leave a gap.
* Chinese typography forbids a row that starts with closing punctuation
  (，。」…) or ends with opening punctuation (「（…); the rule (kinsoku) moves a
  character down to the next row instead of letting the row overflow.
* A 5 MB view has ~50,000 lines, too many to wrap when a document opens. The
  reader wraps lazily, so it needs a row index that works with estimated line
  heights and is cheap to correct (:class:`RowIndex`), and a way to find the
  styled ranges that touch one line (:class:`RangeIndex`).

Nothing here imports Textual, so all of it is tested without a terminal.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import accumulate, repeat
from operator import add, floordiv, mul
from typing import Generic, TypeVar

from rich.cells import get_character_cell_size, split_graphemes

from kbtui.view.sanitize import sanitize

CLOSING = frozenset("，。、！？；：」』）》〉】〕］｝〗〙〞”’…‥・,.!?;:)]}％")
"""Characters a row must not start with (they close or follow what precedes)."""

OPENING = frozenset("「『（《〈【〔［｛〖〘〝“‘([{")
"""Characters a row must not end with (they open what follows)."""

MAX_SEGMENT = 2000
"""Longest run of text wrapped as one unit.

A logical line longer than this is cut into segments (at a space or a CJK
boundary where possible), so one enormous line (a minified or unbroken
paragraph) costs no more to show than many short ones."""

_SOFT_AFTER = frozenset(" -/–—")
"""Latin break opportunities: after a space, a hyphen or dash, a slash."""


class _Widths(dict[str, int]):
    """Per-character cell widths, filled from Rich's table on first use."""

    def __missing__(self, char: str) -> int:
        width = get_character_cell_size(char)
        self[char] = width
        return width


_WIDTHS = _Widths()


def cell_widths(text: str) -> list[int]:
    """Cells taken by each character of ``text``, as Rich measures the whole string.

    A grapheme (an emoji joined with ZWJ, a character with a variation
    selector, a base with combining marks) puts its width on its first
    character and zero on the rest, so a zero marks a place where a row must
    not break.
    """
    if "\u200d" not in text and "\ufe0f" not in text:
        return list(map(_WIDTHS.__getitem__, text))
    widths = [0] * len(text)
    spans, _total = split_graphemes(text)
    for start, _end, cells in spans:
        widths[start] = cells
    return widths


@dataclass(frozen=True, slots=True)
class LineLayout:
    """One logical line wrapped to a width: its display text and row starts.

    ``prefix[i]`` is the number of cells before character ``i`` (length
    ``len(text) + 1``), or ``None`` when every character takes one cell, which
    saves the list for ASCII lines.
    """

    text: str
    starts: tuple[int, ...]
    prefix: list[int] | None

    @property
    def rows(self) -> int:
        """Number of visual rows (at least one, even for an empty line)."""
        return len(self.starts)

    def row_of(self, offset: int) -> int:
        """The row holding character ``offset`` (the line end is on the last row)."""
        return bisect_right(self.starts, offset) - 1

    def row_span(self, row: int) -> tuple[int, int]:
        """Character range ``[start, end)`` of ``row``."""
        end = self.starts[row + 1] if row + 1 < len(self.starts) else len(self.text)
        return self.starts[row], end

    def cells(self, start: int, end: int) -> int:
        """Cells taken by characters ``[start, end)``."""
        if self.prefix is None:
            return end - start
        return self.prefix[end] - self.prefix[start]

    def column_of(self, offset: int) -> int:
        """Cell column of character ``offset`` within its row."""
        return self.cells(self.starts[self.row_of(offset)], offset)

    def offset_at(self, row: int, column: int) -> int:
        """The character of ``row`` that covers cell ``column``.

        A column past the row's text gives the row's end, which the caller
        clamps (on the last row it is the line end, where a cursor may stand).
        """
        start, end = self.row_span(row)
        column = max(column, 0)
        if self.prefix is None:
            return min(start + column, end)
        target = self.prefix[start] + column
        return min(bisect_right(self.prefix, target, start, end + 1) - 1, end)

    def unit_end(self, offset: int) -> int:
        """End of the grapheme starting at ``offset`` (skips zero-width followers)."""
        end = offset + 1
        if self.prefix is None:
            return min(end, len(self.text))
        prefix = self.prefix
        while end < len(self.text) and prefix[end + 1] == prefix[end]:
            end += 1
        return min(end, len(self.text))

    def is_continuation(self, offset: int) -> bool:
        """Whether ``offset`` is a zero-width part of the grapheme before it."""
        if self.prefix is None or not 0 < offset < len(self.text):
            return False
        return self.prefix[offset + 1] == self.prefix[offset]


def layout_line(text: str, width: int) -> LineLayout:
    """Wrap one logical line (no ``\\n``) into rows of at most ``width`` cells.

    The text is sanitised first (:func:`kbtui.view.sanitize.sanitize`), so the layout's text
    is what is painted and its widths are the painted widths.
    """
    text = sanitize(text)
    width = max(width, 1)
    if text.isascii():
        if len(text) <= width:
            return LineLayout(text, (0,), None)
        return LineLayout(text, tuple(_wrap(text, width, None, None)), None)
    widths = cell_widths(text)
    prefix = list(accumulate(widths, initial=0))
    if prefix[-1] <= width:
        return LineLayout(text, (0,), prefix)
    return LineLayout(text, tuple(_wrap(text, width, widths, prefix)), prefix)


def wrap_line(text: str, width: int) -> list[int]:
    """Offsets where each visual row of ``text`` starts (the first is 0).

    Rows concatenate to the line and fit ``width`` cells (a single character
    wider than ``width`` gets a row of its own). Latin text breaks after
    spaces, a word longer than a row breaks anywhere, CJK text breaks between
    any two characters, and no row starts with closing punctuation or ends
    with opening punctuation when another break fits.
    """
    return list(layout_line(text, width).starts)


def row_count(text: str, width: int) -> int:
    """Number of rows :func:`wrap_line` gives, with shortcuts for lines that fit."""
    if len(text) <= width // 2 or (len(text) <= width and text.isascii()):
        return 1
    return layout_line(text, width).rows


def _wrap(text: str, width: int, widths: list[int] | None, prefix: list[int] | None) -> list[int]:
    starts = [0]
    n = len(text)
    start = 0
    while True:
        if prefix is None:
            end = start + width
        else:
            end = bisect_right(prefix, prefix[start] + width, start) - 1
        if end >= n:
            return starts
        if end <= start:  # one character wider than the row: it gets the row alone
            end = start + 1
            while end < n and widths is not None and widths[end] == 0:
                end += 1
            if end >= n:
                return starts
        else:
            end = _choose_break(text, widths, start, end)
        starts.append(end)
        start = end


def _choose_break(text: str, widths: list[int] | None, start: int, end: int) -> int:
    """Best break in ``(start, end]``: a soft break, else any allowed one, else ``end``."""
    for i in range(end, start, -1):
        if _allowed(text, widths, i) and _soft(text, widths, i):
            return i
    for i in range(end, start, -1):
        if _allowed(text, widths, i):
            return i
    return end


def _allowed(text: str, widths: list[int] | None, i: int) -> bool:
    """A row may start at ``i``: not mid-grapheme, and kinsoku is respected."""
    if widths is not None and widths[i] == 0:
        return False
    return text[i] not in CLOSING and text[i - 1] not in OPENING


def _soft(text: str, widths: list[int] | None, i: int) -> bool:
    """``i`` is a natural break: after a space or dash, or next to a CJK character."""
    char = text[i]
    if char == " ":
        return False
    if text[i - 1] in _SOFT_AFTER:
        return True
    return widths is not None and (widths[i] == 2 or widths[i - 1] == 2)


def split_segments(text: str, max_len: int = MAX_SEGMENT) -> tuple[list[int], list[int]]:
    """Cut a view text into segments: its lines, with long lines cut further.

    Returns ``(starts, ends)``: segment ``i`` is ``text[starts[i]:ends[i]]``.
    A segment that ends a line has ``ends[i]`` at its ``\\n`` (or the text end),
    so ``ends[i] < starts[i + 1]``; a segment cut from a long line ends where
    the next begins. A final ``\\n`` does not start an empty last line.
    """
    lines = text.split("\n")
    if len(lines) > 1 and lines[-1] == "":
        lines.pop()
    lengths = list(map(len, lines))  # lists: built by C-level maps, faster than arrays
    starts = list(accumulate(map((1).__add__, lengths), initial=0))
    starts.pop()
    ends = list(map(add, starts, lengths))
    if max(lengths, default=0) <= max_len:
        return starts, ends
    return _cut_long(text, starts, ends, max_len)


def _cut_long(
    text: str, starts: list[int], ends: list[int], max_len: int
) -> tuple[list[int], list[int]]:
    new_starts: list[int] = []
    new_ends: list[int] = []
    for start, end in zip(starts, ends, strict=True):
        while end - start > max_len:
            cut = _segment_cut(text, start, start + max_len)
            new_starts.append(start)
            new_ends.append(cut)
            start = cut
        new_starts.append(start)
        new_ends.append(end)
    return new_starts, new_ends


def _segment_cut(text: str, start: int, limit: int) -> int:
    """A cut near ``limit`` after a space or punctuation, not inside a grapheme."""
    floor = max(start + 1, limit - 200)
    for i in range(limit, floor, -1):
        prev = text[i - 1]
        if (prev == " " or prev in CLOSING) and _cuttable(text[i]):
            return i
    for i in range(limit, start, -1):
        if _cuttable(text[i]):
            return i
    return limit


def _cuttable(char: str) -> bool:
    return char not in CLOSING and char not in "\u200d\ufe0f" and _WIDTHS[char] != 0


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
