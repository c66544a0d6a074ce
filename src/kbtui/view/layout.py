"""A view text laid out in rows for the reader: lazily, exact where it is looked at.

The reader shows a whole document as a column of visual rows, but a 5 MB view
has ~50,000 lines, too many to wrap when it opens. :class:`TextLayout` cuts
the text into segments (:func:`kbtui.view.wrap.split_segments`), gives each an
*estimated* height at once, and wraps a segment exactly the first time
anything asks where its rows are. Every question it answers (which text is on
row ``y``, which row holds offset ``p``, where is the cursor one row down) is
answered from exact segments, so the answers agree with what is painted.

When an exact height differs from its estimate, the rows of every later
segment move. The layout reports each correction to ``on_correct`` so the
widget can keep its window still (a correction above the window shifts the
scroll position by the same amount).

No Textual here: the layout is tested, and benchmarked, without a terminal.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from itertools import repeat
from operator import sub
from typing import TypeVar

from kbtui.view.rows import RowIndex, cells_per_char, estimate_rows
from kbtui.view.wrap import LineLayout, layout_line, row_count, split_segments

CACHE_SIZE = 1024
"""Wrapped segments kept; a few screens' worth (a bigger cache only feeds the GC)."""

Correction = Callable[[int, int], None]
"""Called with a segment and its height change when an estimate is corrected."""


T = TypeVar("T")


def shared(a: Sequence[T], b: Sequence[T], *, backwards: bool = False) -> int:
    """Length of the longest common prefix (or suffix) of two strings or lists.

    Halves compared by C-level slice equality: the slices copied add up to
    about the length of the shorter one, against a Python step per item.
    """
    lo, hi = 0, min(len(a), len(b))
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if backwards:
            same = a[len(a) - mid : len(a) - lo] == b[len(b) - mid : len(b) - lo]
        else:
            same = a[lo:mid] == b[lo:mid]
        lo, hi = (mid, hi) if same else (lo, mid - 1)
    return lo


def _from(offsets: list[int], end: int) -> list[int]:
    """``offsets`` counted from ``end`` (negative), in C-level maps."""
    return list(map(sub, offsets, repeat(end)))


class TextLayout:
    """Rows of a view text at one wrap width, with estimated heights made exact on use."""

    def __init__(self, text: str, width: int = 0, on_correct: Correction | None = None) -> None:
        self.text = text
        """The view text (``\\n`` separated)."""
        self.starts, self.ends = split_segments(text)
        """Segment ``i`` is ``text[starts[i]:ends[i]]``."""
        self._lengths = list(map(sub, self.ends, self.starts))
        self._cells_per_char = cells_per_char(text)
        self._cache: OrderedDict[int, LineLayout] = OrderedDict()
        self.on_correct = on_correct
        self.width = 0
        """Cells per row (0 until :meth:`rewrap`)."""
        self.index = RowIndex([1] * len(self.starts))
        self.exact = bytearray(len(self.starts))
        if width > 0:
            self.rewrap(width)

    # ------------------------------------------------------------------ layout

    def rewrap(self, width: int) -> None:
        """Lay out for ``width`` cells: every height estimated again, nothing wrapped yet."""
        self.width = max(width, 1)
        self.index = RowIndex(estimate_rows(self._lengths, self._cells_per_char, self.width))
        self.exact = bytearray(len(self._lengths))
        self._cache.clear()

    def adopt(self, old: TextLayout) -> None:
        """Take the exact heights ``old`` knows for segments of the same text.

        A script switch first shows a view converted around the cursor only
        (a 50 MB line's 20,000 characters), then the whole one; the segments
        before and after the converted part are the old view's, so their rows
        need not be counted again. Matched from both ends (a conversion that
        changed the length shifts the offsets after it, not the text), by
        C-level comparisons of halves: a few milliseconds for 5 MB.
        """
        if old.width != self.width:
            return
        n, m = self.segments, old.segments
        text = shared(self.text, old.text)
        head = min(
            bisect_right(self.ends, text),
            shared(self.starts, old.starts),
            shared(self.ends, old.ends),
        )
        self._take(old, 0, 0, head)
        size, old_size = len(self.text), len(old.text)
        text = shared(self.text, old.text, backwards=True)
        tail = min(
            min(n, m) - head,
            n - bisect_left(self.starts, size - text),
            shared(_from(self.starts, size), _from(old.starts, old_size), backwards=True),
            shared(_from(self.ends, size), _from(old.ends, old_size), backwards=True),
        )
        self._take(old, n - tail, m - tail, tail)

    def _take(self, old: TextLayout, first: int, old_first: int, count: int) -> None:
        """Heights of ``count`` segments from ``old``'s ``old_first`` on, where they are exact."""
        known = old.exact[old_first : old_first + count]
        if known.count(0) == 0:  # the usual case: the old view's pass had finished
            self.index.copy(old.index, first, old_first, count)
            self.exact[first : first + count] = known
            return
        pairs = [(first + k, old.index.height(old_first + k)) for k in range(count) if known[k]]
        self.index.set_many(pairs)
        for i, _rows in pairs:
            self.exact[i] = 1

    @property
    def segments(self) -> int:
        """Number of segments."""
        return len(self.starts)

    @property
    def total_rows(self) -> int:
        """Rows in the document (estimated until every segment is exact)."""
        return self.index.total

    @property
    def max_offset(self) -> int:
        """The last place a cursor may stand (the end of the last line)."""
        return self.ends[-1]

    def clamp(self, offset: int) -> int:
        """``offset`` within ``[0, max_offset]``."""
        return min(max(offset, 0), self.ends[-1])

    def segment_of(self, offset: int) -> int:
        """The segment holding view ``offset`` (a line end belongs to its line)."""
        return bisect_right(self.starts, offset) - 1

    def ends_line(self, seg: int) -> bool:
        """Whether segment ``seg`` ends its line (so its end is a cursor place)."""
        return seg + 1 >= len(self.starts) or self.ends[seg] < self.starts[seg + 1]

    def line(self, seg: int) -> LineLayout:
        """Segment ``seg`` wrapped exactly, its height corrected if it was estimated."""
        layout = self._cache.get(seg)
        if layout is None:
            layout = layout_line(self.text[self.starts[seg] : self.ends[seg]], self.width)
            self._cache[seg] = layout
            if len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        else:
            self._cache.move_to_end(seg)
        if not self.exact[seg]:
            self.exact[seg] = 1
            self._correct(seg, layout.rows)
        return layout

    def _correct(self, seg: int, rows: int) -> None:
        old = self.index.height(seg)
        if rows != old:
            if self.on_correct is not None:
                self.on_correct(seg, rows - old)
            self.index.set(seg, rows)

    # --------------------------------------------------------------- questions

    def locate(self, row: int) -> tuple[int, int, LineLayout]:
        """Segment, row within it and its layout for document ``row``."""
        seg, sub_row = self.index.locate(row)
        while not self.exact[seg]:
            self.line(seg)
            seg, sub_row = self.index.locate(row)
        return seg, sub_row, self.line(seg)

    def position(self, offset: int) -> tuple[int, LineLayout, int]:
        """Segment, layout and row-in-segment of view ``offset``."""
        seg = self.segment_of(offset)
        layout = self.line(seg)
        return seg, layout, layout.row_of(offset - self.starts[seg])

    def row_of(self, offset: int) -> int:
        """Document row of view ``offset``."""
        seg, _layout, sub_row = self.position(offset)
        return self.index.start(seg) + sub_row

    def row_bounds(self, seg: int, sub_row: int) -> tuple[int, int, bool]:
        """View ``[start, end)`` of a row, and whether its line ends on it."""
        layout = self.line(seg)
        start, end = layout.row_span(sub_row)
        base = self.starts[seg]
        return base + start, base + end, sub_row == layout.rows - 1 and self.ends_line(seg)

    def row_first(self, offset: int) -> int:
        """First place on ``offset``'s visual row."""
        seg, layout, sub_row = self.position(offset)
        return self.starts[seg] + layout.row_span(sub_row)[0]

    def row_last(self, offset: int) -> int:
        """Last place on ``offset``'s visual row: its last character, or the line end."""
        seg, _layout, sub_row = self.position(offset)
        return self._row_limit(seg, sub_row)

    def _row_limit(self, seg: int, sub_row: int) -> int:
        layout = self.line(seg)
        start, end = layout.row_span(sub_row)
        if sub_row == layout.rows - 1 and self.ends_line(seg):
            return self.starts[seg] + end
        last = max(start, end - 1)
        while layout.is_continuation(last) and last > start:
            last -= 1
        return self.starts[seg] + last

    def offset_at(self, seg: int, sub_row: int, column: int) -> int:
        """The place on a row that covers cell ``column`` (or the row's last place)."""
        relative = self.line(seg).offset_at(sub_row, column)
        return min(self.starts[seg] + relative, self._row_limit(seg, sub_row))

    def offset_at_row(self, row: int, column: int) -> int:
        """The place at document ``row`` and cell ``column`` (a click)."""
        seg, sub_row, _layout = self.locate(row)
        return self.offset_at(seg, sub_row, column)

    def column_of(self, offset: int) -> int:
        """Cell column of view ``offset`` on its row."""
        seg, layout, _sub_row = self.position(offset)
        return layout.column_of(offset - self.starts[seg])

    def unit_end(self, offset: int) -> int:
        """End of the character (grapheme) at ``offset``; a line end counts as one."""
        seg, layout, _sub_row = self.position(offset)
        relative = offset - self.starts[seg]
        if relative >= len(layout.text):
            return offset + 1
        return self.starts[seg] + layout.unit_end(relative)

    def next_place(self, offset: int) -> int:
        """The place after ``offset``, one grapheme (or line end) on."""
        return self.clamp(self.unit_end(offset))

    def previous_place(self, offset: int) -> int:
        """The place before ``offset``, never inside a grapheme."""
        offset -= 1
        if offset <= 0:
            return 0
        seg, layout, _sub_row = self.position(offset)
        start = self.starts[seg]
        while offset > start and layout.is_continuation(offset - start):
            offset -= 1
        return offset

    def rows_away(self, offset: int, delta: int, column: int) -> int:
        """The place ``delta`` visual rows from ``offset``'s row, at cell ``column``."""
        seg, _layout, sub_row = self.position(offset)
        seg, sub_row = self._step_rows(seg, sub_row, delta)
        return self.offset_at(seg, sub_row, column)

    def _step_rows(self, seg: int, sub_row: int, delta: int) -> tuple[int, int]:
        last = len(self.starts) - 1
        while delta > 0:
            rows = self.line(seg).rows
            if sub_row + delta < rows or seg == last:
                return seg, min(sub_row + delta, rows - 1)
            delta -= rows - sub_row
            seg, sub_row = seg + 1, 0
        while delta < 0:
            if sub_row + delta >= 0 or seg == 0:
                return seg, max(sub_row + delta, 0)
            delta += sub_row + 1
            seg -= 1
            sub_row = self.line(seg).rows - 1
        return seg, sub_row

    def prepare(self, offset: int, rows: int) -> None:
        """Wrap exactly every line within ``rows`` rows above and below ``offset``.

        Done before scrolling to a far place: scrolling to rows whose heights
        are only estimated would put the cursor somewhere else once they are
        painted.
        """
        seg, layout, sub_row = self.position(offset)
        seen, i = sub_row, seg - 1
        while i >= 0 and seen < rows:
            seen += self.line(i).rows
            i -= 1
        seen, i = layout.rows - 1 - sub_row, seg + 1
        while i < len(self.starts) and seen < rows:
            seen += self.line(i).rows
            i += 1

    # -------------------------------------------------------- background pass

    def measure(self, heights: array[int], deadline: float, clock: Callable[[], float]) -> None:
        """Append exact heights of the next segments to ``heights`` until ``deadline``.

        The background pass calls this slice after slice, then hands the
        result to :meth:`settle`; nothing changes in between, so the window
        does not move while the pass runs.
        """
        text, width = self.text, self.width
        starts, ends, count = self.starts, self.ends, len(self.starts)
        seg = len(heights)
        index, exact = self.index, self.exact
        while seg < count:
            if exact[seg]:  # adopted, or wrapped for the window: known
                heights.append(index.height(seg))
                seg += 1
                continue
            # a segment is a short line or at most MAX_SEGMENT characters (well under a
            # millisecond), so the clock is read after each: a 50 MB line's segments are
            # many costly ones in a row, and a batch of them held the event loop for ~100 ms
            heights.append(row_count(text[starts[seg] : ends[seg]], width))
            seg += 1
            if clock() >= deadline:
                return

    def settle(self, heights: Iterable[int], top_row: int) -> int:
        """Make every segment exact from measured ``heights``; returns the scroll shift.

        The shift is the change in rows above ``top_row``, so the window can
        stay on the same text. Segments made exact meanwhile are left alone.
        """
        index, exact = self.index, self.exact
        updates = [(i, rows) for i, rows in enumerate(heights) if not exact[i]]
        shift = sum(rows - index.height(i) for i, rows in updates if index.start(i + 1) <= top_row)
        for i, _rows in updates:
            exact[i] = 1
        index.set_many(updates)
        return shift
