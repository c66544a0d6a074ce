"""The App's part in the reading aids: the word list screen, the look-up panel's room, settings.

The look-up itself is the pane's (:mod:`.looking`) over the Session's
reading aids (:mod:`kbtui.session.reading_aids`); here the App opens the word
list (``W`` or the palette), gives the panel the sidebar's room while it is
open (:class:`~kbtui.ui.messages.LookupShown`), and turns the reading aids'
settings over (:class:`~kbtui.ui.messages.SettingToggled`, from the palette).
:class:`~kbtui.ui.app.KbtuiApp` is built on it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import App
from textual.binding import Binding, BindingType

from kbtui.session import Session
from kbtui.ui.commands import TOGGLES
from kbtui.ui.messages import LookupShown, OpenDocument, SettingToggled
from kbtui.ui.pane import DocumentPane
from kbtui.view.sanitize import one_line

if TYPE_CHECKING:
    from kbtui.session.passages import Target


class WordRoutes(App[None]):
    """The reading-aids half of the App: the word list and the panel's settings."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("W", "vocab", "Word list", id="app.vocab", show=False),
    ]
    """The App's own keys for the reading aids (it inherits them; help lists them
    with the word list's)."""

    session: Session

    def action_vocab(self) -> None:
        """The word list: every word added from the look-up panel (``enter`` goes back to it)."""
        from kbtui.exchange.paths import default_folder
        from kbtui.ui.screens.vocab import VocabScreen  # with its exporters, not at start-up

        self.push_screen(VocabScreen(self.session.aids, default_folder()), self._word_chosen)

    def _word_chosen(self, target: Target | None) -> None:
        if target is not None:
            self.post_message(OpenDocument(*target))

    @on(LookupShown)
    def _lookup_shown(self, message: LookupShown) -> None:
        """While the panel is open the sidebar gives it its room, so the reader keeps
        its width (the class goes on the main screen, as ``-narrow`` does)."""
        if self.screen_stack:
            self.screen_stack[0].set_class(message.open, "-lookup")

    @on(SettingToggled)
    def _setting_toggled(self, message: SettingToggled) -> None:
        """Turn a reading-aid setting over, save it, and show the panel's word again."""
        settings = self.session.settings
        value = not getattr(settings, message.name)
        setattr(settings, message.name, value)
        label = TOGGLES[message.name][0]
        self.notify(f"{label}: {'on' if value else 'off'}")
        self.query_one(DocumentPane).refresh_lookup()
        try:
            self.session.save_settings()
        except OSError as exc:
            message_text = one_line(f"Settings not saved: {exc}", 300)
            self.notify(message_text, severity="warning", markup=False)
