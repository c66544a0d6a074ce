"""Emphasis, strong and strikethrough: delimiter runs matched after a line is read.

The inline pass (:mod:`kbtui.view.inline`) meets a run of ``*``, ``_`` or
``~~`` before it can know what closes it, so it records each run as a
:class:`Run` on a :class:`Runs` list and reads on; CommonMark's *process
emphasis* then pairs the runs, and each run is written out knowing which of
its characters are markers. Apart from the inline pass because it is one
algorithm with its own state, and the place of two rules for Chinese text:

* a CJK character next to a run counts like white space for the
  punctuation rule, so ``这是**“引用”**的`` is bold as its author meant (CommonMark
  would see punctuation inside and a letter outside, and refuse);
* ``_`` may open or close next to CJK text, which has no words to be inside
  of. (``~`` alone is never strikethrough: the inline pass keeps it as text.)
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from kbtui.view.writer import PendingSpan, ViewWriter


@lru_cache(maxsize=8192)
def _char_class(ch: str) -> int:
    """0 other, 1 white space, 2 punctuation or symbol, 3 CJK (for emphasis flanking)."""
    if ch.isspace():
        return 1
    if unicodedata.category(ch)[0] in "PS":
        return 2
    code = ord(ch)
    if (
        0x2E80 <= code <= 0x9FFF
        or 0xAC00 <= code <= 0xD7AF
        or 0xF900 <= code <= 0xFAFF
        or 0x20000 <= code <= 0x3FFFF
    ):
        return 3
    return 0


def flanking(src: str, start: int, end: int, lo: int, hi: int) -> tuple[bool, bool]:
    """Whether the run ``src[start:end]`` may open and may close emphasis.

    ``[lo, hi)`` is the range being rendered: its edges count as white space.
    """
    before = _char_class(src[start - 1]) if start > lo else 1
    after = _char_class(src[end]) if end < hi else 1
    left = after != 1 and (after != 2 or before != 0)
    right = before != 1 and (before != 2 or after != 0)
    if src[start] == "_":  # not inside a word, but Chinese has no words to be inside of
        return left and (not right or before >= 2), right and (not left or after >= 2)
    return left, right


class Run:
    """A run of ``*``, ``_`` or ``~~`` that may open or close emphasis.

    ``closes`` and ``opens`` list the spans it ends and starts, innermost
    first, with the number of marker characters each uses: closers use the
    run's leftmost characters, openers its rightmost, the rest stays text.
    """

    __slots__ = ("can_close", "can_open", "char", "closes", "next", "opens", "orig", "prev", "rem")

    def __init__(self, char: str, orig: int, can_open: bool, can_close: bool) -> None:
        self.char, self.orig, self.rem = char, orig, orig
        self.can_open, self.can_close = can_open, can_close
        self.closes: list[tuple[PendingSpan, int]] = []
        self.opens: list[tuple[PendingSpan, int]] = []
        self.prev: Run | None = None
        self.next: Run | None = None

    def write(self, out: ViewWriter, end: int) -> None:
        """Write the run that ends at source ``end``: markers dropped, the rest as text."""
        pos = end - self.orig
        for pending, used in self.closes:
            out.close(pending)
            pos += used
            out.drop_to(pos)
        pos += self.rem
        out.copy_to(pos)
        for pending, used in reversed(self.opens):
            pos += used
            out.drop_to(pos)
            pending.start = out.vpos


class Runs:
    """The runs of one line not matched yet, linked in source order after ``head``."""

    def __init__(self) -> None:
        self.head = Run("", 0, False, False)
        """A sentinel before the first run: the bottom of the whole line."""
        self.tail = self.head

    def push(self, run: Run) -> None:
        """Add ``run`` after the last one."""
        run.prev, self.tail.next, self.tail = self.tail, run, run

    def cut(self, bottom: Run) -> None:
        """Match the runs after ``bottom`` (inside a link) and forget them."""
        self.process(bottom)
        bottom.next = None
        self.tail = bottom

    def process(self, bottom: Run) -> None:
        """CommonMark's *process emphasis* over the runs after ``bottom``."""
        openers_bottom: dict[tuple[str, bool, int], Run] = {}
        closer = bottom.next
        while closer is not None:
            if not closer.can_close:
                closer = closer.next
                continue
            key = (closer.char, closer.can_open, closer.orig % 3)
            opener = _find_opener(closer, openers_bottom.get(key, bottom), bottom)
            if opener is None:
                openers_bottom[key] = closer.prev or bottom
                nxt = closer.next
                if not closer.can_open:
                    self._unlink(closer)
                closer = nxt
                continue
            self._match(opener, closer)
            if closer.rem == 0:
                nxt = closer.next
                self._unlink(closer)
                closer = nxt

    def _match(self, opener: Run, closer: Run) -> None:
        """Pair two runs: two characters each for strong and strike, one for emphasis."""
        if closer.char == "~":
            use, style = 2, "strike"
        elif opener.rem >= 2 and closer.rem >= 2:
            use, style = 2, "strong"
        else:
            use, style = 1, "emphasis"
        pending = PendingSpan(style)
        opener.opens.append((pending, use))
        closer.closes.append((pending, use))
        opener.rem -= use
        closer.rem -= use
        opener.next, closer.prev = closer, opener  # runs in between are text now
        if opener.rem == 0:
            self._unlink(opener)

    def _unlink(self, run: Run) -> None:
        if run.prev is not None:
            run.prev.next = run.next
        if run.next is not None:
            run.next.prev = run.prev
        elif self.tail is run:
            self.tail = run.prev or self.head


def _find_opener(closer: Run, floor: Run, bottom: Run) -> Run | None:
    """The nearest run before ``closer`` it may close (the spec's "rule of 3" included)."""
    opener = closer.prev
    while opener is not None and opener is not floor and opener is not bottom:
        if opener.char == closer.char and opener.can_open:
            odd = (opener.can_close or closer.can_open) and (opener.orig + closer.orig) % 3 == 0
            if not odd or (opener.orig % 3 == 0 and closer.orig % 3 == 0):
                return opener
        opener = opener.prev
    return None
