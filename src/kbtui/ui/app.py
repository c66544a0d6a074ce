"""The kbtui App: document list, reader pane and sidebar, over a Session.

The App composes the widgets, routes the messages they post
(:mod:`kbtui.ui.messages`) and runs the Session's slow work in workers; the
corpus, store, settings and history are the :class:`~kbtui.session.Session`'s,
and the open document and its keys belong to :class:`DocumentPane`. Entities
are routed in :mod:`.app_entities`. The CLI and the tests both build the App
with :func:`make_app`.
"""

from __future__ import annotations

import contextlib
import gc
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events, on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal

from kbtui.annotations.busy import lock_wait
from kbtui.annotations.errors import DatabaseError
from kbtui.session import Session
from kbtui.session.rows import DocRow
from kbtui.ui.app_entities import EntityRoutes
from kbtui.ui.app_help import HelpRoutes
from kbtui.ui.app_list import ListRoutes
from kbtui.ui.app_live import LiveRoutes
from kbtui.ui.app_notebook import NotebookRoutes
from kbtui.ui.app_refused import RefusedRoutes
from kbtui.ui.app_review import ReviewRoutes
from kbtui.ui.app_words import WordRoutes
from kbtui.ui.commands import (
    ActionCommands,
    DocumentCommands,
    EntityCommands,
    SettingsCommands,
)
from kbtui.ui.doclist import DocOptions, DocumentList
from kbtui.ui.keybar import KeyBar
from kbtui.ui.layout_mode import LayoutMode
from kbtui.ui.messages import (
    AnnotationsChanged,
    AnnotationsShown,
    ConversionChosen,
    DefaultScriptChosen,
    ExportAnnotations,
    JumpTo,
    OpenDocument,
)
from kbtui.ui.pane import DocumentPane
from kbtui.ui.pane_base import UI_LOCK_WAIT
from kbtui.ui.reader.palette import HIGH_CONTRAST
from kbtui.ui.sidebar import Sidebar
from kbtui.view.sanitize import one_line

if TYPE_CHECKING:
    from kbtui.exchange.pipeline import PlannedExport
    from kbtui.session.passages import Target


SHOW_PROGRESS_AFTER = 0.3
"""Seconds a scan runs before its progress shows: a warm start is done sooner."""


def parse_open_target(target: str) -> tuple[str, int | None]:
    """Split ``DOC#OFFSET`` (as exports write it) into id and source offset."""
    doc_id, sep, offset = target.rpartition("#")
    if sep and offset.isdigit():
        return doc_id, int(offset)
    return target, None


class KbtuiApp(
    HelpRoutes,
    LiveRoutes,
    EntityRoutes,
    WordRoutes,
    ReviewRoutes,
    ListRoutes,
    NotebookRoutes,
    LayoutMode,
    RefusedRoutes,
):
    """A reader and annotator for a corpus of documents."""

    CSS_PATH = "app.tcss"
    TITLE = "kbtui"
    COMMANDS = App.COMMANDS | {
        ActionCommands,
        DocumentCommands,
        EntityCommands,
        SettingsCommands,
    }
    BINDINGS = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("question_mark", "help", "Help", key_display="?", id="app.help"),
        Binding("ctrl+p", "command_palette", "Commands", id="app.palette", show=False),
        Binding("ctrl+f", "search", "Search all", id="app.search"),
        Binding("ctrl+n", "notebook", "Notebook", id="app.notebook"),
        Binding("M", "entities", "Entities", id="app.entities"),
        Binding("alt+left", "back", "Back", id="app.back", show=False),
        Binding("alt+right", "forward", "Forward", id="app.forward", show=False),
    ]

    def __init__(self, session: Session, *, open_target: str | None = None) -> None:
        """``open_target`` is ``kbtui --open DOC[#OFFSET]``: opened once the list is scanned."""
        super().__init__()
        self.session = session
        self._open_target = open_target
        self._save_theme_changes = False
        """Set on mount: a theme set before (from the settings) is not a change to save."""
        self.register_theme(HIGH_CONTRAST)
        self.theme = session.settings.theme
        if session.settings.keys:
            self.set_keymap(session.settings.keys)

    def compose(self) -> ComposeResult:
        with Horizontal(id="main"):
            # the list starts with the focus (MainScreen.AUTO_FOCUS): shown at once as an
            # overlay, not restyled after the first mount
            yield DocumentList(id="doc-list").set_class(self.compact, "-shown", update=False)
            yield DocumentPane(self.session, id="pane")
            yield Sidebar(id="sidebar")
        yield KeyBar()

    def on_mount(self) -> None:
        self._save_theme_changes = True
        self.query_one(DocOptions).focus()
        self.restore_sort()
        self.start_layout()
        self._scan()

    def on_resize(self, event: events.Resize) -> None:
        self.fit_layout(event.size.width)

    # -- the document list -----------------------------------------------------

    @work(thread=True, exclusive=True, group="scan", description="scan")
    def _scan(self) -> None:
        """Index the corpus off the UI thread, showing progress if it takes a while (a
        first run, a big corpus)."""
        started = time.monotonic()

        def progress(done: int, total: int) -> None:
            if done < total and time.monotonic() - started >= SHOW_PROGRESS_AFTER:
                self.call_from_thread(self.show_progress, done, total)

        rows = self.session.scan_rows(progress)
        self.call_from_thread(self._scanned, rows)

    def _scanned(self, rows: list[DocRow]) -> None:
        # Everything alive now lives as long as the app: keeping it out of the
        # collector's full passes removes 20-45 ms pauses from keystrokes; the
        # collector, paused by make_app, runs again from here.
        gc.freeze()
        gc.enable()
        self.hide_progress()
        self.doc_list.set_rows(rows)
        for problem in self.session.corpus.folder_problems:
            self.notify(problem, title="Not listed", severity="warning", markup=False)
        opened = [row for row in rows if row.last_opened]
        if not self._open_target and opened:
            last = max(opened, key=lambda row: row.last_opened or "").id
            self.pane.open(last)
            self.doc_list.select(last)
        if self._open_target:
            self._open_requested(self._open_target)
        self.call_after_refresh(self.reindex_entities)  # the list is painted first

    def _open_requested(self, target: str) -> None:
        """Open ``kbtui --open``'s document, or say it is not in the corpus."""
        doc_id, offset = parse_open_target(target)
        self._open_target = None
        if self.doc_list.row(doc_id) is None:
            self.notify(f"No document {doc_id!r} in this corpus", severity="error", markup=False)
        else:
            self.post_message(OpenDocument(doc_id, offset))

    @on(DefaultScriptChosen)
    def _default_script_chosen(self, message: DefaultScriptChosen) -> None:
        """Save the default script, and show the list's titles in it."""
        self._save_settings(partial(self.session.set_default_script, message.variant))
        self._retitle()
        self.notify(f"Default script: {message.variant.display_name}")

    @on(ConversionChosen)
    def _conversion_chosen(self, message: ConversionChosen) -> None:
        """Save the backend, and convert the open document and the list's titles with it."""
        self._save_settings(partial(self.session.set_backend, message.backend))
        self.pane.reconvert()
        self._retitle()
        self.notify(f"Conversion: {message.backend.value}", markup=False)

    @work(thread=True, exclusive=True, group="retitle", description="retitle")
    def _retitle(self) -> None:
        rows = self.session.retitle(self.doc_list.rows())
        self.call_from_thread(self.doc_list.set_rows, rows)

    def document_titles(self) -> list[tuple[str, str]]:
        """``(doc id, title)`` of every document the list holds (for the palette)."""
        return [(row.id, row.meta.title) for row in self.doc_list.rows()]

    @on(AnnotationsChanged)
    def _annotations_changed(self, message: AnnotationsChanged) -> None:
        """Update the list row after the document's annotations or tags changed."""
        row = self.doc_list.row(message.doc_id)
        if row is not None:
            self.session.update_row(row)
            self.doc_list.update_row(row)

    @on(AnnotationsShown)
    def _annotations_shown(self, message: AnnotationsShown) -> None:
        sidebar = self.query_one(Sidebar)
        sidebar.show_document(message.doc, message.doc_tags)
        sidebar.show_annotations(message.annotations, message.quotes, self.session.mention_index)

    # -- moving around -----------------------------------------------------------

    @on(OpenDocument)
    def _open_document(self, message: OpenDocument) -> None:
        self.go_to(message.doc_id, message.source_offset, focus=message.focus_reader)

    def go_to(self, doc_id: str, offset: int | None, *, focus: bool = True) -> None:
        """Show ``doc_id`` at ``offset`` (its remembered position when None)."""
        pane = self.pane
        if pane.doc is not None and pane.doc.id == doc_id and offset is not None:
            pane.jump(offset)
        else:
            self.session.history.push(pane.here())
            pane.open(doc_id, offset)
            self.doc_list.select(doc_id)  # the list's cursor follows the document read
        if focus:
            pane.reader.focus()

    def _go_to_target(self, target: Target | None) -> None:
        if target is not None:
            self.go_to(*target)

    @on(JumpTo)
    def _jump(self, message: JumpTo) -> None:
        self.pane.jump(message.source_offset, message.source_end)
        self.pane.reader.focus()

    async def action_back(self) -> None:
        """Back to where the last jump left."""
        place = self.session.history.back(self.pane.here())
        if place is not None:
            self._travel(place)

    def action_forward(self) -> None:
        """Forward again after going back."""
        place = self.session.history.forward()
        if place is not None:
            self._travel(place)

    def _travel(self, place: tuple[str, int]) -> None:
        """Go to a place of the history; the reader takes the focus, as after any jump
        (left in the list, ``/`` would filter the list instead of finding)."""
        doc_id, offset = place
        if self.pane.doc is not None and self.pane.doc.id == doc_id:
            self.pane.reader.move_to_source(offset)
        else:
            self.pane.open(doc_id, offset)
            self.doc_list.select(doc_id)
        self.pane.reader.focus()

    def action_search(self) -> None:
        """Search every document."""
        from kbtui.ui.screens.passages import SearchScreen

        self.push_screen(SearchScreen(self.session.search), self._go_to_target)

    # -- export ------------------------------------------------------------------

    @on(ExportAnnotations)
    def _export(self, message: ExportAnnotations) -> None:
        """Open the export dialog, offering the open document as the scope.

        The dialog and the exporters (Jinja2, the W3C mapping) are imported
        here, not at start-up: they cost more than the whole first frame.
        """
        from kbtui.exchange.paths import default_folder
        from kbtui.ui.screens.export import ExportScreen

        document = None
        if message.doc_id is not None:
            row = self.doc_list.row(message.doc_id)
            document = (message.doc_id, row.meta.title if row is not None else message.doc_id)
        settings = self.session.settings
        screen = ExportScreen(
            self.session.plan_export,
            document=document,
            tags=self.session.store.all_tags(),
            script=settings.default_script,
            path=settings.export_path,
            folder=default_folder(),
            entities=self.marked_entities(),
            entity_pages=settings.export_entity_pages,
        )
        self.push_screen(screen, self._exported)

    def _exported(self, planned: PlannedExport | None) -> None:
        """Report what was written, and remember its path for the next export."""
        if planned is None:
            return
        self.notify(one_line(planned.summary(), 400), markup=False)
        request = planned.request
        self.session.settings.export_path = request.path or ""
        links = request.wikilinks.value if request.wikilinks else "none"
        self.session.settings.export_entity_pages = links if request.by_entity else ""
        self._save_settings()

    def _save_settings(self, change: Callable[[], object] | None = None) -> None:
        """Make ``change`` to the settings (else save them); a failed save (a full disk)
        is one message, and the settings still apply until kbtui quits."""
        try:
            (change or self.session.save_settings)()
        except OSError as exc:
            message = one_line(f"Settings not saved: {exc}", 300)
            self.notify(message, severity="warning", markup=False)

    # -- keys, help, settings ----------------------------------------------------

    def watch_theme(self, theme: str) -> None:
        if self._save_theme_changes and theme != self.session.settings.theme:
            self.session.settings.theme = theme
            self._save_settings()

    async def action_quit(self) -> None:
        """Save the reading position, then leave; saying what was not saved, if anything."""
        self.workers.cancel_group(self, "entities")
        self.pane.save_position()
        with contextlib.suppress(DatabaseError, OSError), lock_wait(UI_LOCK_WAIT):
            self.session.close()  # the journal keeps every saved change: only folding it in
        failure = self.session.write_failure
        if failure is None:
            self.exit()
        else:
            message = f"kbtui: changes made after a write failed were not saved ({failure})"
            self.exit(return_code=1, message=message)


def make_app(
    corpus_root: Path, db_path: Path, *, open_target: str | None = None
) -> tuple[KbtuiApp, list[str]]:
    """Build the App (the one factory shared by the CLI and the tests).

    Returns the App and warnings to show once it runs (a broken settings
    file, which is kept and not overwritten). Raises the core's errors for a
    bad corpus or database; the CLI turns them into one line.

    The garbage collector pauses from here to the list's first fill
    (:meth:`KbtuiApp._scanned`): start-up makes some hundred thousand objects
    that live as long as the app, and collecting among them took a seventh of
    the start-up's CPU time. The CLI pauses it before importing this module
    (the imports make most of those objects: ~13 ms more).
    """
    gc.disable()
    try:
        session = Session.open(corpus_root, db_path)
        warnings = session.open_all()
        return KbtuiApp(session, open_target=open_target), warnings
    except BaseException:
        gc.enable()
        raise
