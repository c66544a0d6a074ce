"""The main screen's line of key hints: Textual's Footer, painted as one line of text.

Textual's :class:`~textual.widgets.Footer` mounts a widget per key and
recomposes them all whenever the bindings change (a focus move, a document
opened); at start-up that restyled some 80 key widgets twice per composition
and took about a third of the time from the first mount to the list on
screen. :class:`KeyBar` shows the same keys, in the screen's
:attr:`~textual.screen.Screen.active_bindings` order, with the same styles
(the Footer's theme variables), the command palette's key on the right, a
disabled key dim, and a click on a key pressing it; it only repaints when the
bindings change. kbtui's bindings have no groups, so it shows none.
"""

from __future__ import annotations

from typing import NamedTuple

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.widget import Widget

BORDER = "▏"
"""The palette key's left edge, as the Footer draws its ``vkey`` border."""


class Looks(NamedTuple):
    """The bar's styles, looked up once a paint (each look-up walks the widget's ancestors)."""

    item: Style
    key: Style
    description: Style
    hover: Style


class Hint(NamedTuple):
    """One key as the bar shows it, and the columns it takes."""

    binding: Binding
    key: str
    enabled: bool
    tooltip: str
    start: int = 0
    end: int = 0


class KeyBar(Widget, can_focus=False):
    """The keys the focused widget and its ancestors answer to, on one line."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {
        "key-bar--key",
        "key-bar--description",
        "key-bar--hover",
        "key-bar--border",
    }
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        text-wrap: nowrap;
        color: $footer-foreground;
        background: $footer-background;
        .key-bar--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .key-bar--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        .key-bar--hover {
            color: $footer-key-foreground;
            background: $block-hover-background;
        }
        .key-bar--border {
            color: $foreground 20%;
        }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._hints: list[Hint] = []
        """What the last paint showed where, for the mouse."""
        self._hovered: str | None = None
        """The action of the key under the mouse."""

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, _screen: object) -> None:
        """Repaint with the new keys (as the Footer, not while the app is in the background)."""
        if self.app.app_focus:
            self.refresh()

    def render(self) -> Text:
        """The keys from the left, cut where the palette's key starts on the right."""
        width = self.size.width
        keys, palette = self._keys()
        looks = Looks(
            self.rich_style,
            self.get_component_rich_style("key-bar--key"),
            self.get_component_rich_style("key-bar--description"),
            self.get_component_rich_style("key-bar--hover"),
        )
        right = self._palette_text(palette, looks) if palette is not None else Text()
        left_width = max(0, width - right.cell_len)
        line = Text(no_wrap=True, end="")
        self._hints = []
        for hint in keys:
            start = line.cell_len
            if start >= left_width:
                break
            description = f"{hint.binding.description} "
            line.append_text(self._key_text(hint, f" {hint.key} ", description, looks))
            self._hints.append(hint._replace(start=start, end=line.cell_len))
        line.truncate(left_width, pad=True)
        if palette is not None:
            self._hints.append(palette._replace(start=left_width + 1, end=width))
        line.append_text(right)
        return line

    def _keys(self) -> tuple[list[Hint], Hint | None]:
        """The keys to show, one per action (its first binding), and the palette's key."""
        app = self.app
        active = self.screen.active_bindings
        keys: dict[str, Hint] = {}
        for _node, binding, enabled, tooltip in active.values():
            if binding.show and binding.action not in keys:
                keys[binding.action] = Hint(binding, app.get_key_display(binding), enabled, tooltip)
        palette = active.get(app.COMMAND_PALETTE_BINDING) if app.ENABLE_COMMAND_PALETTE else None
        if palette is None:
            return list(keys.values()), None
        _node, binding, enabled, _tooltip = palette
        tooltip = binding.tooltip or binding.description
        return list(keys.values()), Hint(binding, app.get_key_display(binding), enabled, tooltip)

    def _key_text(self, hint: Hint, key: str, description: str, looks: Looks) -> Text:
        """``key`` in the key's style, then ``description``; dim when disabled."""
        item = looks.item
        if hint.binding.action == self._hovered:
            item += looks.hover
        if not hint.enabled:
            item += Style(dim=True)
        text = Text.assemble((key, looks.key), (description, looks.description))
        text.stylize_before(item)
        return text

    def _palette_text(self, palette: Hint, looks: Looks) -> Text:
        """The palette's key as the Footer docks it on the right: an edge, then the key
        in the Footer's compact style, and a space."""
        edge = Text(BORDER, self.get_component_rich_style("key-bar--border"))
        key = self._key_text(palette, palette.key, f" {palette.binding.description}", looks)
        return Text.assemble(edge, key, (" ", looks.item))

    def _hint_at(self, x: int) -> Hint | None:
        """The key under column ``x``, if any."""
        return next((hint for hint in self._hints if hint.start <= x < hint.end), None)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        hint = self._hint_at(event.x)
        hovered = hint.binding.action if hint is not None else None
        if hovered != self._hovered:
            self._hovered = hovered
            self.tooltip = (hint.tooltip or None) if hint is not None else None
            self.refresh()

    def on_leave(self) -> None:
        self._hovered = None
        self.refresh()

    def on_mouse_down(self, event: events.MouseDown) -> None:
        """Press the key clicked (a bell for a disabled one), as the Footer does."""
        hint = self._hint_at(event.x)
        if hint is None:
            return
        if hint.enabled:
            self.app.simulate_key(hint.binding.key)
        else:
            self.app.bell()
