"""Offset maps between a view of a text and the text it was made from.

Every text the user sees (the rendered reading text, a script-converted view)
is a *view* of a document's source text. Annotations and mentions are stored
in source offsets, so each view carries an :class:`OffsetMap` that translates
positions and ranges both ways.

A map is a sequence of segments that partition both texts in order, so the
map is monotone: view order is source order. A segment is either

* *aligned*: view and source spans have equal length and character ``i`` of
  one corresponds to character ``i`` of the other (copied text, or a
  same-length script conversion such as 软件 → 軟體), or
* a *block*: the spans correspond only as wholes (a Markdown marker that was
  dropped, ``![alt](url)`` shown as ``[image: alt]``, 信息 → 資訊 when the
  lengths differ). Either side of a block may be empty.

Only segment starts are stored (two integer arrays and a flag array), because
the end of one segment is the start of the next; a plain text without markup
is a single segment whatever its size.
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Segment:
    """One segment of a map, as a caller sees it (for inspection and tests)."""

    view_start: int
    view_end: int
    source_start: int
    source_end: int
    aligned: bool


class OffsetMapBuilder:
    """Builds an :class:`OffsetMap` piece by piece, in view order.

    Callers describe each piece of view text they emit by its view length and
    the source length it stands for; positions are running sums, so pieces
    must be given in order and must together cover both texts.
    """

    def __init__(self) -> None:
        self._view_starts = array("q")
        self._source_starts = array("q")
        self._aligned = bytearray()
        self._view_pos = 0
        self._source_pos = 0

    @property
    def view_pos(self) -> int:
        """View length emitted so far."""
        return self._view_pos

    @property
    def source_pos(self) -> int:
        """Source length consumed so far."""
        return self._source_pos

    def aligned(self, length: int) -> None:
        """Add ``length`` characters that correspond one to one."""
        if length <= 0:
            return
        if self._aligned and self._aligned[-1]:
            self._view_pos += length
            self._source_pos += length
            return
        self._push(True)
        self._view_pos += length
        self._source_pos += length

    def block(self, view_len: int, source_len: int) -> None:
        """Add a piece that corresponds only as a whole (either side may be empty)."""
        if view_len < 0 or source_len < 0:
            raise ValueError("lengths must not be negative")
        if view_len == 0 and source_len == 0:
            return
        if view_len == source_len and view_len == 1:
            self.aligned(1)
            return
        self._push(False)
        self._view_pos += view_len
        self._source_pos += source_len

    def piece(self, view_len: int, source_len: int) -> None:
        """Add a piece of a conversion: aligned when lengths match, else a block."""
        if view_len == source_len:
            self.aligned(view_len)
        else:
            self.block(view_len, source_len)

    def _push(self, aligned: bool) -> None:
        self._view_starts.append(self._view_pos)
        self._source_starts.append(self._source_pos)
        self._aligned.append(aligned)

    def build(self) -> OffsetMap:
        """Finish the map; the builder must not be used afterwards."""
        return OffsetMap(
            self._view_starts,
            self._source_starts,
            bytes(self._aligned),
            self._view_pos,
            self._source_pos,
        )


@dataclass(frozen=True, slots=True, eq=False)
class OffsetMap:
    """A monotone map between view offsets and source offsets (see module doc)."""

    _view_starts: array[int] = field(repr=False)
    _source_starts: array[int] = field(repr=False)
    _aligned: bytes = field(repr=False)
    view_len: int
    source_len: int

    @classmethod
    def identity(cls, length: int) -> OffsetMap:
        """The map of a view that is its source unchanged."""
        builder = OffsetMapBuilder()
        builder.aligned(length)
        return builder.build()

    def __len__(self) -> int:
        return len(self._aligned)

    def segments(self) -> list[Segment]:
        """All segments in order (for tests and debugging; O(n))."""
        return [self._segment(i) for i in range(len(self._aligned))]

    def _segment(self, i: int) -> Segment:
        last = i + 1 >= len(self._aligned)
        return Segment(
            self._view_starts[i],
            self.view_len if last else self._view_starts[i + 1],
            self._source_starts[i],
            self.source_len if last else self._source_starts[i + 1],
            bool(self._aligned[i]),
        )

    def _view_segment(self, char: int) -> Segment:
        return self._segment(bisect_right(self._view_starts, char) - 1)

    def _source_segment(self, char: int) -> Segment:
        return self._segment(bisect_right(self._source_starts, char) - 1)

    def to_source(self, view_pos: int) -> int:
        """Source offset of a caret at ``view_pos`` (start of a block inside one)."""
        view_pos = min(max(view_pos, 0), self.view_len)
        if view_pos == self.view_len:
            return self.source_len
        seg = self._view_segment(view_pos)
        if seg.aligned:
            return seg.source_start + view_pos - seg.view_start
        return seg.source_start

    def to_view(self, source_pos: int) -> int:
        """View offset of a caret at ``source_pos`` (start of a block inside one)."""
        source_pos = min(max(source_pos, 0), self.source_len)
        if source_pos == self.source_len:
            return self.view_len
        seg = self._source_segment(source_pos)
        if seg.aligned:
            return seg.view_start + source_pos - seg.source_start
        return seg.view_start

    def range_to_source(self, start: int, end: int) -> tuple[int, int]:
        """The smallest source range whose characters cover view ``[start, end)``.

        A range that touches part of a block takes the whole block. An empty
        range maps to an empty range at :meth:`to_source`.
        """
        start = min(max(start, 0), self.view_len)
        end = min(max(end, start), self.view_len)
        if start == end:
            pos = self.to_source(start)
            return pos, pos
        first = self._view_segment(start)
        last = self._view_segment(end - 1)
        s = first.source_start + (start - first.view_start if first.aligned else 0)
        e = last.source_start + (end - last.view_start) if last.aligned else last.source_end
        return s, e

    def range_to_view(self, start: int, end: int) -> tuple[int, int]:
        """The smallest view range whose characters cover source ``[start, end)``.

        Source text that has no view (dropped markup) maps to an empty range
        where it stood.
        """
        start = min(max(start, 0), self.source_len)
        end = min(max(end, start), self.source_len)
        if start == end:
            pos = self.to_view(start)
            return pos, pos
        first = self._source_segment(start)
        last = self._source_segment(end - 1)
        s = first.view_start + (start - first.source_start if first.aligned else 0)
        e = last.view_start + (end - last.source_start) if last.aligned else last.view_end
        return s, max(s, e)

    def then(self, inner: OffsetMap) -> OffsetMap:
        """Compose: ``self`` maps view→mid and ``inner`` maps mid→source.

        The result maps the outer view straight to the inner source. Blocks of
        either map become blocks of the result; a block of ``inner`` that spans
        several of ``self``'s segments absorbs them.
        """
        if self.source_len != inner.view_len:
            raise ValueError("maps do not meet: outer source length differs from inner view")
        pieces: list[list[int]] = []  # [view_start, view_end, source_start, source_end, aligned]

        def emit(vs: int, ve: int, ss: int, se: int, aligned: bool) -> None:
            if pieces and ss < pieces[-1][3]:
                last = pieces[-1]
                last[1], last[3], last[4] = ve, max(se, last[3]), 0
                return
            pieces.append([vs, ve, ss, se, int(aligned)])

        for seg in self.segments():
            if not seg.aligned:
                ss, se = inner.range_to_source(seg.source_start, seg.source_end)
                emit(seg.view_start, seg.view_end, ss, se, False)
                continue
            mid = seg.source_start
            while mid < seg.source_end:
                inner_seg = inner._view_segment(mid)
                cut = min(inner_seg.view_end, seg.source_end)
                vs = seg.view_start + mid - seg.source_start
                ve = seg.view_start + cut - seg.source_start
                if inner_seg.aligned:
                    ss = inner_seg.source_start + mid - inner_seg.view_start
                    emit(vs, ve, ss, ss + cut - mid, True)
                else:
                    emit(vs, ve, inner_seg.source_start, inner_seg.source_end, False)
                mid = cut
        builder = OffsetMapBuilder()
        cursor = 0
        for vs, ve, ss, se, aligned in pieces:
            if ss > cursor:  # inner source no outer view reaches (dropped by inner)
                builder.block(0, ss - cursor)
            if aligned:
                builder.aligned(ve - vs)
            else:
                builder.block(ve - vs, se - ss)
            cursor = max(cursor, se)
        if cursor < inner.source_len:
            builder.block(0, inner.source_len - cursor)
        return builder.build()
