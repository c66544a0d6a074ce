"""The App's part in the review queue: counting it, opening it, placing an annotation by hand.

The queue is the Session's (:func:`~kbtui.session.review.review_queue`),
and the reader re-anchors a document it opens through it, so the text its
annotations were made on is kept; it is counted in a worker a little
after start-up (:data:`COUNT_DELAY`: re-anchoring reads every annotated
document, and the first paint comes first), kept up to date from what the
reader shows, and counted again, with every annotated document, when ``R``
opens it. ``s`` on the review screen comes back here: the reader shows the
candidate selected, the user adjusts it with the selection keys, and
``enter`` places the annotation there (``escape`` gives up); the footer shows
both keys meanwhile. :class:`~kbtui.ui.app.KbtuiApp` is built on it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import App
from textual.binding import Binding, BindingType

from kbtui.annotations.errors import DatabaseError
from kbtui.session import Session
from kbtui.ui.doclist import DocumentList
from kbtui.ui.messages import AnnotationsShown
from kbtui.ui.pane import DocumentPane
from kbtui.ui.sidebar import Sidebar
from kbtui.view.sanitize import one_line

if TYPE_CHECKING:
    from kbtui.session.review import ReviewQueue
    from kbtui.ui.screens.review import Reselect

COUNT_DELAY = 2.0
"""Seconds after start-up before the queue is first counted, off the first paint."""


class ReviewRoutes(App[None]):
    """The review-queue half of the App."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("R", "review", "Review moved annotations", id="app.review", show=False),
        Binding("enter", "place", "Place the annotation here", id="app.place", priority=True),
        Binding("escape", "stop_placing", "Stop placing", id="app.stop_placing", priority=True),
    ]
    """``R`` opens the queue; ``enter`` and ``escape`` only act while placing an annotation."""

    session: Session
    placing: Reselect | None = None
    """The annotation being placed by hand, while it is."""
    _select_when_shown: Reselect | None = None

    def on_mount(self) -> None:
        self.set_timer(COUNT_DELAY, self._count_review)

    @property
    def review_queue(self) -> ReviewQueue:
        """The session's queue (its module is imported on first use, not at start-up)."""
        from kbtui.session.review import review_queue

        return review_queue(self.session)

    @work(thread=True, exclusive=True, group="review", description="count review")
    def _count_review(self, then_open: bool = False) -> None:
        """Re-anchor every annotated document and count the queue (``then_open``: show it)."""
        self.review_queue.refresh()
        self.call_from_thread(self._counted, then_open)

    @work(thread=True, group="review-document", description="refresh review")
    def refresh_review(self, doc_id: str) -> None:
        """Look at one document again (its file changed on disk) and count the queue.

        Call it before the reader re-anchors the document, or re-anchor it
        with the queue's ``reanchor`` (in the worker that does, then call
        :meth:`show_review_count`), so the text its annotations were made on
        is kept for the review screen.
        """
        self.review_queue.refresh_document(doc_id)
        self.call_from_thread(self.show_review_count)

    def _counted(self, then_open: bool) -> None:
        self.show_review_count()
        if then_open:
            self._open_review()

    def show_review_count(self) -> None:
        """Show the queue's count in the sidebar (after the queue changed elsewhere)."""
        self.query_one(Sidebar).show_review_count(self.review_queue.count())

    @on(AnnotationsShown)
    def _review_shown(self, message: AnnotationsShown) -> None:
        """Take the document's part of the queue from what the reader just placed, and
        select the annotation being placed once its document is shown."""
        self.review_queue.take(message.doc.id, message.annotations)
        self.show_review_count()
        wanted = self._select_when_shown
        if wanted is not None and wanted.doc_id == message.doc.id:
            self._select_when_shown = None
            self.call_after_refresh(self._select, wanted)

    # -- the screen ----------------------------------------------------------------

    def action_review(self) -> None:
        """Every moved or orphaned annotation to confirm, counted afresh."""
        from kbtui.ui.screens.review import ReviewScreen

        if isinstance(self.screen, ReviewScreen):
            return
        self.notify("Looking for moved annotations…", timeout=2)
        self._count_review(then_open=True)

    def _open_review(self) -> None:
        from kbtui.ui.screens.review import ReviewScreen

        rows = {row.id: row for row in self.query_one(DocumentList).rows()}
        screen = ReviewScreen(self.review_queue, lambda d: rows[d].meta.title if d in rows else d)
        self.push_screen(screen, self._reviewed)

    def _reviewed(self, reselect: Reselect | None) -> None:
        """Back from the review screen: show the new count, or start placing by hand."""
        pane = self.query_one(DocumentPane)
        pane.refresh_annotations()
        self.show_review_count()
        if reselect is None:
            return
        self.placing = reselect
        if pane.doc is not None and pane.doc.id == reselect.doc_id:
            self._select(reselect)
        else:
            self._select_when_shown = reselect
            pane.open(reselect.doc_id, reselect.start)

    def _select(self, reselect: Reselect) -> None:
        pane = self.query_one(DocumentPane)
        reader, doc = pane.reader, pane.doc
        size = len(doc.source) if doc is not None else 0  # an orphan's old place may be past it
        start, end = min(reselect.start, size), min(reselect.end, size)
        reader.move_to_source(start, None if reselect.point else end)
        reader.focus()
        self.refresh_bindings()
        if reselect.point:
            how = "Move the cursor where the bookmark belongs; enter puts it there"
        else:
            how = "Adjust the selection (shift+arrows, or v to start again); enter places it there"
        self.notify(f"{how}; escape gives up", title="Placing an annotation", timeout=8)

    # -- placing by hand -----------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``enter`` and ``escape`` are the App's only while placing, in the reader."""
        if action in ("place", "stop_placing"):
            if self.placing is None:
                return False
            from kbtui.ui.reader.widget import Reader

            return isinstance(self.focused, Reader)
        return super().check_action(action, parameters)

    def action_place(self) -> None:
        """Put the annotation being placed on the reader's selection (a bookmark: at the
        cursor)."""
        placing, pane = self.placing, self.query_one(DocumentPane)
        if placing is None or pane.doc is None or pane.doc.id != placing.doc_id:
            self.action_stop_placing()
            return
        cursor = pane.reader.cursor_source
        selection = (cursor, cursor) if placing.point else pane.reader.selection_source
        if selection is None:
            self.notify("Select the text first (v, then the arrows)", severity="warning")
            return
        try:
            self.review_queue.place(placing.annotation_id, *selection)
        except (DatabaseError, OSError, LookupError, ValueError) as exc:
            self.notify(one_line(f"Not placed: {exc}", 300), severity="error", markup=False)
            return
        self.placing = None
        pane.reader.clear_selection()
        pane.refresh_annotations()
        self.refresh_bindings()
        self.notify("Placed: the annotation now stands where you put it")

    def action_stop_placing(self) -> None:
        """Give up placing; the annotation stays in the queue."""
        self.placing = None
        self._select_when_shown = None
        self.query_one(DocumentPane).reader.clear_selection()
        self.refresh_bindings()
        self.notify("Not placed: it is still in the review queue (R)")
