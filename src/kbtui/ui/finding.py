"""The find keys of the reader pane: ``/`` finds in the document, ``n``/``N`` step.

Matches are found in the reading view, script-insensitively (``多雲`` finds
``多云``) and, for a query that reads as toneless pinyin, by its reading too
(``anquan`` finds 安全; :meth:`kbtui.session.reading_aids.ReadingAids.find`),
and kept as source offsets, so they survive a script toggle; the
pane's subtitle says ``match 2/7`` while the cursor is on one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.binding import Binding

from kbtui.ui.pane_base import PaneBase

if TYPE_CHECKING:
    from kbtui.view.textview import TextView


class FindActions(PaneBase):
    """The find keys, one of the groups :class:`~kbtui.ui.pane.DocumentPane` is made of."""

    FIND_BINDINGS = [
        Binding("slash", "find", "Find", key_display="/", id="reader.find"),
        Binding("n", "find_next", "Next match", show=False, id="reader.find_next"),
        Binding("N", "find_previous", "Previous match", show=False, id="reader.find_previous"),
    ]

    def action_find(self) -> None:
        """Find in the document, in any script (``多雲`` finds ``多云``)."""
        if self.doc is None:
            return

        def entered(query: str | None) -> None:
            if query:
                self._find(query)

        from kbtui.ui.screens.dialogs import FindBox

        self._prepare_search()
        self.app.push_screen(FindBox("Find in document", self._find_query), entered)

    @work(thread=True, exclusive=True, group="prepare-search", description="prepare search")
    def _prepare_search(self) -> None:
        """Load the search tables while the query is typed: the find runs on this thread."""
        self.session.prepare_search()

    def _find(self, query: str) -> None:
        assert self.reading is not None
        self._find_query = query
        if self.session.aids.pinyin_pending(query):  # pypinyin's first load: not on this thread
            self.app.notify("Reading pinyin…")
            self._find_in_worker(self.reading, query)
            return
        self._found(self.reading, query, self.session.aids.find(self.reading.text, query))

    @work(thread=True, exclusive=True, group="find", description="find in worker")
    def _find_in_worker(self, reading: TextView, query: str) -> None:
        found = self.session.aids.find(reading.text, query)
        self.app.call_from_thread(self._found, reading, query, found)

    def _found(self, reading: TextView, query: str, found: list[tuple[int, int, bool]]) -> None:
        """Show the matches ``found`` in ``reading`` (unless another document is open now)."""
        if reading is not self.reading:
            return
        self._matches = [reading.map.range_to_source(s, e) for s, e, _ in found]
        by_pinyin = sum(pinyin for _, _, pinyin in found)
        if by_pinyin:
            self.app.notify(f"{len(found)} matches, {by_pinyin} by pinyin", markup=False)
        if not self._matches:
            self._match_index = None
            self.reader.set_matches([])
            self._update_subtitle()
            self.app.notify(f"Not found: {query}", severity="warning", markup=False)
            return
        cursor = self.reader.cursor_source
        index = next((i for i, (s, _) in enumerate(self._matches) if s >= cursor), 0)
        self._go_to_match(index)

    def _go_to_match(self, index: int) -> None:
        self._match_index = index % len(self._matches)
        start, _ = self._matches[self._match_index]
        self.reader.set_matches(self._matches, self._match_index)
        self.jump(start)
        self._update_subtitle()

    def action_find_next(self) -> None:
        """The next match."""
        self._step_match(1)

    def action_find_previous(self) -> None:
        """The previous match."""
        self._step_match(-1)

    def _step_match(self, step: int) -> None:
        if self.doc is None:
            return
        if self._matches and self._match_index is not None:
            self._go_to_match(self._match_index + step)
        elif self._find_query:  # the last query, in the document opened since
            self._find(self._find_query)
        else:
            self.app.notify("Nothing to repeat: / finds in the document first")
