"""The App's layout for the terminal it runs in, and the footer's order of keys.

From :data:`NARROW` columns down the document list and the sidebar shrink;
under :data:`COMPACT` they would leave the reader a strip (at 80 columns the
list showed 18 columns of titles), so the reader takes the whole width and
the two panes become overlays over it: ``ctrl+l`` shows the list, ``ctrl+d``
the sidebar, ``tab`` steps from pane to pane showing each, and an overlay
hides again as soon as the focus leaves it (a document opened, ``escape``).
The classes go on the main screen, not on the App: a class change on the App
restyles only the screen on top, so a resize under the notebook would be lost.

The footer shows the keys in :data:`FOOTER_ORDER`, whatever pane defines them,
so that at 80 columns its cut falls on the least useful ones.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import App
from textual.binding import ActiveBinding, Binding, BindingType
from textual.command import CommandPalette
from textual.screen import Screen
from textual.widget import Widget

from kbtui.ui.sidebar import Sidebar

NARROW = 110
"""Terminal width under which the list and the sidebar shrink (see ``app.tcss``)."""

COMPACT = 100
"""Terminal width under which the list and the sidebar are overlays over the reader."""

PANES = ("doc-list", "pane", "sidebar")
"""The main screen's panes in ``tab`` order."""

OVERLAYS = ("doc-list", "sidebar")
"""The panes that become overlays in a compact layout."""

ENTRY = {"doc-list": "#doc-table", "pane": "#reader, #reader-slot"}
"""The widget each pane gives the focus to when it is shown (the reader's slot until the
reader is mounted: :mod:`kbtui.ui.reader.slot`); the sidebar's is its annotation list
(:attr:`~kbtui.ui.sidebar.Sidebar.annotation_list`, mounted when first asked for)."""

FOOTER_ORDER = (
    "app.help",
    "list.open",
    "list.filter",
    "list.clear_entity",
    "list.clear_filter",
    "lookup.close",
    "lookup.add",
    "reader.select",
    "reader.highlight",
    "reader.note",
    "reader.find",
    "app.list",
    "app.sidebar",
    "reader.tag",
    "reader.toc",
    "reader.mentions",
    "app.search",
    "reader.script",
    "app.notebook",
    "app.entities",
    "list.sort",
    "app.quit",
)
"""The keys the footer shows first, most useful first: help, then what the focused
pane is for (open and filter in the list, select, highlight, note and find in the
reader), then the ways to the other panes and screens. Keys not named here follow
in Textual's order (the focused widget's first)."""

WIDE_LAST = frozenset({"app.list", "app.sidebar"})
"""Keys that only show what is already on screen in a wide layout: there they go last."""


def layout_classes(width: int) -> tuple[str, ...]:
    """The main screen's classes at ``width`` columns: ``-narrow`` from :data:`COMPACT`
    to :data:`NARROW`, ``-compact`` under :data:`COMPACT`."""
    if width < COMPACT:
        return ("-compact",)
    return ("-narrow",) if width < NARROW else ()


def footer_rank(binding: Binding, compact: bool) -> int:
    """Where ``binding`` goes in the footer: its place in :data:`FOOTER_ORDER`."""
    if binding.id in WIDE_LAST and not compact:
        return len(FOOTER_ORDER) + 1
    if binding.id in FOOTER_ORDER:
        return FOOTER_ORDER.index(binding.id)
    return len(FOOTER_ORDER)


class MainScreen(Screen[None]):
    """The App's first screen: its footer lists keys in :data:`FOOTER_ORDER`.

    Textual's Footer shows :attr:`active_bindings` in their order, the focused
    widget's first, which put the reader's ``v Select`` ahead of ``? Help``
    and cut help off at 80 columns.
    """

    AUTO_FOCUS = "DocOptions"
    """The list has the focus from the start: focusing the first widget and then the
    list made the footer compose twice more before the first frame (~30 ms)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.hide_overlay", "To the reader", show=False, id="app.hide_overlay"),
    ]
    """``escape`` in an overlay goes back to the reader. On the screen, not the App:
    an App mixin's binding of a key replaces another's (review's ``escape``)."""

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """The active bindings, most useful first (a stable sort keeps Textual's order)."""
        compact = self.has_class("-compact")
        bindings = super().active_bindings
        ranked = sorted(bindings.items(), key=lambda item: footer_rank(item[1].binding, compact))
        return dict(ranked)


class LayoutMode(App[None]):
    """The App's part that fits the main screen to the terminal's width."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+l", "show_pane('doc-list')", "Documents", id="app.list"),
        Binding("ctrl+d", "show_pane('sidebar')", "Sidebar", id="app.sidebar"),
    ]
    """``ctrl+l`` and ``ctrl+d`` show the list or the sidebar and focus it (pressed
    again: back to the reader)."""

    def get_default_screen(self) -> Screen[None]:
        """The first screen is a :class:`MainScreen`, for its footer's order, made with
        the layout's classes for the terminal's width: set after its widgets mounted, a
        class restyled every one of them before the first frame."""
        return MainScreen(id="_default", classes=" ".join(layout_classes(self.size.width)))

    @property
    def compact(self) -> bool:
        """Whether the list and the sidebar are overlays now."""
        return bool(self.screen_stack) and self.screen_stack[0].has_class("-compact")

    def start_layout(self) -> None:
        """Fit the layout to the terminal, and show or hide overlays as the focus moves."""
        self.watch(self.screen_stack[0], "focused", self._focus_moved, init=False)
        self.fit_layout(self.size.width)

    def fit_layout(self, width: int) -> None:
        """Shrink the side panes under :data:`NARROW` columns, overlay them under
        :data:`COMPACT`; an overlay holding the focus stays shown."""
        if not self.screen_stack:
            return
        screen = self.screen_stack[0]
        classes = layout_classes(width)
        for name in ("-narrow", "-compact"):
            screen.set_class(name in classes, name)
        self._focus_moved(screen.focused)

    def _focus_moved(self, focused: Widget | None) -> None:
        """Show the overlay the focus is in (``tab`` or a key went there), hide the others."""
        if not self.compact:
            return
        for pane_id in OVERLAYS:
            pane = self.screen_stack[0].query_one(f"#{pane_id}")
            pane.set_class(focused is not None and pane in focused.ancestors_with_self, "-shown")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The panes' keys only on the main screen (or its palette); ``escape`` goes back
        to the reader only from an overlay (it clears filters and closes dialogs elsewhere)."""
        if action == "show_pane":  # the palette asks from above the main screen
            return isinstance(self.screen, CommandPalette) or self.screen is self.screen_stack[0]
        if action == "hide_overlay":
            return self.compact and self._pane_of(self.screen.focused) in OVERLAYS
        return super().check_action(action, parameters)

    def action_show_pane(self, pane_id: str) -> None:
        """Show a pane (over the reader in a compact layout) and focus it; from that
        pane, back to the reader."""
        if self.screen is not self.screen_stack[0]:
            return
        if self._pane_of(self.screen.focused) == pane_id:
            pane_id = "pane"
        pane = self.screen.query_one(f"#{pane_id}")
        if pane_id in OVERLAYS and self.compact:
            pane.add_class("-shown")
        if isinstance(pane, Sidebar):  # its list is mounted when first needed
            pane.annotation_list.focus()
        else:
            pane.query_one(ENTRY[pane_id]).focus()

    def action_hide_overlay(self) -> None:
        """Back to the reader from an overlay (which hides as the focus leaves it)."""
        self.action_show_pane("pane")

    def action_focus_next(self) -> None:
        """``tab``: in a compact layout, to the next pane, shown (hidden panes are
        out of Textual's focus chain); otherwise to the next widget."""
        if not self._step_pane(1):
            super().action_focus_next()

    def action_focus_previous(self) -> None:
        """``shift+tab``: as ``tab``, backwards."""
        if not self._step_pane(-1):
            super().action_focus_previous()

    def _step_pane(self, step: int) -> bool:
        """Focus the pane ``step`` panes on from the focused one; False if this is
        not the main screen in a compact layout."""
        if not self.compact or self.screen is not self.screen_stack[0]:
            return False
        current = self._pane_of(self.screen.focused) or "pane"
        self.action_show_pane(PANES[(PANES.index(current) + step) % len(PANES)])
        return True

    def _pane_of(self, widget: Widget | None) -> str | None:
        """The id of the main screen's pane holding ``widget``, if any."""
        for node in widget.ancestors_with_self if widget is not None else ():
            if node.id in PANES and node.parent is not None and node.parent.id == "main":
                return node.id
        return None


PANE_BINDINGS: list[BindingType] = [*LayoutMode.BINDINGS, *MainScreen.BINDINGS]
"""The keys between panes, for help and the palette."""
