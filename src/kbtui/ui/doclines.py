"""The document list's rows, painted with Textual's line API: any number of them.

Textual's ``OptionList`` measures every option when it is filled (about
35 ms per 1,000), so a list of 100,000 documents could not hold them all.
:class:`DocLines` is a :class:`~textual.scroll_view.ScrollView` like the
reader's display: it knows only how many rows there are (two lines each),
and ``render_line`` builds the few lines on screen from their rows' prompts
when they are painted. Keys and the mouse move a cursor (``highlighted``)
over the rows; what a row says and what opening it does are the document
list's.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import zip_longest

from rich.color import Color
from rich.segment import Segment
from rich.style import Style as RichStyle
from textual import events
from textual.binding import Binding
from textual.content import Content
from textual.geometry import Region, Size
from textual.reactive import Reactive, reactive
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar, ScrollBarRender
from textual.strip import Strip
from textual.style import Style

from kbtui.session.rows import DocRow

ROW_LINES = 2
"""Lines per row: the title, then script, date, annotations and tags."""

KEPT_PROMPTS = 1000
"""Rows whose painted lines are kept between frames (then the cache starts again)."""


class DocLines(ScrollView, can_focus=True):
    """Rows of documents, two lines each, with a cursor; only what shows is painted."""

    COMPONENT_CLASSES = {"doc-lines--highlighted"}

    DEFAULT_CSS = """
    DocLines {
        color: $foreground;
        overflow-x: hidden;
        background: $surface;
        & > .doc-lines--highlighted {
            color: $foreground;
            background: $block-cursor-blurred-background;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus {
            background-tint: $foreground 5%;
            & > .doc-lines--highlighted {
                color: $block-cursor-foreground;
                background: $block-cursor-background;
                text-style: $block-cursor-text-style;
            }
        }
    }
    """
    """The look of Textual's OptionList, which the list was."""

    BINDINGS = [
        Binding("up", "cursor(-1)", "Up", show=False),
        Binding("down", "cursor(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "first", "First", show=False),
        Binding("end", "last", "Last", show=False),
    ]

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False, repaint=False)
    """A new length lays out and repaints nothing: :meth:`show` asks for a layout only
    when the scrollbar comes or goes, and repaints the rows that changed (Widget's
    laid the screen out and repainted every line at each filter keystroke)."""

    highlighted: reactive[int | None] = reactive(None, always_update=True, repaint=False)
    """The index of the row under the cursor (None when there are no rows): a move
    repaints the two rows it concerns, not the screen."""

    def __init__(self, prompt: Callable[[DocRow], Content], *, id: str | None = None) -> None:
        """``prompt`` gives a row's two lines: called only for rows being painted."""
        super().__init__(id=id)
        self._prompt = prompt
        self._rows: Sequence[DocRow] = ()
        self._strips: dict[tuple[str, bool], list[Strip]] = {}  # (id, under the cursor)
        self._strips_look: tuple[RichStyle, RichStyle, int] | None = None  # they were made in
        self._looks: tuple[RichStyle, RichStyle, int, int] | None = None  # while painting
        self._under: dict[RichStyle, Style] = {}  # a line's style, as Content paints under

    @property
    def vertical_scrollbar(self) -> ScrollBar:
        """The vertical scrollbar, a :class:`LineScrollBar` (made when first asked, as
        Widget's is)."""
        if self._vertical_scrollbar is None:
            bar = LineScrollBar(
                vertical=True, name="vertical", thickness=self.scrollbar_size_vertical
            )
            bar.display = False
            self._vertical_scrollbar = bar
            self.app._start_widget(self, bar)
        return self._vertical_scrollbar

    @property
    def option_count(self) -> int:
        """How many rows the list holds (every one, however many)."""
        return len(self._rows)

    def show(self, rows: Sequence[DocRow], highlighted: int | None) -> None:
        """Hold ``rows`` (in order) and put the cursor on row ``highlighted``.

        Rows painted before are not painted again (a filter that comes back
        to them), and only the lines of the window whose row changed are
        repainted: :meth:`forget` after rows change in place.
        """
        shown, top = self._rows, self.scroll_offset.y
        self._rows = rows
        self._set_height(len(rows) * ROW_LINES)
        self.highlighted = highlighted if rows else None
        if self.scroll_offset.y == top:  # a scroll repaints the window itself
            self._refresh_changed(shown, top)

    def _set_height(self, lines: int) -> None:
        """Make the list ``lines`` lines long, laying the screen out again only if
        the scrollbar comes or goes (which changes the width)."""
        size = Size(self.scrollable_content_region.width, lines)
        if size == self.virtual_size:
            return
        bar = self.show_vertical_scrollbar
        self.virtual_size = size
        if bar != (lines > self.container_size.height):
            self.refresh(layout=True)
            return
        if bar:
            self.vertical_scrollbar.window_virtual_size = lines
        self.scroll_y = self.validate_scroll_y(self.scroll_y)

    def _refresh_changed(self, shown: Sequence[DocRow], top: int) -> None:
        """Repaint the rows in the window that are not the rows ``shown`` there before."""
        first = top // ROW_LINES
        for index in range(first, first + self.size.height // ROW_LINES + 2):
            before = shown[index] if index < len(shown) else None
            after = self._rows[index] if index < len(self._rows) else None
            if before is not after:
                self._refresh_row(index)

    def forget(self) -> None:
        """Paint every row anew: rows may have changed in place."""
        self._strips.clear()
        self.refresh()

    def replace(self, index: int) -> None:
        """Paint row ``index`` again: it changed (its place in the order did not)."""
        if 0 <= index < len(self._rows):
            for cursor in (False, True):
                self._strips.pop((self._rows[index].id, cursor), None)
            self._refresh_row(index)

    def validate_highlighted(self, value: int | None) -> int | None:
        if value is None or not self._rows:
            return None
        return max(0, min(value, len(self._rows) - 1))

    def watch_highlighted(self, old: int | None, new: int | None) -> None:
        for index in (old, new):
            if index is not None:
                self._refresh_row(index)
        if new is not None:
            width = self.scrollable_content_region.width
            self.scroll_to_region(
                Region(0, new * ROW_LINES, width, ROW_LINES), animate=False, force=True
            )

    def _refresh_row(self, index: int) -> None:
        top = index * ROW_LINES - self.scroll_offset.y
        self.refresh(Region(0, top, self.size.width, ROW_LINES))

    # -- keys and the mouse ------------------------------------------------------

    def action_cursor(self, step: int) -> None:
        """Move the cursor ``step`` rows."""
        if self._rows:
            self.highlighted = 0 if self.highlighted is None else self.highlighted + step

    def action_page(self, direction: int) -> None:
        """Move the cursor a screenful of rows."""
        self.action_cursor(direction * max(1, self.size.height // ROW_LINES))

    def action_first(self) -> None:
        self.highlighted = 0

    def action_last(self) -> None:
        self.highlighted = len(self._rows) - 1

    async def on_click(self, event: events.Click) -> None:
        """A click puts the cursor on a row and opens it (as ``enter`` does)."""
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = (offset.y + self.scroll_offset.y) // ROW_LINES
        if 0 <= index < len(self._rows):
            self.highlighted = index
            await self.run_action("open")

    # -- painting ----------------------------------------------------------------

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()

    def render_lines(self, crop: Region) -> list[Strip]:
        """Paint the lines in ``crop``, with the styles, width and scroll found once
        for all of them (each costs a walk up the DOM)."""
        self._looks = self._current_looks()
        try:
            return super().render_lines(crop)
        finally:
            self._looks = None

    def _current_looks(self) -> tuple[RichStyle, RichStyle, int, int]:
        """The style of a line, of the cursor's, the width and the first line shown."""
        base = self.rich_style
        highlighted = base + self.get_component_rich_style("doc-lines--highlighted")
        return base, highlighted, self.scrollable_content_region.width, self.scroll_offset.y

    def render_line(self, y: int) -> Strip:
        """Paint window line ``y``: one of its row's two lines, cut to the width."""
        base, highlighted, width, top = self._looks or self._current_looks()
        index, part = divmod(top + y, ROW_LINES)
        if index >= len(self._rows):
            return Strip.blank(width, base)
        if self._strips_look != (base, highlighted, width):
            self._strips.clear()
            self._strips_look = (base, highlighted, width)
        row, cursor = self._rows[index], index == self.highlighted
        strips = self._strips.get((row.id, cursor))
        if strips is None:
            if len(self._strips) > KEPT_PROMPTS:
                self._strips.clear()
            # under the row's own styles, as OptionList's cursor:
            strips = self._paint(row, highlighted if cursor else base, width)
            self._strips[row.id, cursor] = strips
        return strips[part]

    def _paint(self, row: DocRow, style: RichStyle, width: int) -> list[Strip]:
        """The row's lines in ``style``, cut (or padded) to ``width``."""
        under = self._under.get(style)
        if under is None:
            under = self._under[style] = Style.from_rich_style(style)
        lines = self._prompt(row).split("\n", allow_blank=True)
        strips = []
        for line in lines[:ROW_LINES]:
            segments = line.truncate(width, ellipsis=True, pad=True).render_segments(under)
            strips.append(Strip(segments, width).simplify())
        strips += [Strip.blank(width, style)] * (ROW_LINES - len(strips))
        return strips


class LineScrollBar(ScrollBar):
    """A vertical scrollbar that repaints only its lines that change.

    Textual's repaints every line of the bar when it moves or the list's length
    changes (each filter key that changes how many rows match, clearing the
    filter): 1.7 ms for 40 lines, mostly Textual's styling of each line, though
    all but the one or two lines of the thumb's ends are the same track as
    before. This one paints its lines from the bar's segments (the strips
    Textual's makes through the console) and refreshes only those that differ.
    """

    window_virtual_size: Reactive[int] = Reactive(100, repaint=False)
    window_size: Reactive[int] = Reactive(0, repaint=False)
    position: Reactive[float] = Reactive(0, repaint=False)

    def __init__(
        self, vertical: bool = True, name: str | None = None, *, thickness: int = 1
    ) -> None:
        super().__init__(vertical, name, thickness=thickness)
        self._lines: list[Strip] = []
        self._lines_of: tuple[object, ...] | None = None  # what ``_lines`` were painted for

    def watch_window_virtual_size(self) -> None:
        self._moved()

    def watch_window_size(self) -> None:
        self._moved()

    def watch_position(self) -> None:
        self._moved()

    def _moved(self) -> None:
        """Repaint the lines the bar's new place or length changed (all of them if
        anything else changed too: the size, the style)."""
        before, painted_for = self._lines, self._lines_of
        painted = self._paint()
        if painted is None or painted_for is None or painted[4:] != painted_for[4:]:
            self.refresh()
            return
        width = self.size.width
        for y, (old, new) in enumerate(zip_longest(before, self._lines)):
            if old != new:
                self.refresh(Region(0, y, width, 1))

    def render_lines(self, crop: Region) -> list[Strip]:
        """Paint the bar's lines once for every line of this frame."""
        self._paint()
        return super().render_lines(crop)

    def _paint(self) -> tuple[object, ...] | None:
        """Make the bar's lines as it is now, unless they are made; what they are made
        for (None: Textual's console paints them, the bar being another renderable)."""
        bar = self.render()
        if not (self.vertical and isinstance(bar, ScrollBarRender)):
            self._lines_of = None
            return None
        style = bar.style if isinstance(bar.style, RichStyle) else RichStyle.parse(str(bar.style))
        base, (width, height) = self.visual_style.rich_style, self.size
        place = (bar.virtual_size, bar.window_size, bar.position, bar.thickness)
        key = (*place, style, base, width, height)
        if key != self._lines_of:
            segments = bar.render_bar(
                size=height,
                virtual_size=bar.virtual_size,
                window_size=bar.window_size,
                position=bar.position,
                thickness=width,
                vertical=True,
                back_color=style.bgcolor or Color.parse("#555555"),
                bar_color=style.color or Color.parse("bright_magenta"),
            )
            self._lines = [
                Strip([Segment(segment.text, base + segment.style)], width)
                for segment in segments.segments
            ]
            self._lines_of = key
        return key

    def render_line(self, y: int) -> Strip:
        if self._lines_of is None:
            return super().render_line(y)
        if y < len(self._lines):
            return self._lines[y]
        return Strip.blank(self.size.width, self.visual_style.rich_style)
