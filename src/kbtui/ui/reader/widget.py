"""The reader widget: what the App calls to show a document and mark it up.

Everything the App gives or gets in *source* offsets (cursor, selection,
highlights, mentions, find matches) goes through ``view.map``; the widget
itself works in view offsets.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import ClassVar

from textual.binding import BindingType

from kbtui.ui.reader import keys
from kbtui.ui.reader.painting import HIGHLIGHT_KEYS, Range
from kbtui.ui.reader.selection import CursorDisplay
from kbtui.view.textview import STYLE_NAMES, TextView


class Reader(CursorDisplay, can_focus=True):
    """Shows one :class:`~kbtui.view.textview.TextView` with a cursor, a selection and overlays.

    Posts :class:`Reader.CursorMoved` and :class:`Reader.SelectionChanged`
    (in source offsets). ``cursor``, ``selection`` and ``clear_selection``
    come from the layers below, with the keys' actions.
    """

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

    BINDINGS: ClassVar[list[BindingType]] = keys.BINDINGS

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

    def set_highlights(self, highlights: Iterable[tuple[int, int, str]]) -> None:
        """Show annotations: source ``(start, end, key)``, key one of :data:`HIGHLIGHT_KEYS`."""
        self._painter.overlays.set_highlights(highlights)
        self._overlays_changed()

    def set_mentions(self, mentions: Iterable[Range], inferred: Iterable[Range] = ()) -> None:
        """Mark entity mentions (source ranges) with a subtle underline, fainter if inferred."""
        self._painter.overlays.set_mentions(mentions, inferred)
        self._overlays_changed()

    def set_matches(self, matches: Iterable[Range], current: int | None = None) -> None:
        """Show find results (source ranges); ``current`` indexes the one to stress."""
        self._painter.overlays.set_matches(matches, current)
        self._overlays_changed()

    def clear_overlays(self) -> None:
        """Remove highlights, mentions and matches (when another document is shown)."""
        self._painter.overlays.clear()
        self._overlays_changed()
