"""The entity keys of the reader pane: ``m`` lists mentions, ``E`` makes a name an entity.

The pane reads the mention index from its session and posts what the user
asked for (:class:`~kbtui.ui.messages.ShowEntity`,
:class:`~kbtui.ui.messages.SaveEntity`); the App lists the passages, saves
the record and indexes again. ``m`` on a shared name (``Amodei``, inferred
or not) also offers "this is …", for that mention or all of the document's:
the correction is kept in the store and applied to the index at once
(:mod:`kbtui.session.coreference`), with nothing matched again.

The corrections' module and the entity screens' are imported by the keys that
use them: the first frame needs neither (tests/test_lazy_imports.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.binding import Binding
from textual.markup import escape

from kbtui.entities.model import Entity, EntityRecord, alias_record, new_entity_record
from kbtui.entities.model import Kind as EntityKind
from kbtui.session import Session
from kbtui.ui.messages import SaveEntity, ShowEntity
from kbtui.ui.pane_base import PaneBase
from kbtui.view.sanitize import one_line

if TYPE_CHECKING:
    from kbtui.entities.mentions import Mention, MentionIndex

PASSAGES = "passages"
"""The picker item of a shared name's mention that lists the other passages."""


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

    def show_mentions(self, mentions: Iterable[Mention]) -> None:
        """Underline ``mentions`` in the reader, those inferred from context fainter."""
        found = list(mentions)
        plain = [(m.start, m.end) for m in found if not m.inferred]
        self.reader.set_mentions(plain, [(m.start, m.end) for m in found if m.inferred])

    def _index(self) -> MentionIndex | None:
        return mention_index(self.session, self.app)

    def action_mentions(self) -> None:
        """At a mention: every other passage naming its entity. Elsewhere: pick
        one of the entities this document names."""
        if self.doc is None or (index := self._index()) is None:
            return
        mention = index.mention_at(self.doc.id, self.reader.cursor_source)
        if mention is not None and (mention.shared or mention.entity_id) in index.registry:
            shared = index.registry.get(mention.shared or mention.entity_id)
            if shared is not None and shared.ambiguous:
                self._who_is_this(index, mention, shared)
                return
        if mention is not None:
            self.post_message(ShowEntity(mention.entity_id, exclude=(self.doc.id, mention.start)))
            return
        named = index.entities_in(self.doc.id)
        if not named:
            self.app.notify("This document names no known entity (select a name, then E)")
            return
        from kbtui.ui.screens.dialogs import PickerScreen

        items = [(e.id, f"{e.name}  ×{count}  {e.kind}") for e, count in named]

        def chosen(entity_id: str | None) -> None:
            if entity_id is not None:
                self.post_message(ShowEntity(entity_id))

        self.app.push_screen(PickerScreen("Entities in this document", items), chosen)

    def _who_is_this(self, index: MentionIndex, mention: Mention, shared: Entity) -> None:
        """At a shared name: its other passages, or "this is …" for this mention
        or all of the document's (a correction beats inference)."""
        from kbtui.ui.screens.dialogs import PickerScreen

        doc_id = self.doc.id if self.doc is not None else ""
        spelling = one_line(self.doc.source[mention.start : mention.end], 40) if self.doc else ""
        now = index.registry.get(mention.entity_id)
        who = now.name if now is not None else mention.entity_id
        how = "inferred" if mention.inferred else ("shared name" if now is shared else "you said")
        items = [(PASSAGES, f"Other passages of {who}")]
        for candidate in shared.candidates:
            entity = index.registry.get(candidate)
            if entity is not None:
                items.append((f"one:{candidate}", f"This is {entity.name}"))
                items.append((f"all:{candidate}", f"Every “{spelling}” here is {entity.name}"))

        def chosen(choice: str | None) -> None:
            if choice == PASSAGES:
                self.post_message(ShowEntity(mention.entity_id, exclude=(doc_id, mention.start)))
            elif choice is not None:
                every, entity_id = choice.startswith("all:"), choice.partition(":")[2]
                self._correct(index, doc_id, mention, entity_id, every)

        title = escape(one_line(f"“{spelling}”: {who} ({how})", 60))
        self.app.push_screen(PickerScreen(title, items), chosen)

    def _correct(
        self, index: MentionIndex, doc_id: str, mention: Mention, entity_id: str, every: bool
    ) -> None:
        """Keep the user's word on a shared name and show it at once."""
        from kbtui.session.coreference import correction_for, save_correction, with_correction

        correction = correction_for(index, doc_id, mention, entity_id, every)
        if correction is None:
            return
        if self.write(partial(save_correction, self.store, correction), "The correction"):
            current = self.session.mention_index or index
            self.session.mention_index = index = with_correction(current, correction)
            self.show_mentions(index.mentions_in(doc_id))
            which = "Every one here" if every else "This one"
            self.app.notify(f"{which} is now {correction.name}", markup=False)

    def action_make_entity(self) -> None:
        """Make the selection a new entity, or an alias of one."""
        from kbtui.ui.screens.dialogs import PickerScreen
        from kbtui.ui.screens.entities import NEW_ENTITY_CHOICES, selection_name

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
        from kbtui.ui.screens.dialogs import PickerScreen
        from kbtui.ui.screens.entities import entity_choices

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
