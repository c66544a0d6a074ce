"""The document list's rows: what the list knows of a document, without reading it.

Rows are made from the scan's entries and the store (annotation count, the
user's tags, when it was last opened), in a worker thread, so the list can
show, filter and sort ten thousand documents without touching a file.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kbtui.documents.model import Metadata
from kbtui.scripts.hanzi import Script, fold


@dataclass(slots=True)
class DocRow:
    """What the list knows of a document: enough to show, filter and sort it."""

    id: str
    meta: Metadata
    script: Script
    problems: list[str]
    annotations: int = 0
    doc_tags: list[str] = field(default_factory=list)
    last_opened: str | None = None
    title: str = ""
    """The title as the list shows it (in the default script); the metadata's if empty."""

    @property
    def shown_title(self) -> str:
        """What the list shows as the title."""
        return self.title or self.meta.title

    @property
    def all_tags(self) -> list[str]:
        """Frontmatter tags and the user's tags together."""
        return [*self.meta.tags, *self.doc_tags]

    def haystack(self) -> str:
        """The folded text the filter searches."""
        return fold(" ".join([self.shown_title, self.id, *self.all_tags]))
