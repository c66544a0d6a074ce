"""Entities in the UI: the entity browser (``M``), and the lists and labels the
mentions panel, the pickers and the command palette share.

The browser lists every entity with its kind, aliases and counts, filtered
as you type in any script. From its list, ``enter`` shows the entity's
passages, ``r`` renames it, ``m`` merges it into another entity and ``f``
filters the document list by it; ``s`` lists the names nobody registered.
Edits are posted to the App (:class:`~kbtui.ui.messages.SaveEntity`), which
saves a user record and rebuilds the index; the browser is refilled when
that is done.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.markup import escape
from textual.screen import Screen
from textual.widgets import Footer, Input, OptionList
from textual.widgets.option_list import Option

from kbtui.entities.model import (
    Entity,
    Kind,
    merge_record,
    rename_record,
)
from kbtui.entities.names import clean_name, name_key
from kbtui.scripts.hanzi import fold
from kbtui.session import Session
from kbtui.session.entities import EntityRow, describe, name_of
from kbtui.ui.messages import FilterByEntity, SaveEntity, ShowEntity
from kbtui.ui.screens.dialogs import ConfirmScreen, LineInputScreen, PickerScreen
from kbtui.ui.text import safe_line
from kbtui.view.sanitize import one_line

NEW_ENTITY_CHOICES: list[tuple[str, str]] = [
    (str(Kind.PERSON), "New entity: person"),
    (str(Kind.ORGANISATION), "New entity: organisation"),
    (str(Kind.PRODUCT), "New entity: product"),
    (str(Kind.OTHER), "New entity: other"),
    ("alias", "Alias of an existing entity…"),
]
"""What ``E`` offers to make of a selection."""


BROWSER_HINT = "enter passages · tab: r rename, m merge, f filter, s suggest"
"""The browser's keys, shown under the list: those of the list are not in the
footer while the filter box has the focus."""


MAX_SHOWN = 1000
"""Rows the browser lists at once, most named first: typing narrows the rest."""


def entity_line(row: EntityRow, names: Callable[[str], str] | None = None) -> Text:
    """A browser row: the name in bold, counts, then kind and aliases dimmed (all literal)."""
    line = safe_line(row.entity.name, 80, style="bold")
    docs = "1 doc" if row.documents == 1 else f"{row.documents} docs"
    line.append(f"  {docs} · {row.mentions}×", style="cyan")
    line.append("  ")
    line.append_text(safe_line(describe(row.entity, names), 200, style="dim"))
    return line


def entity_choices(entities: Iterable[Entity], first: Sequence[str] = ()) -> list[tuple[str, str]]:
    """Picker items ``(id, label)`` for entities that can be edited (no shared
    names), those whose ids are in ``first`` first, the rest by name."""
    usable = [e for e in entities if not e.ambiguous]
    usable.sort(key=lambda e: (e.id not in first, fold(e.name)))
    return [(e.id, f"{e.name} · {describe(e)}") for e in usable]


class EntityList(OptionList):
    """The browser's list; its keys act on the highlighted entity."""

    BINDINGS = [
        Binding("r", "screen.rename", "Rename", id="entities.rename"),
        Binding("m", "screen.merge", "Merge into…", id="entities.merge"),
        Binding("f", "screen.filter_documents", "Filter documents", id="entities.filter"),
        Binding("slash", "screen.focus_filter", "Find", key_display="/", id="entities.find"),
        Binding("s", "screen.suggestions", "Suggested", id="entities.suggest"),
    ]


class EntityBrowserScreen(Screen[None]):
    """Every entity, filtered as you type; ``enter`` lists its passages."""

    CSS_PATH = "entities.tcss"
    BINDINGS = [
        Binding("escape", "close", "Close", id="entities.close"),
        Binding("down", "move(1)", "Down", show=False, id="entities.down"),
        Binding("up", "move(-1)", "Up", show=False, id="entities.up"),
    ]

    def __init__(self, session: Session, rows: Sequence[EntityRow], query: str = "") -> None:
        """``rows`` are the entities of ``session``'s mention index
        (:func:`kbtui.session.entities.entity_rows`); the index answers renames and merges."""
        super().__init__()
        self._session = session
        self._query = query
        self._rows: list[tuple[EntityRow, str]] = []
        self._shown: list[EntityRow] = []
        self._take(rows)

    def compose(self) -> ComposeResult:
        with Vertical(id="entities") as box:
            box.border_title = "Entities"
            yield Input(value=self._query, placeholder="Filter (any script)…", id="entity-filter")
            yield EntityList(id="entity-list")
        yield Footer()

    def on_mount(self) -> None:
        self._fill()
        self.query_one(Input).focus()

    def _take(self, rows: Sequence[EntityRow]) -> None:
        """Keep the rows with the folded text the filter searches, folded once."""
        self._rows = [(row, row.haystack()) for row in rows]

    def set_rows(self, rows: Sequence[EntityRow]) -> None:
        """Replace the entities (after an edit), keeping the filter and the highlight's place."""
        self._take(rows)
        self._fill(keep=self.query_one(EntityList).highlighted or 0)

    def _fill(self, keep: int = 0) -> None:
        words = fold(self.query_one(Input).value.strip()).split()
        matching = [row for row, text in self._rows if all(w in text for w in words)]
        self._shown = matching[:MAX_SHOWN]
        options = self.query_one(EntityList)
        options.clear_options()
        names = self._name_of
        options.add_options(
            Option(entity_line(row, names), id=f"e-{i}") for i, row in enumerate(self._shown)
        )
        if self._shown:
            options.highlighted = min(keep, len(self._shown) - 1)
        box = self.query_one("#entities")
        box.border_subtitle = f"{len(matching)} of {len(self._rows)} · {BROWSER_HINT}"

    def _name_of(self, entity_id: str) -> str:
        index = self._session.mention_index
        return name_of(index, entity_id) if index is not None else entity_id

    @property
    def current(self) -> Entity | None:
        """The highlighted entity."""
        index = self.query_one(EntityList).highlighted
        if index is None or index >= len(self._shown):
            return None
        return self._shown[index].entity

    @on(Input.Changed, "#entity-filter")
    def _changed(self) -> None:
        self._fill()

    @on(Input.Submitted, "#entity-filter")
    def _submitted(self) -> None:
        self._open(self.current)

    @on(OptionList.OptionSelected, "#entity-list")
    def _selected(self) -> None:
        self._open(self.current)

    def _open(self, entity: Entity | None) -> None:
        if entity is not None:
            self.post_message(ShowEntity(entity.id))

    def action_move(self, step: int) -> None:
        """Move the highlight while typing in the filter."""
        options = self.query_one(EntityList)
        if options.option_count:
            options.highlighted = ((options.highlighted or 0) + step) % options.option_count

    def action_focus_filter(self) -> None:
        """Back to the filter box."""
        self.query_one(Input).focus()

    def action_close(self) -> None:
        """Back to the reader."""
        self.dismiss(None)

    def action_suggestions(self) -> None:
        """The names the corpus uses that no entity has (:mod:`.suggestions`)."""
        from kbtui.ui.screens.suggestions import open_suggestions

        open_suggestions(self.app, self._session)

    def action_filter_documents(self) -> None:
        """Show only the documents that name the highlighted entity."""
        if (entity := self.current) is not None:
            self.post_message(FilterByEntity(entity.id))

    def action_rename(self) -> None:
        """Rename the highlighted entity; its old name stays an alias."""
        entity = self.current
        if entity is None or not self._editable(entity):
            return

        def entered(text: str | None) -> None:
            name = clean_name(text or "")
            if name and name != entity.name:
                self._rename(entity, name)

        hint = "The old name stays an alias. A name another entity has merges the two."
        self.app.push_screen(LineInputScreen("Rename", entity.name, hint=hint), entered)

    def _rename(self, entity: Entity, name: str) -> None:
        record = rename_record(entity, name)
        index = self._session.mention_index
        owner = index.registry.lookup(name) if index is not None else None
        if owner is None or owner.id == entity.id or owner.ambiguous:
            self.post_message(SaveEntity(record, f"Renamed {entity.name} to {name}"))
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.post_message(SaveEntity(record, f"Merged {entity.name} into {name}"))

        question = f"{owner.name} already has this name. Merge {entity.name} into it?"
        self.app.push_screen(ConfirmScreen("Rename", question, name), answered)

    def action_merge(self) -> None:
        """Merge the highlighted entity into another, chosen from a picker."""
        entity = self.current
        index = self._session.mention_index
        if entity is None or index is None or not self._editable(entity):
            return
        others = [e for e in index.registry.entities if e.id != entity.id]
        registry = index.registry

        def chosen(entity_id: str | None) -> None:
            keep = registry.get(entity_id) if entity_id else None
            if keep is not None:
                self._confirm_merge(keep, entity)

        title = escape(one_line(f"Merge {entity.name} into…", 120))
        self.app.push_screen(PickerScreen(title, entity_choices(others)), chosen)

    def _confirm_merge(self, keep: Entity, absorb: Entity) -> None:
        def answered(yes: bool | None) -> None:
            if yes:
                record = merge_record(keep, absorb)
                self.post_message(SaveEntity(record, f"Merged {absorb.name} into {keep.name}"))

        question = f"Merge {absorb.name} into {keep.name}? Its names become aliases of {keep.name}."
        self.app.push_screen(ConfirmScreen("Merge", question), answered)

    def _editable(self, entity: Entity) -> bool:
        """Whether the user may rename or merge ``entity``; says why not."""
        if entity.ambiguous:
            self.app.notify(
                f"{entity.name} is a name shared by several entities: make it an alias of one "
                "of them instead (select it in a document, then E)",
                severity="warning",
                markup=False,
            )
            return False
        return True


def selection_name(text: str) -> str | None:
    """The selected text as a name, or ``None`` when it is too short to be matched."""
    from kbtui.entities.matcher import MIN_KEY_CHARS  # the matcher loads after the first paint

    name = clean_name(text)
    return name if len(name_key(name)) >= MIN_KEY_CHARS else None
