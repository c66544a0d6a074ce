"""What a row of the document list says: its title, then its script, date,
annotation count and tags, as Textual ``Content`` made from plain strings."""

from __future__ import annotations

from textual.content import Content
from textual.style import Style

from kbtui.scripts.hanzi import Script
from kbtui.session.rows import DocRow
from kbtui.view.sanitize import one_line

SCRIPT_BADGES = {
    Script.SIMPLIFIED: ("简", "green"),
    Script.TRADITIONAL: ("繁", "cyan"),
    Script.MIXED: ("混", "magenta"),
    Script.NONE: ("–", "dim"),
    Script.JAPANESE: ("日", "yellow"),
}
"""How each detected script is shown: one character and a colour."""

_BADGE_STYLES = {
    script: Style.parse(f"bold {colour}") for script, (_, colour) in SCRIPT_BADGES.items()
}
_PROBLEM, _DIM, _BOLD = Style.parse("bold red"), Style.parse("dim"), Style.parse("bold")
"""The prompt's styles, parsed once: Content parses a style given as a string
each time it is painted (a third of a row's painting)."""


def prompt(row: DocRow) -> Content:
    """Two lines: the title, then script, date, annotation count and tags.

    Built as Textual ``Content`` from plain strings (never parsed as markup),
    only for the rows being painted.
    """
    parts: list[str | tuple[str, Style]] = []
    if row.problems:
        parts.append(("⚠ ", _PROBLEM))
    badge = SCRIPT_BADGES[row.script][0]
    parts += [one_line(row.shown_title, 200), "\n", (badge, _BADGE_STYLES[row.script])]
    parts.append((f" {(row.meta.date or 'no date')[:10]}", _DIM))
    if row.annotations:
        parts.append((f"  ✎{row.annotations}", _BOLD))
    if row.all_tags:
        parts.append(("  " + one_line(" ".join(f"#{t}" for t in row.all_tags)), _DIM))
    return Content.assemble(*parts)
