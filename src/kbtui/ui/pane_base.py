"""What the reader pane knows of the open document, shared by the pane's groups of keys.

The pane's keys come in groups, each its own module: annotations
(:mod:`.annotating`), scripts (:mod:`.scripting`), find (:mod:`.finding`),
entities (:mod:`.naming`), look-up (:mod:`.looking`). Each is a class over
:class:`PaneBase`, which holds the state they share (the document, its
reading view, the view on screen, its annotations) and the few moves they
all make (jump, redraw the annotations, show a view);
:class:`~kbtui.ui.pane.DocumentPane` puts them together. The pane reaches
the corpus and the store through the :class:`~kbtui.session.Session` it is
given, and the rest of the screen only by messages.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import cached_property
from typing import TYPE_CHECKING, overload

from rich.cells import cell_len
from textual.containers import Vertical
from textual.timer import Timer

from kbtui.annotations.busy import DatabaseBusy, lock_wait
from kbtui.annotations.errors import DatabaseError
from kbtui.annotations.model import Annotation, Colour, Kind
from kbtui.annotations.store import Store
from kbtui.documents.model import Document
from kbtui.scripts.chains import Variant, view_label
from kbtui.scripts.locales import Locale
from kbtui.session import Session
from kbtui.ui.messages import AnnotationsChanged, AnnotationsShown
from kbtui.ui.reader.slot import ReaderSlot
from kbtui.ui.text import cut, safe_line

if TYPE_CHECKING:
    from kbtui.scripts.views import ConversionCache
    from kbtui.ui.reader import Reader
    from kbtui.view.textview import TextView

UI_LOCK_WAIT = 0.5
"""Seconds a write from the app waits for another process's lock: a key pressed
meanwhile waits as long, so well under a second (the CLI waits 30)."""
RETRY_SECONDS = 1.0
"""How often changes kept while the database was locked are tried again."""


class PaneBase(Vertical):
    """The open document and its views; see the module's docstring."""

    def __init__(self, session: Session, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.session = session
        self.doc: Document | None = None
        self.reading: TextView | None = None
        """The document's reading view (Markdown rendered), in its own script."""
        self.view: TextView | None = None
        """The view on screen: :attr:`reading` converted to :attr:`variant`."""
        self.variant = Variant.ORIGINAL
        self.full_pages = False
        """Show web clippings' chrome (navigation, byline, notices) unfolded (``z``)."""
        self.reading_shape = ""
        """What the reading view was made with, for the conversion cache's key."""
        self.source: Locale | None = None
        """The document's source locale (:meth:`Session.locale_of`; ``None``: mixed)."""
        self.chinese_views = True
        """Whether the document has script views at all (not for Japanese)."""
        self.annotations: list[Annotation] = []
        self._find_query = ""
        self._matches: list[tuple[int, int]] = []
        self._match_index: int | None = None
        self._waiting: list[tuple[Callable[[], object], str]] = []
        """Changes kept while another process held the lock, in the order made."""
        self._retrying: Timer | None = None

    @cached_property
    def _cache(self) -> ConversionCache:
        """The views converted so far, made with the first document (the conversion
        stack is not loaded before the first frame)."""
        from kbtui.scripts.views import ConversionCache

        return ConversionCache()

    @property
    def store(self) -> Store:
        """The annotation store."""
        return self.session.store

    def write(self, change: Callable[[], object], what: str) -> bool:
        """Make ``change`` to the store, or say why it was not made; whether it was.

        A write that fails (a full disk, a lost lock) is a message, never a
        crash: the session is read-only (:attr:`Session.write_failure`) and the
        app's subtitle says so, until a later write succeeds (the disk has room
        again), which says so too. A note over the limits is refused alone. A
        database locked by another process is waited for briefly
        (:data:`UI_LOCK_WAIT`), never the CLI's 30 s: the change is kept and
        tried again every :data:`RETRY_SECONDS` (:meth:`_retry_waiting`), with
        the changes after it queued behind it, so they land in their order.
        """
        if self._waiting:
            self._waiting.append((change, what))
            self.app.notify(f"{what} kept: the database is still busy", markup=False)
            return False
        failed = self.session.write_failure
        try:
            if not self._attempt(change, what, UI_LOCK_WAIT):
                return False
        except DatabaseBusy as exc:
            self._keep(change, what, exc)
            return False
        if failed is not None:
            self._saving_again(f"{what} saved (it failed before: {failed})")
        return True

    def _attempt(self, change: Callable[[], object], what: str, wait: float) -> bool:
        """``change`` waiting at most ``wait`` s for the lock; :class:`DatabaseBusy`
        passes through, any other failure is said here and gives ``False``."""
        try:
            with lock_wait(wait):
                change()
        except DatabaseBusy:
            raise
        except ValueError as exc:
            self.app.notify(f"{what} not saved: {exc}", severity="error", markup=False)
            return False
        except (DatabaseError, OSError) as exc:
            reason = exc.reason if isinstance(exc, DatabaseError) else exc.strerror or str(exc)
            self.session.write_failure = reason
            self.app.sub_title = f"READ-ONLY: nothing more is saved ({reason})"
            self.app.notify(f"{what} not saved: {exc}", severity="error", markup=False)
            return False
        return True

    def _keep(self, change: Callable[[], object], what: str, busy: DatabaseBusy) -> None:
        """Keep ``change`` to try again; until then the session counts as not saving
        (quitting says so)."""
        self._waiting.append((change, what))
        self.session.write_failure = busy.reason
        self.app.sub_title = "DATABASE BUSY: changes kept, retrying"
        self.app.notify(
            f"{what} not saved yet: the database is busy (locked by another kbtui "
            f"process); kept, and tried again every {RETRY_SECONDS:g} s",
            severity="warning",
            markup=False,
        )
        if self._retrying is None:
            self._retrying = self.set_interval(RETRY_SECONDS, self._retry_waiting)

    def _retry_waiting(self) -> None:
        """Try the kept changes in order, each without waiting; stop at the first still
        locked out, and when none is left say what was saved."""
        saved, ok = 0, True
        while self._waiting:
            change, what = self._waiting[0]
            try:
                ok = self._attempt(change, what, 0)
            except DatabaseBusy:
                return
            self._waiting.pop(0)
            saved += ok
        if self._retrying is not None:
            self._retrying.stop()
            self._retrying = None
        if saved and ok:  # the last one written: nothing failed after it
            self._saving_again(f"{saved} kept change(s) saved, the database is free again")
        self.refresh_annotations()

    def _saving_again(self, message: str) -> None:
        """A write succeeded after one failed: the session saves again."""
        self.session.write_failure = None
        self.app.sub_title = ""
        self.app.notify(f"Saving again: {message}", markup=False)

    @property
    def reader(self) -> Reader:
        """The reader widget, put in its slot's place when first asked for
        (:mod:`kbtui.ui.reader.slot`: the first frame is painted without it, and
        without the reader's modules)."""
        from kbtui.ui.reader.widget import Reader

        for reader in self.query_children(Reader):
            return reader
        reader = Reader(id="reader", colours=self.session.settings.chosen_colours())
        slot = self.query_one(ReaderSlot)
        self.mount(reader, before=slot)
        if slot.has_focus:
            reader.focus()
        slot.remove()
        return reader

    def jump(self, source_offset: int, source_end: int | None = None) -> None:
        """Move the cursor to a source offset, remembering where it was (``alt+left``)."""
        self.session.history.push(self.here())
        self.reader.move_to_source(source_offset)
        self.reader.focus()

    def here(self) -> tuple[str, int] | None:
        """The open document and the cursor's source offset."""
        if self.doc is None or self.view is None:
            return None
        return self.doc.id, self.reader.cursor_source

    def refresh_annotations(
        self,
        annotations: list[Annotation] | None = None,
        highlights: list[Highlight] | None = None,
    ) -> None:
        """Redraw highlights, sidebar and list row from ``annotations`` (else the store's),
        with their :func:`highlights` if a worker made them already."""
        if self.doc is None:
            return
        doc = self.doc
        if annotations is None:
            annotations = self.store.anchored_annotations(doc.id, doc.source)
        self.annotations = annotations
        self.reader.set_highlights(highlights if highlights is not None else overlays(annotations))
        self._post_annotations()
        self.post_message(AnnotationsChanged(doc.id))

    def refresh_changed(self, *ids: str) -> None:
        """Redraw after this pane changed the annotations with these ids (added, edited,
        deleted): only they are read from the store and placed again, not the document's
        other annotations (146,000 took seconds, on the UI thread, at every key)."""
        if self.doc is None:
            return
        changed = set(ids)
        fresh = self.store.anchored_annotations(self.doc.id, self.doc.source, only=changed)
        kept = [a for a in self.annotations if a.id not in changed]
        self.refresh_annotations(sorted([*kept, *fresh], key=lambda a: (a.start, a.end)))

    def _post_annotations(self) -> None:
        """Tell the sidebar what the reader shows (quotes in the view's script, each worked
        out when the sidebar lists it: it lists 1,000 of a document's 146,000)."""
        if self.doc is not None:
            tags = list(self.store.doc_state(self.doc.id).tags)
            annotations = list(self.annotations)
            quotes = ShownQuotes(annotations, self._shown_quote)
            self.post_message(AnnotationsShown(self.doc, tags, annotations, quotes))

    def _shown_quote(self, annotation: Annotation) -> str:
        """The annotation's text as the current view shows it (its script, no markup)."""
        if self.view is None or not annotation.placed:
            return annotation.quote
        start, end = self.view.map.range_to_view(annotation.start, annotation.end)
        return self.view.text[start:end] or line_at(self.view.text, start) or annotation.quote

    def _display(self, view: TextView, cursor_source: int | None) -> None:
        self.view = view
        self.reader.show(view, cursor_source=cursor_source)
        self._update_titles()
        if self.annotations:
            self._post_annotations()

    def _update_titles(self) -> None:
        if self.doc is None:
            return
        self.border_title = safe_line(self._shown_title(self.doc.meta.title), 200)
        self._update_subtitle()

    def _shown_title(self, title: str) -> str:
        """The title in the view's script, as the body is (as written if it cannot be)."""
        if self.variant is Variant.ORIGINAL:
            return title
        from kbtui.scripts.views import ConversionError, text_converter

        try:
            return text_converter(self.variant, self.source, self.session.backend)(title)
        except ConversionError:
            return title

    def _update_subtitle(self) -> None:
        """The conversion shown (``Taiwan · s2twp``), the source locale (else the script),
        the find match the cursor stands on (``match 2/5``), and how far in."""
        if self.doc is None:
            return
        conversion = view_label(self.source, self.variant, self.session.backend)
        label = f"{conversion} · {self.source or self.doc.script}"
        status = []
        if self._matches and self._match_index is not None:
            start, end = self._matches[self._match_index]
            if start <= self.reader.cursor_source <= end:
                status.append(f"match {self._match_index + 1}/{len(self._matches)}")
        if self.view is not None and self.view.text:
            status.append(f"{100 * self.reader.cursor // max(1, len(self.view.text))}%")
        self.border_subtitle = fit_status(label, " · ".join(status), self.size.width)

    def on_resize(self) -> None:
        """Fit the subtitle to the new width."""
        self._update_subtitle()

    def _selection(self) -> tuple[int, int] | None:
        """The selection's source range, if it holds anything."""
        selection = self.reader.selection_source
        if selection is None or selection[0] >= selection[1]:
            return None
        return selection


Highlight = tuple[int, int, str]
"""A placed annotation's source range and the reader's overlay key for it."""

_OVERLAYS = {
    (kind, colour): "bookmark"
    if kind == Kind.BOOKMARK
    else f"underline-{colour.value}"
    if kind == Kind.UNDERLINE
    else colour.value
    for kind in Kind
    for colour in Colour
}
"""The reader's overlay key (colour, underline or bookmark) by kind and colour."""


def overlays(annotations: Iterable[Annotation]) -> list[Highlight]:
    """What the reader draws for ``annotations``: the placed ones' ranges and keys, in
    their order (a worker makes them for a document's 146,000, not the UI thread).

    Of ranges repeated with the same key only the last is kept, where it was: drawn
    again, a layer changes nothing the last one does not (each later layer overrides),
    and the reader paints a character once per layer on it (146,000 highlights over a
    page put 1,300 on each character)."""
    drawn: dict[Highlight, None] = {}
    for a in annotations:
        if a.placed:
            highlight = (a.start, a.end, _OVERLAYS[a.kind, a.colour])
            drawn.pop(highlight, None)
            drawn[highlight] = None
    return list(drawn)


class ShownQuotes(Sequence[str]):
    """Annotations' quotes as the view shows them, each worked out when asked for."""

    def __init__(self, annotations: Sequence[Annotation], quote: Callable[[Annotation], str]):
        self._annotations = annotations
        self._quote = quote

    def __len__(self) -> int:
        return len(self._annotations)

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> list[str]: ...

    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            return [self._quote(a) for a in self._annotations[index]]
        return self._quote(self._annotations[index])


def line_at(text: str, offset: int) -> str:
    """The line ``offset`` is on, else the last text before it: what an empty quote (a
    bookmark at a line's or the document's end) shows instead of a bare 🔖."""
    line_end = text.find("\n", offset)
    line = text[text.rfind("\n", 0, offset) + 1 : len(text) if line_end < 0 else line_end]
    return line.strip() or text[:offset].rstrip().rpartition("\n")[2].strip()


SUBTITLE_FRAME = 6
"""Cells of a border around its subtitle: a corner, a rule and a space each side."""


def fit_status(label: str, status: str, width: int) -> str:
    """``label · status`` in a border ``width`` cells wide: the label (the view's name)
    is cut first, the status (``match 1/2 · 25%``) never, since it is what changes.
    Before the pane has a size (``width`` 0) nothing is cut."""
    if width <= SUBTITLE_FRAME:
        return f"{label} · {status}" if status else label
    if not status:
        return cut(label, width - SUBTITLE_FRAME).plain
    room = width - SUBTITLE_FRAME - cell_len(status) - 3
    if cell_len(label) <= room:
        return f"{label} · {status}"
    if room < 2:
        return status
    return f"{cut(label, room).plain} · {status}"
