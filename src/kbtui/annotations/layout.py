"""The main file's layout: one table per line, each with its checksum in an index.

The main file is TinyDB's JSON document ``{table: {id: record}}`` written so that
each table stands on a line of its own, the private ``_storage`` table last::

    {"meta":{...},
    "annotations:a.md":{...},
    "_storage":{"1":{"generation":...,"tables":[["meta",crc,1],["annotations:a.md",crc,9]]}}}

JSON either way (line breaks are white space, and :func:`~kbtui.annotations.files.dumps`
writes none inside a value), so plain ``TinyDB(path)`` and an older kbtui read it as they
did. The index names each table's line in order, with the CRC-32 of its bytes and its
number of records, so a reader can take a table's text without decoding it
(:class:`~kbtui.annotations.unread.Unread`) and still know at once that the file is as
written. A file that does not match its index to the byte (a hand edit, another
program's rewrite, damage) is simply decoded whole, as before, and judged by that. The
private table stays last, as it was: a file cut short loses its generation before any
record (``kbtui doctor`` salvages the records before a cut).
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from kbtui.annotations.files import dumps, loads
from kbtui.annotations.unread import Unread

STORAGE_TABLE = "_storage"
"""The main file's private table:
``{"1": {"generation": ..., "previous": ..., "journal": 1, "tables": [...]}}``."""
INDEX = "tables"
"""The key of the index in the private record: ``[[name, crc32, records], ...]``."""
LAZY_BYTES = 1024 * 1024
"""A table's text longer than this is kept undecoded until it is asked for; shorter
ones are decoded as the file is read (cheaper than keeping track)."""

_TAIL = dumps(STORAGE_TABLE).encode() + b":"


def main_bytes(tables: Mapping[str, dict[str, Any] | Unread], private: dict[str, Any]) -> bytes:
    """The main file holding ``tables`` (an unread one's text as it was read, unless
    operations changed it since) and the private record ``private``, one line each."""
    lines: list[bytes] = []
    index: list[list[Any]] = []
    for name, table in tables.items():
        if isinstance(table, Unread) and (text := table.line()) is not None:
            count = table.count
        else:
            decoded = table.table() if isinstance(table, Unread) else table
            text, count = dumps(decoded).encode("utf-8"), len(decoded)
        line = dumps(name).encode("utf-8") + b":" + text
        lines.append(line)
        index.append([name, zlib.crc32(line), count])
    tail = _TAIL + dumps({"1": {**private, INDEX: index}}).encode("utf-8")
    return b"{" + b",\n".join([*lines, tail]) + b"}\n"


def split_main(raw: bytes, path: Path) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """The private record and the tables (long ones :class:`Unread`) of a main file laid
    out as :func:`main_bytes` writes it, or ``None`` if it is not, to the byte."""
    last = raw.rfind(b"\n", 0, len(raw) - 1) + 1  # where the private table's line starts
    if not last or not raw.endswith(b"}\n") or raw[last : last + len(_TAIL)] != _TAIL:
        return None
    try:
        private = loads(raw[last + len(_TAIL) : -2].decode("utf-8"))["1"]
        index = [(str(n), int(c), int(k)) for n, c, k in private[INDEX]]
    except (UnicodeDecodeError, ValueError, TypeError, KeyError, RecursionError):
        return None
    view, start = memoryview(raw), 1  # each line checked in place, copied once
    tables: dict[str, Any] = {}
    for name, crc, count in index:
        end = raw.find(b"\n", start, last)
        key = dumps(name).encode("utf-8") + b":"
        if end < 0 or raw[end - 1 : end] != b"," or raw[start : start + len(key)] != key:
            return None
        if zlib.crc32(view[start : end - 1]) != crc:
            return None
        table = Unread(name, raw[start + len(key) : end - 1], count, path)
        tables[name] = table if len(table.text) > LAZY_BYTES else table.table()
        start = end + 1
    if start != last or not raw.startswith(b"{"):
        return None
    return private, tables
