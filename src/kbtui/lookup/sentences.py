"""The sentence around a place in a text: what the word list keeps with a word."""

from __future__ import annotations

FULL_STOPS = "。！？!?…"
"""End a sentence wherever they stand (a ``!`` or ``?`` in Latin text too)."""

LATIN_STOPS = ".;"
"""End a sentence only before white space or the end: ``3.5`` and ``e.g.,`` go on."""

CLOSERS = "」』”’）)】》〉\"'"
"""Closing quotes and brackets that belong to the sentence they follow."""

LIMIT = 300
"""The longest sentence kept: a list item or a run-on transcript can hold no stop at all."""


def _stop_at(text: str, i: int) -> bool:
    ch = text[i]
    if ch == "\n" or ch in FULL_STOPS:
        return True
    return ch in LATIN_STOPS and (i + 1 == len(text) or text[i + 1].isspace())


def _after_closers(text: str, i: int) -> int:
    while i < len(text) and text[i] in CLOSERS:
        i += 1
    return i


def sentence_around(text: str, pos: int, limit: int = LIMIT) -> tuple[int, int]:
    """``(start, end)`` of the sentence holding ``text[pos]``, white space trimmed.

    Sentences end at Chinese and Latin full stops (a run such as ``？！`` or
    ``……`` stays together), taking any closing quotes after them, and at line
    breaks, since a heading, a list item or a transcript's line is a unit of
    its own. One longer than ``limit`` is cut to ``limit`` characters around
    ``pos``.
    """
    pos = max(0, min(pos, len(text) - 1))
    start = pos
    while start > 0 and not _stop_at(text, start - 1):
        start -= 1
    start = _after_closers(text, start)
    end = pos
    while end < len(text) and not _stop_at(text, end):
        end += 1
    while end < len(text) and text[end] in FULL_STOPS + LATIN_STOPS:
        end += 1
    end = _after_closers(text, end)
    start, end = _trimmed(text, start, max(end, start))
    if end - start > limit:
        start = max(start, min(pos - limit // 2, end - limit))
        end = start + limit
    return start, end


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
