"""Turning untrusted strings into Rich ``Text`` that is never parsed as markup.

Every title, note, quote or document fragment that reaches a widget goes
through :func:`safe` or :func:`safe_line`: a ``Text`` object is shown as it
is (``[bold]`` stays ``[bold]``) and control characters are replaced first,
so escape sequences never reach the terminal.
"""

from __future__ import annotations

from rich.text import Text

from kbtui.view.sanitize import one_line, printable


def safe(text: str, style: str = "") -> Text:
    """Multi-line untrusted text as a literal ``Text``."""
    return Text(printable(text), style=style)


def safe_line(text: str, limit: int | None = None, style: str = "") -> Text:
    """Untrusted text as one literal line, cut to ``limit`` characters."""
    return Text(one_line(text, limit), style=style, no_wrap=True, overflow="ellipsis")


def cut(text: str, cells: int, style: str = "") -> Text:
    """Untrusted text on one line, cut with an ellipsis to ``cells`` terminal cells
    (a CJK character takes two, so cutting by characters overflowed the screen).

    The line is first cut to twice as many characters as cells: measuring
    cells is slow in Rich (1.4 s for a 1 MiB note), and more never shows."""
    line = safe_line(text, 2 * max(1, cells) + 8, style=style)
    line.truncate(max(1, cells), overflow="ellipsis")
    return line
