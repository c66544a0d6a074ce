"""Small modal dialogs: pick from a list, confirm, enter a line, edit a note.

Each is a :class:`Dialog` (a ``ModalScreen[T]``, which holds every dialog's look)
that answers through ``dismiss()`` (frogmouth's pattern): ``enter`` accepts,
``escape`` cancels with ``None``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TypeVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Button, Input, Label, OptionList
from textual.widgets.option_list import Option

from kbtui.scripts.hanzi import fold
from kbtui.ui.text import safe_line

if TYPE_CHECKING:
    from textual.widgets import TextArea

ResultType = TypeVar("ResultType")


class Dialog(ModalScreen[ResultType]):
    """A modal form in a box (its container has the ``dialog`` class), the base of
    every kbtui dialog: the pickers, questions, line and note editors, the find
    box, export and the refused database's choice.

    Their look lives in the dialogs' DEFAULT_CSS, not in ``app.tcss``: Textual
    parses it when the first dialog opens, not before the first frame. Those
    rules rank below ``app.tcss``'s, so each is written at least as specific as
    the widgets' own rules it overrides (an id, or one more class), as it won
    from ``app.tcss`` before.
    """

    DEFAULT_CSS = """
    .dialog {
        width: 70%;
        max-width: 100;
        height: auto;
        max-height: 80%;
        border: round $accent;
        background: $surface;
        padding: 0 1;
    }
    .dialog .detail {
        color: $text-muted;
        margin: 1 0;
    }
    .dialog .buttons {
        height: auto;
        align: right middle;
    }
    """


class PickerScreen(Dialog[str | None]):
    """Choose one of many items, filtering as you type (script-insensitively)."""

    DEFAULT_CSS = """
    #picker-options {
        height: auto;
        max-height: 20;
        border: none;
    }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]

    def __init__(
        self, title: str, items: Sequence[tuple[str, str]], *, highlighted: str | None = None
    ) -> None:
        """``items`` are (id, label) pairs; the chosen id is the result."""
        super().__init__()
        self._title = title
        self._items = list(items)
        self._highlighted = highlighted

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog picker") as box:
            box.border_title = self._title
            yield Input(placeholder="Type to filter…", id="picker-filter")
            yield OptionList(id="picker-options")

    def on_mount(self) -> None:
        self._fill("")
        self.query_one(Input).focus()

    def _fill(self, query: str) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        needle = fold(query.strip())
        for item_id, label in self._items:
            if not needle or needle in fold(label):
                options.add_option(Option(safe_line(label, 200), id=item_id))
        if self._highlighted is not None:
            ids = [opt.id for opt in options.options]
            if self._highlighted in ids:
                options.highlighted = ids.index(self._highlighted)
        elif options.option_count:
            options.highlighted = 0

    @on(Input.Changed, "#picker-filter")
    def _changed(self, event: Input.Changed) -> None:
        self._highlighted = None
        self._fill(event.value)

    @on(Input.Submitted, "#picker-filter")
    def _submitted(self) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is not None:
            self.dismiss(options.get_option_at_index(options.highlighted).id)

    @on(OptionList.OptionSelected, "#picker-options")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def on_key(self, event: object) -> None:
        key = getattr(event, "key", "")
        if key in ("down", "up") and self.query_one(Input).has_focus:
            options = self.query_one(OptionList)
            options.action_cursor_down() if key == "down" else options.action_cursor_up()

    def action_cancel(self) -> None:
        """Close without a choice."""
        self.dismiss(None)


class ConfirmScreen(Dialog[bool]):
    """A yes/no question about untrusted text (shown literally)."""

    BINDINGS = [
        Binding("escape,n", "answer(False)", "No", id="confirm.no"),
        Binding("enter,y", "answer(True)", "Yes", id="confirm.yes"),
    ]

    def __init__(self, title: str, question: str, detail: str = "") -> None:
        super().__init__()
        self._title, self._question, self._detail = title, question, detail

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog confirm") as box:
            box.border_title = self._title
            yield Label(Text(self._question))
            if self._detail:
                yield Label(safe_line(self._detail, 500), classes="detail")
            with Horizontal(classes="buttons"):
                yield Button("Yes (enter)", variant="primary", id="yes")
                yield Button("No (escape)", id="no")

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        """Answer and close."""
        self.dismiss(answer)


class ListItemSuggester(Suggester):
    """Completes the last item of a comma-separated list from known words.

    ``safety, pe`` suggests ``safety, people`` when ``people`` is known; the
    user accepts with the right arrow, as with any Textual suggestion.
    """

    def __init__(self, words: Sequence[str]) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self._words = sorted(set(words))

    async def get_suggestion(self, value: str) -> str | None:
        """The value with its last item completed, or ``None``."""
        head, sep, last = value.rpartition(",")
        stem = last.lstrip()
        if not stem:
            return None
        needle = fold(stem)
        for word in self._words:
            if fold(word).startswith(needle) and word != stem:
                return f"{head}{sep}{last[: len(last) - len(stem)]}{word}"
        return None


class LineInputScreen(Dialog[str | None]):
    """Enter one line of text (tags, names), completing from ``suggestions``."""

    DEFAULT_CSS = """
    /* the find box (FindBox, a line input): docked at the bottom like a pager's
       prompt, over the pane's border and the footer, never over the text it searches */
    LineInputScreen.find-box {
        background: transparent;
    }
    LineInputScreen.find-box .dialog {
        dock: bottom;
        width: 100%;
        max-width: 100%;
        height: 2;
        border: none;
        border-top: solid $accent;
        border-title-color: $text;
        padding: 0;
    }
    LineInputScreen.find-box #line-input {
        height: 1;
        border: none;
        padding: 0 1;
        background: $surface;
    }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]

    def __init__(
        self, title: str, value: str = "", *, hint: str = "", suggestions: Sequence[str] = ()
    ) -> None:
        super().__init__()
        self._title, self._value, self._hint = title, value, hint
        self._suggester = ListItemSuggester(suggestions) if suggestions else None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog line-input") as box:
            box.border_title = self._title
            yield Input(value=self._value, id="line-input", suggester=self._suggester)
            if self._hint:
                yield Label(safe_line(self._hint, 500), classes="detail")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        """Close without an answer."""
        self.dismiss(None)


class FindBox(LineInputScreen):
    """The reader's find box (:mod:`kbtui.ui.finding`): two lines at the bottom of the
    screen, as a pager's prompt, over the pane's border and the footer; a dialog in the
    middle covered the text it searches."""

    DEFAULT_CLASSES = "find-box"


class NoteEditorScreen(Dialog[str | None]):
    """A multi-line note editor: ``enter`` is a new line, ``ctrl+s`` saves."""

    DEFAULT_CSS = "#note-text { height: 12; }"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="note.save", priority=True),
        Binding("escape", "cancel", "Cancel", id="note.cancel", priority=True),
    ]

    def __init__(
        self,
        title: str,
        note: str = "",
        quote: str = "",
        *,
        save: Callable[[str], bool] | None = None,
    ) -> None:
        """``save``, when given, stores the note on ``ctrl+s``; the editor closes
        only once it did (so a note a full disk refused is still being edited)."""
        super().__init__()
        self._title, self._note, self._quote = title, note, quote
        self._save = save

    _area: TextArea

    def compose(self) -> ComposeResult:
        from textual.widgets import TextArea  # with its document model: ~10 ms of start-up

        with Vertical(classes="dialog note-editor") as box:
            box.border_title = self._title
            box.border_subtitle = "ctrl+s save · escape cancel"
            if self._quote:
                yield Label(safe_line(self._quote, 300), classes="detail")
            self._area = TextArea(self._note, id="note-text", soft_wrap=True, tab_behavior="indent")
            yield self._area

    def on_mount(self) -> None:
        area = self._area
        area.focus()
        area.move_cursor(area.document.end)

    def action_save(self) -> None:
        """Save the note (closing only if it was saved)."""
        text = self._area.text
        if self._save is None or self._save(text):
            self.dismiss(text)

    def action_cancel(self) -> None:
        """Close, keeping the old note."""
        self.dismiss(None)
