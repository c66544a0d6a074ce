"""The cursor and the selection: how keys and the mouse move them, and what the reader says.

Motions work in view offsets and in the layout's places (a whole grapheme,
a line end); the messages give source offsets, which is what the App keeps.
A selection has an anchor and the cursor as its ends; after ``v`` every motion
extends it, with shift only that motion does.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import events
from textual.message import Message

from kbtui.ui.reader.display import TextDisplay
from kbtui.ui.reader.painting import Range
from kbtui.view import footnotes
from kbtui.view.textview import TextView


class CursorDisplay(TextDisplay):
    """A :class:`TextDisplay` whose cursor and selection move by keys and by the mouse."""

    @dataclass
    class CursorMoved(Message, namespace="reader"):
        """The cursor moved. Comes in bursts, so a newer one replaces a queued one."""

        reader: CursorDisplay
        """The reader whose cursor moved."""
        source_offset: int
        """Where the cursor stands, in source offsets."""

        @property
        def control(self) -> CursorDisplay:
            """The reader (for ``@on(Reader.CursorMoved, "#id")``)."""
            return self.reader

        def can_replace(self, message: Message) -> bool:
            """Only the latest position matters to a listener."""
            return isinstance(message, CursorDisplay.CursorMoved) and message.reader is self.reader

    @dataclass
    class SelectionChanged(Message, namespace="reader"):
        """The selection started, grew, shrank or ended."""

        reader: CursorDisplay
        """The reader whose selection changed."""
        selection_source: Range | None
        """The selected source range, or ``None`` when nothing is selected."""

        @property
        def control(self) -> CursorDisplay:
            """The reader (for ``@on(Reader.SelectionChanged, "#id")``)."""
            return self.reader

        def can_replace(self, message: Message) -> bool:
            """Only the latest selection matters to a listener."""
            return (
                isinstance(message, CursorDisplay.SelectionChanged)
                and message.reader is self.reader
            )

    _extending: bool
    """Whether plain motions extend the selection (after ``v``)."""
    _goal_column: int | None
    """Cell column that vertical motions try to keep."""
    _dragging: int | None
    """Where a mouse drag started."""
    _footnote_from: int | None
    """The footnote marker the footnote key last left, to come back to."""

    def _load(self, view: TextView, cursor: int) -> None:
        """Take a new view; no selection is being made in it and no column is kept."""
        self._extending = False
        self._goal_column = None
        self._dragging = None
        self._footnote_from = None
        super()._load(view, cursor)

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

    @property
    def selection_source(self) -> Range | None:
        """The selected source range, or ``None``."""
        selection = self.selection
        return None if selection is None else self._view.map.range_to_source(*selection)

    def clear_selection(self) -> None:
        """Drop the selection (the cursor stays)."""
        self._extending = False
        self._set_selection(None)

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

    def action_footnote(self) -> None:
        """``F`` on a footnote marker: to its note; on the note's number: back again."""
        markers = self._view.extra.get("footnotes", ())
        assert isinstance(markers, tuple)
        target = footnotes.jump(markers, self._cursor, self._footnote_from)
        if target is not None:
            self._footnote_from = self._cursor
            self._move(target, select=False)

    def action_cancel_selection(self) -> None:
        """``escape``: drop the selection."""
        self.clear_selection()

    # ------------------------------------------------------------------- mouse

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
            self._refresh_rows_between(old, self._cursor)
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
        """Move cursor and window by one page (the window's height less one row).

        A page that runs into the document's first or last row goes to the
        document's start or end, so paging always reaches 100 % (a cursor left
        at its goal column on the last row would stop short of it).
        """
        if not self._laid_out:
            return
        page = max(self._content_size().height - 1, 1)
        offset, goal = self._rows_away(direction * page)
        self._settle()
        moved = self._layout.row_of(offset) - self._layout.row_of(self._cursor)
        if abs(moved) < page:
            offset = self._layout.max_offset if direction > 0 else 0
        self.scroll_to(y=self.scroll_offset.y + moved, animate=False, force=True)
        self._move(offset, select=select)
        self._goal_column = goal
