"""The document list: every document of the corpus, filtered as you type, sortable.

Rows show the title, the date, a script badge, the annotation count and a
marker for documents with problems. The filter matches titles, ids and tags
script- and case-insensitively (``創立`` finds ``创立``), and ``#tag`` keeps
only documents carrying that tag.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.reactive import reactive
from textual.widgets import Input

from kbtui.scripts.hanzi import Script, fold
from kbtui.session.rows import DocRow
from kbtui.ui.doclines import DocLines
from kbtui.ui.messages import OpenDocument
from kbtui.ui.text import safe_line
from kbtui.view.sanitize import one_line

SCRIPT_BADGES = {
    Script.SIMPLIFIED: ("简", "green"),
    Script.TRADITIONAL: ("繁", "cyan"),
    Script.MIXED: ("混", "magenta"),
    Script.NONE: ("–", "dim"),
    Script.JAPANESE: ("日", "yellow"),
}
"""How each detected script is shown: one character and a colour."""

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
        super().__init__(_prompt, id=id)

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

    def action_clear(self) -> None:
        """Show every document again and return to the list."""
        self.value = ""
        self.query_ancestor(DocumentList).table.focus()


class DocumentList(Vertical):
    """Filter box above a table of documents."""

    sort_index: reactive[int] = reactive(0)
    """Index into :data:`SORTS`."""

    entity_filter: reactive[tuple[str, frozenset[str]] | None] = reactive(None)
    """An entity name and the ids of the documents that mention it, or None."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._rows: dict[str, DocRow] = {}
        self._sorted: list[DocRow] | None = None  # every row in the order, until one changes
        self._search: _Search | None = None  # over ``_sorted``, made at the first filter
        self._shown: list[DocRow] = []
        self._places: dict[str, int] | None = None  # shown row id -> index, made when asked

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

    def set_rows(self, rows: Sequence[DocRow]) -> None:
        """Replace every row (keeps the cursor on the same document)."""
        self._rows = {row.id: row for row in rows}
        self._sorted = self._search = None
        self.refresh_rows()

    def change_rows(self, rows: Sequence[DocRow], removed: Sequence[str] = ()) -> None:
        """Add or replace ``rows`` and drop ``removed`` (files changed on disk); the
        cursor stays on its document, or where it was if that one went."""
        place = self.table.highlighted
        for doc_id in removed:
            self._rows.pop(doc_id, None)
        self._rows.update((row.id, row) for row in rows)
        self._sorted = self._search = None
        if self.current_id in removed and place is not None:
            self.refresh_rows()
            self.table.highlighted = min(place, max(0, len(self._shown) - 1))
        else:
            self.refresh_rows()

    def update_row(self, row: DocRow) -> None:
        """Change one document's row (after an annotation or tag change).

        Only that row is redrawn unless a filter is active (a tag change may
        move the row in or out of it) or the order is by title (a title may
        have changed): filtering and sorting every row on every highlight
        would cost a visible pause.
        """
        old = self._rows.get(row.id)
        self._rows[row.id] = row
        self._search = None  # its tags may have changed
        filtered = self.entity_filter is not None or self.query_one(Input).value.strip()
        place = self._place(row.id)
        same_order = old is not None and (old.meta.date, old.shown_title) == (
            row.meta.date,
            row.shown_title,
        )
        if place is not None and not filtered and same_order:
            if self._sorted is not None:
                self._sorted[place] = row
            self.table.replace(place, row)
        else:
            self._sorted = None
            self.refresh_rows()

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
        self._sorted = self._search = None
        self.refresh_rows()
        self.border_subtitle = f"r: {SORTS[self.sort_index]}"

    def watch_entity_filter(self) -> None:
        self.refresh_rows()
        self.table.refresh_bindings()

    @on(Input.Changed, "#doc-filter")
    def _filter_changed(self) -> None:
        self.refresh_rows()

    @on(Input.Submitted, "#doc-filter")
    def _filter_submitted(self) -> None:
        self.table.focus()

    def _visible(self) -> list[DocRow]:
        """The rows the filter keeps, in the order: sorted once, filtered in order."""
        text = self.query_one(Input).value.strip() if self.is_mounted else ""
        query = fold(text) if text else ""
        if self._sorted is None:
            self._sorted = _in_order(list(self._rows.values()), SORTS[self.sort_index])
        rows = self._sorted
        tags = [w[1:] for w in query.split() if w.startswith("#") and len(w) > 1]
        words = [w for w in query.split() if not (w.startswith("#") and len(w) > 1)]
        if words:
            if self._search is None:
                self._search = _Search(self._sorted)
            rows = [rows[i] for i in self._search.matching(words)]
        if self.entity_filter is not None:
            rows = [r for r in rows if r.id in self.entity_filter[1]]
        for tag in tags:
            rows = [r for r in rows if tag in (fold(t) for t in r.all_tags)]
        return rows if rows is not self._sorted else list(rows)

    def refresh_rows(self) -> None:
        """Rebuild the table from the rows, the filter and the order."""
        if not self.is_mounted:
            return
        keep = self.current_id
        rows = self._visible()
        place = next((i for i, row in enumerate(rows) if row.id == keep), 0) if keep else 0
        self._shown, self._places = rows, None
        self.table.show(rows, place)
        title = Text(f"Documents {len(rows)}/{len(self._rows)}")
        if self.entity_filter is not None:
            title.append(" · ")
            title.append_text(safe_line(f"{self.entity_filter[0]} (esc: all)", 60))
        self.border_title = title


class _Search:
    """Every row's folded text in one string, each followed by its index, so a
    filter word is one regular-expression pass in C (``findall`` hands back
    the indices of the rows that hold it) rather than a test per row. A
    keystroke that only narrows the last query (a longer word, one more word)
    looks only among the rows that query kept. Made once the list is painted."""

    def __init__(self, rows: list[DocRow]) -> None:
        texts = (
            " ".join([r.shown_title, r.id, *r.all_tags]).translate(_SEPARATORS) + f"\x01{i}\n"
            for i, r in enumerate(rows)
        )
        # Each row's DocRow.haystack, folded at once (fold maps a character to one):
        self._joined = fold("".join(texts))
        self._texts = [line.rpartition("\x01")[0] for line in self._joined.split("\n")]
        self._last: tuple[list[str], list[int]] = ([], [])

    def matching(self, words: list[str]) -> list[int]:
        """The indices, in order, of the rows whose text holds every word."""
        words = [word.translate(_SEPARATORS) for word in words]
        last, kept = self._last
        narrows = bool(last) and len(words) >= len(last) and words[: len(last) - 1] == last[:-1]
        if narrows and words[len(last) - 1].startswith(last[-1]):
            todo, found = words[len(last) - 1 :], kept
        else:
            todo, found = words, None
        for word in todo:
            found = self._holding(word, found)
        self._last = (words, found or [])
        return found or []

    def _holding(self, word: str, among: list[int] | None) -> list[int]:
        if among is not None and len(among) < len(self._texts) // 2:
            texts = self._texts
            return [i for i in among if word in texts[i]]
        pattern = re.escape(word) + r"[^\x01\n]*\x01(\d+)"  # not in the index digits
        found = sorted(map(int, re.findall(pattern, self._joined)))
        return found if among is None else sorted(set(found).intersection(among))


_SEPARATORS = str.maketrans("\x01\n", "  ")
"""The characters :class:`_Search` keeps for itself, made spaces in the texts."""


def _in_order(rows: list[DocRow], order: str) -> list[DocRow]:
    """``rows`` sorted by title, or by date (either way) with undated ones last."""
    if order == "title":
        return sorted(rows, key=lambda r: fold(r.shown_title))
    undated = [r for r in rows if not r.meta.date]
    dated = sorted(
        (r for r in rows if r.meta.date),
        key=lambda r: r.meta.date or "",
        reverse=order == "date ↓",
    )
    return dated + undated


def _prompt(row: DocRow) -> Content:
    """Two lines: the title, then script, date, annotation count and tags.

    Built as Textual ``Content`` from plain strings (never parsed as markup),
    only for the rows being painted.
    """
    badge, colour = SCRIPT_BADGES[row.script]
    parts: list[str | tuple[str, str]] = []
    if row.problems:
        parts.append(("⚠ ", "bold red"))
    parts += [one_line(row.shown_title, 200), "\n", (badge, f"bold {colour}")]
    parts.append((f" {(row.meta.date or 'no date')[:10]}", "dim"))
    if row.annotations:
        parts.append((f"  ✎{row.annotations}", "bold"))
    if row.all_tags:
        parts.append(("  " + one_line(" ".join(f"#{t}" for t in row.all_tags)), "dim"))
    return Content.assemble(*parts)
