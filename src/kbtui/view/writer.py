"""Building a :class:`~kbtui.view.textview.TextView` and its offset map, in source order.

The Markdown renderer (:mod:`kbtui.view.markdown` for blocks,
:mod:`kbtui.view.inline` inside a line) decides *what* the reader shows; the
:class:`ViewWriter` records it. Every operation consumes the source up to a
position (copy it, drop it, or show something else for it), so the pieces
cover the source by construction and the map is right whatever the renderer
decides. Apart from the renderer because it knows nothing of Markdown: it is
the one place that keeps view text, map, styles, headings and links in step.
"""

from __future__ import annotations

from dataclasses import dataclass

from kbtui.view.offsets import OffsetMapBuilder
from kbtui.view.sanitize import clean
from kbtui.view.textview import Heading, Span, TextView


@dataclass(slots=True)
class PendingSpan:
    """A span whose start is known before its end (a link, a code span, emphasis).

    ``start`` is set to the view offset when the span's text begins, which
    may be long after the span is created (emphasis is matched only after
    its line is read).
    """

    style: str
    url: str | None = None
    """Where a link goes; the span is also listed in the view's links."""
    start: int = 0


class ViewWriter:
    """The view being written, in source order, with its map and styling.

    Consecutive copies (and consecutive drops) are merged before they reach
    the map, so plain text stays one segment.
    """

    def __init__(self, source: str) -> None:
        self.source = source
        self.pos = 0
        """Source consumed so far."""
        self.vpos = 0
        """View written so far."""
        self.parts: list[str] = []
        self.builder = OffsetMapBuilder()
        self.spans: list[Span] = []
        self.headings: list[Heading] = []
        self.links: list[tuple[int, int, str]] = []
        """``(view start, view end, url)`` of links, bare URLs and images."""
        self.footnotes: list[tuple[int, int, str, bool]] = []
        """``(view start, view end, label, is the note)`` of footnote markers."""
        self.notes_seen: dict[str, int] = {}
        """Footnote labels in the order first met: their numbers."""
        self.references: dict[str, str] = {}
        """Reference link definitions of the document: label key → URL."""
        self._copy_from = -1
        self._drop_from = -1

    def copy_to(self, end: int) -> None:
        """Show source ``[pos, end)`` as it is."""
        if end <= self.pos:
            return
        if self._drop_from >= 0:
            self._flush()
        if self._copy_from < 0:
            self._copy_from = self.pos
        self.vpos += end - self.pos
        self.pos = end

    def drop_to(self, end: int) -> None:
        """Show nothing for source ``[pos, end)``."""
        if end <= self.pos:
            return
        if self._copy_from >= 0:
            self._flush()
        if self._drop_from < 0:
            self._drop_from = self.pos
        self.pos = end

    def replace_to(self, end: int, text: str) -> None:
        """Show ``text`` for source ``[pos, end)`` (an empty range inserts it)."""
        self._flush()
        self.builder.block(len(text), end - self.pos)
        self.parts.append(text)
        self.vpos += len(text)
        self.pos = max(self.pos, end)

    def span(self, start: int, style: str) -> None:
        """Style the view from ``start`` to what has been written."""
        if self.vpos > start:
            self.spans.append(Span(start, self.vpos, style))

    def close(self, pending: PendingSpan) -> None:
        """End ``pending`` at what has been written, listing it as a link if it is one."""
        self.span(pending.start, pending.style)
        if pending.url and self.vpos > pending.start:
            self.links.append((pending.start, self.vpos, pending.url))

    def text_since(self, start: int) -> str:
        """The view text written since view offset ``start`` (a recent one)."""
        self._flush()
        need, chunks, i = self.vpos - start, [], len(self.parts)
        while need > 0:
            i -= 1
            part = self.parts[i]
            if len(part) > need:
                part = part[len(part) - need :]
            chunks.append(part)
            need -= len(part)
        return "".join(reversed(chunks))

    def _flush(self) -> None:
        if self._copy_from >= 0:
            self.builder.aligned(self.pos - self._copy_from)
            self.parts.append(self.source[self._copy_from : self.pos])
            self._copy_from = -1
        elif self._drop_from >= 0:
            self.builder.block(0, self.pos - self._drop_from)
            self._drop_from = -1

    def finish(self) -> TextView:
        """The finished view, made safe to show (:func:`~kbtui.view.sanitize.clean`).

        The source must have been consumed.
        """
        self._flush()
        self.spans.sort(key=lambda s: (s.start, -s.end))
        return TextView(
            clean("".join(self.parts)),
            self.builder.build(),
            tuple(self.spans),
            tuple(self.headings),
            extra={"links": tuple(self.links), "footnotes": tuple(self.footnotes)},
        )
