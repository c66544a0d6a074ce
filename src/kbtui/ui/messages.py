"""Messages the kbtui widgets and screens send up to the App (one place to find them all).

Widgets never call the App: they post one of these and the App, which
composes them, routes it (to the Session, to another widget, to a screen).
So a widget can be mounted and tested alone, and no module under ``ui/``
imports the App.

They are plain classes, not dataclasses: these twelve are imported before
the first frame, and as dataclasses their definitions cost ~3 ms of it.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.message import Message

from kbtui.annotations.model import Annotation
from kbtui.documents.model import Document
from kbtui.entities.model import EntityRecord
from kbtui.scripts.chains import Backend, Variant


class OpenDocument(Message):
    """Open ``doc_id`` in the reader, at ``source_offset`` when given.

    ``focus_reader`` moves focus to the reader (as ``enter`` in the list does);
    a mere highlight in the list does not.
    """

    def __init__(
        self, doc_id: str, source_offset: int | None = None, focus_reader: bool = True
    ) -> None:
        self.doc_id = doc_id
        self.source_offset = source_offset
        self.focus_reader = focus_reader
        super().__init__()


class JumpTo(Message):
    """Move the reader's cursor to a source offset of the open document."""

    def __init__(self, source_offset: int, source_end: int | None = None) -> None:
        self.source_offset = source_offset
        self.source_end = source_end
        super().__init__()


class AnnotationsShown(Message):
    """The reader shows ``annotations`` of ``doc``: the sidebar lists them.

    ``quotes`` are the annotations' text as the reader's script shows it.
    A script toggle sends one per conversion step, so a newer one replaces an
    older one still waiting.
    """

    def __init__(
        self,
        doc: Document,
        doc_tags: Sequence[str],
        annotations: Sequence[Annotation],
        quotes: Sequence[str],
    ) -> None:
        self.doc = doc
        self.doc_tags = doc_tags
        self.annotations = annotations
        self.quotes = quotes
        super().__init__()

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, AnnotationsShown)


class AnnotationsChanged(Message):
    """The annotations or tags of ``doc_id`` changed in the store: its list row is redrawn."""

    def __init__(self, doc_id: str) -> None:
        self.doc_id = doc_id
        super().__init__()


class ShowEntity(Message):
    """List the passages naming ``entity_id`` (``exclude``: the mention the user is on)."""

    def __init__(self, entity_id: str, exclude: tuple[str, int] | None = None) -> None:
        self.entity_id = entity_id
        self.exclude = exclude
        super().__init__()


class FilterByEntity(Message):
    """Show only the documents naming ``entity_id`` in the list (escape there clears it)."""

    def __init__(self, entity_id: str) -> None:
        self.entity_id = entity_id
        super().__init__()


class SaveEntity(Message):
    """Keep an entity edit (a new entity, an alias, a rename, a merge), then index again.

    ``done`` says what changed, shown once the new index is ready.
    """

    def __init__(self, record: EntityRecord, done: str) -> None:
        self.record = record
        self.done = done
        super().__init__()


class ExportAnnotations(Message):
    """Open the export dialog; ``doc_id`` is the open document, offered as the scope."""

    def __init__(self, doc_id: str | None) -> None:
        self.doc_id = doc_id
        super().__init__()


class DefaultScriptChosen(Message):
    """Make ``variant`` the script documents open in and the list's titles use."""

    def __init__(self, variant: Variant) -> None:
        self.variant = variant
        super().__init__()


class ConversionChosen(Message):
    """Convert with ``backend`` from now on (the ``conversion`` setting): every view,
    title and passage, the open document at once."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        super().__init__()


class LookupShown(Message):
    """The look-up panel opened (``open``) or closed: it takes the sidebar's room meanwhile."""

    def __init__(self, open: bool) -> None:
        self.open = open
        super().__init__()


class SettingToggled(Message):
    """Turn a true-or-false setting of the reading aids over (``zhuyin``, ``pinyin_search``)."""

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__()
