"""The reader's keys: each with an id, so a keymap can remap it and help can list it.

The actions they name are :class:`~kbtui.ui.reader.selection.CursorDisplay`'s
``action_*`` methods; shift extends a selection by that one motion.
"""

from __future__ import annotations

from textual.binding import Binding, BindingType

BINDINGS: list[BindingType] = [
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
    Binding("shift+up", "cursor_up(True)", "Select up", show=False, id="reader.select_up"),
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
    Binding("F", "footnote", "Footnote", show=False, id="reader.footnote",
            tooltip="On a footnote marker, to its note; on the note's number, back"),
    Binding("escape", "cancel_selection", "Cancel selection", show=False, id="reader.cancel"),
]  # fmt: skip
"""Every key the reader answers; ``Reader.BINDINGS``."""
