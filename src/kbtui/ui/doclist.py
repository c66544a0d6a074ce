"""The document list: every document of the corpus, filtered as you type, sortable.

Rows show the title, the date, a script badge, the annotation count and a
marker for documents with problems. The filter matches titles, ids and tags
script- and case-insensitively (``創立`` finds ``创立``), and ``#tag`` keeps
only documents carrying that tag.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.reactive import reactive
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from kbtui.scripts.hanzi import Script, fold
from kbtui.session.rows import DocRow
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

SHOWN_LIMIT = 2000
"""Rows the list holds at once. Textual's OptionList measures every option
when it is filled (about 35 ms per 1,000 here), so a 10,000-document corpus
shows its first 2,000 in the chosen order and the filter reaches the rest."""

SORTS = ("date ↓", "date ↑", "title")
"""The orders the list cycles through with ``r``."""


class DocOptions(OptionList):
    """The list proper: two lines a document; ``enter`` opens it."""

    BINDINGS = [
        Binding("enter", "open", "Open", id="list.open"),
        Binding("r", "sort", "Sort", id="list.sort"),
        Binding("slash", "filter", "Filter", id="list.filter"),
        Binding("escape", "clear_entity", "All documents", id="list.clear_entity"),
    ]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``escape`` is offered only while an entity filters the list."""
        if action == "clear_entity":
            return self.query_ancestor(DocumentList).entity_filter is not None
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
        """Show every document again after filtering by an entity."""
        self.query_ancestor(DocumentList).entity_filter = None


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
        self._shown: list[str] = []

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
        return self._shown[index]

    def set_rows(self, rows: Sequence[DocRow]) -> None:
        """Replace every row (keeps the cursor on the same document)."""
        self._rows = {row.id: row for row in rows}
        self.refresh_rows()

    def update_row(self, row: DocRow) -> None:
        """Change one document's row (after an annotation or tag change).

        Only that option is redrawn unless a filter is active (a tag change
        may move the row in or out of it): rebuilding 10,000 options on every
        highlight would cost a visible pause.
        """
        self._rows[row.id] = row
        filtered = self.entity_filter is not None or self.query_one(Input).value.strip()
        if row.id in self._shown and not filtered:
            self.table.replace_option_prompt(row.id, _prompt(row))
        else:
            self.refresh_rows()

    def rows(self) -> list[DocRow]:
        """Every row, filtered or not."""
        return list(self._rows.values())

    def row(self, doc_id: str) -> DocRow | None:
        """The row of ``doc_id``."""
        return self._rows.get(doc_id)

    def select(self, doc_id: str) -> None:
        """Move the list's cursor to ``doc_id`` if it is shown."""
        if doc_id in self._shown:
            self.table.highlighted = self._shown.index(doc_id)

    def cycle_sort(self) -> None:
        """Next sort order."""
        self.sort_index = (self.sort_index + 1) % len(SORTS)

    def watch_sort_index(self) -> None:
        self.refresh_rows()
        self.border_subtitle = f"r: {SORTS[self.sort_index]}"

    def watch_entity_filter(self) -> None:
        self.refresh_rows()
        self.table.refresh_bindings()

    @on(OptionList.OptionSelected, "#doc-table")
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.post_message(OpenDocument(event.option.id))

    @on(Input.Changed, "#doc-filter")
    def _filter_changed(self) -> None:
        self.refresh_rows()

    @on(Input.Submitted, "#doc-filter")
    def _filter_submitted(self) -> None:
        self.table.focus()

    def _visible(self) -> list[DocRow]:
        text = self.query_one(Input).value.strip() if self.is_mounted else ""
        query = fold(text) if text else ""
        rows = list(self._rows.values())
        if self.entity_filter is not None:
            rows = [r for r in rows if r.id in self.entity_filter[1]]
        for word in query.split():
            if word.startswith("#") and len(word) > 1:
                rows = [r for r in rows if word[1:] in (fold(t) for t in r.all_tags)]
            else:
                rows = [r for r in rows if word in r.haystack()]
        order = SORTS[self.sort_index]
        if order == "title":
            return sorted(rows, key=lambda r: fold(r.shown_title))
        undated = [r for r in rows if not r.meta.date]
        dated = sorted(
            (r for r in rows if r.meta.date),
            key=lambda r: r.meta.date or "",
            reverse=order == "date ↓",
        )
        return dated + undated

    def refresh_rows(self) -> None:
        """Rebuild the table from the rows, the filter and the order."""
        if not self.is_mounted:
            return
        table = self.table
        keep = self.current_id
        rows = self._visible()
        shown = rows[:SHOWN_LIMIT]
        if keep is not None and keep not in {row.id for row in shown}:
            shown += [row for row in rows[SHOWN_LIMIT:] if row.id == keep]
        table.clear_options()
        table.add_options(Option(_prompt(row), id=row.id) for row in shown)
        if len(rows) > len(shown):
            more = f"… {len(rows) - len(shown):,} more: filter (/) or sort (r) to reach them"
            table.add_option(Option(Content.styled(more, "dim italic"), disabled=True))
        self._shown = [row.id for row in shown]
        if self._shown:
            table.highlighted = self._shown.index(keep) if keep in self._shown else 0
        title = Text(f"Documents {len(rows)}/{len(self._rows)}")
        if self.entity_filter is not None:
            title.append(" · ")
            title.append_text(safe_line(f"{self.entity_filter[0]} (esc: all)", 60))
        self.border_title = title


def _prompt(row: DocRow) -> Content:
    """Two lines: the title, then script, date, annotation count and tags.

    Built as Textual ``Content`` from plain strings (never parsed as markup):
    the list measures every option's height, and Content is several times
    cheaper to measure than a Rich renderable, which matters at 10,000 rows.
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
