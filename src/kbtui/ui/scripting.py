"""The script keys of the reader pane: ``s`` cycles, ``S`` picks any variant, ``L`` sets
the document's source locale (what its views convert from).

A conversion of a long document takes a while, so the lines around the
cursor are converted at once and shown, and the rest is converted in a
worker and swapped in when done; finished views are cached per document and
variant, so toggling back is instant. The cursor stays on the same source
offset through every change. A Japanese document has no Chinese views: the
keys say so instead of converting its kanji.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from textual import work
from textual.binding import Binding
from textual.worker import get_current_worker

from kbtui.documents.model import Document
from kbtui.scripts.chains import Variant, cycle_next
from kbtui.scripts.locales import Locale
from kbtui.ui.pane_base import PaneBase

if TYPE_CHECKING:
    from kbtui.scripts.views import CacheKey
    from kbtui.view.textview import TextView

REGION_LINES = 120
"""Lines around the cursor converted at once, before the rest in the background."""
REGION_CHARS = 20_000
"""The most characters converted at once on ``s`` (the page's 120 lines, or a part of one)."""


class ScriptActions(PaneBase):
    """The script keys, one of the groups :class:`~kbtui.ui.pane.DocumentPane` is made of."""

    SCRIPT_BINDINGS = [
        Binding("s", "cycle_script", "Script", id="reader.script"),
        Binding("S", "pick_script", "Variant", id="reader.variant"),
        Binding("L", "pick_locale", "Source locale…", id="reader.locale", show=False),
    ]

    def _show_variant(self, cursor_source: int | None) -> None:
        """Show the reading view in ``self.variant``: the visible part now, the rest later."""
        assert self.doc is not None and self.reading is not None
        from kbtui.scripts.views import CacheKey, ConversionError, convert_view

        source, backend = self.source, self.session.backend
        shape = f"{self.doc.text_hash}/{self.reading_shape}"  # folds open or shut, lines joined
        key = CacheKey(self.doc.id, shape, self.variant, source, backend)
        cached = self._cache.get(key) if self.variant != Variant.ORIGINAL else self.reading
        if cached is not None:
            self._display(cached, cursor_source)
            return
        offset = self.reading.map.to_view(cursor_source or 0)
        try:
            partial = convert_view(
                self.reading,
                self.variant,
                source,
                region=_line_region(self.reading.text, offset, REGION_LINES),
                backend=backend,
            )
        except ConversionError as exc:
            self._conversion_failed(exc)
            return
        self._display(partial, cursor_source)
        self._convert_rest(self.doc, self.reading, key)

    # A description, or Textual writes one from the arguments' reprs: both texts whole,
    # ~0.9 s of the UI thread on a 50 MB line before its first frame.
    @work(thread=True, exclusive=True, group="convert", description="converting the view")
    def _convert_rest(self, doc: Document, reading: TextView, key: CacheKey) -> None:
        from kbtui.scripts.views import ConversionCancelled, ConversionError

        worker = get_current_worker()
        try:
            full = self._cache.get_or_convert(
                key, reading, key.source, cancelled=lambda: worker.is_cancelled
            )
        except ConversionCancelled:
            return
        except ConversionError as exc:
            self.app.call_from_thread(self._conversion_failed, exc)
            return
        if not worker.is_cancelled:
            self.app.call_from_thread(self._swap_in, doc, key, full)

    def _swap_in(self, doc: Document, key: CacheKey, full: TextView) -> None:
        shown = (self.variant, self.source, self.session.backend)
        if self.doc is doc and shown == (key.variant, key.source, key.backend):
            self._display(full, self.reader.cursor_source)

    def _conversion_failed(self, exc: Exception) -> None:
        self.variant = Variant.ORIGINAL
        if self.reading is not None:
            self._display(self.reading, self.reader.cursor_source if self.view else None)
        self.app.notify(f"Could not convert the script: {exc}", severity="error", markup=False)

    def _set_variant(self, variant: Variant) -> None:
        if self.doc is None:
            return
        cursor = self.reader.cursor_source
        self.variant = variant
        self.write(partial(self.store.set_script, self.doc.id, str(variant)), "The script")
        self._show_variant(cursor)

    def _views_offered(self) -> bool:
        """Whether the open document has script views; a Japanese one says it has none."""
        if self.doc is not None and not self.chinese_views:
            self.app.notify(
                "This document is Japanese: it has no Simplified or Traditional views "
                "(L sets a Chinese source locale if it is Chinese after all)"
            )
        return self.doc is not None and self.chinese_views

    def action_cycle_script(self) -> None:
        """original → simplified → traditional → original (skipping the document's own)."""
        if self._views_offered():
            self._set_variant(cycle_next(self.variant, self.source))

    def action_pick_script(self) -> None:
        """Choose any variant, including Taiwan and Hong Kong phrasing."""
        if not self._views_offered():
            return
        from kbtui.ui.screens.dialogs import PickerScreen

        items = [(str(v), v.display_name) for v in Variant]

        def chosen(value: str | None) -> None:
            if value is not None:
                self._set_variant(Variant(value))

        self.app.push_screen(PickerScreen("Script", items, highlighted=str(self.variant)), chosen)

    def action_pick_locale(self) -> None:
        """Say which Chinese the document is written in (its frontmatter or detection
        may be wrong), so its views convert from the right standard."""
        if self.doc is None:
            return
        doc = self.doc
        from kbtui.ui.screens.dialogs import PickerScreen

        chosen_now = self.store.doc_state(doc.id).locale
        items = [(AUTO, "As the document says (frontmatter, else detection)")]
        items += [(str(locale), f"{locale} · {locale.display_name}") for locale in Locale]

        def chosen(value: str | None) -> None:
            if value is not None and self.doc is doc:
                self._set_locale(None if value == AUTO else Locale(value))

        picker = PickerScreen("Source locale", items, highlighted=chosen_now or AUTO)
        self.app.push_screen(picker, chosen)

    def _set_locale(self, locale: Locale | None) -> None:
        assert self.doc is not None
        if not self.write(partial(self.session.set_locale, self.doc.id, locale), "The locale"):
            return
        self.source = self.session.locale_of(self.doc)
        self.chinese_views = self.session.offers_views(self.doc)
        if not self.chinese_views:
            self.variant = Variant.ORIGINAL
            self.write(partial(self.store.set_script, self.doc.id, None), "The script")
        self._show_variant(self.reader.cursor_source)
        self.app.notify(f"Source locale: {self.source or 'mixed'}", markup=False)

    def reconvert(self) -> None:
        """Show the open document again after the backend changed (views are cached per
        backend, so switching back is instant)."""
        if self.doc is not None and self.reading is not None:
            self._show_variant(self.reader.cursor_source)


AUTO = "auto"
"""The locale picker's choice that forgets the user's locale."""


def _line_region(text: str, offset: int, lines: int) -> tuple[int, int]:
    """View offsets of about ``lines`` whole lines around ``offset`` (a third above), and
    at most :data:`REGION_CHARS` of them: a 50 MB document may be one line."""
    start = offset
    for _ in range(lines // 3):
        start = text.rfind("\n", 0, max(0, start - 1)) + 1
        if start == 0:
            break
    end = offset
    for _ in range(lines - lines // 3):
        found = text.find("\n", end)
        end = len(text) if found < 0 else found + 1
        if found < 0:
            break
    return max(start, offset - REGION_CHARS // 3), min(end, offset + REGION_CHARS)
