"""Transcripts reflowed: one short phrase per line shown as paragraphs.

A video transcript keeps the subtitle's lines: one short phrase per line, no
punctuation, so 16 KB of text fill 13 screens. When the body looks like that
(:func:`is_transcript`), the reading view joins its lines into paragraphs; the
original lines stay one key away, and every character keeps its place (only
line breaks change, so the text without whitespace is the same).

How lines join: with a space, also between Chinese lines. Chinese is set
without spaces, but these lines carry no punctuation; the line break is the
speaker's pause, the only phrase boundary the text has. Joining with nothing
runs the phrases together (``最近罕见公开亮相分享了创业五年来的创业心路``), and
adding a comma would put words in the speaker's mouth; a space is what
unpunctuated Chinese subtitles use for a pause. After a line that already
ends in full-width punctuation (``，`` ``。``) nothing is added.

Where paragraphs break: at blank lines, before a speaker's name
(``主持人：``, ``Speaker 2:``, ``[Dario]``), and at sensible lengths: after a
line ending a sentence once the paragraph is long, before a discourse marker
(``首先``, ``接下来``, ``So``) once it is longer, and in any case when it is very
long.
"""

from __future__ import annotations

import re

from kbtui.view.rewrite import Edit, apply_edits
from kbtui.view.textview import TextView

SAMPLE_LINES = 400
"""Non-blank lines looked at to decide whether a body is a transcript."""

MIN_LINES = 20
"""Fewer lines than this are a short note, not a transcript."""

SHORT_LINE = 30
"""A transcript's lines average at most this many characters."""

SOFT_LENGTH = 160
"""A paragraph this long ends at a line that ends a sentence."""

MARKER_LENGTH = 220
"""A paragraph this long ends before a line that opens with a discourse marker."""

HARD_LENGTH = 360
"""A paragraph this long ends at the next line break whatever follows."""

_FINAL = re.compile(r"[。！？!?.…」』”\"）)]$")
_WIDE_END = re.compile(r"[\u3000-\u303f\uff00-\uffef]$")
_STRUCTURE = re.compile(r"(#{1,6}\s|[-*+]\s|\d+[.)]\s|>|\||```|~~~)")
_SPEAKER = re.compile(r"(\[[^\]]{1,20}\]|[^\s：:]{1,12}[：:]|(Speaker|Q|A)\s*\d*\s*[：:])")
_MARKER = re.compile(
    r"(首先|其次|然后|接下来|接著|接着|最后|最後|此外|另外|总之|總之|那么|那麼|所以|但是|不过|不過|"
    r"So\b|Now\b|But\b|And then\b|Finally\b|First\b|Next\b)"
)


def is_transcript(source: str, body_start: int) -> bool:
    """Whether the body is made of short unpunctuated lines (a transcript's shape)."""
    text_lines: list[str] = []
    blank = 0
    for line in source[body_start:].split("\n", SAMPLE_LINES * 2)[: SAMPLE_LINES * 2]:
        if len(text_lines) >= SAMPLE_LINES:
            break
        if line.strip():
            text_lines.append(line.strip())
        else:
            blank += 1
    if len(text_lines) < MIN_LINES:
        return False
    structured = sum(1 for line in text_lines if _STRUCTURE.match(line))
    open_ended = sum(1 for line in text_lines if not _FINAL.search(line))
    average = sum(map(len, text_lines)) / len(text_lines)
    return (
        average <= SHORT_LINE
        and open_ended >= 0.8 * len(text_lines)
        and structured <= 0.1 * len(text_lines)
        and blank <= 0.2 * len(text_lines)
    )


def reflow(view: TextView) -> TextView:
    """``view`` with its lines joined into paragraphs (see the module doc)."""
    lines = view.text.split("\n")
    stripped = [line.strip() for line in lines]
    edits: list[Edit] = []
    length = 0
    newline = -1
    for i in range(len(lines) - 1):
        newline += len(lines[i]) + 1
        line, following = stripped[i], stripped[i + 1]
        length += len(line)
        if not line or not following:
            length = 0  # a blank line already ends the paragraph
        elif _breaks(line, following, length):
            edits.append(Edit(newline, newline + 1, "\n\n"))
            length = 0
        elif _WIDE_END.search(line):
            edits.append(Edit(newline, newline + 1, ""))
        else:
            edits.append(Edit(newline, newline + 1, " ", aligned=True))
            length += 1
    return apply_edits(view, edits)


def _breaks(line: str, following: str, length: int) -> bool:
    """Whether a paragraph ends between ``line`` and ``following``."""
    if _SPEAKER.match(following):
        return True
    if length >= SOFT_LENGTH and _FINAL.search(line):
        return True
    if length >= MARKER_LENGTH and _MARKER.match(following):
        return True
    return length >= HARD_LENGTH
