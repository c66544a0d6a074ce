"""Making untrusted text safe to put on a terminal.

Document bodies, titles and notes may hold terminal escape sequences or other
characters a terminal obeys instead of showing. kbtui never sends them to the
terminal: each is replaced by a visible stand-in, one character for one (so
offsets into the text still hold), which shows the user that something was
there.

What is unsafe is defined once, in :data:`UNSAFE_RANGES`. Where the text goes
decides only the stand-ins and which unsafe characters it may keep, so every
function here is one table built from that definition by :class:`_StandIns`:

* :func:`printable`: text for the CLI and for widgets that wrap it themselves.
  Tabs and newlines are kept, since they are the text's own layout; ESC shows
  as ␛, anything else as U+FFFD.
* :func:`clean`: the reading text (:mod:`kbtui.view.markdown`), as
  :func:`printable` but a tab is a space: the reader measures every character
  as one cell, and a tab's width depends on where it stands.
* :func:`sanitize`: the reader's last line of defence, applied to each line it
  paints (:func:`kbtui.view.wrap.layout_line`). A painted line holds no line
  break and one cell per character, so nothing is kept: C0 controls (newline
  among them) become their control pictures, which name what was there (␛,
  ␇, ␍), and the line separators become spaces.
* :func:`one_line`: a title or a name on one line of a list or a message.
"""

from __future__ import annotations

import re
from collections.abc import Callable

UNSAFE_RANGES: tuple[tuple[int, int], ...] = (
    (0x00, 0x1F),  # C0 controls: ESC starts escape sequences, CR overwrites, BEL rings
    (0x7F, 0x9F),  # DEL and the C1 controls (0x9B is a one-character CSI)
    (0x2028, 0x2029),  # line and paragraph separators: some terminals break the line
    (0x202A, 0x202E),  # bidi embeddings and overrides: they reorder what the user sees
    (0x2066, 0x2069),  # bidi isolates, likewise
    (0xD800, 0xDFFF),  # lone surrogates: no terminal encoding can carry them
)
"""Every character that must never reach the terminal as it is, as code point ranges."""

REPLACEMENT = "\ufffd"
"""What an unsafe character is shown as when nothing more telling is chosen."""

ESCAPE_PICTURE = "␛"
"""What ESC is shown as everywhere: a user may want to know an escape sequence was there."""


class _StandIns:
    """A one-for-one replacement of the unsafe characters, from one stand-in rule.

    ``stand_in(code)`` gives each unsafe character's replacement; one that
    gives the character itself keeps it. Only unsafe characters are ever
    looked at, so safe text passes through one regular-expression scan. Tabs
    and newlines are common in real text, so where they are replaced it is
    by ``str.replace``, not one regular-expression match each.
    """

    def __init__(self, stand_in: Callable[[int], str]) -> None:
        self._stand_in = stand_in
        self._common: list[tuple[str, str]] = []
        self._table: dict[str, str] = {}
        self._pattern: re.Pattern[str] | None = None

    def _build(self) -> re.Pattern[str]:
        """The table and its pattern, made on first use: the four tables took 10 ms of
        every ``kbtui`` run's imports (a stand-in call for each of 2,300 code points),
        and ``kbtui list`` of clean titles uses none of them."""
        codes = (code for low, high in UNSAFE_RANGES for code in range(low, high + 1))
        table = {chr(code): self._stand_in(code) for code in codes}
        self._common = [(char, table.pop(char)) for char in "\t\n" if table[char] != char]
        self._table = {char: new for char, new in table.items() if new != char}
        ranges = "".join(f"\\U{low:08x}-\\U{high:08x}" for low, high in _runs(self._table))
        pattern = self._pattern = re.compile(f"[{ranges}]")
        return pattern

    def __call__(self, text: str) -> str:
        pattern = self._pattern if self._pattern is not None else self._build()
        for char, new in self._common:
            if char in text:
                text = text.replace(char, new)
        if pattern.search(text) is None:
            return text
        return pattern.sub(self._replace, text)

    def _replace(self, match: re.Match[str]) -> str:
        return self._table[match.group()]


def _runs(chars: dict[str, str]) -> list[tuple[int, int]]:
    """The code points of ``chars`` as ``(first, last)`` runs, for a character class."""
    runs: list[tuple[int, int]] = []
    for code in sorted(map(ord, chars)):
        if runs and runs[-1][1] == code - 1:
            runs[-1] = (runs[-1][0], code)
        else:
            runs.append((code, code))
    return runs


def _keeping(kept: str, spaces: str = "") -> Callable[[int], str]:
    """Stand-ins for text: ``kept`` stays, ``spaces`` become spaces, ESC ␛, the rest U+FFFD."""

    def stand_in(code: int) -> str:
        char = chr(code)
        if char in kept:
            return char
        if char in spaces:
            return " "
        return ESCAPE_PICTURE if code == 0x1B else REPLACEMENT

    return stand_in


def _painted(code: int) -> str:
    """Stand-ins for a painted row: one cell each, C0 controls and DEL as their pictures."""
    if code in (0x09, 0x2028, 0x2029):
        return " "
    if code < 0x20:
        return chr(0x2400 + code)  # the control pictures ␀..␟
    return "␡" if code == 0x7F else REPLACEMENT


_TEXT = _StandIns(_keeping("\t\n"))
_LINE = _StandIns(_keeping("", spaces="\t\n"))
_READING = _StandIns(_keeping("\n", spaces="\t"))
_ROW = _StandIns(_painted)


def printable(text: str, *, keep_newlines: bool = True) -> str:
    """``text`` with every unsafe character replaced one for one.

    Tabs and (unless ``keep_newlines`` is false, when both become spaces)
    newlines are kept: the CLI prints whole texts, and a widget that wraps
    lines itself needs their breaks. Bidi overrides are replaced too, because
    they reorder what the user sees.
    """
    return _TEXT(text) if keep_newlines else _LINE(text)


def clean(text: str) -> str:
    """The reading text made safe: as :func:`printable`, but a tab is a space.

    Why the space: the reader gives every character one place and one cell,
    and a tab's width would depend on the column it lands in.
    """
    return _READING(text)


def sanitize(text: str) -> str:
    """One line made safe to paint: nothing unsafe is kept, one cell per character.

    C0 controls become their control pictures (ESC shows as ␛, a stray
    newline as ␊), DEL ␡, a tab and the line separators a space, and C1
    controls, bidi overrides and lone surrogates U+FFFD. The reader applies
    this to every line it paints, whatever view it shows: Textual would
    otherwise write an escape sequence from a document straight to the
    terminal.
    """
    return _ROW(text)


def one_line(text: str, limit: int | None = None) -> str:
    """A printable single line with runs of white space collapsed, cut to ``limit``."""
    line = " ".join(printable(text, keep_newlines=False).split())
    if limit is not None and len(line) > limit:
        return line[: max(0, limit - 1)] + "…"
    return line
