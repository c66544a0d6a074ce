"""Line wrapping in terminal cells: what the reader paints on each row.

The reader shows a view text wrapped to the window width. Three facts shape
this module:

* CJK characters take two cells, combining marks none, so widths come from
  Rich's own cell table (the one Textual paints with); anything else would let
  a row overflow or leave a gap.
* Chinese typography forbids a row that starts with closing punctuation
  (，。」…) or ends with opening punctuation (「（…); the rule (kinsoku) moves a
  character down to the next row instead of letting the row overflow.
* One enormous line must cost no more to show than many short ones, so long
  lines are cut into segments (:func:`split_segments`) that wrap on their own.

The lazy layout over a whole document is :mod:`kbtui.view.layout`, its row
arithmetic :mod:`kbtui.view.rows`. Nothing here imports Textual, so all of it
is tested without a terminal.
"""

from __future__ import annotations

import re
import sys
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache
from itertools import accumulate
from operator import add

from rich._unicode_data import load as load_cell_table  # what rich.cells measures with
from rich.cells import split_graphemes

from kbtui.view.sanitize import sanitize

CLOSING = frozenset("，。、！？；：」』）》〉】〕］｝〗〙〞”’…‥・,.!?;:)]}％")
"""Characters a row must not start with (they close or follow what precedes)."""

OPENING = frozenset("「『（《〈【〔［｛〖〘〝“‘([{")
"""Characters a row must not end with (they open what follows)."""

MAX_SEGMENT = 2000
"""Longest run of text wrapped as one unit.

A logical line longer than this is cut into segments (at a space or a CJK
boundary where possible), so one enormous line (a minified or unbroken
paragraph) costs no more to show than many short ones."""

_SOFT_AFTER = frozenset(" -/–—")
"""Latin break opportunities: after a space, a hyphen or dash, a slash."""

_NO_START = CLOSING | frozenset("·‧")
"""Characters a row must not start with: closing punctuation and the middle dot
of a transliterated name (丹妮拉·布朗), which GB/T 15834 keeps off a line start."""

_HANGING = re.compile(
    r"[ \u3000]*((?:▎ )+[ \u3000]*(?:(?:• |\d{1,9}[.)] )(?:[☐☑] )?)?|(?:• |\d{1,9}[.)] )(?:[☐☑] )?)"
)
"""A line's leading list and quote markers (as the renderer writes them); group 1 is the markers."""

_GLUED = frozenset({"——", "……", "//", "--"})
"""Pairs that read as one mark (a Chinese dash, an ellipsis, a URL's ``//``):
never split across rows (UAX #14 rule LB17 for dashes)."""

_SPECIAL = frozenset(" ").union(_NO_START, OPENING, _SOFT_AFTER, *_GLUED)
"""Characters some break rule looks at: a break between two wide characters
that are none of these is soft and allowed without asking the rules."""


@cache
def _width_table() -> str:
    """Rich's cell width of every code point, as a :meth:`str.translate` table.

    Character ``c`` of the table has the ordinal ``get_character_cell_size(chr(c))``,
    so translating a text and encoding it as Latin-1 gives its widths in one
    C-level pass (about 35 ns a character, against 60 ns for a dict look-up per
    character): what wrapping a 50 MB line costs. Built from Rich's own range
    table and control-character rule (1.1 MB, 3 ms, once).
    """
    table = bytearray(b"\x01") * (sys.maxunicode + 1)
    for start, end, width in load_cell_table().widths:
        table[start : end + 1] = bytes([width]) * (end + 1 - start)
    table[1:32] = bytes(31)  # C0 controls but NUL, which keeps its table width as in Rich
    table[0x7F:0xA0] = bytes(0xA0 - 0x7F)  # DEL and C1 controls
    return table.decode("latin-1")


def _char_width(char: str) -> int:
    """Cells taken by one character, as Rich's ``get_character_cell_size`` says."""
    return ord(_width_table()[ord(char)])


def cell_widths(text: str) -> bytes:
    """Cells taken by each character of ``text`` (one byte each), as Rich measures the string.

    A grapheme (an emoji joined with ZWJ, a character with a variation
    selector, a base with combining marks) puts its width on its first
    character and zero on the rest, so a zero marks a place where a row must
    not break.
    """
    if "\u200d" not in text and "\ufe0f" not in text:
        return text.translate(_width_table()).encode("latin-1")
    widths = bytearray(len(text))
    spans, _total = split_graphemes(text)
    for start, _end, cells in spans:
        widths[start] = cells
    return bytes(widths)


@dataclass(frozen=True, slots=True)
class LineLayout:
    """One logical line wrapped to a width: its display text and row starts.

    ``prefix[i]`` is the number of cells before character ``i`` (length
    ``len(text) + 1``), or ``None`` when every character takes one cell, which
    saves the list for ASCII lines.
    """

    text: str
    starts: tuple[int, ...]
    prefix: list[int] | None
    indent: int = 0
    """Cells before the text on every row after the first (a list item's or quote's hang)."""

    @property
    def rows(self) -> int:
        """Number of visual rows (at least one, even for an empty line)."""
        return len(self.starts)

    def row_of(self, offset: int) -> int:
        """The row holding character ``offset`` (the line end is on the last row)."""
        return bisect_right(self.starts, offset) - 1

    def row_span(self, row: int) -> tuple[int, int]:
        """Character range ``[start, end)`` of ``row``."""
        end = self.starts[row + 1] if row + 1 < len(self.starts) else len(self.text)
        return self.starts[row], end

    def cells(self, start: int, end: int) -> int:
        """Cells taken by characters ``[start, end)``."""
        if self.prefix is None:
            return end - start
        return self.prefix[end] - self.prefix[start]

    def column_of(self, offset: int) -> int:
        """Cell column of character ``offset`` within its row (a hanging indent counted)."""
        row = self.row_of(offset)
        return self.cells(self.starts[row], offset) + (self.indent if row else 0)

    def offset_at(self, row: int, column: int) -> int:
        """The character of ``row`` that covers cell ``column``.

        A column past the row's text gives the row's end, which the caller
        clamps (on the last row it is the line end, where a cursor may stand).
        """
        start, end = self.row_span(row)
        column = max(column - (self.indent if row else 0), 0)
        if self.prefix is None:
            return min(start + column, end)
        target = self.prefix[start] + column
        return min(bisect_right(self.prefix, target, start, end + 1) - 1, end)

    def unit_end(self, offset: int) -> int:
        """End of the grapheme starting at ``offset`` (skips zero-width followers)."""
        end = offset + 1
        if self.prefix is None:
            return min(end, len(self.text))
        prefix = self.prefix
        while end < len(self.text) and prefix[end + 1] == prefix[end]:
            end += 1
        return min(end, len(self.text))

    def is_continuation(self, offset: int) -> bool:
        """Whether ``offset`` is a zero-width part of the grapheme before it."""
        if self.prefix is None or not 0 < offset < len(self.text):
            return False
        return self.prefix[offset + 1] == self.prefix[offset]


def layout_line(text: str, width: int) -> LineLayout:
    """Wrap one logical line (no ``\\n``) into rows of at most ``width`` cells.

    The text is sanitised first (:func:`kbtui.view.sanitize.sanitize`), so the layout's text
    is what is painted and its widths are the painted widths.
    """
    text = sanitize(text)
    width = max(width, 1)
    if text.isascii():
        if len(text) <= width:
            return LineLayout(text, (0,), None)
        indent = hanging_indent(text, None, width)
        return LineLayout(text, tuple(_wrap(text, width, None, None, indent)), None, indent)
    widths = cell_widths(text)
    prefix = list(accumulate(widths, initial=0))
    if prefix[-1] <= width:
        return LineLayout(text, (0,), prefix)
    indent = hanging_indent(text, prefix, width)
    return LineLayout(text, tuple(_wrap(text, width, widths, prefix, indent)), prefix, indent)


def hanging_indent(text: str, prefix: list[int] | None, width: int) -> int:
    """Cells that a line's rows after the first are indented by: its list or quote markers.

    A list item's wrapped rows start under its text, not under its bullet, and
    a quote's under the text after its bars, so the marker stands out as in
    print. Only markers hang: a paragraph indented with spaces (the Chinese
    first-line indent) wraps to the margin. No hang is kept that would leave
    rows narrower than half the width.
    """
    m = _HANGING.match(text)
    if m is None or not m.group(1):
        return 0
    cells = m.end() if prefix is None else prefix[m.end()]
    return cells if cells <= width // 2 else 0


def hang_text(text: str, indent: int) -> str:
    """What is painted in a hanging indent: a quote's bars kept, anything else blank."""
    m = _HANGING.match(text)
    kept = "".join(c if c == "▎" else " " for c in m.group()) if m else ""
    return kept if len(kept) == indent else " " * indent


def wrap_line(text: str, width: int) -> list[int]:
    """Offsets where each visual row of ``text`` starts (the first is 0).

    Rows concatenate to the line and fit ``width`` cells (a single character
    wider than ``width`` gets a row of its own), except that a word ending at
    the margin keeps the one space after it, in the spare cell the reader
    leaves for the cursor. Latin text breaks after
    spaces, a word longer than a row breaks anywhere, CJK text breaks between
    any two characters, and no row starts with closing punctuation or ends
    with opening punctuation when another break fits.
    """
    return list(layout_line(text, width).starts)


def row_count(text: str, width: int) -> int:
    """Number of rows :func:`wrap_line` gives, with shortcuts for lines that fit."""
    if len(text) <= width // 2 or (len(text) <= width and text.isascii()):
        return 1
    return layout_line(text, width).rows


def _wrap(
    text: str, width: int, widths: bytes | None, prefix: list[int] | None, indent: int = 0
) -> list[int]:
    """Row starts of ``text``; ``prefix`` (the cells before each character) when known."""
    starts = [0]
    n = len(text)
    start = 0
    while True:
        room = width - indent if start else width
        if prefix is None:
            end = start + room
        else:
            end = bisect_right(prefix, prefix[start] + room, start) - 1
        if end >= n:
            return starts
        if end <= start:  # one character wider than the row: it gets the row alone
            end = start + 1
            while end < n and widths is not None and widths[end] == 0:
                end += 1
            if end >= n:
                return starts
        elif text[end] == " " and end + 1 < n and text[end + 1] != " ":
            end += 1  # a word ending at the margin keeps its row; its space takes the spare cell
        elif not (
            widths is not None
            and widths[end]
            and 2 in (widths[end], widths[end - 1])
            and text[end] not in _SPECIAL
            and text[end - 1] not in _SPECIAL
        ):  # else the break at the margin is soft and allowed: between two CJK characters
            end = _choose_break(text, widths, start, end)
        starts.append(end)
        start = end


def _choose_break(text: str, widths: bytes | None, start: int, end: int) -> int:
    """Best break in ``(start, end]``: a soft break, else any allowed one, else ``end``."""
    for i in range(end, start, -1):
        if _allowed(text, widths, i) and _soft(text, widths, i):
            return i
    for i in range(end, start, -1):
        if _allowed(text, widths, i):
            return i
    return end


def _allowed(text: str, widths: bytes | None, i: int) -> bool:
    """A row may start at ``i``: not mid-grapheme, and kinsoku is respected."""
    if widths is not None and widths[i] == 0:
        return False
    if text[i - 1 : i + 1] in _GLUED:
        return False
    return text[i] not in _NO_START and text[i - 1] not in OPENING


def _soft(text: str, widths: bytes | None, i: int) -> bool:
    """``i`` is a natural break: after a space or dash, or next to a CJK character."""
    char = text[i]
    if char == " ":
        return False
    if text[i - 1] in _SOFT_AFTER:
        return not (text[i - 1] == "-" and char.isdigit())  # UAX #14: GPT-2, 20-25%
    return widths is not None and (widths[i] == 2 or widths[i - 1] == 2)


def split_segments(text: str, max_len: int = MAX_SEGMENT) -> tuple[list[int], list[int]]:
    """Cut a view text into segments: its lines, with long lines cut further.

    Returns ``(starts, ends)``: segment ``i`` is ``text[starts[i]:ends[i]]``.
    A segment that ends a line has ``ends[i]`` at its ``\\n`` (or the text end),
    so ``ends[i] < starts[i + 1]``; a segment cut from a long line ends where
    the next begins. A final ``\\n`` does not start an empty last line.
    """
    lines = text.split("\n")
    if len(lines) > 1 and lines[-1] == "":
        lines.pop()
    lengths = list(map(len, lines))  # lists: built by C-level maps, faster than arrays
    starts = list(accumulate(map((1).__add__, lengths), initial=0))
    starts.pop()
    ends = list(map(add, starts, lengths))
    if max(lengths, default=0) <= max_len:
        return starts, ends
    return _cut_long(text, starts, ends, max_len)


def _cut_long(
    text: str, starts: list[int], ends: list[int], max_len: int
) -> tuple[list[int], list[int]]:
    new_starts: list[int] = []
    new_ends: list[int] = []
    for start, end in zip(starts, ends, strict=True):
        while end - start > max_len:
            cut = _segment_cut(text, start, start + max_len)
            new_starts.append(start)
            new_ends.append(cut)
            start = cut
        new_starts.append(start)
        new_ends.append(end)
    return new_starts, new_ends


def _segment_cut(text: str, start: int, limit: int) -> int:
    """A cut near ``limit`` after a space or punctuation, not inside a grapheme."""
    floor = max(start + 1, limit - 200)
    for i in range(limit, floor, -1):
        prev = text[i - 1]
        if (prev == " " or prev in CLOSING) and _cuttable(text[i]):
            return i
    for i in range(limit, start, -1):
        if _cuttable(text[i]):
            return i
    return limit


def _cuttable(char: str) -> bool:
    return char not in CLOSING and char not in "\u200d\ufe0f" and _char_width(char) != 0
