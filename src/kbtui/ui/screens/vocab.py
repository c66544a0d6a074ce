"""The word list: every word added from the look-up panel, filterable, with a jump back.

The filter matches the word in either script, its reading (toneless pinyin
too: ``anquan``), its senses, its sentence and its document's title
(:func:`kbtui.lookup.vocab.filter_entries`). ``enter`` answers the document
and source offset the word was read at, ``d`` deletes a word, ``e`` exports
the list (an Anki deck, CSV or Markdown) to the export folder.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input

from kbtui.lookup.vocab import VocabEntry, filter_entries
from kbtui.session.reading_aids import WORD_FILES, ReadingAids, WordFormat
from kbtui.ui.screens.dialogs import PickerScreen
from kbtui.ui.screens.framed import framed_list_css
from kbtui.ui.text import cut
from kbtui.view.sanitize import one_line
from kbtui.wording import plural

EXPORT_CHOICES = [
    (WordFormat.ANKI.value, "Anki deck (.apkg)"),
    (WordFormat.CSV.value, "CSV for Anki's import (.csv)"),
    (WordFormat.MARKDOWN.value, "Markdown (.md)"),
]


class VocabScreen(Screen[tuple[str, int] | None]):
    """The word list; ``enter`` answers (document id, source offset)."""

    DEFAULT_CSS = framed_list_css("vocab", "vocab-filter", "vocab-table")
    """Parsed when the word list first opens, not at start-up."""

    BINDINGS = [
        Binding("escape", "close", "Close", id="vocab.close"),
        Binding("slash", "filter", "Filter", key_display="/", id="vocab.filter"),
        Binding("d", "delete", "Delete word", id="vocab.delete"),
        Binding("e", "export", "Export", id="vocab.export"),
    ]

    def __init__(self, aids: ReadingAids, folder: str) -> None:
        """``folder`` is where exports go (:func:`kbtui.exchange.paths.default_folder`)."""
        super().__init__()
        self._aids = aids
        self._folder = folder
        self._entries = aids.words()
        self._shown: list[VocabEntry] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="vocab"):
            yield Input(placeholder="Filter: word, pinyin, meaning, sentence…", id="vocab-filter")
            yield DataTable[Text](cursor_type="row", id="vocab-table")
        yield Footer()

    def on_mount(self) -> None:
        self._fill("")
        self.query_one(DataTable).focus()

    def _widths(self) -> tuple[int, int, int, int]:
        """Cells for word, reading, senses and sentence: together they fit the screen."""
        room = max(40, (self.size.width or self.app.size.width) - 12)
        return room * 14 // 100, room * 14 // 100, room * 36 // 100, room * 36 // 100

    def _fill(self, query: str) -> None:
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear(columns=True)
        table.add_columns("Word", "Pinyin", "Meaning", "Sentence")
        self._shown = filter_entries(self._entries, query)
        word_w, pinyin_w, senses_w, sentence_w = self._widths()
        for entry in self._shown:
            word = " ".join(dict.fromkeys((entry.simplified, entry.traditional)))
            table.add_row(
                cut(word, word_w, "bold"),
                cut(entry.pinyin, pinyin_w),
                cut("; ".join(entry.definitions), senses_w),
                cut(entry.sentence, sentence_w, "dim"),
            )
        table.move_cursor(row=min(row, max(0, len(self._shown) - 1)))
        shown, total = len(self._shown), len(self._entries)
        self.query_one("#vocab").border_title = f"Word list · {shown} of {plural(total, 'word')}"

    @on(Input.Changed, "#vocab-filter")
    def _changed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(Input.Submitted, "#vocab-filter")
    def _submitted(self) -> None:
        self.query_one(DataTable).focus()

    @on(DataTable.RowSelected, "#vocab-table")
    def _selected(self, event: DataTable.RowSelected) -> None:
        entry = self._shown[event.cursor_row]
        self.dismiss((entry.doc_id, entry.start))

    def action_filter(self) -> None:
        """Focus the filter box."""
        self.query_one(Input).focus()

    def action_delete(self) -> None:
        """Delete the word under the cursor from the word list."""
        table = self.query_one(DataTable)
        if not self._shown or table.cursor_row >= len(self._shown):
            return
        entry = self._shown[table.cursor_row]
        with contextlib.suppress(KeyError):  # another kbtui deleted it meanwhile: gone either way
            self._aids.delete_word(entry.id)
        self._entries = self._aids.words()
        self._fill(self.query_one(Input).value)
        self.notify(f"Deleted {one_line(entry.simplified, 40)}", markup=False)

    def action_export(self) -> None:
        """Export the whole word list: pick the format, it goes to the export folder."""

        def chosen(value: str | None) -> None:
            if value is not None:
                self._export(WordFormat(value))

        self.app.push_screen(PickerScreen("Export the word list as", EXPORT_CHOICES), chosen)

    def _export(self, fmt: WordFormat) -> None:
        path = Path(self._folder).expanduser() / WORD_FILES[fmt]
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            _, count = self._aids.export_words(fmt, path)
        except OSError as exc:
            self.notify(one_line(f"Not exported: {exc}", 300), severity="error", markup=False)
            return
        self.notify(one_line(f"Exported {plural(count, 'word')} to {path}", 300), markup=False)

    def action_close(self) -> None:
        """Back to the reader."""
        self.dismiss(None)
