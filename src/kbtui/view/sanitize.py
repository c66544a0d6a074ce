"""Making untrusted text safe to put on a terminal.

Document bodies, titles and notes may hold terminal escape sequences or other
control characters. kbtui never sends them to the terminal: each is replaced
by a visible stand-in of the same length (so offsets into the text still
hold), which shows the user that something was there.
"""

from __future__ import annotations

import re

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")

REPLACEMENT = "\ufffd"
"""What a control character is shown as (ESC has its own picture, ␛)."""


def _picture(match: re.Match[str]) -> str:
    return "␛" if match.group() == "\x1b" else REPLACEMENT


def printable(text: str, *, keep_newlines: bool = True) -> str:
    """``text`` with every control character replaced one for one.

    Tabs and (unless ``keep_newlines`` is false) newlines are kept; bidi
    overrides are replaced too, because they reorder what the user sees.
    """
    text = _CONTROL.sub(_picture, text)
    if not keep_newlines:
        text = text.replace("\n", " ").replace("\t", " ")
    return text


def one_line(text: str, limit: int | None = None) -> str:
    """A printable single line with runs of white space collapsed, cut to ``limit``."""
    line = " ".join(printable(text, keep_newlines=False).split())
    if limit is not None and len(line) > limit:
        return line[: max(0, limit - 1)] + "…"
    return line
