"""The document model: a source text, its metadata, and the entry a scan lists.

The *source text* of a document is the file's bytes decoded (see
:mod:`kbtui.documents.decoding`) with line endings normalised to ``\\n`` and a byte-order
mark removed. Every offset kbtui stores (annotations, mentions, reading
positions) is an index into this string, counted in Python characters (code
points). Nothing else (frontmatter stripping, rendering, script conversion)
changes it; those produce views with offset maps back to it.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeGuard, cast

from kbtui.scripts.hanzi import Script

STANDARD_ENTITY_LISTS = ("people", "companies_orgs", "products_models")
"""Frontmatter keys that always hold entity names (here, not in :mod:`.metadata`, because
a corpus needs them before it reads a file, and a warm scan reads none)."""


@dataclass(slots=True)
class Metadata:
    """What is known about a document, from frontmatter or inferred.

    ``entities`` maps a frontmatter entity-list key (``people``,
    ``companies_orgs``, ...) to the names listed there. ``frontmatter`` keeps
    every field as parsed when the file is read (not kept in the scan's cache, of
    which it was most: the list never needs it). ``title_inferred`` says the title was
    guessed rather than declared. ``lang`` is the language tag the frontmatter
    declares (``lang`` or ``language``) as written: the document's source
    locale when it names one (:func:`kbtui.scripts.locales.parse_locale`).
    """

    title: str
    date: str | None = None
    source_url: str | None = None
    author: str | None = None
    tags: list[str] = field(default_factory=list)
    entities: dict[str, list[str]] = field(default_factory=dict)
    frontmatter: dict[str, object] = field(default_factory=dict, compare=False)
    title_inferred: bool = False
    lang: str | None = None
    full_title: str = field(default="", compare=False)
    """The inferred title before it was cut or given an ellipsis for display; empty
    when ``title`` is whole. Export file names are made from it (a name with "…"
    reads as a cut-off file); not kept in the scan's cache."""

    @property
    def whole_title(self) -> str:
        """The title uncut: :attr:`full_title`, else :attr:`title`."""
        return self.full_title or self.title


@dataclass(slots=True)
class Document:
    """One file of the corpus.

    ``id`` is the path relative to the corpus root with ``/`` separators.
    ``body_start`` is the source offset where the body begins (after any
    frontmatter). ``problems`` are human-readable reasons the document is not
    fully usable; a document with problems is still listed. ``source`` is
    empty when the file could not be read at all.
    """

    id: str
    path: Path
    source: str
    meta: Metadata
    script: Script = Script.NONE
    body_start: int = 0
    problems: list[str] = field(default_factory=list)
    encoding: str | None = None
    size: int = 0
    mtime: float = 0.0
    _hashed: tuple[str, str] | None = field(default=None, repr=False, compare=False)

    @property
    def text_hash(self) -> str:
        """A hash of the source text: annotations record it to notice edits.

        Kept with the text it hashed (a script toggle asks twice: 0.27 s at 20 MB).
        """
        if self._hashed is None or self._hashed[0] is not self.source:
            self._hashed = (self.source, source_hash(self.source))
        return self._hashed[1]

    @property
    def readable(self) -> bool:
        """Whether there is text to show."""
        return bool(self.source)


Row = list[Any]
"""An entry's fields as the scan cache keeps them, in the order of :data:`ROW_FIELDS`."""

ROW_FIELDS = (
    "size",
    "mtime_ns",
    "encoding",
    "chars",
    "body_start",
    "script",
    "problems",
    "title",
    "title_inferred",
    "date",
    "source_url",
    "author",
    "tags",
    "entities",
    "lang",
)
"""What a :data:`Row` holds, by position: the entry's fields, then its metadata's."""


def _row_shapes() -> frozenset[tuple[type, ...]]:
    """The type of each field of a well-formed row, for every mix of absent optional fields:
    a row's shape is looked up whole (0.9 µs) rather than checked field by field (2.4 µs)."""
    optional: tuple[type, ...] = (str, type(None))
    return frozenset(
        (int, int, encoding, int, int, str, list, str, bool, date, url, author, list, dict, lang)
        for encoding, date, url, author, lang in itertools.product(optional, repeat=5)
    )


_ROW_SHAPES = _row_shapes()
_SCRIPTS = {script.value: script for script in Script}
"""Each script by its value: 0.04 µs a look-up here, 1.3 µs a call of ``Script(value)``."""


def valid_row(row: object) -> TypeGuard[Row]:
    """Whether ``row`` has the shape of a :data:`Row` (a cache file holds what it holds)."""
    return type(row) is list and tuple(map(type, row)) in _ROW_SHAPES and row[5] in _SCRIPTS


class Entry:
    """What the document list shows about one file, without its text.

    A view over its :data:`Row`, so that the scan cache's rows become entries
    without building a field, a :class:`Metadata` or a :class:`~pathlib.Path`
    each: at 100,000 documents that construction was most of a warm scan.
    The metadata is built on first use (opening a document, filtering), the
    path likewise; what ``kbtui list`` shows of it is read from the row.
    Read-only, like the frozen record it replaced.

    ``mtime`` is in seconds for display; ``size`` (bytes) and ``mtime_ns``
    tell whether the file changed since. ``chars`` is the length of the
    source text (0 when it could not be read).
    """

    __slots__ = ("_meta", "_path", "_row", "id")

    def __init__(
        self, doc_id: str, path: Path | str, row: Row, meta: Metadata | None = None
    ) -> None:
        """Use :meth:`of` for an entry made from fields; this takes a checked row
        (:func:`valid_row`) and, when known, the metadata it was made from."""
        self.id = doc_id
        self._path = path
        self._row = row
        self._meta = meta

    @classmethod
    def of(
        cls,
        doc_id: str,
        path: Path,
        meta: Metadata,
        *,
        script: Script = Script.NONE,
        problems: Sequence[str] = (),
        encoding: str | None = None,
        size: int = 0,
        mtime_ns: int = 0,
        chars: int = 0,
        body_start: int = 0,
    ) -> Entry:
        """The entry of a document just read, keeping its whole metadata."""
        row: Row = [size, mtime_ns, encoding, chars, body_start, str(script), list(problems)]
        row += [meta.title, meta.title_inferred, meta.date, meta.source_url, meta.author]
        row += [meta.tags, meta.entities, meta.lang]
        return cls(doc_id, path, row, meta)

    @property
    def row(self) -> Row:
        """The fields as the cache keeps them (shared: do not modify)."""
        return self._row

    @property
    def path(self) -> Path:
        """The file."""
        path = self._path
        if isinstance(path, str):
            path = self._path = Path(path)
        return path

    @property
    def meta(self) -> Metadata:
        """The metadata (without the frontmatter when the entry came from the cache)."""
        meta = self._meta
        if meta is None:
            row = self._row
            meta = self._meta = Metadata(
                title=row[7],
                date=row[9],
                source_url=row[10],
                author=row[11],
                tags=list(row[12]),
                entities=dict(row[13]),
                title_inferred=row[8],
                lang=row[14],
            )
        return meta

    @property
    def title(self) -> str:
        """``meta.title``, without building the metadata (the list shows every title)."""
        return cast(str, self._row[7])

    @property
    def date(self) -> str | None:
        """``meta.date``, without building the metadata."""
        return cast("str | None", self._row[9])

    @property
    def source_url(self) -> str | None:
        """``meta.source_url``, without building the metadata."""
        return cast("str | None", self._row[10])

    @property
    def author(self) -> str | None:
        """``meta.author``, without building the metadata."""
        return cast("str | None", self._row[11])

    @property
    def tags(self) -> tuple[str, ...]:
        """``meta.tags``, without building the metadata."""
        return tuple(self._row[12])

    @property
    def size(self) -> int:
        """The file's size in bytes when it was read."""
        return cast(int, self._row[0])

    @property
    def mtime_ns(self) -> int:
        """The file's modification time when it was read (0 when unknown)."""
        return cast(int, self._row[1])

    @property
    def mtime(self) -> float:
        """:attr:`mtime_ns` in seconds, for display."""
        return cast(int, self._row[1]) / 1e9

    @property
    def encoding(self) -> str | None:
        """The encoding the file was decoded from, if it was."""
        return cast("str | None", self._row[2])

    @property
    def chars(self) -> int:
        """The source text's length in characters (0 when unreadable)."""
        return cast(int, self._row[3])

    @property
    def body_start(self) -> int:
        """Where the body begins in the source text (after any frontmatter)."""
        return cast(int, self._row[4])

    @property
    def script(self) -> Script:
        """The script the text is written in."""
        return _SCRIPTS[self._row[5]]

    @property
    def problems(self) -> tuple[str, ...]:
        """Why the document is not fully usable (none: it is)."""
        return tuple(self._row[6])

    @property
    def readable(self) -> bool:
        """Whether the file gave any text."""
        return cast(int, self._row[3]) > 0

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Entry):
            return NotImplemented
        return (self.id, self.path, self._row) == (other.id, other.path, other._row)

    __hash__ = None  # type: ignore[assignment]  # equal by value, as the record was

    def __repr__(self) -> str:
        return f"Entry({self.id!r}, {str(self._path)!r}, {self._row!r})"


def source_hash(text: str) -> str:
    """The hash kbtui uses to tell whether a source text changed."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]
