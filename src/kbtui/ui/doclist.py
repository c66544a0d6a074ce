"""The document list: every document of the corpus, filtered as you type, sortable.

Rows show the title, the date, a script badge, the annotation count and a
marker for documents with problems. The filter matches titles, ids and tags
script- and case-insensitively (``創立`` finds ``创立``), and ``#tag`` keeps
only documents carrying that tag.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Self

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.geometry import Region, Size
from textual.reactive import Reactive, reactive
from textual.widgets import Input
from textual.worker import Worker, WorkerState, get_current_worker

from kbtui.scripts.hanzi import fold
from kbtui.session.rows import DocRow, OrderedRows, RowIndex, positions_in_order
from kbtui.settings import SORT_ORDERS
from kbtui.ui.doclines import DocLines
from kbtui.ui.doclist_places import Picked, place_in, place_of
from kbtui.ui.docprompt import prompt
from kbtui.ui.messages import OpenDocument
from kbtui.ui.text import safe_line

SORTS = ("date ↓", "date ↑", "title")
"""The orders the list cycles through with ``r``."""


class DocOptions(DocLines):
    """The list proper: two lines a document; ``enter`` (or a click) opens it."""

    BINDINGS = [
        Binding("enter", "open", "Open", id="list.open"),
        Binding("r", "sort", "Sort", id="list.sort"),
        Binding("slash", "filter", "Filter", id="list.filter"),
        Binding("escape", "clear_entity", "All documents", id="list.clear_entity"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(prompt, id=id)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``escape`` is offered only while an entity or a text filters the list."""
        if action == "clear_entity":
            doc_list = self.query_ancestor(DocumentList)
            return doc_list.entity_filter is not None or bool(doc_list.query_one(Input).value)
        return super().check_action(action, parameters)

    def action_open(self) -> None:
        """Open the document under the cursor."""
        doc_list = self.query_ancestor(DocumentList)
        if (doc_id := doc_list.current_id) is not None:
            self.post_message(OpenDocument(doc_id))

    def action_sort(self) -> None:
        """Cycle the sort order."""
        self.query_ancestor(DocumentList).cycle_sort()

    def action_filter(self) -> None:
        """Focus the filter box."""
        self.query_ancestor(DocumentList).query_one(Input).focus()

    def action_clear_entity(self) -> None:
        """Show every document again: no entity, no text filters the list."""
        self.query_ancestor(DocumentList).entity_filter = None
        self.query_ancestor(DocumentList).query_one(Input).value = ""


class FilterInput(Input):
    """The filter box: ``escape`` clears it and goes back to the list."""

    BINDINGS = [Binding("escape", "clear", "Clear filter", id="list.clear_filter")]

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)
    """Textual's Input sets its virtual size at each keystroke, and the layout
    that follows sets it back: with ``layout=True`` (Widget's) every key laid
    the whole screen out again (5-10 ms of a 16 ms keystroke). The box's size
    never depends on its text."""

    def action_clear(self) -> None:
        """Show every document again and return to the list."""
        self.value = ""
        self.query_ancestor(DocumentList).table.focus()

    def watch_value(self) -> None:
        """The list follows the box in the same call (after Input's own watcher), not at
        the ``Changed`` message: the box and the rows are then painted in one frame.
        Through the message, the box was painted in a frame of its own first, so each
        key cost two frames (twice the compositor's work and the box's lines)."""
        if isinstance(self.parent, DocumentList):
            self.parent.refresh_rows()


class DocumentList(Vertical):
    """Filter box above a table of documents.

    What filtering and sorting every row needs (:class:`RowIndex`: the rows'
    folded texts) is made in a worker once the list is painted; until it is
    there a filter typed into a long list waits, the title saying so, and the
    order is found from the rows themselves.
    """

    sort_index: reactive[int] = reactive(0)
    """Index into :data:`SORTS`."""

    entity_filter: reactive[tuple[str, frozenset[str]] | None] = reactive(None)
    """An entity name and the ids of the documents that mention it, or None."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._rows: dict[str, DocRow] = {}
        self._version = 0  # counts the changes of ``_rows`` that ``_index`` must follow
        self._index: RowIndex | None = None
        self._sorted: list[DocRow] | None = None  # every row in the order, without an index
        self._shown: Sequence[DocRow] = ()
        self._shown_from: list[DocRow] = []  # every row in the order ``_shown`` picks from
        self._shown_at: Sequence[int] | None = None  # the places ``_shown`` picks (None: all)
        self._places: dict[str, int] | None = None  # shown row id -> index, made when asked
        self._title: Text | None = None
        self._retitling = False  # the title is being set: see refresh

    def compose(self) -> ComposeResult:
        yield FilterInput(placeholder="Filter (title, tag, #tag)…", id="doc-filter")
        yield DocOptions(id="doc-table")

    @property
    def table(self) -> DocOptions:
        """The table widget."""
        return self.query_one(DocOptions)

    @property
    def current_id(self) -> str | None:
        """The id of the document under the list's cursor."""
        index = self.table.highlighted
        if index is None or index >= len(self._shown):
            return None
        return self._shown[index].id

    @property
    def indexed(self) -> bool:
        """Whether what the filter needs is made (for a long list, a worker makes it)."""
        return self._index is not None

    def set_rows(self, rows: Sequence[DocRow]) -> None:
        """Replace every row (keeps the cursor on the same document)."""
        self._rows = {row.id: row for row in rows}
        self._forget_index()
        self.refresh_rows()

    def change_rows(self, rows: Sequence[DocRow], removed: Sequence[str] = ()) -> None:
        """Add or replace ``rows`` and drop ``removed`` (files changed on disk); the
        cursor stays on its document, or where it was if that one went."""
        place = self.table.highlighted
        for doc_id in removed:
            self._rows.pop(doc_id, None)
        self._rows.update((row.id, row) for row in rows)
        self._forget_index()
        if self.current_id in removed and place is not None:
            self.refresh_rows()
            self.table.highlighted = min(place, max(0, len(self._shown) - 1))
        else:
            self.refresh_rows()

    def update_row(self, row: DocRow) -> None:
        """Change one document's row (after an annotation or tag change).

        Only that row is redrawn unless a filter is active (a tag change may
        move the row in or out of it) or the row is a new object (its title
        and date, so its place, may have changed): filtering and sorting
        every row on every highlight would cost a visible pause.
        """
        old = self._rows.get(row.id)
        self._rows[row.id] = row
        if self._index is None:
            self._forget_index()  # a worker may be indexing the row as it was
        elif old is not row or self._index.changed(row):
            self._index.update(row)
            self._index_text()  # the order's index is made again if its place changed
        filtered = self.entity_filter is not None or self.query_one(Input).value.strip()
        place = self._place(row.id)
        if place is not None and old is row and not filtered:
            self.table.replace(place)
        else:
            self._sorted = None
            self.refresh_rows()
            if (place := self._place(row.id)) is not None:
                self.table.replace(place)  # its painted lines are kept by document

    def _forget_index(self) -> None:
        """The rows changed: index them again, in a worker once the list is painted (a
        short list is indexed at once if a filter needs it before the worker is done).

        A short list too: the first index of a session loads the folding tables
        (about 190 ms), which a short list's first filter key paid on this thread."""
        self._version += 1
        self._index = self._sorted = None
        if self.is_mounted:
            self.table.forget()
            self.workers.cancel_group(self, "doc-text")
        self.call_after_refresh(self._build_index, self._version)

    def _build_index(self, version: int) -> None:
        if version == self._version and self._index is None:
            rows = list(self._rows.values())
            build = partial(_indexed, rows, SORT_ORDERS[self.sort_index])
            # described, or Textual describes the worker by repr(): of every row, on this thread
            self.run_worker(
                build, str(version), "doc-index", "index the rows", exclusive=True, thread=True
            )

    @on(Worker.StateChanged)
    def _index_built(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group != "doc-index" or event.state != WorkerState.SUCCESS:
            return
        if worker.name == str(self._version) and isinstance(worker.result, RowIndex):
            self._index, self._sorted = worker.result, None
            self.refresh_rows()  # the filter may have waited; the rows are the index's now
            self._index_text()

    def _index_text(self) -> None:
        """Find the rows holding each character and pair in the list's order, in a
        worker, unless that is done: the first order's characters come with the index
        (the filter needs them), their pairs and any other order's after it."""
        # another order's, the rows' as they were: stopped (three ``r`` kept two
        # threads indexing orders already left, seconds of the UI thread's GIL)
        self.workers.cancel_group(self, "doc-text")
        if self._index is None or len(self._rows) <= SHORT_LIST:
            return
        ordered = self._index.ordered(SORT_ORDERS[self.sort_index])
        if not ordered.indexed_pairs:
            index = partial(_index_text, ordered)
            self.run_worker(index, "", "doc-text", "index the rows' text", thread=True)

    def _place(self, doc_id: str) -> int | None:
        """Where ``doc_id`` is in the list as shown (None: filtered out)."""
        if self._places is None:
            self._places = {row.id: i for i, row in enumerate(self._shown)}
        return self._places.get(doc_id)

    def rows(self) -> list[DocRow]:
        """Every row, filtered or not."""
        return list(self._rows.values())

    def row(self, doc_id: str) -> DocRow | None:
        """The row of ``doc_id``."""
        return self._rows.get(doc_id)

    def select(self, doc_id: str) -> None:
        """Move the list's cursor to ``doc_id`` if it is shown."""
        if (place := self._place(doc_id)) is not None:
            self.table.highlighted = place

    def cycle_sort(self) -> None:
        """Next sort order."""
        self.sort_index = (self.sort_index + 1) % len(SORTS)

    def watch_sort_index(self) -> None:
        self._sorted = None
        self.refresh_rows()
        self._index_text()
        self.border_subtitle = f"r: {SORTS[self.sort_index]}"

    def watch_entity_filter(self) -> None:
        self.refresh_rows()
        self.table.refresh_bindings()

    @on(Input.Submitted, "#doc-filter")
    def _filter_submitted(self) -> None:
        self.table.focus()

    def _filter_words(self) -> tuple[list[str], list[str]]:
        """The filter's words and ``#tags`` (without the ``#``), folded."""
        text = self.query_one(Input).value.strip() if self.is_mounted else ""
        query = fold(text).split() if text else []
        tags = [w[1:] for w in query if w.startswith("#") and len(w) > 1]
        return [w for w in query if not (w.startswith("#") and len(w) > 1)], tags

    def _in_order(self) -> list[DocRow]:
        """Every row in the order: the index's, or sorted from the rows."""
        order = SORT_ORDERS[self.sort_index]
        if self._index is not None:
            return self._index.ordered(order).rows
        if self._sorted is None:
            rows = list(self._rows.values())
            self._sorted = [rows[i] for i in positions_in_order(rows, order)]
        return self._sorted

    def _kept(self, rows: list[DocRow]) -> tuple[Sequence[int] | None, bool]:
        """The places in ``rows`` the filters keep (None: every row), and whether the
        text filter waits for the index (a long list's, still being made)."""
        words, tags = self._filter_words()
        found: Sequence[int] | None = None
        waiting = bool(words or tags) and self._index is None
        if (words or tags) and self._index is not None:
            ordered = self._index.ordered(SORT_ORDERS[self.sort_index])  # that of ``rows``
            found = ordered.matching(words) if words else None
            for tag in tags:
                found = ordered.tagged(tag, found)
        if self.entity_filter is not None:
            ids, among = self.entity_filter[1], range(len(rows)) if found is None else found
            found = [i for i in among if rows[i].id in ids]
        return found, waiting

    def refresh_rows(self) -> None:
        """Show the rows the filters keep, in the order, the cursor on its document."""
        if not self.is_mounted:
            return
        short = len(self._rows) <= SHORT_LIST
        if self._index is None and short and self._filter_words() != ([], []):
            self._index, self._sorted = RowIndex(list(self._rows.values())), None
        rows = self._in_order()
        found, waiting = self._kept(rows)
        if rows is self._shown_from:  # the same order: the cursor's place in it holds
            place = place_in(found, self._cursor_place())
        elif self._index is not None and (doc_id := self.current_id) is not None:
            ordered = self._index.ordered(SORT_ORDERS[self.sort_index])
            place = place_in(found, ordered.position(doc_id))
        else:
            place = place_of(rows, found, self.current_id)
        self._shown = rows if found is None else Picked(rows, found)
        self._shown_from, self._shown_at, self._places = rows, found, None
        self.table.show(self._shown, place)
        self._retitle(waiting)

    def _cursor_place(self) -> int | None:
        """The cursor's place in ``_shown_from`` (None: no cursor)."""
        index = self.table.highlighted
        if index is None or index >= len(self._shown):
            return None
        return index if self._shown_at is None else self._shown_at[index]

    def _retitle(self, waiting: bool) -> None:
        title = Text(f"Documents {len(self._shown)}/{len(self._rows)}")
        if waiting:
            title.append(" · filtering…")
        if self.entity_filter is not None:
            title.append(" · ")
            title.append_text(safe_line(f"{self.entity_filter[0]} (esc: all)", 60))
        if title != self._title:
            self._title, self._retitling = title, True
            try:
                self.border_title = title
            finally:
                self._retitling = False

    def refresh(
        self, *regions: Region, repaint: bool = True, layout: bool = False, recompose: bool = False
    ) -> Self:
        """A new title repaints the top line (the border it is on), not the whole list:
        Textual's title repaints the widget, so each filter keystroke painted every
        line of the list twice, and its lines and the filter box's once more."""
        if self._retitling and not regions:
            gutter = self.content_offset
            regions = (Region(-gutter.x, -gutter.y, self.outer_size.width, 1),)
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)


def _indexed(rows: list[DocRow], order: str) -> RowIndex:
    """The index of ``rows`` with every order sorted, and in the list's own
    (``order``) the rows holding each character, so no keystroke tests every row."""
    index = RowIndex(rows).prepare([order, *(name for name in SORT_ORDERS if name != order)])
    index.ordered(order).index_characters()
    return index


def _index_text(ordered: OrderedRows) -> None:
    """Index the characters of ``ordered`` unless they are, then its pairs (in a
    worker, which stops once it is cancelled)."""
    worker = get_current_worker()

    def cancelled() -> bool:
        return worker.is_cancelled

    if not ordered.indexed:
        ordered.index_characters(cancelled)
    ordered.index_pairs(cancelled)


SHORT_LIST = 2000
"""Rows indexed on this thread if a filter needs them before the worker has (about
10 ms), and filtered without the characters' and pairs' rows."""
