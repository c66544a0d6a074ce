"""Radio buttons for forms: a choice drawn ``(•)``, and a set whose arrows choose at once."""

from __future__ import annotations

from textual.binding import Binding
from textual.content import Content
from textual.widgets import RadioButton, RadioSet


class Choice(RadioButton):
    """A choice drawn ``(•)`` when chosen and ``( )`` when not, in colour as well
    (``app.tcss``): Textual's ``▐●▌`` differ only in the dot's colour, which many
    themes and terminals make hard to tell apart."""

    @property
    def _button(self) -> Content:
        mark = "•" if self.value else " "
        return Content.assemble("(", (mark, self.get_visual_style("toggle--button")), ")")


class ChoiceSet(RadioSet, inherit_bindings=False):
    """A RadioSet whose arrows choose at once, leaving ``enter`` to the dialog.

    Textual's RadioSet moves a highlight with the arrows and needs
    ``enter``/``space`` to choose; in a form that is one key too many, and
    ``enter`` should export, as in every kbtui dialog.
    """

    BINDINGS = [
        Binding("down,right", "choose(1)", "Next", show=False),
        Binding("up,left", "choose(-1)", "Previous", show=False),
    ]

    def action_choose(self, step: int) -> None:
        """Press the next enabled button ``step`` away, wrapping around."""
        buttons = list(self.query(RadioButton))
        start = self.pressed_index
        for offset in range(1, len(buttons) + 1):
            button = buttons[(start + step * offset) % len(buttons)]
            if not button.disabled:
                button.value = True
                return
