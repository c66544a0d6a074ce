"""A table of the main file kept as its JSON text until something reads it.

The main file holds one table per line (:mod:`kbtui.annotations.layout`), each
line checksummed, so a table's text can be kept without decoding it: a document with
146,000 annotations is a second of ``json.loads`` and 300 MB of dicts that opening
another document, or importing one annotation, has no use for.
An :class:`Unread` stands in the storage's tables for such a table. Operations the
journal or a write brings for it wait in :attr:`Unread.ops` and are applied when it
is decoded; meanwhile :meth:`Unread.lookup` can often say, from the text and those
operations alone, whether it holds a record, and :meth:`Unread.size` how many.

Apart from the storage because it is the one place that knows a table may not be
a dict yet; :class:`~kbtui.annotations.changes.LiveTables` decodes one whenever it
is reached as a dict.

A table is decoded by orjson, in half the time of ``json.loads`` (0.6 against
1.2-1.4 s CPU for those 146,000 records). It refuses what kbtui's own reader
(:func:`~kbtui.annotations.files.loads`) refuses, ``NaN``, ``Infinity``, ``1e999``,
and a little more (a lone surrogate's escape, a whole number past 64 bits): such a
text is decoded again by kbtui's reader, which judges it as ever.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from kbtui.annotations.bulk import collector_paused
from kbtui.annotations.errors import unreadable
from kbtui.annotations.files import dumps, loads

TEXT_LOOKUPS = 16
"""Up to this many keys are looked for in a table's text (each search about 30 ms in
80 MB), in all, before it is decoded instead (about a second): an import of one
annotation never decodes it, a session adding one after another does, once, early (each
add searched the text twice: 23.5 ms an add at 50,000 annotations on one document)."""

Lookup = tuple[bool, dict[str, Any] | None]
"""Whether the answer is known without decoding, and the record (``None``: none)."""


class Unread:
    """One table's JSON text as the main file holds it, and what changed it since."""

    __slots__ = ("count", "name", "ops", "searches", "text", "where")

    def __init__(self, name: str, text: bytes, count: int, where: Path) -> None:
        self.name = name
        self.text = text
        """The table's JSON object, as written (UTF-8)."""
        self.count = count
        """How many records the text holds (the main file's index says)."""
        self.ops: list[list[Any]] = []
        """Journal operations on single records (``p``, ``d``) to apply after decoding."""
        self.where = where
        """The main file, for messages."""
        self.searches = 0
        """How many keys were looked for in :attr:`text` (:data:`TEXT_LOOKUPS` at most)."""

    def table(self) -> dict[str, Any]:
        """The table: its text decoded (:class:`DatabaseError` if it is not a table of
        records), with :attr:`ops` applied."""
        with collector_paused():
            table = _quickly_decoded(self.text)
            if table is None:  # judged, and explained, by kbtui's own reader
                table = self._strictly_decoded()
        if not isinstance(table, dict) or not all(isinstance(r, dict) for r in table.values()):
            raise unreadable(self.where, f"is not a kbtui database (table {self.name!r})")
        for op in self.ops:
            if op[0] == "p":
                table[op[2]] = op[3]
            else:
                table.pop(op[2], None)
        return table

    def _strictly_decoded(self) -> Any:
        try:
            return loads(self.text.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError) as exc:
            raise unreadable(self.where, f"is not valid JSON ({exc})") from exc

    def lookup(self, key: str) -> Lookup:
        """The record under ``key`` if that is known without decoding: from the latest
        operation on it, or because its key is nowhere in the text (a key is written
        as ``dumps(key)`` followed by a colon; a quote inside a string is escaped, so
        no text can look like it)."""
        for op in reversed(self.ops):
            if op[2] == key:
                return True, op[3] if op[0] == "p" else None
        if self._searched(key) is False:
            return True, None
        return False, None

    def size(self) -> int | None:
        """How many records the table holds, if known without decoding: the index's count
        and the operations since on keys the text lacks (a few: each is a search)."""
        now = {op[2]: op[0] == "p" for op in self.ops}  # key -> there after the last one
        count = self.count
        for key, there in now.items():
            if self._searched(key) is not False:
                return None  # most likely replaced or deleted (or not searched): decode
            count += there
        return count

    def _searched(self, key: str) -> bool | None:
        """Whether ``key`` is in the text, or ``None`` once the searches are spent."""
        if self.searches >= TEXT_LOOKUPS:
            return None
        self.searches += 1
        return (dumps(key) + ":").encode("utf-8") in self.text

    def line(self) -> bytes | None:
        """The table's text as written, if nothing changed it since (else ``None``)."""
        return None if self.ops else self.text


def _quickly_decoded(text: bytes) -> Any:
    """``text`` decoded by orjson, or ``None`` if it refuses it."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return None
