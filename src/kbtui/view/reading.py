"""The reading view of a document: what the reader and ``kbtui show`` display.

Three steps, in this order, each over the one before and each keeping the map
to source offsets: Markdown rendered (:mod:`kbtui.view.markdown`), a
transcript's lines joined into paragraphs (:mod:`kbtui.view.reflow`), a web
clipping's chrome folded (:mod:`kbtui.view.clipping`). This is the one place
that chains them, so the reader and the command line always agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from kbtui.view.clipping import fold, recognise
from kbtui.view.markdown import render
from kbtui.view.reflow import is_transcript, reflow
from kbtui.view.textview import TextView


def reading_view(
    source: str,
    body_start: int = 0,
    *,
    full: bool = False,
    lines: bool = False,
    keep: Sequence[tuple[int, int]] = (),
) -> TextView:
    """The document's reading view.

    ``full`` shows the site's chrome unfolded, ``lines`` a transcript's
    original lines; a fold holding one of the ``keep`` source ranges (an
    annotation) stays open. ``extra`` says what could be toggled:
    ``"transcript"`` (lines were or could be joined) and ``"folds"`` (how many
    folds the page has, open or not).
    """
    view = render(source, body_start)
    transcript = is_transcript(source, body_start)
    if transcript and not lines:
        view = reflow(view)
    folds = recognise(source, body_start).folds
    if not full:
        view = fold(view, folds, keep)
    return replace(view, extra={**view.extra, "transcript": transcript, "folds": len(folds)})
