"""The App's part in entities: indexing them in the background and routing what widgets ask.

The work itself is the Session's (:meth:`~kbtui.session.Session.index_mentions`,
:meth:`~kbtui.session.Session.entity_passages`); here it runs in workers,
shows progress, and answers the messages the reader, the entity browser and
the palette post (:class:`~kbtui.ui.messages.ShowEntity`,
:class:`~kbtui.ui.messages.FilterByEntity`, :class:`~kbtui.ui.messages.SaveEntity`).
:class:`~kbtui.ui.app.KbtuiApp` is built on it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import App
from textual.markup import escape
from textual.worker import Worker, get_current_worker

from kbtui.documents.model import Document
from kbtui.entities.model import EntityRecord
from kbtui.scripts.chains import Variant
from kbtui.session import Session
from kbtui.session.entities import entity_rows
from kbtui.ui.doclist import DocumentList
from kbtui.ui.keybar import KeyBar
from kbtui.ui.messages import FilterByEntity, OpenDocument, SaveEntity, ShowEntity
from kbtui.ui.naming import mention_index
from kbtui.ui.pane import DocumentPane
from kbtui.view.sanitize import one_line

if TYPE_CHECKING:
    from kbtui.entities.mentions import MentionIndex
    from kbtui.session.annotation_entities import Highlights
    from kbtui.session.passages import EntityPassages, Target


class EntityRoutes(App[None]):
    """The entity half of the App: workers over the session, and the messages' routes."""

    session: Session

    @property
    def pane(self) -> DocumentPane:
        """The reader pane."""
        return self.query_one(DocumentPane)

    @property
    def doc_list(self) -> DocumentList:
        """The document list."""
        return self.query_one(DocumentList)

    def _from_worker(
        self, worker: Worker[Any], callback: Callable[..., object], *args: Any
    ) -> None:
        """Run ``callback`` on the UI thread unless the worker was cancelled (on quit)."""
        if not worker.is_cancelled:
            self.call_from_thread(callback, *args)

    # -- indexing --------------------------------------------------------------

    def reindex_entities(self, done: str | None = None) -> None:
        """Build the registry and the mention index in the background, again after an edit.

        The old index keeps answering until the new one is ready; then ``done``
        is shown. The user's records are read here, on the UI thread that owns the store.
        """
        user = self.session.user_records()
        self._index_entities(user, self.session.mention_index, self.pane.doc, done)

    @work(thread=True, exclusive=True, group="entities", description="index entities")
    def _index_entities(
        self,
        user: list[EntityRecord],
        previous: MentionIndex | None,
        doc: Document | None,
        done: str | None,
    ) -> None:
        """The session's indexing, off the UI thread; meanwhile the open document
        gets its new mentions at once. The index and its matcher are imported
        here, after the first frame, not with the app."""
        from kbtui.entities.mentions import IndexCancelled

        worker = get_current_worker()
        try:
            built = self.session.index_mentions(
                user,
                previous,
                doc,
                preview=lambda index: self._from_worker(
                    worker, self.pane.refresh_mentions, index, doc
                ),
                progress=lambda d, t: self._from_worker(worker, self._index_progress, d, t),
                cancelled=lambda: worker.is_cancelled,
            )
        except IndexCancelled:
            return
        self._from_worker(worker, self._entities_ready, built.index, built.problems, done)

    def _index_progress(self, done: int, total: int) -> None:
        """Show the progress bar only for a build that takes a while (not a cached start)."""
        if done < total:
            self.show_progress(done, total)

    def show_progress(self, done: int, total: int) -> None:
        """Show ``done`` of ``total`` at the bottom of the main screen. The bar is mounted
        the first time: most starts never show one, and it is three widgets and a timer
        that the first frame would style and paint."""
        from textual.widgets import ProgressBar

        main = self.screen_stack[0]
        bar = next(iter(main.query("#scan-progress").results(ProgressBar)), None)
        if bar is None:
            bar = ProgressBar(id="scan-progress", show_eta=False)
            main.mount(bar, before=main.query_one(KeyBar))
        bar.display = True
        bar.update(total=total, progress=done)

    def hide_progress(self) -> None:
        """Hide the progress bar, if one was shown."""
        for bar in self.screen_stack[0].query("#scan-progress"):
            bar.display = False

    def _entities_ready(self, index: MentionIndex, problems: list[str], done: str | None) -> None:
        from kbtui.ui.screens.entities import EntityBrowserScreen

        first = self.session.mention_index is None
        self.session.mention_index = index
        self.hide_progress()
        self.pane.refresh_mentions()
        self.pane.refresh_annotations(self.pane.annotations)  # the sidebar's entity lines
        for screen in self.screen_stack:
            if isinstance(screen, EntityBrowserScreen):
                screen.set_rows(entity_rows(index))
        for problem in problems if first else []:
            self.notify(problem, severity="warning", markup=False)
        if done:
            self.notify(done, markup=False)

    @on(SaveEntity)
    def _save_entity(self, message: SaveEntity) -> None:
        """Save an entity edit as a user record, then index again."""
        if self.pane.write(partial(self.session.save_entity, message.record), "The entity"):
            self.reindex_entities(message.done)

    # -- browsing --------------------------------------------------------------

    def action_entities(self) -> None:
        """Every entity: filter, list passages, rename, merge, filter the documents."""
        from kbtui.ui.screens.entities import EntityBrowserScreen

        index = mention_index(self.session, self)
        if index is not None:
            self.push_screen(EntityBrowserScreen(self.session, entity_rows(index)))

    @on(ShowEntity)
    def _show_entity(self, message: ShowEntity) -> None:
        """The passages naming an entity, in a panel."""
        index = mention_index(self.session, self)
        if index is not None and message.entity_id in index.registry:
            self._entity_passages(index, message.entity_id, message.exclude, self.pane.variant)

    @work(thread=True, exclusive=True, group="passages", description="entity passages")
    def _entity_passages(
        self,
        index: MentionIndex,
        entity_id: str,
        exclude: tuple[str, int] | None,
        variant: Variant,
    ) -> None:
        """Load each document naming the entity for its context lines, off the UI thread."""
        from kbtui.session.annotation_entities import highlights_about

        worker = get_current_worker()
        found = self.session.entity_passages(index, entity_id, exclude, variant)
        mine = highlights_about(
            index, self.session.store.all_annotations(), entity_id, self.session.title_of
        )
        self._from_worker(worker, self._show_passages, found, mine)

    def _show_passages(self, found: EntityPassages, mine: Highlights | None = None) -> None:
        if not found.groups and not (mine and mine.items):
            self.notify(f"No other passage names {found.name}", markup=False)
            return
        from kbtui.ui.screens.passages import PassagesScreen  # not needed at start-up

        title = escape(one_line(found.title, 300))  # a name may hold "["
        self.push_screen(PassagesScreen(title, found.groups, mine), self._passage_chosen)

    def marked_entities(self) -> list[tuple[str, int]]:
        """The entities annotations are about, with how many (the export dialog's choice)."""
        from kbtui.session.annotation_entities import marked_entities

        return marked_entities(self.session.mention_index, self.session.store.all_annotations())

    def _passage_chosen(self, target: Target | None) -> None:
        """Go to the chosen passage, closing the entity browser if it led there."""
        if target is None:
            return
        self._close_browser()
        self.post_message(OpenDocument(*target))

    def _close_browser(self) -> None:
        from kbtui.ui.screens.entities import EntityBrowserScreen

        while isinstance(self.screen, EntityBrowserScreen):
            self.pop_screen()

    @on(FilterByEntity)
    def _filter_documents(self, message: FilterByEntity) -> None:
        """Show only the documents naming an entity in the list (escape there clears it)."""
        index = mention_index(self.session, self)
        entity = index.registry.get(message.entity_id) if index is not None else None
        if index is None or entity is None:
            return
        ids = frozenset(doc_id for doc_id, _ in index.documents_for(message.entity_id))
        self.doc_list.entity_filter = (entity.name, ids)
        self._close_browser()
        self.doc_list.table.focus()
