"""Showing a view: wrapped rows in a scroll view, painted one row at a time.

The widget paints with Textual's line API: ``render_line(y)`` builds one
visual row, so the cost of a frame depends on the window, not the document.
Where rows are is the business of :class:`kbtui.view.layout.TextLayout`, which
estimates every line's height when a view is shown and wraps a line exactly
the first time anything looks at it; a background pass wraps the rest in
slices of a few milliseconds and then corrects the scrollbar once. When a
correction lands above the window, the scroll position moves by the same
amount, so what the user reads does not jump.
"""

from __future__ import annotations

import asyncio
from array import array
from collections.abc import Mapping
from time import perf_counter

from rich.style import Style
from textual import events, work
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from kbtui.ui.reader import palette
from kbtui.ui.reader.painting import Range, RowPainter
from kbtui.view.layout import TextLayout
from kbtui.view.textview import TextView

REFINE_SLICE = 0.004
"""Seconds of background wrapping between two yields to the event loop."""


def scroll_target(
    row: int, top: int, height: int, *, third: bool, screen_row: int | None, always: bool
) -> int | None:
    """The window's new top row so that ``row`` shows in it, or ``None`` to leave it.

    At ``screen_row`` if one is asked for (within a window that may have
    shrunk); otherwise a row already in the window stays put unless
    ``always``, and one outside goes to the nearest edge, or a third down.
    """
    if screen_row is not None:
        target = row - min(screen_row, height - 1)
    elif top <= row < top + height and not always:
        return None
    elif third:
        target = row - height // 3
    else:
        target = row if row < top else row - height + 1
    return max(target, 0)


class TextDisplay(ScrollView):
    """A view's rows in a window, with a cursor kept in sight and a selection painted.

    Where the cursor and the selection go is the business of the class above;
    this one lays the view out, keeps the scrollbar right and paints.
    """

    def __init__(
        self,
        view: TextView | None = None,
        *,
        colours: Mapping[str, str] | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._view = view or TextView.plain("")
        self._layout = TextLayout(self._view.text, on_correct=self._on_correct)
        self._previous: TextLayout | None = None
        """The last view's layout, until the new one is laid out (:meth:`TextLayout.adopt`)."""
        self._painter = RowPainter(self._style, self._view, self._layout)
        self._style_cache: dict[str, Style] = {}
        self._colours = dict(colours or {})
        """Highlight hues the user chose a colour for (``settings.chosen_colours``)."""
        self._generation = 0
        """Bumped on every new view or width, so a stale background pass stops."""
        self._viewport: Size | None = None
        self._cursor = 0
        self._anchor: int | None = None
        """The other end of the selection, or ``None`` when nothing is selected."""
        self._pending = True
        """A layout is due as soon as the widget has a size."""
        self._size_stale = False
        self._scroll_shift = 0
        self._in_render = False
        self._load(self._view, 0)

    @property
    def view(self) -> TextView:
        """The view on display."""
        return self._view

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

    # ------------------------------------------------------------------ layout

    def _load(self, view: TextView, cursor: int) -> None:
        """Take a new view: its layout (not wrapped yet), its painter and the cursor."""
        self._view = view
        self._previous = self._layout
        self._layout = TextLayout(view.text, on_correct=self._on_correct)
        self._painter.load(view, self._layout)
        self._anchor = None
        self._cursor = self._layout.clamp(cursor)
        self._pending = True
        self._generation += 1  # stops a background pass over the old view

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
        if self._previous is not None:  # a new view: what it shares with the last is known
            self._layout.adopt(self._previous)
            self._previous = None
        self._painter.clear()
        self._scroll_shift = 0
        self._size_stale = True
        self._settle()
        self._refine()

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

    @work(exclusive=True, group="reader-refine", description="refine")
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

    # ------------------------------------------------------------- size and view

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

    def _reveal_cursor(
        self, *, third: bool = False, screen_row: int | None = None, always: bool = False
    ) -> None:
        """Scroll so the cursor is visible (see :func:`scroll_target`).

        The cursor's neighbourhood is wrapped exactly first when the window may
        move, so the row it lands on is the row painted.
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
        target = scroll_target(row, top, height, third=third, screen_row=screen_row, always=always)
        if target is not None:
            self.scroll_to(y=target, animate=False, force=True)

    # ---------------------------------------------------------------- painting

    def on_focus(self) -> None:
        """The cursor looks different with and without focus."""
        self._painter.focused = True
        self._refresh_rows_of(self._cursor)

    def on_blur(self) -> None:
        """The cursor looks different with and without focus."""
        self._painter.focused = False
        self._refresh_rows_of(self._cursor)

    def notify_style_update(self) -> None:
        """Theme or CSS changed: styles and painted rows are stale."""
        super().notify_style_update()
        self._style_cache.clear()
        self._painter.clear()

    def _overlays_changed(self) -> None:
        self._painter.clear()
        self.refresh()

    def _refresh_rows_of(self, *offsets: int) -> None:
        if self._laid_out:
            for offset in offsets:
                self.refresh_line(self._layout.row_of(offset))

    def _refresh_rows_between(self, a: int, b: int) -> None:
        """Repaint the rows from offset ``a``'s to offset ``b``'s: where a selection end moved.

        Only those rows changed, and a whole window costs Textual ~6 ms to paint.
        """
        if self._laid_out:
            first, last = sorted((self._layout.row_of(a), self._layout.row_of(b)))
            self.refresh_lines(first, last - first + 1)

    def _base_style(self) -> Style:
        """The widget's own colours (cached: ``rich_style`` walks the DOM)."""
        style = self._style_cache.get("")
        if style is None:
            style = self._style_cache[""] = self.rich_style
        return style

    def _style(self, component: str) -> Style:
        """A component's style, carrying only what its CSS sets (so layers combine).

        Below truecolor, highlights, the selection and the cursor take the
        colours :mod:`.palette` chose for the terminal's depth instead; a
        highlight hue the user chose a colour for takes theirs.
        """
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
            role = component.removeprefix("reader--")
            hue = role.removeprefix("highlight-").removeprefix("underline-")
            if role.startswith("highlight-") and hue in self._colours:
                style = palette.chosen_style(self._colours[hue], "underline-" in role)
            else:
                system = palette.depth(self.app.console.color_system)
                style = palette.role_style(role, system, self.app.current_theme.dark) or style
            self._style_cache[component] = style
        return style

    def render_line(self, y: int) -> Strip:
        """Paint window row ``y``: its text, styles, overlays, selection and cursor."""
        width = self._content_size().width
        row = self.scroll_offset.y + y
        if not self._laid_out or row >= self._layout.total_rows:
            return Strip.blank(width, self._base_style())
        self._in_render = True
        try:
            seg, sub_row, line = self._layout.locate(row)
            live = self._painter.live(seg, sub_row, self.selection, self._cursor)
            segments = self._painter.row(seg, sub_row, line, live, width, self._base_style())
        finally:
            self._in_render = False
        if self._size_stale:
            self.call_later(self._settle)
        return Strip(segments, width)
