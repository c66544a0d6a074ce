"""The App's part in the notebook: every annotation of the corpus, on ``ctrl+n``.

The screen (:mod:`kbtui.ui.screens.notebook`) is given what it shows as plain
callables over the list's rows and the Session, so it never asks the App;
choosing an entry posts :class:`~kbtui.ui.messages.OpenDocument`.
:class:`~kbtui.ui.app.KbtuiApp` is built on it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import App

from kbtui.annotations.model import Annotation
from kbtui.session import Session
from kbtui.ui.doclist import DocumentList
from kbtui.ui.messages import OpenDocument
from kbtui.ui.pane_base import line_at

if TYPE_CHECKING:
    from kbtui.session.passages import Target


class NotebookRoutes(App[None]):
    """The notebook half of the App."""

    session: Session

    def action_notebook(self) -> None:
        """Every annotation in the corpus."""
        from kbtui.session.housekeeping import missing_ids
        from kbtui.ui.screens.notebook import NotebookScreen

        rows = {row.id: row for row in self.query_one(DocumentList).rows()}
        annotations = self.session.store.all_annotations()
        lines: dict[tuple[str, int], str] = {}

        def line_of(a: Annotation) -> str:
            """The line an empty quote stands on, read once: every filter keystroke
            fills the rows again."""
            if (a.doc_id, a.start) not in lines:
                source = self.session.corpus.load_text(a.doc_id).source if a.doc_id in rows else ""
                lines[a.doc_id, a.start] = line_at(source, a.start) if source else ""
            return lines[a.doc_id, a.start]

        screen = NotebookScreen(
            annotations,
            lambda d: rows[d].meta.title if d in rows else d,
            lambda d: rows[d].all_tags if d in rows else (),
            missing_ids(self.session.corpus, {a.doc_id for a in annotations}),
            self.session.mention_index,
            line_of,
        )
        self.push_screen(screen, self._chosen)

    def _chosen(self, target: Target | None) -> None:
        if target is not None:
            self.post_message(OpenDocument(*target))
