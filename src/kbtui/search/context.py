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

from dataclasses import dataclass

from kbtui.view.markdown import render
from kbtui.view.sanitize import one_line

CONTEXT_CHARS = 40
"""How many characters a context shows at most on each side of a hit."""

_WINDOW = 4 * CONTEXT_CHARS
"""How much of the source line on each side of a hit is rendered to cut the context from."""

_SENTENCE_ENDS = frozenset("。！？!?；;…")
"""Characters that end a sentence (``.`` only before white space: ``3.5``, ``a.com`` do not)."""


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
    view = render(text[a:b])
    shown = view.text
    vs, ve = view.map.range_to_view(start - a, end - a)
    rendered = ve > vs
    if not rendered:  # the hit is markup the reader does not show (a URL, a tag): show the source
        shown, vs, ve = text[a:b], start - a, end - a
        left, right = 0, len(shown)
    else:
        left, right = _sentence(shown, vs, ve)
    cut_left, cut_right = max(left, vs - width), min(right, ve + width)
    lead = cut_left > left or (cut_left == 0 and a > line_start)
    trail = cut_right < right or (cut_right == len(shown) and b < line_end)
    before = _clean(shown[cut_left:vs], lead=lead)
    if not lead:
        before = before.lstrip(_DECORATION)
    after = _clean(shown[ve:cut_right], trail=trail).rstrip()
    if rendered:
        cut_left, cut_right = view.map.to_source(cut_left), view.map.to_source(cut_right)
    sentence = (a + cut_left, a + cut_right)
    return Context(before, one_line(shown[vs:ve]), after, sentence)


_DECORATION = " •▎─"
"""What the reader puts before a list item or a quote, left off a context's start."""


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    """The bounds of the sentence(s) holding ``text[start:end]``."""
    left = start
    while left > 0 and not _ends_sentence(text, left - 1):
        left -= 1
    right = end
    while right < len(text) and not _ends_sentence(text, right - 1):
        right += 1
    return left, right


def _ends_sentence(text: str, i: int) -> bool:
    """Whether ``text[i]`` ends a sentence (the last of a run such as ``？！``)."""
    c = text[i]
    if c in _SENTENCE_ENDS:
        return i + 1 >= len(text) or text[i + 1] not in _SENTENCE_ENDS
    return c == "." and (i + 1 >= len(text) or text[i + 1].isspace())


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
