"""The help screen: every key binding, generated from the bindings themselves.

Nothing here is hand-written per key, so a remapped key (``[keys]`` in
settings) or a new binding shows up without touching this file.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from rich.cells import cell_len
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
    """(group, keys, description) for every described binding, keymap applied; the
    keys of one action in one group on one row (``q, ctrl+q  Quit``)."""
    rows: dict[tuple[str, str], list[str]] = {}
    for group, bindings in groups:
        for binding in bindings:
            if not isinstance(binding, Binding) or not binding.description:
                continue
            keys = keymap.get(binding.id or "", binding.key)
            display = binding.key_display or keys.replace("question_mark", "?")
            shown = rows.setdefault((group, binding.description), [])
            shown.append(display.replace("slash", "/"))
    return [(group, ", ".join(keys), description) for (group, description), keys in rows.items()]


def help_table(rows: Sequence[tuple[str, str, str]]) -> Table:
    """The rows as a table whose first two columns are as wide as their widest cell,
    never cut (an even share of the width cut long keys and left actions a third)."""
    table = Table(show_header=True, header_style="bold", expand=True, box=None)
    for index, (title, style) in enumerate((("Where", "dim"), ("Key", "bold cyan"))):
        width = max(cell_len(cell) for cell in [title, *(row[index] for row in rows)])
        table.add_column(title, style=style, no_wrap=True, min_width=width)
    table.add_column("Action", ratio=1)
    for group, keys, description in rows:
        table.add_row(Text(group), Text(keys), Text(description))
    return table


class HelpScreen(ModalScreen[None]):
    """A scrollable table of every binding; any of escape, q or ? closes it."""

    DEFAULT_CSS = """
    #help-body {
        width: 90%;
        max-width: 110;
        height: 90%;
        border: round $accent;
        background: $surface;
        padding: 0 1;
    }
    """
    """Parsed when help first opens, not at start-up (``app.tcss`` holds the first frame's)."""

    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close", id="help.close"),
    ]

    def __init__(self, rows: list[tuple[str, str, str]]) -> None:
        super().__init__()
        self._rows = rows

    def compose(self) -> ComposeResult:
        table = help_table(self._rows)
        with VerticalScroll(id="help-body") as body:
            body.border_title = "Keys · escape to close"
            yield Static(table)

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
