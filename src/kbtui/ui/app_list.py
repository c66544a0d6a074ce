"""The document list's order, kept in the settings: a user who sorts by title finds
the list sorted by title at the next start."""

from __future__ import annotations

from textual.app import App

from kbtui.session import Session
from kbtui.settings import SORT_ORDERS
from kbtui.ui.doclist import SORTS, DocumentList
from kbtui.view.sanitize import one_line

assert len(SORT_ORDERS) == len(SORTS), "one settings name for each of the list's orders"


class ListRoutes(App[None]):
    """The App's part that restores and remembers the list's order."""

    session: Session

    def restore_sort(self) -> None:
        """Sort the list as last time, then save each change ``r`` makes."""
        doc_list = self.query_one(DocumentList)
        doc_list.sort_index = SORT_ORDERS.index(self.session.settings.sort)
        self.watch(doc_list, "sort_index", self._sort_changed, init=False)

    def _sort_changed(self, index: int) -> None:
        settings = self.session.settings
        if settings.sort == SORT_ORDERS[index]:
            return
        settings.sort = SORT_ORDERS[index]
        try:
            self.session.save_settings()
        except OSError as exc:
            message = one_line(f"Settings not saved: {exc}", 300)
            self.notify(message, severity="warning", markup=False)
