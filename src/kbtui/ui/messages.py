"""Messages the kbtui widgets send up to the App (one place to find them all)."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


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
