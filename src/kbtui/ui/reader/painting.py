"""Painting one row: view styles, overlays, selection and cursor, layered in that order.

Nothing here is a widget. :class:`RowPainter` gets the styles it paints with
from a ``style(component)`` function (the reader's CSS lookup), so it can be
tested with plain Rich styles, and the reader only tells it where the cursor
and the selection are.

Every piece of text becomes a Rich ``Segment`` of plain text: nothing is
parsed as markup.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from itertools import pairwise
from typing import NamedTuple

from rich.segment import Segment
from rich.style import Style
from textual.cache import LRUCache
from textual.strip import Strip

from kbtui.view.layout import TextLayout
from kbtui.view.offsets import OffsetMap
from kbtui.view.ranges import RangeIndex
from kbtui.view.textview import STYLE_NAMES, TextView
from kbtui.view.wrap import LineLayout, hang_text

HIGHLIGHT_COLOURS = ("yellow", "green", "blue", "red", "purple")
"""Colours a highlight may take; ``underline-<colour>`` is the underlined variant."""

HIGHLIGHT_KEYS = (
    *HIGHLIGHT_COLOURS,
    *(f"underline-{c}" for c in HIGHLIGHT_COLOURS),
    "bookmark",
)
"""Every style key :meth:`Overlays.set_highlights` understands (others show as yellow)."""

Range = tuple[int, int]

INFERRED = "reader--mention-inferred"
"""The layer of a mention inferred from context (a bare shared surname,
:mod:`kbtui.entities.coreference`): the mention's underline, dimmed, so a name
the reader guessed reads apart from one the text spells out."""
INFERRED_STYLE = Style(dim=True)


class Layer(NamedTuple):
    """A style over ``[start, end)`` of a row or a segment; later layers win."""

    start: int
    end: int
    style: Style


def styled_segments(text: str, base: Style, layers: Sequence[Layer]) -> list[Segment]:
    """``text`` cut into segments styled ``base`` plus the layers over each piece.

    Layers apply in order, so a later one wins where they overlap (the cursor
    over a selection over a highlight over a heading).
    """
    if not layers:
        return [Segment(text, base)] if text else []
    cuts = sorted({0, len(text), *(s.start for s in layers), *(s.end for s in layers)})
    segments = []
    for start, end in pairwise(cuts):
        if end > len(text):
            break
        style = base
        for layer in layers:
            if layer.start <= start and layer.end >= end:
                style += layer.style
        segments.append(Segment(text[start:end], style))
    return segments


class Overlays:
    """Highlights, entity mentions and find matches, kept in source offsets.

    Source offsets stay valid across a script switch (a new view of the same
    source), so the reader keeps its overlays when only the view changes.
    """

    def __init__(self) -> None:
        self.highlights: RangeIndex[str] = RangeIndex(())
        self.mentions: RangeIndex[bool] = RangeIndex(())
        self.matches: RangeIndex[int] = RangeIndex(())
        self.current_match: int | None = None

    def __bool__(self) -> bool:
        return bool(self.mentions or self.highlights or self.matches)

    def set_highlights(self, highlights: Iterable[tuple[int, int, str]]) -> None:
        """Annotations: source ``(start, end, key)``, key one of :data:`HIGHLIGHT_KEYS`."""
        self.highlights = RangeIndex(highlights)

    def set_mentions(self, mentions: Iterable[Range], inferred: Iterable[Range] = ()) -> None:
        """Entity mentions, as source ranges; ``inferred`` ones are marked apart."""
        marks = [(s, e, False) for s, e in mentions] + [(s, e, True) for s, e in inferred]
        self.mentions = RangeIndex(marks)

    def set_matches(self, matches: Iterable[Range], current: int | None = None) -> None:
        """Find results (source ranges); ``current`` indexes the one to stress."""
        self.matches = RangeIndex((s, e, i) for i, (s, e) in enumerate(matches))
        self.current_match = current

    def clear(self) -> None:
        """No highlights, mentions or matches (another document is shown)."""
        self.highlights = RangeIndex(())
        self.mentions = RangeIndex(())
        self.matches = RangeIndex(())

    def over(self, view_map: OffsetMap, start: int, end: int) -> list[tuple[int, int, str]]:
        """``(start, end, component)`` of each overlay touching view ``[start, end)``.

        In view offsets, lowest layer first: mentions, highlights, matches.
        """
        source = view_map.range_to_source(start, end)
        layers: list[tuple[int, int, str]] = []
        for s, e, guessed in self.mentions.overlapping(*source):
            layers.append((s, e, INFERRED if guessed else "reader--mention"))
        for s, e, key in self.highlights.overlapping(*source):
            key = key if key in HIGHLIGHT_KEYS else "yellow"
            layers.append((s, e, f"reader--highlight-{key}"))
        for s, e, i in self.matches.overlapping(*source):
            current = i == self.current_match
            layers.append((s, e, "reader--match-current" if current else "reader--match"))
        shown = []
        for s, e, component in layers:
            vs, ve = view_map.range_to_view(s, e)
            if vs < end and ve > start:
                shown.append((vs, ve, component))
        return shown


class RowPainter:
    """Paints the rows of one view, caching every row without the cursor or the selection."""

    def __init__(self, style: Callable[[str], Style], view: TextView, layout: TextLayout) -> None:
        self._style = style
        """A component's style (``reader--<name>``), carrying only what its CSS sets."""
        self.overlays = Overlays()
        self.focused = False
        """Whether the cursor shows as focused (the reader keeps this in step with its focus)."""
        self._styled: LRUCache[int, list[Layer]] = LRUCache(1024)
        self._rows: LRUCache[tuple[int, int], list[Segment]] = LRUCache(512)
        """Painted rows without cursor or selection. Segments, not Strips: a Strip
        carries seven caches of its own, which would keep every crop alive."""
        self.load(view, layout)

    def load(self, view: TextView, layout: TextLayout) -> None:
        """Paint ``view``, laid out by ``layout``, from now on."""
        self._map = view.map
        self._layout = layout
        self._spans: RangeIndex[str] = RangeIndex((s.start, s.end, s.style) for s in view.spans)
        self.clear()

    def clear(self) -> None:
        """Forget painted rows: the wrap width, the overlays or the styles changed."""
        self._styled.clear()
        self._rows.clear()

    def row(
        self, seg: int, sub_row: int, line: LineLayout, live: list[Layer], width: int, base: Style
    ) -> list[Segment]:
        """Row ``sub_row`` of segment ``seg`` (laid out as ``line``), ``live`` layers on top.

        ``width`` cells wide, in ``base`` where nothing else is set.
        """
        row_start, row_end = line.row_span(sub_row)
        if live:
            return self._paint(seg, line, row_start, row_end, live, width, base)
        segments = self._rows.get((seg, sub_row))
        if segments is None:
            segments = self._paint(seg, line, row_start, row_end, [], width, base)
            self._rows[(seg, sub_row)] = segments
        return segments

    def live(self, seg: int, sub_row: int, selection: Range | None, cursor: int) -> list[Layer]:
        """Selection and cursor layers on a row, relative to the row's start.

        The last row of a line also shows its line end, one cell past the text,
        where a cursor may stand and which a selection may include.
        """
        a, b, has_eol = self._layout.row_bounds(seg, sub_row)
        stop = b + 1 if has_eol else b  # one past the last place on the row
        layers: list[Layer] = []
        if selection is not None and selection[0] < stop and selection[1] > a:
            style = self._style("reader--selection")
            layers.append(Layer(max(selection[0], a) - a, min(selection[1], stop) - a, style))
        if a <= cursor < stop:
            unit = self._layout.unit_end(cursor) - cursor
            component = "reader--cursor" if self.focused else "reader--cursor-blurred"
            layers.append(Layer(cursor - a, cursor - a + unit, self._style(component)))
        return layers

    def _segment_layers(self, seg: int) -> list[Layer]:
        """Styled ranges of a segment (relative to it), lowest layer first."""
        layers = self._styled.get(seg)
        if layers is not None:
            return layers
        start, end = self._layout.starts[seg], self._layout.ends[seg]
        layers = []
        if end > start:
            for s, e, name in self._spans.overlapping(start, end):
                if name in STYLE_NAMES:
                    layers.append(self._clip(s, e, start, end, f"reader--{name}"))
            if self.overlays:
                for s, e, component in self.overlays.over(self._map, start, end):
                    layers.append(self._clip(s, e, start, end, component))
        self._styled[seg] = layers
        return layers

    def _clip(self, s: int, e: int, start: int, end: int, component: str) -> Layer:
        if component == INFERRED:
            style = self._style("reader--mention") + INFERRED_STYLE
        else:
            style = self._style(component)
        return Layer(max(s, start) - start, min(e, end) - start, style)

    def _paint(
        self, seg: int, line: LineLayout, a: int, b: int, live: list[Layer], width: int, base: Style
    ) -> list[Segment]:
        """Paint segment-relative row ``[a, b)`` with its layers and ``live``, ``width`` cells."""
        text = line.text[a:b]
        cells = line.cells(a, b)
        layers = [
            Layer(max(s.start, a) - a, min(s.end, b) - a, s.style)
            for s in self._segment_layers(seg)
            if s.start < b and s.end > a
        ]
        at_line_end = bool(live) and live[-1].start >= len(text)  # the cursor, if any, is last
        if any(layer.end > len(text) for layer in live):
            text += " "  # the line-end cell, so a cursor or selection there shows
            cells += 1
        layers.extend(live)
        segments = styled_segments(text, base, layers)
        if a and line.indent:  # a wrapped row of a list item or quote hangs under its text
            hang = hang_text(line.text, line.indent)
            style = base + self._style("reader--quote") if "▎" in hang else base
            segments.insert(0, Segment(hang, style))
            cells += line.indent
        if cells > width:  # a wide character in a window too narrow for it
            left = cells - width if at_line_end else 0  # keep the cursor in sight
            return list(Strip(segments).crop_extend(left, left + width, base))
        if cells < width:
            segments.append(Segment(" " * (width - cells), base))
        return segments
