"""The suggestions screen: names the corpus uses that nobody registered, made entities by a key.

Reached by ``s`` in the entity browser and the palette's "Suggested
entities". The candidates are found off the UI thread
(:func:`kbtui.session.suggestions.session_suggestions`: jieba's first cut of
a corpus takes seconds) and listed most used first, with counts, a kind
guess and a few contexts. ``n`` (or ``enter``) makes the highlighted one an
entity of a kind chosen in the dialog ``E`` uses, ``a`` an alias of an
existing entity (the one it probably names highlighted), ``i`` ignores it
for good. Edits go the way of every entity edit
(:class:`~kbtui.ui.messages.SaveEntity` to the App, which saves the record
and indexes again); the candidate leaves the list at once.

The suggestion core and jieba are imported by the worker, never with the app.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.markup import escape
from textual.screen import Screen
from textual.widgets import Footer, OptionList
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from kbtui.entities.model import Kind, alias_record, new_entity_record
from kbtui.session import Session
from kbtui.ui.messages import SaveEntity
from kbtui.ui.screens.dialogs import PickerScreen
from kbtui.ui.screens.entities import NEW_ENTITY_CHOICES, entity_choices
from kbtui.ui.text import safe_line
from kbtui.view.sanitize import one_line

if TYPE_CHECKING:
    from kbtui.entities.mentions import MentionIndex
    from kbtui.entities.suggestions import Suggestion

HINT = "n/enter: new entity · a: alias of… · i: ignore · escape: close"
"""The screen's keys, under the list."""

CONTEXTS_SHOWN = 2
"""Context lines under each candidate."""

INDEX_CHECK = 0.5
"""Seconds between looks at whether the App's mention index changed (after an edit)."""

CONTEXT_SIDE = 18
"""Characters shown on each side of the name in a context line (a CJK line of
two sides and a name fits 80 columns)."""


def suggestion_prompt(suggestion: Suggestion) -> Text:
    """A candidate's option: name, counts, kind guess, the alias it may be, then
    its contexts with the name in bold (all literal: names and texts are untrusted)."""
    line = safe_line(suggestion.name, 80, style="bold")
    docs = "1 doc" if suggestion.documents == 1 else f"{suggestion.documents} docs"
    line.append(f"  {docs} · {suggestion.mentions}×", style="cyan")
    line.append(f"  {suggestion.kind}?", style="dim")
    if suggestion.alias_of is not None:
        line.append("  ")
        line.append_text(
            safe_line(f"→ alias of {suggestion.alias_of.entity.name}?", 120, style="yellow")
        )
    for context in suggestion.contexts[:CONTEXTS_SHOWN]:
        text = context.text
        before = one_line(text[: context.cut_start])[-CONTEXT_SIDE:]
        after = one_line(text[context.cut_end :])[:CONTEXT_SIDE]
        line.append("\n  › ", style="dim")
        line.append(before, style="dim")
        line.append(one_line(text[context.cut_start : context.cut_end], 80), style="bold")
        line.append(after, style="dim")
    return line


def open_suggestions(app: App[Any], session: Session) -> None:
    """Push the screen, once the mention index is built (the user is told to wait before)."""
    index = session.mention_index
    if index is None:
        app.notify("Entities are still being indexed…")
        return
    app.push_screen(SuggestionsScreen(session, index))


class SuggestionList(OptionList):
    """The candidates; the screen's keys act on the highlighted one."""


class SuggestionsScreen(Screen[None]):
    """Unregistered names, most used first; keys make them entities, aliases, or ignore them."""

    CSS_PATH = "entities.tcss"
    BINDINGS = [
        Binding("escape", "close", "Close", id="suggestions.close"),
        Binding("n", "new_entity", "New entity", id="suggestions.new"),
        Binding("a", "alias", "Alias of…", id="suggestions.alias"),
        Binding("i", "ignore", "Ignore", id="suggestions.ignore"),
    ]

    def __init__(self, session: Session, index: MentionIndex) -> None:
        """The candidates of ``session``'s corpus against ``index`` (its registry and
        mentions), found when the screen mounts."""
        super().__init__()
        self._session = session
        self._index = index
        self.suggestions: list[Suggestion] = []
        """What the list shows, in its order (empty until found)."""
        self.ready = False
        """Whether the candidates were found once."""
        self._finding = True

    def compose(self) -> ComposeResult:
        with Vertical(id="entities") as box:
            box.border_title = "Suggested entities"
            box.border_subtitle = "finding names…"
            yield SuggestionList(id="entity-list")
        yield Footer()

    def on_mount(self) -> None:
        options = self.query_one(SuggestionList)
        options.loading = True
        options.focus()
        self._find()
        self.set_interval(INDEX_CHECK, self._follow_index)

    def _follow_index(self) -> None:
        """Find the candidates again once the App has indexed an edit: a new entity
        leaves the list, and its other spellings are then offered as its aliases
        (the documents' candidates come from the cache: no second cut)."""
        index = self._session.mention_index
        if self.ready and not self._finding and index is not None and index is not self._index:
            self._index = index
            self._finding = True
            self._find()

    @property
    def up_to_date(self) -> bool:
        """Whether the list is found against the App's latest index (for tests)."""
        return self.ready and not self._finding and self._index is self._session.mention_index

    @work(thread=True, exclusive=True, group="suggestions", description="find")
    def _find(self) -> None:
        """Cut and gather the corpus off the UI thread (seconds on a first pass)."""
        from kbtui.entities.suggestions_scan import SegmenterMissing
        from kbtui.session.suggestions import session_suggestions

        worker = get_current_worker()
        try:
            found = session_suggestions(
                self._session,
                self._index,
                progress=lambda done, total: self._from_worker(self._progress, done, total),
                cancelled=lambda: worker.is_cancelled,
            )
        except (OSError, SegmenterMissing) as exc:
            self._from_worker(self._failed, str(exc))
            return
        self._from_worker(self._show, found)

    def _from_worker(self, callback: Callable[..., object], *args: object) -> None:
        """Run ``callback`` on the UI thread, unless the screen was closed meanwhile."""
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(callback, *args)

    def _progress(self, done: int, total: int) -> None:
        if not self.ready and self.is_mounted:
            box = self.query_one("#entities")
            box.border_subtitle = f"finding names… {done} of {total} documents"

    def _failed(self, why: str) -> None:
        self.app.notify(why, severity="error", markup=False)
        self.dismiss(None)

    def _show(self, found: Sequence[Suggestion]) -> None:
        """List ``found``, the highlight kept on the candidate it was on, if still there."""
        current = self.current.key if self.current is not None else None
        keys = [suggestion.key for suggestion in found]
        self.suggestions = list(found)
        self.ready, self._finding = True, False
        self.query_one(SuggestionList).loading = False
        self._fill(keys.index(current) if current in keys else 0)

    def _fill(self, keep: int) -> None:
        options = self.query_one(SuggestionList)
        options.clear_options()
        options.add_options(
            Option(suggestion_prompt(s), id=f"s-{i}") for i, s in enumerate(self.suggestions)
        )
        if self.suggestions:
            options.highlighted = min(keep, len(self.suggestions) - 1)
        count = len(self.suggestions)
        self.query_one("#entities").border_subtitle = f"{count} names · {HINT}"

    @property
    def current(self) -> Suggestion | None:
        """The highlighted candidate."""
        index = self.query_one(SuggestionList).highlighted
        if index is None or index >= len(self.suggestions):
            return None
        return self.suggestions[index]

    def _done_with(self, suggestion: Suggestion) -> None:
        """Take a candidate off the list (made an entity, an alias, or ignored)."""
        if suggestion in self.suggestions:
            place = self.suggestions.index(suggestion)
            self.suggestions.remove(suggestion)
            self._fill(place)

    @on(OptionList.OptionSelected, "#entity-list")
    def _selected(self) -> None:
        self.action_new_entity()

    def action_close(self) -> None:
        """Back to where the screen was opened."""
        self.dismiss(None)

    def action_new_entity(self) -> None:
        """Make the highlighted candidate an entity, of a kind the user picks."""
        suggestion = self.current
        if suggestion is None:
            return

        def chosen(choice: str | None) -> None:
            if choice == "alias":
                self._pick_alias(suggestion)
            elif choice is not None:
                record = new_entity_record(suggestion.name, Kind(choice))
                self._save(suggestion, SaveEntity(record, f"New entity: {suggestion.name}"))

        title = escape(one_line(f"Make “{suggestion.name}”", 60))
        guess = str(suggestion.kind if suggestion.alias_of is None else "alias")
        self.app.push_screen(PickerScreen(title, NEW_ENTITY_CHOICES, highlighted=guess), chosen)

    def action_alias(self) -> None:
        """Make the highlighted candidate an alias of an entity (the probable one first)."""
        if (suggestion := self.current) is not None:
            self._pick_alias(suggestion)

    def _pick_alias(self, suggestion: Suggestion) -> None:
        entities = self._index.registry.entities
        by_id = {entity.id: entity for entity in entities}
        probable = suggestion.alias_of.entity.id if suggestion.alias_of is not None else None

        def chosen(entity_id: str | None) -> None:
            entity = by_id.get(entity_id or "")
            if entity is not None:
                record = alias_record(entity, suggestion.name)
                self._save(
                    suggestion, SaveEntity(record, f"{suggestion.name} is now {entity.name}")
                )

        title = escape(one_line(f"“{suggestion.name}” is an alias of…", 60))
        first = (probable,) if probable else ()
        picker = PickerScreen(title, entity_choices(entities, first), highlighted=probable)
        self.app.push_screen(picker, chosen)

    def _save(self, suggestion: Suggestion, message: SaveEntity) -> None:
        self.post_message(message)
        self._done_with(suggestion)

    def action_ignore(self) -> None:
        """Never suggest the highlighted candidate again (in any spelling)."""
        from kbtui.session.suggestions import ignore_name, ignored_file

        suggestion = self.current
        if suggestion is None:
            return
        if self._session.read_only:
            self.app.notify("Read-only: nothing is remembered", severity="warning")
            return
        try:
            ignore_name(ignored_file(self._session.db_path), suggestion.name)
        except OSError as exc:
            self.app.notify(f"Not ignored: {exc}", severity="error", markup=False)
            return
        self.app.notify(f"Ignored: {suggestion.name}", markup=False)
        self._done_with(suggestion)
