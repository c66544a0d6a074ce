"""The look-up panel: the dictionary word at the reader's cursor, beside the text (issue 15).

It shows the headword in Simplified and Traditional, the reading in context
with tone marks, each syllable coloured by its tone as Zhongwen does (first
red, second orange, third green, fourth blue, neutral grey: the
``lookup-panel--tone*`` component classes, coloured in ``app.tcss`` for dark
and light themes alike), zhuyin when the setting asks, the entity a name
belongs to, and the senses. ``c`` shows the word's characters one by one.

The panel is docked at the reader's right inside the pane, so it never
covers the line being read; it is shown and hidden by :attr:`LookupPanel.open`
(a CSS class), never mounted and unmounted. While open it has the focus, so
its keys (``n``/``b`` step, ``c``, ``r``, ``escape``) are its own; it posts
what was asked (:class:`LookupPanel.Step`, ``Characters``, ``Add``,
``Closed``) and the pane (:mod:`kbtui.ui.looking`) does it.

The word and the entity name come from documents and the registry: every
line is built as literal :class:`~rich.text.Text` from printable text,
never parsed as markup.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Static

from kbtui.lookup.render import headword
from kbtui.view.sanitize import printable

if TYPE_CHECKING:
    from kbtui.lookup.model import DictEntry, LookupResult
    from kbtui.lookup.syllables import Syllable

TONE_CLASSES = tuple(f"lookup-panel--tone{tone}" for tone in range(6))
"""Component classes by tone: 0 (no syllable), 1-4, 5 (neutral)."""

ToneStyle = Callable[[int], Style]
"""The style of a syllable of each tone (0-5)."""


def _plain(text: str) -> str:
    return printable(text, keep_newlines=False)


def reading_text(syllables: Sequence[Syllable], tone_style: ToneStyle, *, zhuyin: bool) -> Text:
    """``ān quán``, each syllable in its tone's colour, and the zhuyin after it if asked."""
    line = Text()
    for i, syllable in enumerate(syllables):
        line.append(" " if i else "")
        line.append(_plain(syllable.marked), style=tone_style(syllable.tone))
    if zhuyin and syllables:
        line.append("  ")
        for i, syllable in enumerate(syllables):
            line.append(" " if i else "")
            line.append(_plain(syllable.zhuyin), style=tone_style(syllable.tone))
    return line


def word_text(result: LookupResult, tone_style: ToneStyle, *, zhuyin: bool) -> Text:
    """The whole panel for one word: headwords, reading, entity, then each entry's senses."""
    out = Text(_plain(headword(result)), style="bold")
    out.append("\n")
    out.append_text(reading_text(result.syllables, tone_style, zhuyin=zhuyin))
    if result.entity:
        out.append("\nentity: ", style="dim")
        out.append(_plain(result.entity), style="italic")
    for entry in result.entries:
        if len(result.entries) > 1 or entry.syllables != result.syllables:
            out.append("\n")
            out.append_text(_entry_heading(entry, result, tone_style, zhuyin=zhuyin))
        for sense in entry.definitions:
            out.append("\n• ", style="dim")
            out.append(_plain(sense))
    if not result.entries:
        out.append("\n(a name the dictionary lacks)", style="dim")
    return out


def _entry_heading(
    entry: DictEntry, result: LookupResult, tone_style: ToneStyle, *, zhuyin: bool
) -> Text:
    heading = Text()
    if (entry.simplified, entry.traditional) != (result.simplified, result.traditional):
        words = dict.fromkeys((entry.simplified, entry.traditional))
        heading.append(_plain(" ".join(words)) + " ", style="bold")
    heading.append_text(reading_text(entry.syllables, tone_style, zhuyin=zhuyin))
    return heading


def characters_text(
    result: LookupResult, characters: Sequence[LookupResult], tone_style: ToneStyle
) -> Text:
    """The word's characters one by one: each with its reading in the word and first senses."""
    out = Text(_plain(headword(result)), style="bold")
    out.append(" · characters", style="dim")
    for char in characters:
        out.append("\n\n")
        out.append(_plain(headword(char)) + "  ", style="bold")
        out.append_text(reading_text(char.syllables, tone_style, zhuyin=False))
        for sense in char.definitions[:3]:
            out.append("\n• ", style="dim")
            out.append(_plain(sense))
    if not characters:
        out.append("\n(no character of it is in the dictionary)", style="dim")
    return out


class LookupPanel(VerticalScroll, can_focus=True):
    """The look-up panel; see the module's docstring."""

    COMPONENT_CLASSES: ClassVar[set[str]] = set(TONE_CLASSES)

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "step(True)", "Next word", id="lookup.next"),
        Binding("b", "step(False)", "Previous word", id="lookup.previous"),
        Binding("c", "characters", "Characters", id="lookup.characters"),
        Binding("r", "add", "Add to word list", id="lookup.add"),
        Binding("escape", "close", "Close", id="lookup.close"),
    ]

    open: reactive[bool] = reactive(False)
    """Shown beside the reader (the ``-open`` class; ``app.tcss`` decides the rest)."""

    @dataclass
    class Step(Message):
        """Look up the next (``forward``) or the previous word."""

        forward: bool

    class Characters(Message):
        """Show the current word's characters one by one (again: the word)."""

    class Add(Message):
        """Add the current word to the word list."""

    class Closed(Message):
        """The panel was closed (the reader takes the focus back)."""

    def compose(self) -> ComposeResult:
        yield Static(id="lookup-body")

    def watch_open(self, open: bool) -> None:
        self.set_class(open, "-open")

    def show_word(self, result: LookupResult, *, zhuyin: bool) -> None:
        """Show ``result``: headwords, reading, entity and senses."""
        self._show(word_text(result, self._tone_style, zhuyin=zhuyin), headword(result))

    def show_characters(self, result: LookupResult, characters: Sequence[LookupResult]) -> None:
        """Show ``result``'s characters one by one."""
        self._show(characters_text(result, characters, self._tone_style), headword(result))

    def show_notice(self, notice: str) -> None:
        """A line instead of a word: loading, nothing here, an error."""
        self._show(Text(notice, style="italic"), "Look-up")

    def _show(self, body: Text, title: str) -> None:
        self.border_title = _plain(title)
        self.query_one("#lookup-body", Static).update(body)
        self.scroll_home(animate=False)

    def _tone_style(self, tone: int) -> Style:
        return self.get_component_rich_style(TONE_CLASSES[tone if 0 <= tone < 6 else 0])

    def action_step(self, forward: bool) -> None:
        """The next or previous word."""
        self.post_message(self.Step(forward))

    def action_characters(self) -> None:
        """The word's characters, or the word again."""
        self.post_message(self.Characters())

    def action_add(self) -> None:
        """Add the word to the word list."""
        self.post_message(self.Add())

    def action_close(self) -> None:
        """Close the panel."""
        self.post_message(self.Closed())
