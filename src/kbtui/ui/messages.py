"""Messages the kbtui widgets and screens send up to the App (one place to find them all).

Widgets never call the App: they post one of these and the App, which
composes them, routes it (to the Session, to another widget, to a screen).
So a widget can be mounted and tested alone, and no module under ``ui/``
imports the App.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual.message import Message

from kbtui.annotations.model import Annotation
from kbtui.documents.model import Document
from kbtui.entities.model import EntityRecord
from kbtui.scripts.chains import Backend
from kbtui.scripts.views import Variant


@dataclass
class OpenDocument(Message):
    """Open ``doc_id`` in the reader, at ``source_offset`` when given.

    ``focus_reader`` moves focus to the reader (as ``enter`` in the list does);
    a mere highlight in the list does not.
    """

    doc_id: str
    source_offset: int | None = None
    focus_reader: bool = True


@dataclass
class JumpTo(Message):
    """Move the reader's cursor to a source offset of the open document."""

    source_offset: int
    source_end: int | None = None


@dataclass
class AnnotationsShown(Message):
    """The reader shows ``annotations`` of ``doc``: the sidebar lists them.

    ``quotes`` are the annotations' text as the reader's script shows it.
    A script toggle sends one per conversion step, so a newer one replaces an
    older one still waiting.
    """

    doc: Document
    doc_tags: Sequence[str]
    annotations: Sequence[Annotation]
    quotes: Sequence[str]

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, AnnotationsShown)


@dataclass
class AnnotationsChanged(Message):
    """The annotations or tags of ``doc_id`` changed in the store: its list row is redrawn."""

    doc_id: str


@dataclass
class ShowEntity(Message):
    """List the passages naming ``entity_id`` (``exclude``: the mention the user is on)."""

    entity_id: str
    exclude: tuple[str, int] | None = None


@dataclass
class FilterByEntity(Message):
    """Show only the documents naming ``entity_id`` in the list (escape there clears it)."""

    entity_id: str


@dataclass
class SaveEntity(Message):
    """Keep an entity edit (a new entity, an alias, a rename, a merge), then index again.

    ``done`` says what changed, shown once the new index is ready.
    """

    record: EntityRecord
    done: str


@dataclass
class ExportAnnotations(Message):
    """Open the export dialog; ``doc_id`` is the open document, offered as the scope."""

    doc_id: str | None


@dataclass
class DefaultScriptChosen(Message):
    """Make ``variant`` the script documents open in and the list's titles use."""

    variant: Variant


@dataclass
class ConversionChosen(Message):
    """Convert with ``backend`` from now on (the ``conversion`` setting): every view,
    title and passage, the open document at once."""

    backend: Backend


@dataclass
class LookupShown(Message):
    """The look-up panel opened (``open``) or closed: it takes the sidebar's room meanwhile."""

    open: bool


@dataclass
class SettingToggled(Message):
    """Turn a true-or-false setting of the reading aids over (``zhuyin``, ``pinyin_search``)."""

    name: str
