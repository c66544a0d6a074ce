"""What ``kbtui list`` says of the documents, a column per field, and its JSON.

Apart from :mod:`kbtui.cli.listing` (the command and its table) because the
JSON is written by its own route: ``json.dumps(indent=2)`` walks every
record in Python, so here each field is encoded for every document at once
by the C string encoder, and the texts between the values (the same in every
record) and the values are joined in one pass, which gives the same text in
a fraction of the time (:func:`columns_json`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from itertools import chain
from operator import itemgetter
from typing import Any

from kbtui.cli.common import escape_invisible, has_invisible, json_text, write_json_text
from kbtui.documents.model import ROW_FIELDS, Row
from kbtui.view.sanitize import UNSAFE_RANGES, one_line

HEADINGS = ("ID", "DATE", "SCRIPT", "TAGS", "ANNOTATIONS", "CHARS", "TITLE")
"""The table's columns, in order; the last (title, then any problems) is never padded."""

WIDEST = {"ID": 40, "TAGS": 30}
"""Cells a column may take at most: a long id or tag list is cut, with "…"."""

RIGHT = frozenset({"ANNOTATIONS", "CHARS"})
"""Numbers, aligned to the right."""

KEYS = (
    "id",
    "title",
    "date",
    "source",
    "author",
    "script",
    "tags",
    "chars",
    "annotations",
    "encoding",
    "problems",
)
"""The keys of each document's JSON object, in order."""

_UNSAFE = "".join(f"\\U{low:08x}-\\U{high:08x}" for low, high in UNSAFE_RANGES)
_BREAKS = "\\t\\n\\x0b-\\x0d\\x1c-\\x1f\\x85\\xa0\\u1680\\u2000-\\u200a"
_BREAKS += "\\u2028\\u2029\\u202f\\u205f\\u3000"
_NOT_KEPT = re.compile(f"[{_UNSAFE}{_BREAKS}]")
"""An unsafe character or white space other than U+0020 (what ``str.split`` splits on,
the space aside): :func:`kbtui.view.sanitize.one_line` replaces either. One class,
which the regular expression engine scans for in C."""

_JOINT = "\uffff"
"""What :func:`one_lines` joins a column's texts with: neither unsafe nor white space,
and a noncharacter, so hardly ever in a text (where it is, the texts are only
looked at one by one)."""


def one_lines(texts: Sequence[str]) -> list[str]:
    """``list(map(one_line, texts))``, where ``one_line`` is called only for the texts it
    would change: those with a character it replaces, two spaces together or a
    space at either end. The whole column is tested at once, joined; a column
    with any such text has each tested (:func:`_one_line`)."""
    joined = _JOINT.join(texts)
    if _NOT_KEPT.search(joined) is None and not _spaced(joined, f" {_JOINT}", f"{_JOINT} "):
        return list(texts)
    return list(map(_one_line, texts))


def _one_line(text: str) -> str:
    """:func:`kbtui.view.sanitize.one_line`, called only if it changes ``text``."""
    return one_line(text) if _NOT_KEPT.search(text) or _spaced(text) else text


def _spaced(text: str, *more: str) -> bool:
    """Whether ``text`` starts or ends with a space or holds two together (or ``more``)."""
    return text[:1] == " " or text[-1:] == " " or any(s in text for s in ("  ", *more))


class Columns:
    """The listed documents' ids, scan rows and annotation counts, read by column.

    :attr:`tags` are the frontmatter's, each once; the lister adds the
    user's. A field of the rows (:data:`~kbtui.documents.model.ROW_FIELDS`)
    is read as one column (:meth:`field`), taken from every row in one ``map``.
    """

    def __init__(self, ids: list[str], rows: list[Row], annotations: list[int]) -> None:
        self.ids = ids
        self.annotations = annotations
        self._rows = rows
        self._fields: dict[str, tuple[Any, ...]] = {}
        self.tags: list[list[Any]] = [
            list(dict.fromkeys(tags)) if tags else [] for tags in self.field("tags")
        ]

    def field(self, name: str) -> tuple[Any, ...]:
        """Every document's value of the row field ``name``, in order."""
        if name not in self._fields:
            self._fields[name] = tuple(map(itemgetter(ROW_FIELDS.index(name)), self._rows))
        return self._fields[name]

    def values(self) -> list[tuple[Any, ...]]:
        """Each key of :data:`KEYS`'s column, as the JSON holds it (not yet encoded)."""
        fields = {key: self.field(key) for key in ("title", "date", "script", "chars")}
        fields.update(source=self.field("source_url"), author=self.field("author"))
        fields.update(encoding=self.field("encoding"), problems=self.field("problems"))
        fields.update(id=tuple(self.ids), tags=tuple(self.tags))
        fields["annotations"] = tuple(self.annotations)
        return [fields[key] for key in KEYS]


def records(columns: Columns) -> list[dict[str, Any]]:
    """The documents as the JSON's objects (for :func:`~kbtui.cli.common.json_text`)."""
    return [dict(zip(KEYS, values, strict=True)) for values in zip(*columns.values(), strict=True)]


_STRING = json.encoder.encode_basestring
"""A string as JSON (``ensure_ascii=False``), in C; a ``TypeError`` for anything else."""

_RECORD = ("  {\n" + ",\n".join(f'    "{key}": %s' for key in KEYS) + "\n  }").split("%s")
"""One document's object as ``json.dumps(indent=2)`` writes it in the list: the text
before, between and after its values."""

_ITEMS = ("[\n      ", ",\n      ", "\n    ]")
"""How a list of strings inside a document's object opens, separates and closes."""


def columns_json(columns: Columns, *, shown: bool = False) -> str:
    """``json_text(records(columns))``, the same text, each field encoded in C
    (``shown``: as printed, :func:`~kbtui.cli.common.escape_invisible`).

    A value of another type than the rows are checked for (an item of a
    list that is no string, which a cache file may hold) makes the string
    encoder refuse; the text is then left to :func:`json_text`.
    """
    if not columns.ids:
        return "[]"
    try:
        encoded = [
            _encoded(key, column) for key, column in zip(KEYS, columns.values(), strict=True)
        ]
    except TypeError:
        text = json_text(records(columns))
        return escape_invisible(text) if shown else text
    if shown:
        encoded = list(map(_shown, encoded))
    texts = [[text] * len(columns.ids) for text in _RECORD]
    texts[0][1:] = [",\n" + _RECORD[0]] * (len(columns.ids) - 1)  # with the separator
    # a column of texts, then of values, in turn (one more of texts: the closing)
    parts = [*chain.from_iterable(zip(texts, encoded, strict=False)), texts[-1]]
    return "[\n" + "".join(chain.from_iterable(zip(*parts, strict=True))) + "\n]"


def _encoded(key: str, column: Sequence[Any]) -> list[str]:
    """Each value of one key's column as JSON (``TypeError``: a value it does not expect)."""
    if key in ("tags", "problems"):
        start, between, end = _ITEMS
        return [start + between.join(map(_STRING, v)) + end if v else "[]" for v in column]
    if key in ("chars", "annotations"):
        return list(map(int.__repr__, column))
    if key in ("id", "title", "script"):
        return list(map(_STRING, column))
    return [_STRING(value) if value is not None else "null" for value in column]


def _shown(values: list[str]) -> list[str]:
    """One column's encoded values, :func:`~kbtui.cli.common.escape_invisible`: the same
    escapes as the whole text's (what lies between the values is ASCII), but only the
    values are searched, and a column of ASCII not at all: 3 ms against 14 for the
    whole text at 10,000 documents."""
    if not has_invisible("".join(values)):
        return values
    return list(map(escape_invisible, values))


def print_columns_json(columns: Columns) -> None:
    """The documents as ``kbtui list --json`` prints them."""
    write_json_text(columns_json(columns, shown=True), shown=True)
