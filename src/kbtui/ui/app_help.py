"""The App's part in telling keys: the command palette's keyed actions and the help screen.

Both list bindings gathered from the App, its mixins and its widgets' classes,
with the user's keymap applied (:func:`~kbtui.ui.commands.keyed_actions`,
:func:`~kbtui.ui.screens.help.binding_rows`). The help screen and the screens
whose keys it lists load when ``?`` is first pressed.
:class:`~kbtui.ui.app.KbtuiApp` is built on it.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import App
from textual.binding import Binding, BindingType

from kbtui.session import Session
from kbtui.ui.app_live import LiveRoutes
from kbtui.ui.app_review import ReviewRoutes
from kbtui.ui.app_words import WordRoutes
from kbtui.ui.commands import ActionGroup, PaletteAction, keyed_actions
from kbtui.ui.doclist import DocOptions
from kbtui.ui.layout_mode import PANE_BINDINGS
from kbtui.ui.lookup_panel import LookupPanel
from kbtui.ui.pane import DocumentPane
from kbtui.ui.reader import keys as reader_keys


class HelpRoutes(App[None]):
    """The palette's keyed actions and ``?``'s help screen."""

    session: Session

    def palette_actions(self) -> list[PaletteAction]:
        """Every keyed action the palette offers now: the reader's only with a
        document open (movement keys and escape mean nothing without a place)."""
        pane = self.query_one(DocumentPane)
        groups: list[ActionGroup] = [
            ("", self, [*self.BINDINGS, *PANE_BINDINGS]),
            ("Document list: ", self.query_one(DocOptions), DocOptions.BINDINGS),
        ]
        if pane.doc is not None:
            reader = pane.reader
            groups.append(("", pane, DocumentPane.BINDINGS))
            groups.append(("", reader, [b for b in reader_keys.BINDINGS if _is_select(b)]))
        groups.append(("", self, WordRoutes.BINDINGS))
        if pane.lookup_panel.open:
            groups.append(("Look-up: ", pane.lookup_panel, LookupPanel.BINDINGS))
        return keyed_actions(groups, self.session.settings.keys)

    def action_help(self) -> None:
        """Show every binding."""
        from kbtui.ui.screens.entities import EntityList
        from kbtui.ui.screens.help import HelpScreen, binding_rows
        from kbtui.ui.screens.review import ReviewScreen
        from kbtui.ui.screens.suggestions import SuggestionsScreen
        from kbtui.ui.screens.vocab import VocabScreen

        groups: list[tuple[str, Sequence[BindingType]]] = [
            ("everywhere", [*self.BINDINGS, *LiveRoutes.BINDINGS, *PANE_BINDINGS]),
            ("everywhere", [b for b in App.BINDINGS if isinstance(b, Binding)]),
            ("list", DocOptions.BINDINGS),
            ("entities", EntityList.BINDINGS),
            ("reader", DocumentPane.BINDINGS),
            ("reader", reader_keys.BINDINGS),
            ("look-up panel", LookupPanel.BINDINGS),
            ("word list", [*WordRoutes.BINDINGS, *VocabScreen.BINDINGS]),
            ("suggested entities", SuggestionsScreen.BINDINGS),
            ("review queue", [*ReviewRoutes.BINDINGS, *ReviewScreen.BINDINGS]),
        ]
        self.push_screen(HelpScreen(binding_rows(groups, self.session.settings.keys)))


def _is_select(binding: BindingType) -> bool:
    """The reader binding that starts or ends a selection (the others move the cursor)."""
    return isinstance(binding, Binding) and binding.action == "toggle_selection"
