"""The look-up keys of the reader pane: ``l`` looks up the word at the cursor (issue 15).

The word is found in the view on screen, in either script, and the
dictionary opens on the first ``l`` in a worker (building its cache the
first time takes seconds; meanwhile the panel says so). The reader's cursor
follows the word, which is selected, so the user sees which word it is; the
panel (:class:`~kbtui.ui.lookup_panel.LookupPanel`) steps, shows the
characters and adds the word to the word list, with its sentence as the
reader shows it and its source offsets (:func:`kbtui.session.reading_aids.word_entry`).

Moving the cursor off the word (a click) closes the panel; a script toggle
or another document looks up again at the cursor. The pane tells the App
whether the panel is open (:class:`~kbtui.ui.messages.LookupShown`), which
then gives it the sidebar's room.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.binding import Binding

from kbtui.documents.model import Document
from kbtui.ui.lookup_panel import LookupPanel
from kbtui.ui.messages import LookupShown
from kbtui.ui.pane_base import PaneBase
from kbtui.view.sanitize import one_line
from kbtui.wording import plural

if TYPE_CHECKING:
    from kbtui.lookup.dictionary import EntityHook
    from kbtui.lookup.model import LookupResult
    from kbtui.view.textview import TextView


class LookupActions(PaneBase):
    """The look-up keys, one of the groups :class:`~kbtui.ui.pane.DocumentPane` is made of."""

    LOOKUP_BINDINGS = [
        Binding(
            "l",
            "lookup",
            "Look up",
            id="reader.lookup",
            show=False,
            tooltip="The dictionary word at the cursor (or the selection): pinyin, senses",
        ),
    ]

    _word: LookupResult | None = None
    """The word the panel shows, in offsets of :attr:`_word_view`."""
    _word_view: TextView | None = None
    _word_doc: Document | None = None
    _characters = False

    @property
    def lookup_panel(self) -> LookupPanel:
        """The look-up panel beside the reader."""
        return self.query_one(LookupPanel)

    def action_lookup(self) -> None:
        """Look up the word at the cursor (or the selection) in the dictionary."""
        if self.view is None or self.doc is None:
            return
        if self.session.aids.loaded:
            self._look_up_here()
            return
        self._open_panel()
        self.lookup_panel.show_notice("Loading the dictionary…")
        self._load_dictionary()

    @work(thread=True, exclusive=True, group="dictionary", description="load dictionary")
    def _load_dictionary(self) -> None:
        import sqlite3  # its error only; the app's start-up does not load sqlite3

        try:
            self.session.aids.load()
        except (OSError, sqlite3.Error) as exc:
            self.app.call_from_thread(self._dictionary_failed, str(exc))
            return
        self.app.call_from_thread(self._look_up_here)

    def _dictionary_failed(self, reason: str) -> None:
        self.lookup_panel.show_notice(one_line(f"The dictionary cannot be opened: {reason}", 300))

    def _look_up_here(self) -> None:
        """The word at the cursor, or the selection as one word."""
        if self.view is None:
            return
        view, aids, hook = self.view, self.session.aids, self._entity_hook(self.view)
        selection = self.reader.selection
        if selection is not None:
            result = aids.lookup_span(view.text, *selection, hook)
        else:
            result = aids.lookup_at(view.text, self.reader.cursor, hook)
        if result is None:
            self._word, self._word_view, self._word_doc = None, view, self.doc
            self._open_panel()
            self.lookup_panel.show_notice("No dictionary word at the cursor (n: the next one)")
            return
        self._show_word(result)

    def _show_word(self, result: LookupResult) -> None:
        """Show ``result`` in the panel and select it in the reader."""
        assert self.view is not None
        self._word, self._word_view, self._word_doc = result, self.view, self.doc
        self._characters = False
        self.reader.move_to_source(*self.view.map.range_to_source(result.start, result.end))
        self.lookup_panel.show_word(result, zhuyin=self.session.settings.zhuyin)
        self._open_panel()

    def refresh_lookup(self) -> None:
        """Show the panel's word again (after the zhuyin setting changed)."""
        if self.lookup_panel.open and self._word is not None:
            self._show_word(self._word)

    def _entity_hook(self, view: TextView) -> EntityHook | None:
        index = self.session.mention_index
        if index is None or self.doc is None:
            return None
        from kbtui.session.reading_aids import mention_hook

        return mention_hook(index, self.doc.id, view.map)

    def _open_panel(self) -> None:
        panel = self.lookup_panel
        if not panel.open:
            panel.open = True
            self.post_message(LookupShown(True))
        panel.focus()

    def lookup_followed(self) -> None:
        """After the cursor moved: close the panel if it left the word; in a new view
        (a script toggle), look up again at the cursor."""
        if not self.lookup_panel.open or self._word_view is None or self.view is None:
            return
        if self.doc is not self._word_doc:
            self._close_panel()
        elif self.view is not self._word_view:
            self._look_up_here()
        elif self._word is not None:
            start, end = self.view.map.range_to_source(self._word.start, self._word.end)
            if not start <= self.reader.cursor_source < max(end, start + 1):
                self._close_panel()

    @on(LookupPanel.Step)
    def _step(self, message: LookupPanel.Step) -> None:
        if self.view is None:
            return
        pos = self._word.start if self._word is not None else self.reader.cursor
        found = self.session.aids.step(
            self.view.text, pos, message.forward, self._entity_hook(self.view)
        )
        if found is None:
            self.app.notify("No more words that way")
            return
        self._show_word(found)

    @on(LookupPanel.Characters)
    def _show_characters(self) -> None:
        if self._word is None:
            return
        if self._characters:
            self._show_word(self._word)
            return
        characters = self.session.aids.characters(self._word)
        self.lookup_panel.show_characters(self._word, characters)
        self._characters = True

    @on(LookupPanel.Add)
    def _add_word(self) -> None:
        if self._word is None or self.view is None or self.doc is None:
            return
        from kbtui.session.reading_aids import word_entry

        entry = word_entry(self._word, self.view, self.doc)
        kept = self.session.aids.add_word(entry)
        word = one_line(entry.simplified, 40)
        if kept is not None:
            self.app.notify(f"{word} is already in the word list", markup=False)
        else:
            count = plural(len(self.session.aids.words()), "word")
            self.app.notify(f"{word} added to the word list ({count})", markup=False)

    @on(LookupPanel.Closed)
    def _close_panel(self) -> None:
        panel = self.lookup_panel
        if panel.open:
            panel.open = False
            self.post_message(LookupShown(False))
        if self._word is not None:
            self.reader.clear_selection()
        self._word = self._word_view = self._word_doc = None
        self.reader.focus()
