"""The reader pane: the open document, its script view, and the keys that act on it.

The pane keeps three things about the open document: the :class:`Document`,
its reading view (Markdown rendered) and the view on screen (the reading view
converted to the chosen script). Everything it stores goes through source
offsets, so a script toggle or a reopen lands on the same passage. Its keys
come in groups (:mod:`.annotating`, :mod:`.scripting`, :mod:`.finding`,
:mod:`.naming`, :mod:`.looking`) over the state in :mod:`.pane_base`; the
look-up panel (:mod:`.lookup_panel`) sits beside the reader.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.worker import get_current_worker

from kbtui.annotations.model import Annotation
from kbtui.documents.model import Document
from kbtui.scripts.chains import Variant
from kbtui.ui.annotating import AnnotationActions
from kbtui.ui.finding import FindActions
from kbtui.ui.looking import LookupActions
from kbtui.ui.lookup_panel import LookupPanel
from kbtui.ui.messages import ExportAnnotations
from kbtui.ui.naming import EntityActions
from kbtui.ui.pane_base import Highlight, overlays
from kbtui.ui.reader.slot import ReaderSlot
from kbtui.ui.scripting import ScriptActions
from kbtui.view.sanitize import one_line

if TYPE_CHECKING:
    from kbtui.entities.mentions import MentionIndex
    from kbtui.view.textview import TextView


class DocumentPane(AnnotationActions, ScriptActions, FindActions, EntityActions, LookupActions):
    """Holds the :class:`Reader` and acts on the document it shows."""

    BINDINGS = [
        *ScriptActions.SCRIPT_BINDINGS,
        *FindActions.FIND_BINDINGS,
        Binding("T", "toc", "Contents", id="reader.toc"),
        Binding("o", "open_source", "Source URL", id="reader.source", show=False),
        Binding("e", "export", "Export", id="reader.export", show=False),
        *EntityActions.ENTITY_BINDINGS,
        *AnnotationActions.ANNOTATION_BINDINGS,
        *LookupActions.LOOKUP_BINDINGS,
        Binding("z", "toggle_chrome", "Site chrome", id="reader.chrome", show=False),
        Binding("w", "toggle_lines", "Lines", id="reader.lines", show=False),
    ]

    def compose(self) -> ComposeResult:
        yield ReaderSlot(id="reader-slot")  # the Reader comes with the first document
        yield LookupPanel(id="lookup-panel")

    def on_mount(self) -> None:
        self.border_title = "Reader"
        self.border_subtitle = "enter a document to read it"

    # -- opening -------------------------------------------------------------

    def open(self, doc_id: str, source_offset: int | None = None) -> None:
        """Open ``doc_id`` (loads off the UI thread); at ``source_offset`` if given."""
        self.save_position()
        self._load(doc_id, source_offset)

    @work(thread=True, exclusive=True, group="load", description="load")
    def _load(self, doc_id: str, source_offset: int | None) -> None:
        try:
            doc = self.session.corpus.load(doc_id)
        except KeyError as exc:  # DocumentNotFound: deleted since it was listed
            self.app.call_from_thread(self.app.notify, str(exc), severity="error", markup=False)
            return
        from kbtui.scripts.views import prepare  # loaded here, not on the UI thread
        from kbtui.session.review import review_queue  # with the first document

        import_module("kbtui.ui.reader.widget")  # the widget _loaded mounts, off the UI thread too

        # Re-anchoring after an edit can take a while on a big document: do it here.
        annotations = review_queue(self.session).reanchor(doc.id, doc.source)
        reading = self._reading(doc, annotations)
        drawn = overlays(annotations)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._loaded, doc, reading, annotations, drawn, source_offset)
            if self.session.offers_views(doc):  # build converters now: the first `s` is quick
                prepare(self.session.locale_of(doc), backend=self.session.backend)

    def _loaded(
        self,
        doc: Document,
        reading: TextView,
        annotations: list[Annotation],
        drawn: list[Highlight],
        source_offset: int | None,
    ) -> None:
        state = self.store.doc_state(doc.id)
        self.doc, self.reading = doc, reading
        if self.session.write_failure is None:
            self.write(lambda: self.store.touch_opened(doc.id), "The time it was opened")
        self.source = self.session.locale_of(doc)
        self.chinese_views = self.session.offers_views(doc)
        variant = state.script or self.session.settings.default_script
        if not self.chinese_views or variant not in set(Variant):
            variant = Variant.ORIGINAL
        self.variant = Variant(variant)
        offset = source_offset if source_offset is not None else state.position
        self._matches, self._match_index = [], None
        self._show_variant(offset)
        self.refresh_annotations(annotations, drawn)
        self.refresh_mentions()
        for problem in doc.problems:
            self.app.notify(f"{doc.id}: {problem}", severity="warning", markup=False)

    def _reading(self, doc: Document, annotations: list[Annotation]) -> TextView:
        """The reading view as this document is to be shown (chrome folded, lines joined)."""
        from kbtui.view.reading import reading_view  # with the first document, not at start-up

        lines = self.store.doc_state(doc.id).lines
        keep = [(a.start, a.end) for a in annotations if a.placed]
        self.reading_shape = f"{self.full_pages}/{lines}/{len(keep)}"
        return reading_view(
            doc.source, doc.body_start, full=self.full_pages, lines=lines, keep=keep
        )

    def action_toggle_chrome(self) -> None:
        """``z``: a web clipping's folded navigation, byline and notices shown, or folded."""
        if self.reading is not None and not self.reading.extra.get("folds"):
            self.app.notify("Nothing is folded in this document.")
            return
        self.full_pages = not self.full_pages
        self._reshow()

    def action_toggle_lines(self) -> None:
        """``w``: a transcript's original lines, or its paragraphs (kept per document)."""
        if self.doc is None or self.reading is None:
            return
        if not self.reading.extra.get("transcript"):
            self.app.notify("This document is not a transcript: its lines are its own.")
            return
        doc_id, lines = self.doc.id, not self.store.doc_state(self.doc.id).lines
        if self.write(lambda: self.store.set_lines(doc_id, lines), "The choice of lines"):
            self._reshow()

    def _reshow(self) -> None:
        """Build the reading view again and show it at the same source position."""
        if self.doc is None:
            return
        cursor = self.reader.cursor_source if self.view is not None else None
        self.reading = self._reading(self.doc, self.annotations)
        self._show_variant(cursor)

    def save_position(self) -> None:
        """Remember where the reader is in the open document."""
        if self.doc is not None and self.view is not None:
            doc_id, cursor = self.doc.id, self.reader.cursor_source
            self.write(lambda: self.store.set_position(doc_id, cursor), "The reading position")

    def refresh_mentions(
        self, index: MentionIndex | None = None, doc: Document | None = None
    ) -> None:
        """Underline the entity mentions of the open document.

        From the session's index, or from ``index`` when it is a preview made
        for ``doc`` only (after an edit, before the whole corpus is indexed
        again). Without an index yet, the marks of the previous document are cleared.
        """
        if self.doc is None or (doc is not None and doc is not self.doc):
            return
        if index is None and (index := self.session.mention_index) is not None:
            self._reindex_if_changed(index, self.doc)
        mentions = index.mentions_in(self.doc.id) if index is not None else []
        self.show_mentions(mentions)

    def _reindex_if_changed(self, index: MentionIndex, doc: Document) -> None:
        """Match a document again when it changed on disk since the scan the
        index was built from, so its marks stand on the text as it is now."""
        entry = self.session.corpus.get(doc.id)
        if entry is not None and (entry.size, entry.mtime) != (doc.size, doc.mtime):
            from kbtui.entities.mentions import DocStamp

            index.update(doc.id, doc, DocStamp(doc.id, doc.size, doc.mtime))

    # -- navigation --------------------------------------------------------------

    def action_toc(self) -> None:
        """Jump to a heading."""
        if self.view is None or not self.view.headings:
            self.app.notify("This document has no headings")
            return
        view = self.view
        from kbtui.ui.screens.dialogs import PickerScreen

        items = [(str(i), "  " * (h.level - 1) + h.title) for i, h in enumerate(view.headings)]

        def chosen(value: str | None) -> None:
            if value is not None and self.view is view:
                heading = view.headings[int(value)]
                self.jump(view.map.to_source(heading.start))

        self.app.push_screen(PickerScreen("Contents", items), chosen)

    def action_open_source(self) -> None:
        """Open the source URL in a browser, after showing it."""
        url = (self.doc.meta.source_url or "") if self.doc else ""
        if not url.startswith(("http://", "https://")):
            self.app.notify("This document has no web source URL")
            return
        from kbtui.ui.screens.dialogs import ConfirmScreen

        def answered(yes: bool | None) -> None:
            if yes:
                self._browse(url)

        self.app.push_screen(
            ConfirmScreen("Source", "Open this address in a browser?", url), answered
        )

    def _browse(self, url: str) -> None:
        """Open ``url`` and say what happened: with no browser here (a server, a bare
        terminal) nothing visible happens otherwise, so the address is copied instead."""
        import webbrowser

        try:
            opened = webbrowser.open(url)
        except webbrowser.Error:
            opened = False
        if opened:
            self.app.notify(one_line(f"Opened in a browser: {url}", 300), markup=False)
            return
        self.app.copy_to_clipboard(url)
        message = f"No web browser found: the address is copied to the clipboard ({url})"
        self.app.notify(one_line(message, 300), severity="warning", markup=False)

    def action_export(self) -> None:
        """Export annotations (this document's by default) to Markdown or JSON."""
        self.post_message(ExportAnnotations(self.doc.id if self.doc else None))

    @on(ReaderSlot.Wanted)
    def _reader_wanted(self) -> None:
        self.reader.focus()

    def on_reader_cursor_moved(self) -> None:
        """Follow the cursor (the handler is named, as ``@on(Reader.CursorMoved)``
        would import the reader's modules before the first frame)."""
        self._update_subtitle()
        self.lookup_followed()
