"""The script keys of the reader pane: ``s`` cycles, ``S`` picks any variant.

A conversion of a long document takes a while, so the lines around the
cursor are converted at once and shown, and the rest is converted in a
worker and swapped in when done; finished views are cached per document and
variant, so toggling back is instant. The cursor stays on the same source
offset through every change.
"""

from __future__ import annotations

from textual import work
from textual.binding import Binding
from textual.worker import get_current_worker

from kbtui.documents.model import Document
from kbtui.scripts.views import (
    CacheKey,
    ConversionCancelled,
    ConversionError,
    Variant,
    convert_view,
    cycle_next,
)
from kbtui.ui.pane_base import PaneBase
from kbtui.ui.screens.dialogs import PickerScreen
from kbtui.view.textview import TextView

REGION_LINES = 120
"""Lines around the cursor converted at once, before the rest in the background."""


class ScriptActions(PaneBase):
    """The script keys, one of the groups :class:`~kbtui.ui.pane.DocumentPane` is made of."""

    SCRIPT_BINDINGS = [
        Binding("s", "cycle_script", "Script", id="reader.script"),
        Binding("S", "pick_script", "Variant", id="reader.variant"),
    ]

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

    def _set_variant(self, variant: Variant) -> None:
        if self.doc is None:
            return
        cursor = self.reader.cursor_source
        self.variant = variant
        self.store.set_script(self.doc.id, str(variant))
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
