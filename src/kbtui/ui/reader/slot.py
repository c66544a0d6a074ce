"""The reader's place before the first document: a light stand-in for the Reader.

The Reader is the costliest widget of the first frame: its stylesheet (every span
style and overlay is a component class) is parsed when it is first mounted, and
each restyle of it (its mount, the screen's first resume) applies the app's
stylesheet to each of its 36 component classes: ~25 ms of CPU before the list was
painted, for a pane with no document in it. So the pane starts with a
:class:`ReaderSlot`, which looks as the empty Reader did (its background and
scrollbar gutter; no cursor, as there is no text), and puts the Reader in its place
when a document opens or the slot takes the focus
(:attr:`kbtui.ui.pane_base.PaneBase.reader`).
"""

from __future__ import annotations

from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip


class ReaderSlot(ScrollView, can_focus=True):
    """Where the Reader goes; asks for it (:class:`Wanted`) as soon as it is focused."""

    DEFAULT_CSS = """
    ReaderSlot {
        height: 1fr;
        background: $surface;
        padding: 0 1;
        overflow-x: hidden;
        overflow-y: auto;
        scrollbar-gutter: stable;
        scrollbar-size-vertical: 1;
    }
    """

    class Wanted(Message):
        """The slot has the focus: the Reader is to take its place, and the focus."""

    def render_line(self, y: int) -> Strip:
        """A blank row in the reader's colours, as the empty Reader painted its rows."""
        return Strip.blank(self.scrollable_content_region.width, self.rich_style)

    def on_focus(self) -> None:
        self.post_message(self.Wanted())
