"""Command palette providers: open a document by title from ``ctrl+p``."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

from kbtui.hanzi import fold
from kbtui.sanitize import one_line
from kbtui.ui.messages import OpenDocument

if TYPE_CHECKING:
    from kbtui.ui.app import KbtuiApp


class DocumentCommands(Provider):
    """Every document of the corpus, matched by title (script-insensitively) or id."""

    async def startup(self) -> None:
        """Take the list once per palette opening."""
        app: KbtuiApp = self.app  # type: ignore[assignment]
        rows = app.doc_list.rows()
        self._docs = [(row.id, one_line(row.meta.title, 120)) for row in rows]

    def _open(self, doc_id: str) -> None:
        self.app.post_message(OpenDocument(doc_id))

    async def discover(self) -> Hits:
        for doc_id, title in self._docs[:50]:
            yield DiscoveryHit(f"Open: {title}", partial(self._open, doc_id), help=doc_id)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(fold(query))
        for doc_id, title in self._docs:
            score = matcher.match(fold(f"{title} {doc_id}"))
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(f"Open: {title}"),
                    partial(self._open, doc_id),
                    help=doc_id,
                )
