"""The help screen: every key binding, generated from the bindings themselves.

Nothing here is hand-written per key, so a remapped key (``[keys]`` in
settings) or a new binding shows up without touching this file.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


def binding_rows(
    groups: Iterable[tuple[str, Iterable[BindingType]]], keymap: Mapping[str, str]
) -> list[tuple[str, str, str]]:
    """(group, keys, description) for every described binding, keymap applied."""
    rows = []
    for group, bindings in groups:
        for binding in bindings:
            if not isinstance(binding, Binding) or not binding.description:
                continue
            keys = keymap.get(binding.id or "", binding.key)
            display = binding.key_display or keys.replace("question_mark", "?")
            rows.append((group, display.replace("slash", "/"), binding.description))
    return rows


class HelpScreen(ModalScreen[None]):
    """A scrollable table of every binding; any of escape, q or ? closes it."""

    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close", id="help.close"),
    ]

    def __init__(self, rows: list[tuple[str, str, str]]) -> None:
        super().__init__()
        self._rows = rows

    def compose(self) -> ComposeResult:
        table = Table(show_header=True, header_style="bold", expand=True, box=None)
        table.add_column("Where", style="dim", no_wrap=True)
        table.add_column("Key", style="bold cyan", no_wrap=True)
        table.add_column("Action")
        for group, keys, description in self._rows:
            table.add_row(Text(group), Text(keys), Text(description))
        with VerticalScroll(id="help-body") as body:
            body.border_title = "Keys · escape to close"
            yield Static(table)

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
