"""The entity keys of the reader pane: ``m`` lists mentions, ``E`` makes a name an entity.

The pane reads the mention index from its session and posts what the user
asked for (:class:`~kbtui.ui.messages.ShowEntity`,
:class:`~kbtui.ui.messages.SaveEntity`); the App lists the passages, saves
the record and indexes again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.binding import Binding
from textual.markup import escape

from kbtui.entities.model import Entity, EntityRecord, alias_record, new_entity_record
from kbtui.entities.model import Kind as EntityKind
from kbtui.session import Session
from kbtui.ui.messages import SaveEntity, ShowEntity
from kbtui.ui.pane_base import PaneBase
from kbtui.ui.screens.dialogs import PickerScreen
from kbtui.ui.screens.entities import NEW_ENTITY_CHOICES, entity_choices, selection_name
from kbtui.view.sanitize import one_line

if TYPE_CHECKING:
    from kbtui.entities.mentions import MentionIndex


def mention_index(session: Session, app: App[Any]) -> MentionIndex | None:
    """The session's mention index; while the first build runs, None (and the user is told)."""
    index = session.mention_index
    if index is None:
        app.notify("Entities are still being indexed…")
    return index


class EntityActions(PaneBase):
    """The entity keys, one of the groups :class:`~kbtui.ui.pane.DocumentPane` is made of."""

    ENTITY_BINDINGS = [
        Binding("m", "mentions", "Mentions", id="reader.mentions"),
        Binding("E", "make_entity", "Make entity", id="reader.entity", show=False),
    ]

    def _index(self) -> MentionIndex | None:
        return mention_index(self.session, self.app)

    def action_mentions(self) -> None:
        """At a mention: every other passage naming its entity. Elsewhere: pick
        one of the entities this document names."""
        if self.doc is None or (index := self._index()) is None:
            return
        mention = index.mention_at(self.doc.id, self.reader.cursor_source)
        if mention is not None:
            self.post_message(ShowEntity(mention.entity_id, exclude=(self.doc.id, mention.start)))
            return
        named = index.entities_in(self.doc.id)
        if not named:
            self.app.notify("This document names no known entity (select a name, then E)")
            return
        items = [(e.id, f"{e.name}  ×{count}  {e.kind}") for e, count in named]

        def chosen(entity_id: str | None) -> None:
            if entity_id is not None:
                self.post_message(ShowEntity(entity_id))

        self.app.push_screen(PickerScreen("Entities in this document", items), chosen)

    def action_make_entity(self) -> None:
        """Make the selection a new entity, or an alias of one."""
        selection = self._selection()
        if self.doc is None or selection is None:
            self.app.notify("Select a name first: v, then move (or shift+arrows)")
            return
        name = selection_name(self.doc.source[selection[0] : selection[1]])
        if (index := self._index()) is None:
            return
        if name is None:
            self.app.notify("Select at least two characters: shorter names are not matched")
            return
        known = index.registry.lookup(name)
        if known is not None and not known.ambiguous:
            self.app.notify(f"{name} is already a name of {known.name}", markup=False)
            return

        def chosen(choice: str | None) -> None:
            if choice == "alias":
                self._pick_alias_target(name, index.registry.entities, known)
            elif choice is not None:
                self._save_entity(
                    new_entity_record(name, EntityKind(choice)), f"New entity: {name}"
                )

        title = escape(one_line(f"Make “{name}”", 60))
        self.app.push_screen(PickerScreen(title, NEW_ENTITY_CHOICES), chosen)

    def _pick_alias_target(self, name: str, entities: list[Entity], shared: Entity | None) -> None:
        """Choose the entity ``name`` becomes an alias of (a shared name's candidates first)."""
        by_id = {e.id: e for e in entities}
        first = shared.candidates if shared is not None else ()

        def chosen(entity_id: str | None) -> None:
            entity = by_id.get(entity_id or "")
            if entity is not None:
                self._save_entity(alias_record(entity, name), f"{name} is now {entity.name}")

        title = escape(one_line(f"“{name}” is an alias of…", 60))
        self.app.push_screen(PickerScreen(title, entity_choices(entities, first)), chosen)

    def _save_entity(self, record: EntityRecord, done: str) -> None:
        self.reader.clear_selection()
        self.post_message(SaveEntity(record, done))
