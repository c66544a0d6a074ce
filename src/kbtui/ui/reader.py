"""The reader: a virtualised, wrapping, cursor-and-selection view of a TextView.

The widget paints with Textual's line API: ``render_line(y)`` builds one
visual row, so the cost of a frame depends on the window, not the document.
Where rows are is the business of :class:`kbtui.view.layout.TextLayout`, which
estimates every line's height when a view is shown and wraps a line exactly
the first time anything looks at it; a background pass wraps the rest in
slices of a few milliseconds and then corrects the scrollbar once. When a
correction lands above the window, the scroll position moves by the same
amount, so what the user reads does not jump.

Everything the App gives or gets in *source* offsets (cursor, selection,
highlights, mentions, find matches) goes through ``view.map``; the widget
itself works in view offsets.

The view text is untrusted: rows are built from Rich ``Segment`` objects of
plain text (nothing is parsed as markup), and :func:`kbtui.wrap.sanitize`
turns any control character left in the text into a visible one before it is
measured or painted.
"""

from __future__ import annotations

import asyncio
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from time import perf_counter
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Span
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from kbtui.view.layout import TextLayout
from kbtui.view.ranges import RangeIndex
from kbtui.view.textview import STYLE_NAMES, TextView
from kbtui.view.wrap import LineLayout

HIGHLIGHT_COLOURS = ("yellow", "green", "blue", "red", "purple")
"""Colours a highlight may take; ``underline-<colour>`` is the underlined variant."""

HIGHLIGHT_KEYS = (
    *HIGHLIGHT_COLOURS,
    *(f"underline-{c}" for c in HIGHLIGHT_COLOURS),
    "bookmark",
)
"""Every style key :meth:`Reader.set_highlights` understands (others show as yellow)."""

REFINE_SLICE = 0.004
"""Seconds of background wrapping between two yields to the event loop."""

Range = tuple[int, int]


class Reader(ScrollView, can_focus=True):
    """Shows one :class:`~kbtui.view.textview.TextView` with a cursor, a selection and overlays."""

    ALLOW_SELECT = False  # the reader has its own cursor and selection

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        *(f"reader--{name}" for name in STYLE_NAMES),
        *(f"reader--highlight-{key}" for key in HIGHLIGHT_KEYS),
        "reader--cursor",
        "reader--cursor-blurred",
        "reader--selection",
        "reader--mention",
        "reader--match",
        "reader--match-current",
    }
    """``reader--<style>`` for each TextView style name, plus the overlays."""

    DEFAULT_CSS = (Path(__file__).parent / "reader.tcss").read_text(encoding="utf-8")
    """Default look, kept in ``reader.tcss`` next to this module."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor_up", "Up", show=False, id="reader.up"),
        Binding("down,j", "cursor_down", "Down", show=False, id="reader.down"),
        Binding("left", "cursor_left", "Left", show=False, id="reader.left"),
        Binding("right", "cursor_right", "Right", show=False, id="reader.right"),
        Binding("pageup,b", "page_up", "Page up", show=False, id="reader.page_up"),
        Binding("pagedown,space", "page_down", "Page down", show=False, id="reader.page_down"),
        Binding("g", "start", "Document start", show=False, id="reader.start"),
        Binding("G", "end", "Document end", show=False, id="reader.end"),
        Binding("home", "row_start", "Row start", show=False, id="reader.row_start"),
        Binding("end", "row_end", "Row end", show=False, id="reader.row_end"),
        Binding("v", "toggle_selection", "Select", id="reader.select",
                tooltip="Start a selection at the cursor, or end the one being made"),
        Binding("shift+up", "cursor_up(True)", "Select up", show=False,
                id="reader.select_up"),
        Binding("shift+down", "cursor_down(True)", "Select down", show=False,
                id="reader.select_down"),
        Binding("shift+left", "cursor_left(True)", "Select left", show=False,
                id="reader.select_left"),
        Binding("shift+right", "cursor_right(True)", "Select right", show=False,
                id="reader.select_right"),
        Binding("shift+home", "row_start(True)", "Select to row start", show=False,
                id="reader.select_row_start"),
        Binding("shift+end", "row_end(True)", "Select to row end", show=False,
                id="reader.select_row_end"),
        Binding("escape", "cancel_selection", "Cancel selection", show=False, id="reader.cancel"),
    ]  # fmt: skip

    @dataclass
    class CursorMoved(Message):
        """The cursor moved. Comes in bursts, so a newer one replaces a queued one."""

        reader: Reader
        """The reader whose cursor moved."""
        source_offset: int
        """Where the cursor stands, in source offsets."""

        @property
        def control(self) -> Reader:
            """The reader (for ``@on(Reader.CursorMoved, "#id")``)."""
            return self.reader

        def can_replace(self, message: Message) -> bool:
            """Only the latest position matters to a listener."""
            return isinstance(message, Reader.CursorMoved) and message.reader is self.reader

    @dataclass
    class SelectionChanged(Message):
        """The selection started, grew, shrank or ended."""

        reader: Reader
        """The reader whose selection changed."""
        selection_source: Range | None
        """The selected source range, or ``None`` when nothing is selected."""

        @property
        def control(self) -> Reader:
            """The reader (for ``@on(Reader.SelectionChanged, "#id")``)."""
            return self.reader

        def can_replace(self, message: Message) -> bool:
            """Only the latest selection matters to a listener."""
            return isinstance(message, Reader.SelectionChanged) and message.reader is self.reader

    def __init__(
        self,
        view: TextView | None = None,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._view = view or TextView.plain("")
        self._layout = TextLayout(self._view.text, on_correct=self._on_correct)
        self._generation = 0
        """Bumped on every new view or width, so a stale background pass stops."""
        self._styled: LRUCache[int, list[Span]] = LRUCache(1024)
        self._rows: LRUCache[tuple[int, int], list[Segment]] = LRUCache(512)
        """Painted rows without cursor or selection. Segments, not Strips: a Strip
        carries seven caches of its own, which would keep every crop alive."""
        self._spans: RangeIndex[str] = RangeIndex(())
        self._highlights: RangeIndex[str] = RangeIndex(())
        self._mentions: RangeIndex[None] = RangeIndex(())
        self._matches: RangeIndex[int] = RangeIndex(())
        self._current_match: int | None = None
        self._style_cache: dict[str, Style] = {}
        self._viewport: Size | None = None
        self._cursor = 0
        self._anchor: int | None = None
        """The other end of the selection, or ``None`` when nothing is selected."""
        self._extending = False
        """Whether plain motions extend the selection (after ``v``)."""
        self._goal_column: int | None = None
        """Cell column that vertical motions try to keep."""
        self._dragging: int | None = None
        """Where a mouse drag started."""
        self._pending = True
        """A layout is due as soon as the widget has a size."""
        self._size_stale = False
        self._scroll_shift = 0
        self._in_render = False
        self._load(self._view, 0)

    # ------------------------------------------------------------------ public API

    @property
    def view(self) -> TextView:
        """The view on display."""
        return self._view

    def show(self, view: TextView, *, cursor_source: int | None = None) -> None:
        """Display ``view`` with the cursor at the view position of ``cursor_source``.

        The cursor's row goes a third of the way down the window, except when
        the new view has the same source as the old one (judged by its length:
        a script switch) and the cursor was on screen: then it keeps its
        screen row, so the passage the user was reading does not move.
        Overlays are in source offsets, so they stay valid across a script
        switch; set them again (or call :meth:`clear_overlays`) when showing
        another document.
        """
        had_selection = self._anchor is not None
        same_source = view.map.source_len == self._view.map.source_len
        screen_row = self._cursor_screen_row() if same_source else None
        cursor = 0 if cursor_source is None else view.map.to_view(cursor_source)
        self._load(view, cursor)
        if self._sized():
            self._relayout()
            if screen_row is None:
                self._reveal_cursor(third=True, always=True)
            else:
                self._reveal_cursor(screen_row=screen_row)
        self.refresh()
        self._post_cursor()
        if had_selection:
            self.post_message(self.SelectionChanged(self, None))

    @property
    def cursor(self) -> int:
        """The cursor, as a view offset."""
        return self._cursor

    @cursor.setter
    def cursor(self, offset: int) -> None:
        self._move(offset, select=False)

    @property
    def cursor_source(self) -> int:
        """The cursor, as a source offset."""
        return self._view.map.to_source(self._cursor)

    def move_to_source(self, offset: int, select_to: int | None = None) -> None:
        """Put the cursor at source ``offset``; with ``select_to``, select that source range.

        The cursor stands at the start of the selection, so a find result can
        be highlighted, copied or used as the start of a new selection. A
        cursor that leaves the window is scrolled to a third of the way down.
        """
        view_map = self._view.map
        self._extending = False
        if select_to is None:
            self._set_selection(None)
            self._move(view_map.to_view(offset), select=False, third=True)
            return
        start, end = view_map.range_to_view(min(offset, select_to), max(offset, select_to))
        if end <= start:
            self._set_selection(None)
            self._move(start, select=False, third=True)
            return
        self._place_cursor(start, third=True)
        self._set_selection(end - 1)

    @property
    def selection(self) -> Range | None:
        """The selected view range ``[start, end)``, or ``None``.

        Both ends are inclusive as the user sees them: the characters under
        the anchor and under the cursor are selected.
        """
        if self._anchor is None:
            return None
        start = min(self._anchor, self._cursor)
        end = min(max(self._anchor, self._cursor) + 1, len(self._view.text))
        return (start, end) if end > start else None

    @property
    def selection_source(self) -> Range | None:
        """The selected source range, or ``None``."""
        selection = self.selection
        return None if selection is None else self._view.map.range_to_source(*selection)

    def clear_selection(self) -> None:
        """Drop the selection (the cursor stays)."""
        self._extending = False
        self._set_selection(None)

    def set_highlights(self, highlights: Iterable[tuple[int, int, str]]) -> None:
        """Show annotations: source ``(start, end, key)``, key one of :data:`HIGHLIGHT_KEYS`."""
        self._highlights = RangeIndex(highlights)
        self._overlays_changed()

    def set_mentions(self, mentions: Iterable[Range]) -> None:
        """Mark entity mentions (source ranges) with a subtle underline."""
        self._mentions = RangeIndex((s, e, None) for s, e in mentions)
        self._overlays_changed()

    def set_matches(self, matches: Iterable[Range], current: int | None = None) -> None:
        """Show find results (source ranges); ``current`` indexes the one to stress."""
        self._matches = RangeIndex((s, e, i) for i, (s, e) in enumerate(matches))
        self._current_match = current
        self._overlays_changed()

    def clear_overlays(self) -> None:
        """Remove highlights, mentions and matches (when another document is shown)."""
        self._highlights = RangeIndex(())
        self._mentions = RangeIndex(())
        self._matches = RangeIndex(())
        self._overlays_changed()

    # ------------------------------------------------------------------ layout

    def _load(self, view: TextView, cursor: int) -> None:
        """Take a new view: its layout (not wrapped yet), span index and cursor."""
        self._view = view
        self._layout = TextLayout(view.text, on_correct=self._on_correct)
        self._spans = RangeIndex((s.start, s.end, s.style) for s in view.spans)
        self._anchor = None
        self._extending = False
        self._goal_column = None
        self._dragging = None
        self._cursor = self._layout.clamp(cursor)
        self._pending = True
        self._generation += 1  # stops a background pass over the old view
        self._clear_paint_caches()

    @property
    def _laid_out(self) -> bool:
        return not self._pending

    def _content_size(self) -> Size:
        """The text area's size: without padding and scrollbar (cached until a resize)."""
        size = self._viewport
        if size is None:
            size = self.scrollable_content_region.size
            if size.width > 0 and size.height > 0:
                self._viewport = size
        return size

    def _sized(self) -> bool:
        size = self._content_size()
        return self.is_mounted and size.width > 0 and size.height > 0

    def _wrap_width(self) -> int:
        """Cells per row: the text area less one cell, for a cursor at a full line's end."""
        return max(self._content_size().width - 1, 1)

    def _relayout(self) -> None:
        """Estimate every line for the current width and start the background pass."""
        self._pending = False
        self._generation += 1
        self._layout.rewrap(self._wrap_width())
        self._clear_paint_caches()
        self._scroll_shift = 0
        self._size_stale = True
        self._settle()
        # The method, not a coroutine: a worker replaced before it starts never awaits it.
        self.run_worker(self._refine, exclusive=True, group="reader-refine")

    def _on_correct(self, seg: int, delta: int) -> None:
        """A line's exact height differs from its estimate: keep the window still."""
        self._size_stale = True
        if self._in_render:
            return  # painting only corrects lines in the window, never above it
        index = self._layout.index
        if index.start(seg) + index.height(seg) <= self.scroll_offset.y:
            self._scroll_shift += delta

    def _settle(self) -> None:
        """Apply pending corrections to the virtual size and the scroll position."""
        if self._size_stale:
            self._size_stale = False
            self.virtual_size = Size(self._content_size().width, self._layout.total_rows)
        if self._scroll_shift:
            shift, self._scroll_shift = self._scroll_shift, 0
            self.scroll_to(y=self.scroll_offset.y + shift, animate=False, force=True)

    async def _refine(self) -> None:
        """Wrap every line exactly, a few milliseconds at a time, in the background.

        The heights are applied together at the end: one correction of the
        scrollbar and (if lines above the window changed) one scroll shift,
        instead of a repaint per slice.
        """
        layout, generation = self._layout, self._generation
        heights = array("q")
        while len(heights) < layout.segments:
            layout.measure(heights, perf_counter() + REFINE_SLICE, perf_counter)
            await asyncio.sleep(0)
            if generation != self._generation:
                return
        self._scroll_shift += layout.settle(heights, self.scroll_offset.y)
        self._size_stale = True
        self._settle()

    # ------------------------------------------------------------------ events

    def on_mount(self) -> None:
        """Lay out once the widget has a size (``show`` may come before)."""
        self._sync_width()

    def on_resize(self, event: events.Resize) -> None:
        """Rewrap when the width changes, keeping the cursor's passage in view."""
        old, self._viewport = self._viewport, None
        self._sync_width(old)

    def _sync_width(self, old: Size | None = None) -> None:
        """Lay out if a layout is due or the width changed; keep a visible cursor visible.

        ``old`` is the text area's size before a resize, which tells whether
        the cursor was on screen.
        """
        if not self._sized():
            return
        if self._pending:
            self._relayout()
            self._reveal_cursor(third=True, always=True)
            return
        screen_row = self._cursor_screen_row(old)
        if self._layout.width != self._wrap_width():
            self._relayout()
            if screen_row is None:
                self._reveal_cursor(third=True)
            else:
                self._reveal_cursor(screen_row=screen_row)
        elif screen_row is not None:
            self._reveal_cursor()  # only the height changed: scroll as little as needed

    def _cursor_screen_row(self, viewport: Size | None = None) -> int | None:
        """The cursor's row in the window (of ``viewport``'s size), if laid out and visible."""
        if not self._laid_out:
            return None
        height = (viewport or self._content_size()).height
        row = self._layout.row_of(self._cursor) - self.scroll_offset.y
        return row if 0 <= row < height else None

    def on_focus(self) -> None:
        """The cursor looks different with and without focus."""
        self._refresh_rows_of(self._cursor)

    def on_blur(self) -> None:
        """The cursor looks different with and without focus."""
        self._refresh_rows_of(self._cursor)

    def notify_style_update(self) -> None:
        """Theme or CSS changed: styles and painted rows are stale."""
        super().notify_style_update()
        self._style_cache.clear()
        self._clear_paint_caches()

    def _offset_at(self, event: events.MouseEvent) -> int:
        """The view offset under the mouse (clamped to the window)."""
        point = event.get_content_offset_capture(self)
        height = self._content_size().height
        row = self.scroll_offset.y + min(max(point.y, 0), max(height - 1, 0))
        return self._layout.offset_at_row(row, point.x)

    def on_mouse_down(self, event: events.MouseDown) -> None:
        """A click puts the cursor under the mouse and may start a drag selection."""
        if event.button != 1 or not self._laid_out:
            return
        offset = self._offset_at(event)
        self.clear_selection()
        self._move(offset, select=False)
        self._dragging = offset
        self.capture_mouse()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        """Dragging selects from where the button went down, scrolling at the edges."""
        if self._dragging is None:
            return
        y = event.get_content_offset_capture(self).y
        if y < 0 or y >= self._content_size().height:
            step = -1 if y < 0 else 1
            self.scroll_to(y=self.scroll_offset.y + step, animate=False, force=True)
        offset = self._offset_at(event)
        if offset != self._dragging or self._anchor is not None:
            if self._anchor is None:
                self._set_selection(self._dragging)
            self._move(offset, select=True)

    def on_mouse_up(self, event: events.MouseUp) -> None:
        """The drag ends; its selection stays until the next motion or escape."""
        if self._dragging is not None:
            self._dragging = None
            self.release_mouse()

    # ----------------------------------------------------------------- actions

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Escape only belongs to the reader while there is a selection to cancel."""
        if action == "cancel_selection":
            return self._anchor is not None
        return True

    def action_cursor_left(self, select: bool = False) -> None:
        """One character left (a whole grapheme, never half of one)."""
        self._move(self._layout.previous_place(self._cursor), select=select)

    def action_cursor_right(self, select: bool = False) -> None:
        """One character right; the end of a line is a place of its own."""
        self._move(self._layout.next_place(self._cursor), select=select)

    def action_cursor_up(self, select: bool = False) -> None:
        """One visual row up, keeping the cell column."""
        self._move_rows(-1, select)

    def action_cursor_down(self, select: bool = False) -> None:
        """One visual row down, keeping the cell column."""
        self._move_rows(1, select)

    def action_page_up(self, select: bool = False) -> None:
        """A page up: the cursor and the window move together."""
        self._page(-1, select)

    def action_page_down(self, select: bool = False) -> None:
        """A page down: the cursor and the window move together."""
        self._page(1, select)

    def action_start(self) -> None:
        """To the start of the document."""
        self._move(0, select=False)

    def action_end(self) -> None:
        """To the end of the document."""
        self._move(self._layout.max_offset, select=False)

    def action_row_start(self, select: bool = False) -> None:
        """To the start of the cursor's visual row."""
        if self._laid_out:
            self._move(self._layout.row_first(self._cursor), select=select)

    def action_row_end(self, select: bool = False) -> None:
        """To the last place of the cursor's visual row."""
        if self._laid_out:
            self._move(self._layout.row_last(self._cursor), select=select)

    def action_toggle_selection(self) -> None:
        """``v``: start selecting at the cursor, or stop extending the selection."""
        if self._extending:
            self._extending = False
            return
        self._extending = True
        self._set_selection(self._cursor)

    def action_cancel_selection(self) -> None:
        """``escape``: drop the selection."""
        self.clear_selection()

    # ------------------------------------------------------------- motion core

    def _move(self, offset: int, *, select: bool, third: bool = False) -> None:
        """Move the cursor; extend the selection or drop it; scroll it into view."""
        if select or self._extending:
            if self._anchor is None:
                self._set_selection(self._cursor)
        elif self._anchor is not None:
            self._set_selection(None)
        old = self._cursor
        self._place_cursor(offset, third=third)
        if self._anchor is not None and self._cursor != old:
            self.refresh()
            self.post_message(self.SelectionChanged(self, self.selection_source))

    def _place_cursor(self, offset: int, *, third: bool = False) -> None:
        """Set the cursor, repaint its old and new rows, and keep it in view."""
        offset = self._layout.clamp(offset)
        old, self._cursor = self._cursor, offset
        self._goal_column = None
        self._refresh_rows_of(old, offset)
        self._reveal_cursor(third=third)
        if old != offset:
            self._post_cursor()

    def _set_selection(self, anchor: int | None) -> None:
        """Set the selection's anchor (``None`` ends it) and repaint."""
        if anchor is None and self._anchor is None:
            return
        self._anchor = anchor
        self.refresh()
        self.post_message(self.SelectionChanged(self, self.selection_source))

    def _post_cursor(self) -> None:
        self.post_message(self.CursorMoved(self, self.cursor_source))

    def _rows_away(self, delta: int) -> tuple[int, int]:
        """The place ``delta`` visual rows from the cursor, and the goal column used."""
        goal = self._goal_column
        if goal is None:
            goal = self._layout.column_of(self._cursor)
        return self._layout.rows_away(self._cursor, delta, goal), goal

    def _move_rows(self, delta: int, select: bool) -> None:
        """Move ``delta`` visual rows, keeping the goal cell column."""
        if not self._laid_out:
            return
        offset, goal = self._rows_away(delta)
        self._move(offset, select=select)
        self._goal_column = goal

    def _page(self, direction: int, select: bool) -> None:
        """Move cursor and window by one page (the window's height less one row)."""
        if not self._laid_out:
            return
        page = max(self._content_size().height - 1, 1)
        offset, goal = self._rows_away(direction * page)
        self._settle()
        moved = self._layout.row_of(offset) - self._layout.row_of(self._cursor)
        self.scroll_to(y=self.scroll_offset.y + moved, animate=False, force=True)
        self._move(offset, select=select)
        self._goal_column = goal

    def _reveal_cursor(
        self, *, third: bool = False, screen_row: int | None = None, always: bool = False
    ) -> None:
        """Scroll so the cursor is visible: a third down or at ``screen_row`` if asked.

        A cursor already in the window does not scroll it unless a screen row
        is asked for or ``always``; one outside goes to the nearest edge, or a
        third down.
        """
        if not self._laid_out:
            return
        height = self._content_size().height
        row = self._layout.row_of(self._cursor)
        top = self.scroll_offset.y
        if always or screen_row is not None or not top <= row < top + height:
            self._layout.prepare(self._cursor, height)
        self._settle()
        row, top = self._layout.row_of(self._cursor), self.scroll_offset.y
        if screen_row is not None:
            target = row - min(screen_row, height - 1)  # the window may have shrunk
        elif top <= row < top + height and not always:
            return
        elif third:
            target = row - height // 3
        else:
            target = row if row < top else row - height + 1
        self.scroll_to(y=max(target, 0), animate=False, force=True)

    # ---------------------------------------------------------------- painting

    def _overlays_changed(self) -> None:
        self._clear_paint_caches()
        self.refresh()

    def _clear_paint_caches(self) -> None:
        self._styled.clear()
        self._rows.clear()

    def _refresh_rows_of(self, *offsets: int) -> None:
        if self._laid_out:
            for offset in offsets:
                self.refresh_line(self._layout.row_of(offset))

    def _base_style(self) -> Style:
        """The widget's own colours (cached: ``rich_style`` walks the DOM)."""
        style = self._style_cache.get("")
        if style is None:
            style = self._style_cache[""] = self.rich_style
        return style

    def _style(self, component: str) -> Style:
        """A component's style, carrying only what its CSS sets (so layers combine)."""
        style = self._style_cache.get(component)
        if style is None:
            full = self.get_component_rich_style(component)
            partial = self.get_component_rich_style(component, partial=True)
            style = (
                Style(
                    color=full.color if partial.color else None,
                    bgcolor=full.bgcolor if partial.bgcolor else None,
                )
                + partial.without_color
            )
            self._style_cache[component] = style
        return style

    def _segment_styles(self, seg: int) -> list[Span]:
        """Styled ranges of a segment (relative to it), lowest layer first."""
        spans = self._styled.get(seg)
        if spans is not None:
            return spans
        start, end = self._layout.starts[seg], self._layout.ends[seg]
        spans = []
        if end > start:
            for s, e, name in self._spans.overlapping(start, end):
                if name in STYLE_NAMES:
                    spans.append(self._clip(s, e, start, end, f"reader--{name}"))
            spans.extend(self._overlay_spans(start, end))
        self._styled[seg] = spans
        return spans

    def _clip(self, s: int, e: int, start: int, end: int, component: str) -> Span:
        return Span(max(s, start) - start, min(e, end) - start, self._style(component))

    def _overlay_spans(self, start: int, end: int) -> list[Span]:
        """Mentions, highlights and matches over view ``[start, end)``, mapped from source."""
        if not (self._mentions or self._highlights or self._matches):
            return []
        view_map = self._view.map
        source = view_map.range_to_source(start, end)
        layers: list[tuple[int, int, str]] = []
        for s, e, _ in self._mentions.overlapping(*source):
            layers.append((s, e, "reader--mention"))
        for s, e, key in self._highlights.overlapping(*source):
            key = key if key in HIGHLIGHT_KEYS else "yellow"
            layers.append((s, e, f"reader--highlight-{key}"))
        for s, e, i in self._matches.overlapping(*source):
            current = i == self._current_match
            layers.append((s, e, "reader--match-current" if current else "reader--match"))
        spans = []
        for s, e, component in layers:
            vs, ve = view_map.range_to_view(s, e)
            if vs < end and ve > start:
                spans.append(self._clip(vs, ve, start, end, component))
        return spans

    def render_line(self, y: int) -> Strip:
        """Paint window row ``y``: its text, styles, overlays, selection and cursor."""
        width = self._content_size().width
        row = self.scroll_offset.y + y
        if not self._laid_out or row >= self._layout.total_rows:
            return Strip.blank(width, self._base_style())
        self._in_render = True
        try:
            seg, sub_row, layout = self._layout.locate(row)
            strip = self._row_strip(seg, sub_row, layout, width)
        finally:
            self._in_render = False
        if self._size_stale:
            self.call_later(self._settle)
        return strip

    def _row_strip(self, seg: int, sub_row: int, layout: LineLayout, width: int) -> Strip:
        """The strip of one row: from the cache unless the cursor or selection is on it."""
        live = self._live_spans(seg, sub_row)
        row_start, row_end = layout.row_span(sub_row)
        if live:
            return Strip(self._paint(seg, layout, row_start, row_end, live, width), width)
        segments = self._rows.get((seg, sub_row))
        if segments is None:
            segments = self._paint(seg, layout, row_start, row_end, [], width)
            self._rows[(seg, sub_row)] = segments
        return Strip(segments, width)

    def _live_spans(self, seg: int, sub_row: int) -> list[Span]:
        """Selection and cursor spans on a row, relative to the row's start.

        The last row of a line also shows its line end, one cell past the text,
        where a cursor may stand and which a selection may include.
        """
        a, b, has_eol = self._layout.row_bounds(seg, sub_row)
        stop = b + 1 if has_eol else b  # one past the last place on the row
        spans: list[Span] = []
        selection = self.selection
        if selection is not None and selection[0] < stop and selection[1] > a:
            style = self._style("reader--selection")
            spans.append(Span(max(selection[0], a) - a, min(selection[1], stop) - a, style))
        cursor = self._cursor
        if a <= cursor < stop:
            unit = self._layout.unit_end(cursor) - cursor
            component = "reader--cursor" if self.has_focus else "reader--cursor-blurred"
            spans.append(Span(cursor - a, cursor - a + unit, self._style(component)))
        return spans

    def _paint(
        self, seg: int, layout: LineLayout, a: int, b: int, live: list[Span], width: int
    ) -> list[Segment]:
        """Paint segment-relative row ``[a, b)`` with base and live spans, ``width`` cells."""
        text = layout.text[a:b]
        cells = layout.cells(a, b)
        spans = [
            Span(max(s.start, a) - a, min(s.end, b) - a, s.style)
            for s in self._segment_styles(seg)
            if s.start < b and s.end > a
        ]
        at_line_end = bool(live) and live[-1].start >= len(text)  # the cursor, if any, is last
        if any(span.end > len(text) for span in live):
            text += " "  # the line-end cell, so a cursor or selection there shows
            cells += 1
        spans.extend(live)
        base = self._base_style()
        segments = styled_segments(text, base, spans)
        if cells > width:  # a wide character in a window too narrow for it
            left = cells - width if at_line_end else 0  # keep the cursor in sight
            return list(Strip(segments).crop_extend(left, left + width, base))
        if cells < width:
            segments.append(Segment(" " * (width - cells), base))
        return segments


def styled_segments(text: str, base: Style, spans: Sequence[Span]) -> list[Segment]:
    """``text`` cut into segments styled ``base`` plus the spans over each piece.

    Spans are layered in order, so a later one wins where they overlap (the
    cursor over a selection over a highlight over a heading). Each piece is
    plain text in a Rich ``Segment``: nothing is parsed as markup.
    """
    if not spans:
        return [Segment(text, base)] if text else []
    cuts = sorted({0, len(text), *(s.start for s in spans), *(s.end for s in spans)})
    segments = []
    for start, end in pairwise(cuts):
        if end > len(text):
            break
        style = base
        for span in spans:
            if span.start <= start and span.end >= end:
                style += span.style
        segments.append(Segment(text[start:end], style))
    return segments
