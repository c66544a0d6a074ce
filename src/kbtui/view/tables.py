"""GFM tables drawn with box characters, columns measured in terminal cells.

A table in the source is pipes and dashes; read as text it is a jumble, so
it is drawn as a grid (``┌─┬─┐``, ``│``, ``├─┼─┤``, ``└─┴─┘``) whose columns
are as wide as their widest cell in terminal cells (a CJK character is two),
every cell padded to its column and aligned as the delimiter row says.

The map stays exact where it can: a row whose cells fit their columns is
written in source order, each cell's text copied (inline Markdown rendered
as anywhere else), the pipes shown as bars, padding and borders inserted.
A cell wider than :data:`MAX_COLUMN` wraps inside its column; its row's
lines then interleave the cells, which no source-ordered map can express, so
such a row maps as a whole to its source line.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from kbtui.view.sanitize import clean
from kbtui.view.textview import Span
from kbtui.view.wrap import cell_widths, wrap_line
from kbtui.view.writer import ViewWriter

MAX_COLUMN = 30
"""Cells a column may take before its text wraps (the view does not know the screen's width)."""

DELIMITER_ROW = re.compile(r"[ \t]*\|?(?:[ \t]*:?-+:?[ \t]*\|)*[ \t]*:?-+:?[ \t]*\|?[ \t]*")
"""The line under a table's header: a dash run per column, colons for alignment."""

_PIPE = re.compile(r"(?<!\\)\|")

Inline = Callable[[ViewWriter, int, int], None]
"""Writes the inline Markdown of a source range to a writer."""


@dataclass(frozen=True, slots=True)
class Line:
    """A source line: its start, the end of its content, its end and the next line's start."""

    start: int
    content_end: int
    end: int
    next: int


@dataclass(frozen=True, slots=True)
class Table:
    """A table found in the source: its lines (the delimiter row second) and column alignments."""

    lines: list[Line]
    aligns: list[str]
    """``"left"``, ``"right"`` or ``"center"`` per column."""

    @property
    def end(self) -> int:
        """Where the source after the table begins."""
        return self.lines[-1].next


def cells(src: str, start: int, end: int) -> list[tuple[int, int]]:
    """The content range of each cell of the row ``[start, end)``: pipes and spaces left out."""
    bounds = [m.start() for m in _PIPE.finditer(src, start, end)]
    a, b = start, end
    while a < b and src[a] in " \t":
        a += 1
    if bounds and bounds[0] == a:
        bounds.pop(0)
        a += 1
    while b > a and src[b - 1] in " \t":
        b -= 1
    if bounds and bounds[-1] == b - 1 and (b - 1 > a or not bounds[:-1]):
        bounds.pop()
        b -= 1
    result, pos = [], a
    for stop in [*bounds, b]:
        s, e = pos, stop
        while s < e and src[s] in " \t":
            s += 1
        while e > s and src[e - 1] in " \t":
            e -= 1
        result.append((s, e))
        pos = stop + 1
    return result


def find_table(src: str, header: Line, following: Callable[[int], Line | None]) -> Table | None:
    """The table whose header is ``header``, or None; ``following(pos)`` reads the line at pos."""
    if "|" not in src[header.start : header.content_end]:
        return None
    delim = following(header.next)
    if delim is None or not DELIMITER_ROW.fullmatch(src, delim.start, delim.content_end):
        return None
    marks = cells(src, delim.start, delim.content_end)
    if len(marks) != len(cells(src, header.start, header.content_end)):
        return None
    aligns = [_align(src[s:e]) for s, e in marks]
    lines = [header, delim]
    line = following(delim.next)
    while line is not None and "|" in src[line.start : line.content_end]:
        lines.append(line)
        line = following(line.next)
    return Table(lines, aligns)


def _align(mark: str) -> str:
    if mark.startswith(":") and mark.endswith(":"):
        return "center"
    return "right" if mark.endswith(":") else "left"


class TableWriter:
    """Writes a :class:`Table` through a writer, rendering cells with ``inline``."""

    def __init__(self, out: ViewWriter, inline: Inline) -> None:
        self.out, self.inline, self.src = out, inline, out.source

    def write(self, table: Table) -> None:
        """Draw ``table``; the writer's position is the start of its first line."""
        n = len(table.aligns)
        rows = [self._row(line, n) for i, line in enumerate(table.lines) if i != 1]
        texts = [[self._measure(s, e) for s, e in row] for row in rows]
        widths = [max(1, min(MAX_COLUMN, max(_width(t[k]) for t in texts))) for k in range(n)]
        self._border("┌", "┬", "┐", widths, self.out.pos)
        for i, line in enumerate(table.lines):
            if i == 1:
                self._border("├", "┼", "┤", widths, line.content_end)
            else:
                k = i if i == 0 else i - 1
                self._write_row(line, rows[k], texts[k], widths, table.aligns, header=i == 0)
            self._end_line(line)
        self._border("└", "┴", "┘", widths, self.out.pos)

    def _row(self, line: Line, n: int) -> list[tuple[int, int]]:
        """The row's first ``n`` cells, missing ones as empty ranges at the line's end."""
        found = cells(self.src, line.start, line.content_end)[:n]
        return found + [(line.content_end, line.content_end)] * (n - len(found))

    def _measure(self, start: int, end: int) -> str:
        """The text a cell shows, rendered on a scratch writer."""
        scratch = ViewWriter(self.src)
        scratch.drop_to(start)
        self.inline(scratch, start, end)
        return clean(scratch.text_since(0))

    def _border(self, left: str, mid: str, right: str, widths: list[int], end: int) -> None:
        """A border line, standing for the source up to ``end`` (nothing, for top and bottom)."""
        out = self.out
        v0 = out.vpos
        text = left + mid.join("─" * (w + 2) for w in widths) + right
        out.replace_to(end, text if end > out.pos else text + "\n")
        out.spans.append(Span(v0, v0 + len(text), "rule"))

    def _end_line(self, line: Line) -> None:
        out = self.out
        out.drop_to(line.end)
        if line.next > line.end:
            out.copy_to(line.next)
        else:
            out.replace_to(line.next, "\n")

    def _write_row(
        self,
        line: Line,
        row: list[tuple[int, int]],
        texts: list[str],
        widths: list[int],
        aligns: list[str],
        header: bool,
    ) -> None:
        """One row, exact when every cell fits its column, else as a block of wrapped lines."""
        out = self.out
        if any(_width(t) > w for t, w in zip(texts, widths, strict=True)):
            v0 = out.vpos
            out.replace_to(line.content_end, _wrapped(texts, widths, aligns))
            if header:
                out.span(v0, "strong")
            return
        for k, (start, end) in enumerate(row):
            out.replace_to(start, "│ " if k == 0 else " │ ")
            left, right = _padding(widths[k] - _width(texts[k]), aligns[k])
            out.replace_to(out.pos, " " * left)
            v0 = out.vpos
            self.inline(out, start, end)
            if header:
                out.span(v0, "strong")
            out.replace_to(out.pos, " " * right)
        out.replace_to(line.content_end, " │")


def _width(text: str) -> int:
    return sum(cell_widths(text))


def _padding(spare: int, align: str) -> tuple[int, int]:
    """Spaces before and after a cell's text."""
    if align == "right":
        return spare, 0
    if align == "center":
        return spare // 2, spare - spare // 2
    return 0, spare


def _wrapped(texts: list[str], widths: list[int], aligns: list[str]) -> str:
    """A row whose cells wrap inside their columns, as lines of text."""
    columns = []
    for text, width in zip(texts, widths, strict=True):
        starts = wrap_line(text, width)
        columns.append(
            [text[a:b].strip() for a, b in zip(starts, [*starts[1:], len(text)], strict=True)]
        )
    height = max(len(c) for c in columns)
    lines = []
    for r in range(height):
        parts = []
        for column, width, align in zip(columns, widths, aligns, strict=True):
            piece = column[r] if r < len(column) else ""
            left, right = _padding(max(0, width - _width(piece)), align)
            parts.append(" " * left + piece + " " * right)
        lines.append("│ " + " │ ".join(parts) + " │")
    return "\n".join(lines)
