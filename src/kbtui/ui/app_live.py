"""The App's part in the live corpus: watching the folder, showing what changed, ``ctrl+r``.

Once the first scan is done, a worker thread watches the corpus folder
(:func:`kbtui.documents.watching.batches`) and hands each batch to the
core (:func:`kbtui.session.live.apply_batch`), which reads only what changed;
the update is applied here, on the UI thread: the list's rows (its cursor
stays on its document), the new mention index, the review queue of a changed
document. The open document is never swapped under the reader: when its file
changes it says so (a notification, and its title) and ``ctrl+r`` reloads it;
when its file is deleted it says so and keeps showing what was loaded, its
annotations kept. ``ctrl+r`` (also the palette's "Rescan corpus") scans the
whole folder again, the way to see changes when the folder cannot be watched.

A second thread watches the database's files (they may live elsewhere): what
another process writes there (a second kbtui, ``kbtui import``) shows in the
list's counts, the open document's marks and sidebar, the review count and an
open notebook; this app's own writes never make it reload. Both start once the
list is painted, and :mod:`kbtui.session.live` loads in their threads: nothing
of them is paid before the first frame.
:class:`~kbtui.ui.app.KbtuiApp` is built on it.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.binding import Binding, BindingType
from textual.css.query import NoMatches
from textual.worker import Worker, WorkerState, get_current_worker

from kbtui.annotations.errors import DatabaseError
from kbtui.documents.watching import WatchUnavailable, batches
from kbtui.ui.app_entities import EntityRoutes
from kbtui.ui.app_review import ReviewRoutes
from kbtui.ui.text import safe_line
from kbtui.view.sanitize import one_line

if TYPE_CHECKING:
    from kbtui.entities.mentions import MentionIndex
    from kbtui.session.live import LiveUpdate, StoreChange
    from kbtui.ui.screens.notebook import NotebookScreen

CHANGED = "changed on disk: ctrl+r reloads"
DELETED = "deleted on disk: showing what was loaded"
"""What the reader's title says of an open document whose file changed or went."""


class LiveRoutes(EntityRoutes, ReviewRoutes):
    """The live-corpus half of the App: the watcher's worker and the updates it brings."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+r",
            "rescan",
            "Rescan corpus",
            id="app.rescan",
            show=False,
            tooltip="Read the corpus folder again; reload the open document if it changed",
        ),
    ]
    """The App's own key for the live corpus (it inherits it)."""

    _watch_stop: threading.Event | None = None
    """Set to stop the watcher (on unmount); None until it starts."""
    watching: str = ""
    """Why the folder is not watched, if it is not (empty while it is, or before)."""
    _told_store_changed = False
    """Whether the user was told that another process changed the annotations (once)."""

    @on(Worker.StateChanged)
    def _start_watching(self, event: Worker.StateChanged) -> None:
        """Watch the folder once the first scan is done (the changes until then are
        the scan's), from the refresh that paints its list on: the watchers' start-up
        (watchfiles' import, two threads taking the GIL) made the list wait ~15 ms CPU.

        A thread of its own, not a Textual worker: it runs as long as the app,
        and ``workers.wait_for_complete`` would wait for it forever.
        """
        done = event.worker.group == "scan" and event.state == WorkerState.SUCCESS
        if done and self._watch_stop is None:
            self._watch_stop = threading.Event()
            self.call_after_refresh(self._watch_threads, self._watch_stop)

    def _watch_threads(self, stop: threading.Event) -> None:
        """Start the folder's and the database's watchers, unless the app is closing (quit
        as the list showed): their start-up would only delay its exit."""
        if not stop.is_set() and self.return_code is None:
            for target, name in ((self._watch, "kbtui-watch"), (self._watch_db, "kbtui-watch-db")):
                threading.Thread(target=target, args=(stop,), name=name, daemon=True).start()

    def on_unmount(self) -> None:
        if self._watch_stop is not None:
            self._watch_stop.set()  # the watcher sees it within watchfiles' step

    def _watch(self, stop: threading.Event) -> None:
        """Apply each batch of changes off the UI thread, then show it on that thread;
        write the corpus cache when they stop coming for a while."""
        from kbtui.session.live import apply_batch, watch_filter  # in the watcher's thread

        try:
            for batch in batches(watch_filter(self.session), stop):
                if not batch:  # a quiet spell after changes
                    self.session.corpus.save_cache()
                    continue
                base = self.session.mention_index
                update = apply_batch(self.session, batch, base)
                if update:
                    self._to_ui(stop, self._apply_live, update, base)
        except WatchUnavailable as error:
            self._to_ui(stop, self._not_watching, str(error))

    def _watch_db(self, stop: threading.Event) -> None:
        """Re-read the database when another process writes it (a second kbtui, ``kbtui
        import``), and show it; this app's own writes leave the store up to date."""
        from kbtui.session.live import store_filter

        with contextlib.suppress(WatchUnavailable):  # its own changes still show
            for batch in batches(store_filter(self.session), stop):
                if batch and (change := self._reloaded_store()) is not None:
                    self._to_ui(stop, self._store_changed, change)

    def _reloaded_store(self) -> StoreChange | None:
        """What another process changed, read off the UI thread (None: nothing)."""
        from kbtui.session.live import store_change

        try:
            return store_change(self.session, self.doc_list.row, self.pane.doc)
        except DatabaseError:  # held or unreadable: the next write tries again
            return None
        except NoMatches:  # the app is closing: its list and pane are gone
            return None

    def _store_changed(self, change: StoreChange) -> None:
        """Show what another process wrote: the list's counts, the open document's marks
        and sidebar (if it is still the one open), the review count, the notebook if it is
        open; say so the first time."""
        if not self._told_store_changed:
            self._told_store_changed = True
            self.notify("Annotations changed in another kbtui: shown here", timeout=5)
        if change.rows:
            self.doc_list.change_rows(change.rows)
        doc = self.pane.doc
        if doc is not None and doc.id == change.doc_id:
            self.pane.refresh_annotations(change.annotations)
        self._count_review()
        from kbtui.ui.screens.notebook import NotebookScreen  # imported once it is shown

        if isinstance(self.screen, NotebookScreen):
            self._renew_notebook(self.screen)

    @work(thread=True, exclusive=True, group="live-notebook", description="renew notebook")
    def _renew_notebook(self, screen: NotebookScreen) -> None:
        """Give the open notebook every annotation again (read off the UI thread)."""
        worker = get_current_worker()
        self._from_worker(worker, screen.show, self.session.store.all_annotations())

    def _to_ui(self, stop: threading.Event, callback: Callable[..., object], *args: Any) -> None:
        """Run ``callback`` on the UI thread, unless the app is closing."""
        if not stop.is_set():
            # The app closed meanwhile (RuntimeError), or is closing: its screens are gone
            # when the callback runs, and call_from_thread raises its NoMatches here.
            with contextlib.suppress(RuntimeError, NoMatches):
                self.call_from_thread(callback, *args)

    def _not_watching(self, reason: str) -> None:
        self.watching = one_line(f"Not watching the corpus ({reason}): ctrl+r rescans it", 300)
        self.notify(self.watching, severity="warning", timeout=10, markup=False)

    # -- applying an update ------------------------------------------------------

    def _apply_live(self, update: LiveUpdate, base: MentionIndex | None) -> None:
        """Show what changed; the index only if no other build replaced it meanwhile."""
        self.doc_list.change_rows(update.rows, update.removed)
        if update.reindex or (update.index is not None and self.session.mention_index is not base):
            self.reindex_entities()
        elif update.index is not None:
            self.session.mention_index = update.index
            if not self._open_is_stale():
                self.pane.refresh_mentions()
        elif self.session.mention_index is None:  # the first build reads what it listed
            self.reindex_entities()  # its cache keeps what it did: this one goes on from there
        for doc_id in sorted(update.changed | set(update.removed)):
            if self.session.store.count(doc_id):
                self.refresh_review(doc_id)
        self._tell_open_document(update)

    def _tell_open_document(self, update: LiveUpdate) -> None:
        doc = self.pane.doc
        if doc is None or doc.id not in update.changed | set(update.removed):
            return
        title = one_line(doc.meta.title, 80)
        if doc.id in update.removed:
            message = (
                f"{title}: deleted on disk. Still showing what was loaded; its annotations are kept"
            )
        else:
            message = f"{title}: changed on disk. ctrl+r reloads it"
            if lost := update.orphans.get(doc.id):
                message += f" ({lost} annotation{'s' if lost > 1 else ''} could not be placed)"
        self.notify(message, severity="warning", timeout=8, markup=False)
        self._mark_title()

    def _open_is_stale(self) -> bool:
        """Whether the open document's file changed or went since it was loaded."""
        return self._stale_note() is not None

    def _stale_note(self) -> str | None:
        doc = self.pane.doc
        if doc is None:
            return None
        entry = self.session.corpus.get(doc.id)
        if entry is None:
            return DELETED if self.session.corpus.scanned else None
        return CHANGED if (entry.size, entry.mtime) != (doc.size, doc.mtime) else None

    def _mark_title(self) -> None:
        """Say in the reader's title that its document changed or went on disk (until
        the pane next sets its title: a reload, a script toggle)."""
        note, doc = self._stale_note(), self.pane.doc
        if note is not None and doc is not None:
            title = safe_line(doc.meta.title, 200)  # as the pane shows it
            self.pane.border_title = Text.assemble((f"{note} · ", "bold yellow"), title)

    # -- ctrl+r --------------------------------------------------------------------

    def action_rescan(self) -> None:
        """Scan the corpus folder again, and reload the open document if it changed."""
        self.notify("Rescanning the corpus…", timeout=2)
        self._rescan(self.session.mention_index)

    @work(thread=True, exclusive=True, group="live-rescan", description="rescan")
    def _rescan(self, base: MentionIndex | None) -> None:
        from kbtui.session.live import rescan

        worker = get_current_worker()
        update = rescan(self.session, base)
        self._from_worker(worker, self._rescanned, update, base)

    def _rescanned(self, update: LiveUpdate, base: MentionIndex | None) -> None:
        self._apply_live(update, base)
        changed, gone = len(update.rows), len(update.removed)
        summary = (
            f"Rescanned: {changed} added or changed, {gone} gone" if update.rows or gone else ""
        )
        self.notify(summary or "Rescanned: nothing changed", timeout=3)
        if self._stale_note() == CHANGED:
            self._reload()

    def _reload(self) -> None:
        """Open the changed document again where the reader is, its marks matched again."""
        doc = self.pane.doc
        if doc is None:
            return
        index, entry = self.session.mention_index, self.session.corpus.get(doc.id)
        if index is not None and entry is not None:
            from kbtui.entities.mentions import DocStamp

            fresh = self.session.corpus.load_text(doc.id)
            index.update(doc.id, fresh, DocStamp(doc.id, entry.size, entry.mtime))
        self.pane.open(doc.id, self.pane.reader.cursor_source)
        self.notify(f"Reloaded {one_line(doc.meta.title, 80)}", timeout=3, markup=False)
