"""Where an annotation stands in its document: the heading above it, how far in.

An exported annotation says which section it comes from and its percentage
through the body, so a reader of the notes can find it without kbtui. Both
come from the document's source (the annotation's offsets are source
offsets), not from the reading text. Apart from :mod:`kbtui.exchange.markdown`
because it reads Markdown, where the exporter only writes it.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass

from kbtui.documents.model import Document

_HEADING_OR_FENCE = re.compile(
    r"^ {0,3}(?:(?P<fence>`{3,}|~{3,})|(?P<hashes>#{1,6})(?P<rest>[ \t][^\n]*)?$)",
    re.MULTILINE,
)


@dataclass(frozen=True, slots=True)
class Outline:
    """A document's headings by source offset, to say where an annotation stands."""

    starts: list[int]
    titles: list[str]
    body_start: int
    length: int

    @classmethod
    def of(cls, doc: Document, convert: Callable[[str], str] | None = None) -> Outline:
        """The ATX headings of ``doc``'s body, outside fenced code.

        ``convert`` is the export's script conversion: a heading is text taken
        from the document, so it is shown in the chosen script.
        """
        starts: list[int] = []
        titles: list[str] = []
        fence = ""
        for m in _HEADING_OR_FENCE.finditer(doc.source, doc.body_start):
            marker = m.group("fence")
            if marker:
                fence = _fence_state(fence, marker)
            elif not fence:
                starts.append(m.start())
                title = _heading_title(m.group("rest") or "")
                titles.append(convert(title) if convert else title)
        return cls(starts, titles, doc.body_start, len(doc.source))

    def place(self, start: int) -> tuple[str, int]:
        """The heading ``start`` stands under and its percentage through the body.

        A heading line that begins exactly at ``start`` counts: an annotation
        made on a heading (a bookmark at it) belongs to that section.
        """
        i = bisect.bisect_right(self.starts, start) - 1
        heading = self.titles[i] if i >= 0 else ""
        body = self.length - self.body_start
        percent = (start - self.body_start) * 100 // body if body > 0 else 0
        return heading, min(max(percent, 0), 100)


def _fence_state(open_fence: str, marker: str) -> str:
    """The fence open after a fence line: a fence closes on its own kind, as long."""
    if not open_fence:
        return marker
    if marker[0] == open_fence[0] and len(marker) >= len(open_fence):
        return ""
    return open_fence


def _heading_title(rest: str) -> str:
    """A heading's text without its optional closing ``#`` run."""
    return re.sub(r"[ \t]+#+[ \t]*$", "", f" {rest}").strip()
