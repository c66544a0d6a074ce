"""The reader pane: the open document, its script view, and the keys that act on it.

The pane keeps three things about the open document: the :class:`Document`,
its reading view (Markdown rendered) and the view on screen (the reading view
converted to the chosen script). Everything it stores goes through source
offsets, so a script toggle or a reopen lands on the same passage.
"""

from __future__ import annotations

import webbrowser
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.markup import escape
from textual.worker import get_current_worker

from kbtui.annotations.model import Annotation, Kind
from kbtui.documents.model import Document
from kbtui.entities.mentions import DocStamp, MentionIndex
from kbtui.entities.model import Entity, EntityRecord, alias_record, new_entity_record
from kbtui.entities.model import Kind as EntityKind
from kbtui.scripts.views import (
    CacheKey,
    ConversionCache,
    ConversionCancelled,
    ConversionError,
    Variant,
    convert_view,
    cycle_next,
    prepare,
)
from kbtui.search.scan import find_all
from kbtui.ui.annotating import AnnotationActions
from kbtui.ui.reader import Reader
from kbtui.ui.screens.dialogs import ConfirmScreen, LineInputScreen, PickerScreen
from kbtui.ui.screens.entities import NEW_ENTITY_CHOICES, entity_choices, selection_name
from kbtui.ui.screens.export import start_export
from kbtui.ui.sidebar import Sidebar
from kbtui.ui.text import safe_line
from kbtui.view.markdown import render
from kbtui.view.sanitize import one_line
from kbtui.view.textview import TextView

if TYPE_CHECKING:
    from kbtui.ui.app import KbtuiApp

VARIANT_LABELS = {
    Variant.ORIGINAL: "original",
    Variant.SIMPLIFIED: "简体 simplified",
    Variant.TRADITIONAL: "繁體 traditional",
    Variant.TAIWAN: "臺灣 taiwan",
    Variant.HONGKONG: "香港 hong kong",
}

REGION_LINES = 120
"""Lines around the cursor converted at once, before the rest in the background."""


HISTORY_LIMIT = 100
"""How many places back ``alt+left`` remembers."""


class DocumentPane(AnnotationActions, Vertical):
    """Holds the :class:`Reader` and acts on the document it shows."""

    BINDINGS = [
        Binding("s", "cycle_script", "Script", id="reader.script"),
        Binding("S", "pick_script", "Variant", id="reader.variant"),
        Binding("slash", "find", "Find", key_display="/", id="reader.find"),
        Binding("n", "find_next", "Next match", show=False, id="reader.find_next"),
        Binding("N", "find_previous", "Previous match", show=False, id="reader.find_previous"),
        Binding("T", "toc", "Contents", id="reader.toc"),
        Binding("o", "open_source", "Source URL", id="reader.source", show=False),
        Binding("e", "export", "Export", id="reader.export", show=False),
        Binding("m", "mentions", "Mentions", id="reader.mentions"),
        Binding("E", "make_entity", "Make entity", id="reader.entity", show=False),
        *AnnotationActions.ANNOTATION_BINDINGS,
    ]

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.doc: Document | None = None
        self.reading: TextView | None = None
        self.view: TextView | None = None
        self.variant = Variant.ORIGINAL
        self.annotations: list[Annotation] = []
        self._cache = ConversionCache()
        self._find_query = ""
        self._matches: list[tuple[int, int]] = []
        self._match_index: int | None = None

    @property
    def kb(self) -> KbtuiApp:
        """The App, typed."""
        return self.app  # type: ignore[return-value]

    @property
    def reader(self) -> Reader:
        """The reader widget."""
        return self.query_one(Reader)

    def compose(self) -> ComposeResult:
        yield Reader(id="reader")

    def on_mount(self) -> None:
        self.border_title = "Reader"
        self.border_subtitle = "enter a document to read it"

    # -- opening -------------------------------------------------------------

    def open(self, doc_id: str, source_offset: int | None = None) -> None:
        """Open ``doc_id`` (loads off the UI thread); at ``source_offset`` if given."""
        self.save_position()
        self._load(doc_id, source_offset)

    @work(thread=True, exclusive=True, group="load")
    def _load(self, doc_id: str, source_offset: int | None) -> None:
        doc = self.kb.corpus.load(doc_id)
        reading = render(doc.source, doc.body_start)
        # Re-anchoring after an edit can take a while on a big document: do it here.
        annotations = self.kb.store.anchored_annotations(doc.id, doc.source)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._loaded, doc, reading, annotations, source_offset)
            prepare(doc.script)  # build converters now, so the first `s` is quick

    def _loaded(
        self,
        doc: Document,
        reading: TextView,
        annotations: list[Annotation],
        source_offset: int | None,
    ) -> None:
        store = self.kb.store
        state = store.doc_state(doc.id)
        self.doc, self.reading = doc, reading
        store.touch_opened(doc.id)
        variant = state.script or self.kb.settings.default_script
        self.variant = Variant(variant) if variant in set(Variant) else Variant.ORIGINAL
        offset = source_offset if source_offset is not None else state.position
        self._matches, self._match_index = [], None
        self._show_variant(offset)
        self.refresh_annotations(annotations)
        self.refresh_mentions()
        for problem in doc.problems:
            self.app.notify(f"{doc.id}: {problem}", severity="warning", markup=False)

    def save_position(self) -> None:
        """Remember where the reader is in the open document."""
        if self.doc is not None and self.view is not None:
            self.kb.store.set_position(self.doc.id, self.reader.cursor_source)

    def jump(self, source_offset: int, source_end: int | None = None) -> None:
        """Move the cursor to a source offset, remembering where it was (``alt+left``)."""
        self.kb.history.push(self.here())
        self.reader.move_to_source(source_offset)
        self.reader.focus()

    def here(self) -> tuple[str, int] | None:
        """The open document and the cursor's source offset."""
        if self.doc is None or self.view is None:
            return None
        return self.doc.id, self.reader.cursor_source

    def refresh_annotations(self, annotations: list[Annotation] | None = None) -> None:
        """Redraw highlights, sidebar and list row from ``annotations`` (else the store's)."""
        if self.doc is None:
            return
        doc = self.doc
        if annotations is None:
            annotations = self.kb.store.anchored_annotations(doc.id, doc.source)
        self.annotations = annotations
        self.reader.set_highlights(
            (a.start, a.end, _overlay_style(a)) for a in self.annotations if a.placed
        )
        sidebar = self.kb.query_one(Sidebar)
        sidebar.show_document(doc, self.kb.store.doc_state(doc.id).tags)
        sidebar.show_annotations(self.annotations, [self._shown_quote(a) for a in self.annotations])
        self.kb.refresh_document(doc.id)

    def refresh_mentions(
        self, index: MentionIndex | None = None, doc: Document | None = None
    ) -> None:
        """Underline the entity mentions of the open document.

        From the App's index, or from ``index`` when it is a preview made for
        ``doc`` only (after an edit, before the whole corpus is indexed again).
        Without an index yet, the marks of the previous document are cleared.
        """
        if self.doc is None or (doc is not None and doc is not self.doc):
            return
        if index is None and (index := self.kb.mention_index) is not None:
            self._reindex_if_changed(index, self.doc)
        mentions = index.mentions_in(self.doc.id) if index is not None else []
        self.reader.set_mentions((m.start, m.end) for m in mentions)

    def _reindex_if_changed(self, index: MentionIndex, doc: Document) -> None:
        """Match a document again when it changed on disk since the scan the
        index was built from, so its marks stand on the text as it is now."""
        entry = self.kb.corpus.get(doc.id)
        if entry is not None and (entry.size, entry.mtime) != (doc.size, doc.mtime):
            index.update(doc.id, doc, DocStamp(doc.id, doc.size, doc.mtime))

    def _shown_quote(self, annotation: Annotation) -> str:
        """The annotation's text as the current view shows it (its script, no markup)."""
        if self.view is None or not annotation.placed:
            return annotation.quote
        start, end = self.view.map.range_to_view(annotation.start, annotation.end)
        return self.view.text[start:end] or annotation.quote

    # -- scripts ---------------------------------------------------------------

    def _show_variant(self, cursor_source: int | None) -> None:
        """Show the reading view in ``self.variant``: the visible part now, the rest later."""
        assert self.doc is not None and self.reading is not None
        key = CacheKey(self.doc.id, self.doc.text_hash, self.variant)
        cached = self._cache.get(key) if self.variant != Variant.ORIGINAL else self.reading
        if cached is not None:
            self._display(cached, cursor_source)
            return
        offset = self.reading.map.to_view(cursor_source or 0)
        try:
            partial = convert_view(
                self.reading,
                self.variant,
                self.doc.script,
                region=_line_region(self.reading.text, offset, REGION_LINES),
            )
        except ConversionError as exc:
            self._conversion_failed(exc)
            return
        self._display(partial, cursor_source)
        self._convert_rest(self.doc, self.reading, self.variant)

    @work(thread=True, exclusive=True, group="convert")
    def _convert_rest(self, doc: Document, reading: TextView, variant: Variant) -> None:
        worker = get_current_worker()
        key = CacheKey(doc.id, doc.text_hash, variant)
        try:
            full = self._cache.get_or_convert(
                key, reading, doc.script, cancelled=lambda: worker.is_cancelled
            )
        except ConversionCancelled:
            return
        except ConversionError as exc:
            self.app.call_from_thread(self._conversion_failed, exc)
            return
        if not worker.is_cancelled:
            self.app.call_from_thread(self._swap_in, doc, variant, full)

    def _swap_in(self, doc: Document, variant: Variant, full: TextView) -> None:
        if self.doc is doc and self.variant == variant:
            self._display(full, self.reader.cursor_source)

    def _conversion_failed(self, exc: Exception) -> None:
        self.variant = Variant.ORIGINAL
        if self.reading is not None:
            self._display(self.reading, self.reader.cursor_source if self.view else None)
        self.app.notify(f"Could not convert the script: {exc}", severity="error", markup=False)

    def _display(self, view: TextView, cursor_source: int | None) -> None:
        self.view = view
        self.reader.show(view, cursor_source=cursor_source)
        self._update_titles()
        if self.annotations:
            self.kb.query_one(Sidebar).show_annotations(
                self.annotations, [self._shown_quote(a) for a in self.annotations]
            )

    def _update_titles(self) -> None:
        if self.doc is None:
            return
        self.border_title = safe_line(self.doc.meta.title, 200)
        self._update_subtitle()

    def _update_subtitle(self) -> None:
        """Script, the find match the cursor stands on (``match 2/5``), and how far in."""
        if self.doc is None:
            return
        parts = [VARIANT_LABELS[self.variant], str(self.doc.script)]
        if self._matches and self._match_index is not None:
            start, end = self._matches[self._match_index]
            if start <= self.reader.cursor_source <= end:
                parts.append(f"match {self._match_index + 1}/{len(self._matches)}")
        if self.view is not None and self.view.text:
            parts.append(f"{100 * self.reader.cursor // max(1, len(self.view.text))}%")
        self.border_subtitle = " · ".join(parts)

    def _set_variant(self, variant: Variant) -> None:
        if self.doc is None:
            return
        cursor = self.reader.cursor_source
        self.variant = variant
        self.kb.store.set_script(self.doc.id, str(variant))
        self._show_variant(cursor)

    def action_cycle_script(self) -> None:
        """original → simplified → traditional → original."""
        if self.doc is not None:
            self._set_variant(cycle_next(self.variant, self.doc.script))

    def action_pick_script(self) -> None:
        """Choose any variant, including Taiwan and Hong Kong phrasing."""
        items = [(str(v), v.display_name) for v in Variant]

        def chosen(value: str | None) -> None:
            if value is not None:
                self._set_variant(Variant(value))

        self.app.push_screen(PickerScreen("Script", items, highlighted=str(self.variant)), chosen)

    # -- find --------------------------------------------------------------------

    def action_find(self) -> None:
        """Find in the document, in any script (``多雲`` finds ``多云``)."""
        if self.doc is None:
            return

        def entered(query: str | None) -> None:
            if query:
                self._find(query)

        self.app.push_screen(LineInputScreen("Find in document", self._find_query), entered)

    def _find(self, query: str) -> None:
        assert self.reading is not None
        self._find_query = query
        self._matches = [
            self.reading.map.range_to_source(s, e) for s, e in find_all(self.reading.text, query)
        ]
        if not self._matches:
            self._match_index = None
            self.reader.set_matches([])
            self._update_subtitle()
            self.app.notify(f"Not found: {query}", severity="warning", markup=False)
            return
        cursor = self.reader.cursor_source
        index = next((i for i, (s, _) in enumerate(self._matches) if s >= cursor), 0)
        self._go_to_match(index)

    def _go_to_match(self, index: int) -> None:
        self._match_index = index % len(self._matches)
        start, _ = self._matches[self._match_index]
        self.reader.set_matches(self._matches, self._match_index)
        self.jump(start)
        self._update_subtitle()

    def action_find_next(self) -> None:
        """The next match."""
        self._step_match(1)

    def action_find_previous(self) -> None:
        """The previous match."""
        self._step_match(-1)

    def _step_match(self, step: int) -> None:
        if self.doc is None:
            return
        if self._matches and self._match_index is not None:
            self._go_to_match(self._match_index + step)
        elif self._find_query:  # the last query, in the document opened since
            self._find(self._find_query)
        else:
            self.app.notify("Nothing to repeat: / finds in the document first")

    # -- navigation --------------------------------------------------------------

    def action_toc(self) -> None:
        """Jump to a heading."""
        if self.view is None or not self.view.headings:
            self.app.notify("This document has no headings")
            return
        view = self.view
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

        def answered(yes: bool | None) -> None:
            if yes:
                webbrowser.open(url)

        self.app.push_screen(
            ConfirmScreen("Source", "Open this address in a browser?", url), answered
        )

    def action_export(self) -> None:
        """Export annotations (this document's by default) to Markdown or JSON."""
        start_export(self.kb, self.doc.id if self.doc else None)

    # -- entities ------------------------------------------------------------------

    def action_mentions(self) -> None:
        """At a mention: every other passage naming its entity. Elsewhere: pick
        one of the entities this document names."""
        if self.doc is None:
            return
        index = self.kb.entity_index()
        if index is None:
            return
        mention = index.mention_at(self.doc.id, self.reader.cursor_source)
        if mention is not None:
            self.kb.show_entity(mention.entity_id, exclude=(self.doc.id, mention.start))
            return
        named = index.entities_in(self.doc.id)
        if not named:
            self.app.notify("This document names no known entity (select a name, then E)")
            return
        items = [(e.id, f"{e.name}  ×{count}  {e.kind}") for e, count in named]

        def chosen(entity_id: str | None) -> None:
            if entity_id is not None:
                self.kb.show_entity(entity_id)

        self.app.push_screen(PickerScreen("Entities in this document", items), chosen)

    def action_make_entity(self) -> None:
        """Make the selection a new entity, or an alias of one."""
        selection = self._selection()
        if self.doc is None or selection is None:
            self.app.notify("Select a name first: v, then move (or shift+arrows)")
            return
        name = selection_name(self.doc.source[selection[0] : selection[1]])
        index = self.kb.entity_index()
        if index is None:
            return
        if name is None:
            self.app.notify("Select at least two characters: shorter names are not matched")
            return
        known = index.registry.lookup(name)
        if known is not None and not known.ambiguous:
            self.app.notify(f"{name} is already a name of {known.name}", markup=False)
            return

        def chosen(choice: str | None) -> None:
            if choice == "alias":
                self._pick_alias_target(name, index.registry.entities, known)
            elif choice is not None:
                self._save_entity(
                    new_entity_record(name, EntityKind(choice)), f"New entity: {name}"
                )

        title = escape(one_line(f"Make “{name}”", 60))
        self.app.push_screen(PickerScreen(title, NEW_ENTITY_CHOICES), chosen)

    def _pick_alias_target(self, name: str, entities: list[Entity], shared: Entity | None) -> None:
        """Choose the entity ``name`` becomes an alias of (a shared name's candidates first)."""
        by_id = {e.id: e for e in entities}
        first = shared.candidates if shared is not None else ()

        def chosen(entity_id: str | None) -> None:
            entity = by_id.get(entity_id or "")
            if entity is not None:
                self._save_entity(alias_record(entity, name), f"{name} is now {entity.name}")

        title = escape(one_line(f"“{name}” is an alias of…", 60))
        self.app.push_screen(PickerScreen(title, entity_choices(entities, first)), chosen)

    def _save_entity(self, record: EntityRecord, done: str) -> None:
        self.reader.clear_selection()
        self.kb.apply_entity_record(record, done)

    @on(Reader.CursorMoved)
    def _cursor_moved(self) -> None:
        self._update_subtitle()


def _overlay_style(annotation: Annotation) -> str:
    """The reader's overlay key for an annotation (colour, underline or bookmark)."""
    if annotation.kind == Kind.UNDERLINE:
        return f"underline-{annotation.colour.value}"
    if annotation.kind == Kind.BOOKMARK:
        return "bookmark"
    return annotation.colour.value


def _line_region(text: str, offset: int, lines: int) -> tuple[int, int]:
    """View offsets of about ``lines`` whole lines around ``offset`` (a third above)."""
    start = offset
    for _ in range(lines // 3):
        start = text.rfind("\n", 0, max(0, start - 1)) + 1
        if start == 0:
            break
    end = offset
    for _ in range(lines - lines // 3):
        found = text.find("\n", end)
        if found < 0:
            return start, len(text)
        end = found + 1
    return start, end
