"""Edits over a rendered view: a step after rendering that keeps the map to source.

Folding a web page's chrome into one line (:mod:`kbtui.view.clipping`) and
joining a transcript's lines into paragraphs (:mod:`kbtui.view.reflow`) both
replace a few ranges of an already rendered :class:`TextView`. They do it here,
once: the new text, an :class:`OffsetMap` from the new view to the old one
composed with the old view's map (so offsets stay source offsets), and the
spans and headings moved with the text. The Markdown renderer stays unaware of
either step.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, replace

from kbtui.view.offsets import OffsetMapBuilder
from kbtui.view.textview import Heading, Span, TextView


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace view ``[start, end)`` by ``text``.

    ``aligned`` says the new text stands for the old character by character
    (a line break shown as a space); otherwise the two correspond only as
    wholes (a fold's label for the lines it hides). ``style`` styles the new text.
    """

    start: int
    end: int
    text: str
    aligned: bool = False
    style: str | None = None


def apply_edits(view: TextView, edits: Sequence[Edit]) -> TextView:
    """``view`` with ``edits`` (sorted, not overlapping) applied; see the module doc."""
    if not edits:
        return view
    pieces: list[str] = []
    builder = OffsetMapBuilder()
    new_spans: list[Span] = []
    at = 0
    for edit in edits:
        pieces.append(view.text[at : edit.start])
        builder.aligned(edit.start - at)
        if edit.style and edit.text:
            new_spans.append(Span(builder.view_pos, builder.view_pos + len(edit.text), edit.style))
        pieces.append(edit.text)
        if edit.aligned and len(edit.text) == edit.end - edit.start:
            builder.aligned(len(edit.text))
        else:
            builder.block(len(edit.text), edit.end - edit.start)
        at = edit.end
    pieces.append(view.text[at:])
    builder.aligned(len(view.text) - at)
    outer = builder.build()
    mover = _Mover(edits)
    spans = [*_moved_spans(view.spans, mover), *new_spans]
    spans.sort(key=lambda span: span.start)
    headings = tuple(
        Heading(h.level, mover.start(h.start), h.title)
        for h in view.headings
        if not mover.hidden(h.start)
    )
    return replace(
        view,
        text="".join(pieces),
        map=outer.then(view.map),
        spans=tuple(spans),
        headings=headings,
        extra=_moved_extra(view.extra, mover),
    )


RANGED_EXTRAS = ("links", "footnotes")
"""Keys of :attr:`TextView.extra` listing ``(view start, view end, …)`` tuples."""


def _moved_extra(extra: dict[str, object], mover: _Mover) -> dict[str, object]:
    """``extra`` with its view ranges moved; a range folded away is dropped."""
    moved = dict(extra)
    for key in RANGED_EXTRAS:
        items = extra.get(key)
        if not isinstance(items, tuple | list):
            continue
        kept = []
        for item in items:
            start, end = mover.start(item[0]), mover.end(item[1])
            if start < end:
                kept.append((start, end, *item[2:]))
        moved[key] = type(items)(kept)
    return moved


class _Mover:
    """Where an old view offset lands in the edited view."""

    def __init__(self, edits: Sequence[Edit]) -> None:
        self._edits = edits
        self._starts = [edit.start for edit in edits]
        self._shifts = [0]
        for edit in edits:
            self._shifts.append(self._shifts[-1] + len(edit.text) - (edit.end - edit.start))

    def _locate(self, pos: int) -> tuple[int, Edit | None]:
        """Index of the last edit starting before ``pos`` and that edit if it holds ``pos``."""
        i = bisect_right(self._starts, pos - 1)
        edit = self._edits[i - 1] if i else None
        if edit is not None and edit.start < pos < edit.end:
            return i, edit
        return i, None

    def start(self, pos: int) -> int:
        """A range's start: inside a replaced range it moves past the new text."""
        i, inside = self._locate(pos)
        if inside is None:
            return pos + self._shifts[i]
        return inside.start + self._shifts[i - 1] + len(inside.text)

    def end(self, pos: int) -> int:
        """A range's end: inside a replaced range it moves back to the new text's start."""
        i, inside = self._locate(pos)
        if inside is None:
            return pos + self._shifts[i]
        if inside.aligned:
            return inside.start + self._shifts[i - 1] + min(pos - inside.start, len(inside.text))
        return inside.start + self._shifts[i - 1]

    def hidden(self, pos: int) -> bool:
        """Whether ``pos`` is inside a replaced range that is not aligned (folded away)."""
        i = bisect_right(self._starts, pos)
        return bool(i) and not self._edits[i - 1].aligned and pos < self._edits[i - 1].end


def _moved_spans(spans: Sequence[Span], mover: _Mover) -> list[Span]:
    moved = []
    for span in spans:
        start, end = mover.start(span.start), mover.end(span.end)
        if start < end:
            moved.append(Span(start, end, span.style))
    return moved
