"""Keyword-in-context lines: a hit in its sentence, as the reader shows it.

Search results and mention passages show each hit with its context. The
context is cut from the *reading text* of the hit's line (its Markdown
rendered, so no ``###``, no ``**``, a link's text without its URL; control
characters made visible), not from the source: a passage reads like the page.
It is the hit's sentence where that fits in :data:`CONTEXT_CHARS` on each
side, else that many characters cut with ``…``. Two hits in one sentence
have the same :attr:`Context.sentence`, so a list can show the sentence once.

Only a window of the line around the hit is rendered, so a 50 MB single-line
document costs no more per hit than a short one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kbtui.view.markdown import render
from kbtui.view.sanitize import one_line

CONTEXT_CHARS = 40
"""How many characters a context shows at most on each side of a hit."""

_WINDOW = 4 * CONTEXT_CHARS
"""How much of the source line on each side of a hit is rendered to cut the context from."""


@dataclass(frozen=True, slots=True)
class Context:
    """A keyword-in-context line: the hit and its sentence around it, white space
    collapsed and control characters made visible, so it is safe to print.
    ``before`` starts (``after`` ends) with ``…`` where the sentence was cut."""

    before: str
    match: str
    after: str
    sentence: tuple[int, int] = (0, 0)
    """The source range the line was cut from: hits in one sentence share it."""

    def __str__(self) -> str:
        return f"{self.before}{self.match}{self.after}"


def context(text: str, start: int, end: int, width: int = CONTEXT_CHARS) -> Context:
    """The keyword-in-context line around ``text[start:end]`` (source offsets)."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    if line_end < 0:
        line_end = len(text)
    a, b = max(line_start, start - _WINDOW), min(line_end, end + _WINDOW)
    shown, vs, ve = text[a:b], start - a, end - a
    markup = _MARKUP.search(shown) or (a == line_start and _BLOCK_START.match(shown))
    view = render(shown) if markup else None  # plain text reads as it is written
    if view is not None:
        vs, ve = view.map.range_to_view(start - a, end - a)
        if ve <= vs:  # the hit is markup the reader does not show (a URL, a tag): the source
            view, vs, ve = None, start - a, end - a
            left, right = 0, len(shown)
        else:
            shown = view.text
    if view is not None or not markup:
        left, right = _sentence(shown, vs, ve)
    cut_left, cut_right = max(left, vs - width), min(right, ve + width)
    lead = cut_left > left or (cut_left == 0 and a > line_start)
    trail = cut_right < right or (cut_right == len(shown) and b < line_end)
    before = _clean(shown[cut_left:vs], lead=lead)
    if not lead:
        before = before.lstrip(_DECORATION)
    after = _clean(shown[ve:cut_right], trail=trail).rstrip()
    if view is not None:
        cut_left, cut_right = view.map.to_source(cut_left), view.map.to_source(cut_right)
    return Context(before, one_line(shown[vs:ve]), after, (a + cut_left, a + cut_right))


_MARKUP = re.compile(r"[\\`*_~\[\]!<$&{|]")
"""Characters that may start inline Markdown (as the renderer's own test for plain lines)."""
_BLOCK_START = re.compile(r"\s*(?:[#>=+\-]|\d{1,9}[.)])")
"""What may make a line a heading, a quote, a rule or a list item."""

_DECORATION = " •▎─"
"""What the reader puts before a list item or a quote, left off a context's start."""

_ENDS = re.compile(r"[。！？!?；;…]+|\.(?=\s|$)")
"""Sentence ends: a run of the marks that end one, or ``.`` before white space."""


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    """The bounds of the sentence(s) holding ``text[start:end]``."""
    left = 0
    for m in _ENDS.finditer(text, 0, start):
        if m.group() != "." or m.end() < start:  # ``.`` at ``start`` may be 3.5
            left = m.end()
    after = _ENDS.search(text, max(start, end - 1))
    return left, after.end() if after else len(text)


def _clean(piece: str, *, lead: bool = False, trail: bool = False) -> str:
    """One display line from ``piece``, keeping a single space at either end
    when there was white space there (so ``Dario Amodei`` does not become
    ``DarioAmodei``), with ``…`` where the sentence was cut."""
    body = one_line(piece)
    if body and piece[:1].isspace():
        body = " " + body
    if body and piece[-1:].isspace():
        body += " "
    return ("…" if lead else "") + body + ("…" if trail else "")
