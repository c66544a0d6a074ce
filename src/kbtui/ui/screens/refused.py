"""The dialog shown when the database is refused while the app runs.

The store refuses a database it cannot trust (a malformed record, files that
disagree) and never writes over it; the app then cannot go on with it, but
the user should not lose their place to a traceback either. The dialog says
which file and which record, and offers what ``kbtui doctor --repair`` would
do, or an empty database beside it; both leave the old files as they are.
"""

from __future__ import annotations

from typing import Literal

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label

from kbtui.ui.screens.dialogs import Dialog
from kbtui.view.sanitize import one_line

Choice = Literal["repair", "fresh", "quit"]
"""Salvage into a new file and reopen on it, reopen on an empty one, or quit."""


class RefusedScreen(Dialog[Choice]):
    """What to do about a database the store refused (``r``, ``n``, or ``q``/escape)."""

    DEFAULT_CSS = "RefusedScreen Label { width: 100%; }"  # the reason is long: it wraps
    BINDINGS = [
        Binding("r", "choose('repair')", "Repair into a new file", id="refused.repair"),
        Binding("n", "choose('fresh')", "New empty database", id="refused.fresh"),
        Binding("q,escape", "choose('quit')", "Quit", id="refused.quit"),
    ]

    def __init__(self, reason: str) -> None:
        """``reason`` is the store's message: the file, the record, what is wrong with it."""
        super().__init__()
        self._reason = reason

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog confirm", id="refused") as box:
            box.border_title = "The database cannot be used"
            yield Label(Text(one_line(self._reason, 600)), id="refused-reason")  # wraps
            yield Label(
                Text(
                    "kbtui has changed nothing. Repairing writes what can be read to a new file "
                    "beside it and opens that; the old files stay as they are."
                ),
                classes="detail",
            )
            with Horizontal(classes="buttons"):
                yield Button("Repair and open (r)", variant="primary", id="repair")
                yield Button("New empty database (n)", id="fresh")
                yield Button("Quit (q)", id="quit")

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.action_choose(event.button.id or "quit")

    def action_choose(self, choice: str) -> None:
        """Answer and close."""
        self.dismiss("repair" if choice == "repair" else "fresh" if choice == "fresh" else "quit")
