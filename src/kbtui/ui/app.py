"""The kbtui App: document list, reader pane and sidebar, over the core.

The App owns the long-lived things (corpus, store, settings) and the global
keys; the open document and its keys belong to :class:`DocumentPane`. The CLI
and the tests both build the App with :func:`make_app`.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual import events, on, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.dom import DOMNode
from textual.widgets import Footer, ProgressBar
from textual.worker import Worker, get_current_worker

from kbtui.annotations.store import Store
from kbtui.documents.corpus import Corpus, Entry
from kbtui.documents.model import Document
from kbtui.entities.entities_file import load_entities_file
from kbtui.entities.mentions import IndexCancelled, MentionIndex
from kbtui.entities.model import EntityRecord
from kbtui.entities.passages import entity_mentions
from kbtui.scripts.hanzi import Script
from kbtui.scripts.views import ConversionError, Variant, text_converter
from kbtui.search.scan import search
from kbtui.session.history import History
from kbtui.session.knowledge import (
    build_index,
    build_registry,
    open_corpus,
    save_record,
    searchable_texts,
    text_loader,
    user_records,
)
from kbtui.settings import Settings, SettingsError, load_settings, save_settings
from kbtui.ui.commands import (
    ActionCommands,
    DocumentCommands,
    EntityCommands,
    SettingsCommands,
    binding_key,
)
from kbtui.ui.doclist import DocOptions, DocRow, DocumentList
from kbtui.ui.messages import JumpTo, OpenDocument
from kbtui.ui.pane import DocumentPane
from kbtui.ui.reader import Reader
from kbtui.ui.screens.entities import (
    EntityBrowserScreen,
    EntityList,
    entity_rows,
    panel_title,
    passage_groups,
)
from kbtui.ui.screens.help import HelpScreen, binding_rows
from kbtui.ui.screens.notebook import NotebookScreen
from kbtui.ui.screens.passages import (
    Passage,
    PassageGroup,
    PassagesScreen,
    SearchScreen,
    Target,
)
from kbtui.ui.sidebar import Sidebar


def parse_open_target(target: str) -> tuple[str, int | None]:
    """Split ``DOC#OFFSET`` (as exports write it) into id and source offset."""
    doc_id, sep, offset = target.rpartition("#")
    if sep and offset.isdigit():
        return doc_id, int(offset)
    return target, None


NARROW = 110
"""Terminal width under which the list and the sidebar shrink (see ``app.tcss``)."""

MAX_PASSAGES = 200
"""Passages per document the mentions panel lists (its count covers them all)."""


class KbtuiApp(App[None]):
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

    def __init__(
        self, corpus: Corpus, store: Store, settings: Settings, *, open_target: str | None = None
    ) -> None:
        """``corpus`` should know the entity lists of its ``entities.yaml``
        (:func:`kbtui.session.knowledge.open_corpus` makes it so)."""
        super().__init__()
        self.corpus = corpus
        self.store = store
        self.settings = settings
        self._settings_writable = True
        self._open_target = open_target
        self.history = History()
        self.mention_index: MentionIndex | None = None
        """Every entity and where it is named; None until the first build is done."""
        self.theme = settings.theme
        if settings.keys:
            self.set_keymap(settings.keys)

    def compose(self) -> ComposeResult:
        with Horizontal(id="main"):
            yield DocumentList(id="doc-list")
            yield DocumentPane(id="pane")
            yield Sidebar(id="sidebar")
        yield ProgressBar(id="scan-progress", show_eta=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DocOptions).focus()
        self._fit_layout(self.size.width)
        self._scan()

    def on_resize(self, event: events.Resize) -> None:
        self._fit_layout(event.size.width)

    def _fit_layout(self, width: int) -> None:
        """Below :data:`NARROW` columns the list and the sidebar give the reader room.

        The class goes on the main screen, not the App: a class change on the
        App restyles only the screen on top, so a resize under the notebook
        would be lost.
        """
        if self.screen_stack:
            self.screen_stack[0].set_class(width < NARROW, "-narrow")

    @property
    def pane(self) -> DocumentPane:
        """The reader pane."""
        return self.query_one(DocumentPane)

    @property
    def doc_list(self) -> DocumentList:
        """The document list."""
        return self.query_one(DocumentList)

    @work(thread=True, exclusive=True, group="scan")
    def _scan(self) -> None:
        """Index the corpus off the UI thread, showing progress on the first run."""
        bar = self.query_one("#scan-progress", ProgressBar)

        def progress(done: int, total: int) -> None:
            self.call_from_thread(bar.update, total=total, progress=done)

        entries = self.corpus.scan(progress=progress)
        rows = [self._row_for(entry) for entry in entries]
        self.call_from_thread(self._scanned, rows)

    def _row_for(self, entry: Entry) -> DocRow:
        state = self.store.doc_state(entry.id)
        return DocRow(
            id=entry.id,  # type: ignore[attr-defined]
            meta=entry.meta,  # type: ignore[attr-defined]
            script=entry.script,  # type: ignore[attr-defined]
            problems=list(entry.problems),  # type: ignore[attr-defined]
            annotations=self.store.count(entry.id),  # type: ignore[attr-defined]
            doc_tags=list(state.tags),
            last_opened=state.last_opened,
            title=self._title_in_default_script(entry),
        )

    def _title_in_default_script(self, entry: Entry) -> str:
        """The title converted to the default script (called in worker threads)."""
        variant = Variant(self.settings.default_script)
        if variant is Variant.ORIGINAL:
            return entry.meta.title
        try:
            return text_converter(variant, entry.script)(entry.meta.title)
        except ConversionError:
            return entry.meta.title

    def set_default_script(self, variant: Variant) -> None:
        """Make ``variant`` the script documents open in and the list's titles use."""
        self.settings.default_script = variant.value
        self.save_settings()
        self._retitle()
        self.notify(f"Default script: {variant.display_name}")

    @work(thread=True, exclusive=True, group="retitle")
    def _retitle(self) -> None:
        rows = self.doc_list.rows()
        for row in rows:
            entry = self.corpus.get(row.id)
            if entry is not None:
                row.title = self._title_in_default_script(entry)
        self.call_from_thread(self.doc_list.set_rows, rows)

    def _scanned(self, rows: list[DocRow]) -> None:
        # Everything alive now lives as long as the app: keeping it out of the
        # collector's full passes removes 20-45 ms pauses from keystrokes.
        gc.freeze()
        self.query_one("#scan-progress", ProgressBar).display = False
        self.doc_list.set_rows(rows)
        for problem in self.corpus.folder_problems:
            self.notify(problem, title="Not listed", severity="warning", markup=False)
        opened = [row for row in rows if row.last_opened]
        if not self._open_target and opened:
            last = max(opened, key=lambda row: row.last_opened or "").id
            self.pane.open(last)
            self.doc_list.select(last)
        if self._open_target:
            doc_id, offset = parse_open_target(self._open_target)
            self._open_target = None
            if self.doc_list.row(doc_id) is None:
                self.notify(
                    f"No document {doc_id!r} in this corpus", severity="error", markup=False
                )
            else:
                self.post_message(OpenDocument(doc_id, offset))
        self.call_after_refresh(self.reindex_entities)  # the list is painted first

    @on(OpenDocument)
    def _open_document(self, message: OpenDocument) -> None:
        self.go_to(message.doc_id, message.source_offset, focus=message.focus_reader)

    def go_to(self, doc_id: str, offset: int | None, *, focus: bool = True) -> None:
        """Show ``doc_id`` at ``offset`` (its remembered position when None)."""
        pane = self.pane
        if pane.doc is not None and pane.doc.id == doc_id and offset is not None:
            pane.jump(offset)
        else:
            self.history.push(pane.here())
            pane.open(doc_id, offset)
            self.doc_list.select(doc_id)  # the list's cursor follows the document read
        if focus:
            self.query_one(Reader).focus()

    def _go_to_target(self, target: Target | None) -> None:
        if target is not None:
            self.go_to(*target)

    def action_back(self) -> None:
        """Back to where the last jump left."""
        place = self.history.back(self.pane.here())
        if place is not None:
            self._travel(place)

    def action_forward(self) -> None:
        """Forward again after going back."""
        place = self.history.forward()
        if place is not None:
            self._travel(place)

    def _travel(self, place: tuple[str, int]) -> None:
        doc_id, offset = place
        if self.pane.doc is not None and self.pane.doc.id == doc_id:
            self.pane.reader.move_to_source(offset)
        else:
            self.pane.open(doc_id, offset)
            self.doc_list.select(doc_id)

    def action_search(self) -> None:
        """Search every document."""
        self.push_screen(SearchScreen(self._run_search), self._go_to_target)

    def _run_search(self, query: str) -> tuple[list[PassageGroup], str]:
        """Search the corpus (called in a worker thread)."""
        result = search(searchable_texts(self.corpus), query, max_hits=2000)
        titles = {e.id: e.meta.title for e in self.corpus.entries()}
        groups = [
            PassageGroup(
                group.doc_id,
                titles.get(group.doc_id, group.doc_id),
                group.total,
                tuple(
                    Passage(h.start, h.context.before, h.context.match, h.context.after)
                    for h in group.hits
                ),
            )
            for group in result.documents
        ]
        summary = f"{result.total} matches in {len(groups)} documents"
        return groups, summary + (" (first 2000 shown)" if result.truncated else "")

    def action_notebook(self) -> None:
        """Every annotation in the corpus."""
        titles = {row.id: row.meta.title for row in self.doc_list.rows()}
        screen = NotebookScreen(self.store.all_annotations(), lambda d: titles.get(d, d))
        self.push_screen(screen, self._go_to_target)

    @on(JumpTo)
    def _jump(self, message: JumpTo) -> None:
        self.pane.jump(message.source_offset, message.source_end)

    def refresh_document(self, doc_id: str) -> None:
        """Update the list row and sidebar after the document's annotations changed."""
        row = self.doc_list.row(doc_id)
        if row is not None:
            row.annotations = self.store.count(doc_id)
            row.doc_tags = list(self.store.doc_state(doc_id).tags)
            self.doc_list.update_row(row)

    # -- entities and mentions -------------------------------------------------

    def entity_index(self) -> MentionIndex | None:
        """The mention index; while the first build runs, None (and the user is told)."""
        if self.mention_index is None:
            self.notify("Entities are still being indexed…")
        return self.mention_index

    def reindex_entities(self, done: str | None = None) -> None:
        """Build the registry and the mention index in the background, again after an edit.

        The old index keeps answering until the new one is ready; then ``done``
        is shown. The user's records are read here, on the UI thread that owns the store.
        """
        self._index_entities(user_records(self.store), self.mention_index, self.pane.doc, done)

    @work(thread=True, exclusive=True, group="entities")
    def _index_entities(
        self,
        user: list[EntityRecord],
        previous: MentionIndex | None,
        doc: Document | None,
        done: str | None,
    ) -> None:
        """Registry, then index: rekeyed when the edit added no name (a merge),
        else built again, reading only what the cache lacks; meanwhile the open
        document gets its new mentions at once."""
        worker = get_current_worker()
        entities_file = load_entities_file(self.corpus.root)
        registry = build_registry(entities_file, self.corpus.entries(), user)
        index = previous.rekeyed(registry) if previous is not None else None
        if index is None:
            if previous is not None and doc is not None:
                preview = MentionIndex.from_documents(registry, [doc])
                self._from_worker(worker, self.pane.refresh_mentions, preview, doc)
            try:
                index = build_index(
                    self.corpus,
                    registry,
                    progress=lambda d, t: self._from_worker(worker, self._index_progress, d, t),
                    cancelled=lambda: worker.is_cancelled,
                )
            except IndexCancelled:
                return
        self._from_worker(worker, self._entities_ready, index, entities_file.problems, done)

    def _from_worker(
        self, worker: Worker[Any], callback: Callable[..., object], *args: Any
    ) -> None:
        """Run ``callback`` on the UI thread unless the worker was cancelled (on quit)."""
        if not worker.is_cancelled:
            self.call_from_thread(callback, *args)

    def _index_progress(self, done: int, total: int) -> None:
        """Show the progress bar only for a build that takes a while (not a cached start)."""
        if done < total:
            bar = self.query_one("#scan-progress", ProgressBar)
            bar.display = True
            bar.update(total=total, progress=done)

    def _entities_ready(self, index: MentionIndex, problems: list[str], done: str | None) -> None:
        first = self.mention_index is None
        self.mention_index = index
        self.query_one("#scan-progress", ProgressBar).display = False
        self.pane.refresh_mentions()
        for screen in self.screen_stack:
            if isinstance(screen, EntityBrowserScreen):
                screen.set_rows(entity_rows(index))
        for problem in problems if first else []:
            self.notify(problem, severity="warning", markup=False)
        if done:
            self.notify(done, markup=False)

    def apply_entity_record(self, record: EntityRecord, done: str) -> None:
        """Save an entity edit as a user record, then index again; ``done`` says what changed."""
        save_record(self.store, record)
        self.reindex_entities(done)

    def action_entities(self) -> None:
        """Every entity: filter, list passages, rename, merge, filter the documents."""
        index = self.entity_index()
        if index is not None:
            self.push_screen(EntityBrowserScreen(entity_rows(index)))

    def show_entity(self, entity_id: str, *, exclude: tuple[str, int] | None = None) -> None:
        """The passages naming an entity, in a panel (``exclude``: the mention the user is on)."""
        index = self.entity_index()
        if index is not None and entity_id in index.registry:
            self._entity_passages(index, entity_id, exclude, self.pane.variant)

    @work(thread=True, exclusive=True, group="passages")
    def _entity_passages(
        self,
        index: MentionIndex,
        entity_id: str,
        exclude: tuple[str, int] | None,
        variant: Variant,
    ) -> None:
        """Load each document naming the entity for its context lines, off the UI thread."""
        worker = get_current_worker()
        load = text_loader(self.corpus)
        found = entity_mentions(
            index, entity_id, load, exclude=exclude, max_per_document=MAX_PASSAGES
        )
        groups = passage_groups(found, self._title_of, self._context_converter(variant))

        def name_of(other: str) -> str:
            entity = index.registry.get(other)
            return entity.name if entity is not None else other

        title = panel_title(found, name_of, other=exclude is not None)
        self._from_worker(worker, self._show_passages, found.entity.name, title, groups)

    def _title_of(self, doc_id: str) -> str:
        entry = self.corpus.get(doc_id)
        return entry.meta.title if entry is not None else doc_id

    def _context_converter(self, variant: Variant) -> Callable[[str, str], str] | None:
        """Converts a context line of a document to ``variant`` (None: shown as written)."""
        if variant is Variant.ORIGINAL:
            return None
        converters: dict[Script, Callable[[str], str]] = {}

        def convert(doc_id: str, text: str) -> str:
            entry = self.corpus.get(doc_id)
            script = entry.script if entry is not None else Script.MIXED
            if script not in converters:
                converters[script] = text_converter(variant, script)
            try:
                return converters[script](text)
            except ConversionError:
                return text

        return convert

    def _show_passages(self, name: str, title: str, groups: list[PassageGroup]) -> None:
        if not groups:
            self.notify(f"No other passage names {name}", markup=False)
            return
        self.push_screen(PassagesScreen(title, groups), self._passage_chosen)

    def _passage_chosen(self, target: Target | None) -> None:
        """Go to the chosen passage, closing the entity browser if it led there."""
        if target is None:
            return
        self._close_browser()
        self.go_to(*target)

    def _close_browser(self) -> None:
        while isinstance(self.screen, EntityBrowserScreen):
            self.pop_screen()

    def filter_documents(self, entity_id: str) -> None:
        """Show only the documents naming an entity in the list (escape there clears it)."""
        index = self.entity_index()
        entity = index.registry.get(entity_id) if index is not None else None
        if index is None or entity is None:
            return
        ids = frozenset(doc_id for doc_id, _ in index.documents_for(entity_id))
        self.doc_list.entity_filter = (entity.name, ids)
        self._close_browser()
        self.doc_list.table.focus()

    def palette_actions(self) -> list[tuple[str, str, str, DOMNode]]:
        """(label, key, action, namespace) of every keyed action the palette offers now.

        The reader's actions only with a document open; movement keys and
        escape, which mean nothing without a place, are left out.
        """
        groups: list[tuple[str, DOMNode, list[BindingType]]] = [
            ("", self, self.BINDINGS),
            ("Document list: ", self.doc_list.table, DocOptions.BINDINGS),
        ]
        if self.pane.doc is not None:
            reader = self.query_one(Reader)
            groups.append(("", self.pane, DocumentPane.BINDINGS))
            groups.append(("", reader, [b for b in Reader.BINDINGS if _is_select(b)]))
        skip = {"quit", "command_palette"}
        actions = []
        for prefix, namespace, bindings in groups:
            for binding in bindings:
                if not isinstance(binding, Binding) or not binding.description:
                    continue
                name = binding.action.partition("(")[0]
                if name in skip or "escape" in binding.key.split(","):
                    continue
                if namespace.check_action(name, ()) is False:
                    continue
                key = binding_key(binding, self.settings.keys)
                actions.append((prefix + binding.description, key, binding.action, namespace))
        return actions

    def action_help(self) -> None:
        """Show every binding."""
        groups = [
            ("everywhere", self.BINDINGS),
            ("everywhere", [b for b in App.BINDINGS if isinstance(b, Binding)]),
            ("list", DocOptions.BINDINGS),
            ("entities", EntityList.BINDINGS),
            ("reader", DocumentPane.BINDINGS),
            ("reader", Reader.BINDINGS),
        ]
        self.push_screen(HelpScreen(binding_rows(groups, self.settings.keys)))

    def save_settings(self) -> None:
        """Persist the settings, unless the file on disk was unreadable."""
        if self._settings_writable:
            save_settings(self.settings)

    def watch_theme(self, theme: str) -> None:
        if self.is_mounted and theme != self.settings.theme:
            self.settings.theme = theme
            self.save_settings()

    async def action_quit(self) -> None:
        """Save the reading position, then leave."""
        self.workers.cancel_group(self, "entities")
        self.pane.save_position()
        self.store.close()
        self.exit()


def _is_select(binding: BindingType) -> bool:
    """The reader binding that starts or ends a selection (the others move the cursor)."""
    return isinstance(binding, Binding) and binding.action == "toggle_selection"


def make_app(
    corpus_root: Path, db_path: Path, *, open_target: str | None = None
) -> tuple[KbtuiApp, list[str]]:
    """Build the App (the one factory shared by the CLI and the tests).

    Returns the App and warnings to show once it runs (a broken settings
    file, which is kept and not overwritten). Raises the core's errors for a
    bad corpus or database; the CLI turns them into one line.
    """
    corpus, _ = open_corpus(corpus_root)
    store = Store.open(db_path)
    warnings = []
    try:
        settings = load_settings()
        writable = True
    except SettingsError as exc:
        settings, writable = Settings(), False
        warnings.append(f"{exc} (using defaults; the file is kept)")
    app = KbtuiApp(corpus, store, settings, open_target=open_target)
    app._settings_writable = writable
    return app, warnings
