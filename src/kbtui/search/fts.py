"""The full-text index on disk: every document's folded text in SQLite FTS5.

One SQLite file per corpus (:func:`default_index_file`, beside the other
caches) holds, per document id, the size and mtime its file had when it was
indexed and its body folded by :func:`kbtui.search.scan.fold_table` (one
character to one, so an offset in it is an offset in the source). The FTS5
``trigram`` tokenizer indexes that text, so a query of three folded
characters or more is a substring lookup that answers the documents which
may hold it; :mod:`kbtui.search.indexed` then finds the exact spans in the
stored folded text, which is what makes its results the scan's.

Chosen over tantivy (``bench/fts.py --engines``, 10,000 documents, 121 MB,
on two shared, loaded cores): tantivy built its 1-3-gram index in 116 s
against FTS5's 212 s, took 31 MB against 150 MB, and looked up faster (p50
0.3 against 0.8 ms; 1-2 characters 0.8 ms, where FTS5 has no trigram and
every document is a candidate). But a lookup is under a millisecond of a
search that takes a hundred or more: the time goes to counting the hits in
the candidates' folded text, which tantivy would need a second store for
(its size is most of FTS5's 150 MB), kept in step with the first across
crashes. FTS5 keeps the text, the stamps and the index in one SQLite file
and one transaction per change, so they can never disagree, and it is in
the standard library. Short queries lose nothing that matters: in Chinese
text a one- or two-character word is in most documents anyway.

It is rebuildable data: a file from another version or another fold, or one
SQLite cannot read, is deleted and made anew (:meth:`FullTextIndex.open`),
and :class:`SearchIndexError` tells the caller to let the scan answer instead.
"""

from __future__ import annotations

import contextlib
import hashlib
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kbtui.locations import corpus_cache_file
from kbtui.search import chars
from kbtui.search.chars import CharIndex
from kbtui.search.scan import fold_table

INDEX_VERSION = 1
"""Bump when the file's tables or what a row holds change."""

TRIGRAM = 3
"""The length of the tokens FTS5's trigram tokenizer indexes."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS docs(
    id INTEGER PRIMARY KEY, doc TEXT UNIQUE NOT NULL, size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL);
CREATE VIRTUAL TABLE IF NOT EXISTS body USING fts5(
    text, tokenize='trigram case_sensitive 1', detail=none);
"""


class SearchIndexError(Exception):
    """The index cannot answer (the file is damaged or locked): scan instead."""

    def __init__(self, message: str, *, busy: bool = False) -> None:
        super().__init__(message)
        self.busy = busy
        """Only locked by another process (a build in another kbtui): keep the file."""


Stamp = tuple[int, int]
"""A file's ``(size, mtime_ns)`` when it was indexed, as the corpus's entries hold them."""


@dataclass(frozen=True, slots=True)
class IndexedText:
    """One document as :meth:`FullTextIndex.write` stores it."""

    doc_id: str
    stamp: Stamp
    folded: str


def default_index_file(corpus_root: Path) -> Path:
    """Where the full-text index of a corpus lives (one file per corpus root)."""
    return corpus_cache_file("search", corpus_root, ".sqlite")


def fold_fingerprint() -> str:
    """A hash of the fold: an index folded another way is another index."""
    forward = fold_table().forward
    digest = hashlib.sha256(repr(sorted(forward.items())).encode())
    return f"{INDEX_VERSION}:{digest.hexdigest()[:16]}"


class FullTextIndex:
    """The index file, opened; safe to share between threads (one lock)."""

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        """Use :meth:`open`."""
        self.path = path
        self._conn = conn
        self._lock = threading.Lock()
        self._stamps: dict[str, Stamp] = {}
        self._rowids: dict[str, int] = {}
        self._load_rows()
        self._chars = CharIndex(conn)
        self.generation = 0
        """Counts the writes: what a caller computed from :meth:`held` is stale once it moves."""

    @classmethod
    def open(cls, path: Path) -> FullTextIndex:
        """The index at ``path``: made when absent, made again when stale or unreadable.

        Raises :class:`SearchIndexError` only when even a new file cannot be made
        (a read-only cache folder).
        """
        try:
            return cls._open(path)
        except sqlite3.OperationalError as exc:
            if _is_busy(exc):  # another kbtui is writing it: never delete it under them
                raise SearchIndexError(f"{path}: {exc}", busy=True) from exc
            _delete(path)
        except sqlite3.Error:
            _delete(path)
        try:
            return cls._open(path)
        except sqlite3.Error as exc:
            raise SearchIndexError(f"{path}: {exc}") from exc

    @classmethod
    def _open(cls, path: Path) -> FullTextIndex:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, timeout=10, check_same_thread=False, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.executescript(_SCHEMA + chars.SCHEMA)
            if not _check(conn):
                raise sqlite3.DatabaseError("another version or fold")
            return cls(path, conn)
        except BaseException:
            conn.close()
            raise

    def close(self) -> None:
        """Close the file (the index is unusable afterwards)."""
        with self._lock:
            self._conn.close()

    def discard(self) -> None:
        """Close and delete the file: it failed, and the next :meth:`open` makes it anew."""
        self.close()
        _delete(self.path)

    def stamps(self) -> dict[str, Stamp]:
        """Every indexed document's stamp (a copy)."""
        with self._lock:
            return dict(self._stamps)

    def held(self, docs: Iterable[tuple[str, Stamp]]) -> list[int | None]:
        """The row of each of ``docs`` the index holds at that stamp (``None``: it holds
        the document as it was before it changed, or not at all)."""
        with self._lock:
            stamps, rowids = self._stamps, self._rowids
            return [rowids[doc] if stamps.get(doc) == stamp else None for doc, stamp in docs]

    def _load_rows(self) -> None:
        rows = self._conn.execute("SELECT id, doc, size, mtime_ns FROM docs").fetchall()
        self._stamps = {doc: (size, mtime) for _, doc, size, mtime in rows}
        self._rowids = {doc: rowid for rowid, doc, _, _ in rows}

    def write(self, texts: Iterable[IndexedText], removed: Iterable[str] = ()) -> None:
        """Store ``texts`` (replacing what a document had) and forget ``removed``, in one
        transaction: a crash leaves the index as it was before, never half of a document."""
        batch = list(texts)
        with self._lock, self._guard():
            conn = self._conn
            conn.execute("BEGIN IMMEDIATE")
            try:
                for doc_id in removed:
                    self._remove(doc_id)
                for text in batch:
                    self._remove(text.doc_id)
                    cursor = conn.execute(
                        "INSERT INTO docs(doc, size, mtime_ns) VALUES (?, ?, ?)",
                        (text.doc_id, *text.stamp),
                    )
                    rowid = cursor.lastrowid
                    assert rowid is not None  # an INSERT into a rowid table gives one
                    conn.execute(
                        "INSERT INTO body(rowid, text) VALUES (?, ?)", (rowid, text.folded)
                    )
                    self._chars.insert(rowid, text.folded)
                    self._stamps[text.doc_id], self._rowids[text.doc_id] = text.stamp, rowid
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                self._load_rows()
                self._chars = CharIndex(conn)
                raise
            finally:
                self.generation += 1

    @property
    def chars_complete(self) -> bool:
        """Whether queries shorter than a trigram have candidates (:mod:`.chars`)."""
        return self._chars.complete

    def fill_chars(self) -> None:
        """Fill the next batch of an older file's character table (:mod:`.chars`)."""
        with self._lock, self._guard():
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                self._chars.fill()
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                self._chars = CharIndex(self._conn)
                raise

    def _remove(self, doc_id: str) -> None:
        row = self._conn.execute("SELECT id FROM docs WHERE doc = ?", (doc_id,)).fetchone()
        if row is not None:
            self._chars.remove(row[0])
            self._conn.execute("DELETE FROM body WHERE rowid = ?", row)
            self._conn.execute("DELETE FROM docs WHERE id = ?", row)
        self._stamps.pop(doc_id, None)
        self._rowids.pop(doc_id, None)

    def candidates(self, needles: Sequence[str]) -> set[int] | None:
        """The rows of the documents that may hold one of the folded ``needles``: by their
        trigrams, or by their characters when shorter (:mod:`.chars`). ``None``: any may
        (a needle holding a NUL, which FTS5's query syntax cannot quote, or a short one
        before the characters are indexed: the index cannot look those up)."""
        if not needles or any("\x00" in needle for needle in needles):
            return None
        found: set[int] = set()
        with self._lock, self._guard():
            for needle in needles:
                if len(needle) >= TRIGRAM:
                    query = "SELECT rowid FROM body WHERE body MATCH ?"
                    rows = self._conn.execute(query, (_all_trigrams(needle),))
                    found.update(rowid for (rowid,) in rows)
                elif (held := self._chars.rows(needle)) is not None:
                    found |= held
                else:
                    return None
        return found

    def folded(self, rowids: Sequence[int]) -> dict[int, str]:
        """The stored folded text of each of the rows ``rowids`` (:meth:`held`)."""
        return dict(self._per_row("text", (), rowids))

    def counts(self, rowids: Sequence[int], needle: str) -> dict[int, int]:
        """How often the folded ``needle`` occurs in each of the rows ``rowids``,
        counted as ``str.count`` counts (left to right, without overlaps).

        SQLite's ``replace`` removes the same occurrences ``str.count`` counts, so
        the bytes it removes, over the needle's, are the count; it runs without the
        GIL and decodes nothing into Python, which is most of the cost of counting
        a common word over every document. A needle holding a NUL is never
        found (SQLite stops reading it there): the caller counts those itself.
        """
        width = len(needle.encode("utf-8", "surrogatepass"))
        removed = "(length(CAST(text AS BLOB)) - length(CAST(replace(text, ?, '') AS BLOB)))"
        return dict(self._per_row(f"{removed} / ?", (needle, width), rowids))

    def _per_row(
        self, column: str, params: tuple[object, ...], rowids: Sequence[int]
    ) -> list[tuple[int, Any]]:
        """``(rowid, column)`` for each of ``rowids`` that is indexed, asked 500 at a time
        (SQLite's limit on a statement's parameters)."""
        rows: list[tuple[int, Any]] = []
        with self._lock, self._guard():
            for start in range(0, len(rowids), 500):
                chunk = rowids[start : start + 500]
                rows += self._conn.execute(
                    f"SELECT rowid, {column} FROM body"
                    f" WHERE rowid IN ({','.join('?' * len(chunk))})",
                    (*params, *chunk),
                ).fetchall()
        return rows

    @contextlib.contextmanager
    def _guard(self) -> Iterator[None]:
        """SQLite's errors as :class:`SearchIndexError`, which the search answers by scanning."""
        try:
            yield
        except sqlite3.Error as exc:
            busy = isinstance(exc, sqlite3.OperationalError) and _is_busy(exc)
            raise SearchIndexError(f"{self.path}: {exc}", busy=busy) from exc


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    """Whether SQLite gave up waiting for another connection's lock."""
    return "locked" in str(exc) or "busy" in str(exc)


def _all_trigrams(needle: str) -> str:
    """An FTS5 query for the documents holding every trigram of ``needle``.

    detail=none keeps no positions, so the trigrams cannot be a phrase; their
    conjunction is a superset of the documents holding the needle, which the
    stored text then narrows to the exact ones.
    """
    grams = dict.fromkeys(needle[i : i + TRIGRAM] for i in range(len(needle) - TRIGRAM + 1))
    return " AND ".join('"' + gram.replace('"', '""') + '"' for gram in grams)


def _check(conn: sqlite3.Connection) -> bool:
    """Whether the file is this version's, folded this way (a new file is made so)."""
    fingerprint = fold_fingerprint()
    row = conn.execute("SELECT value FROM meta WHERE key = 'fingerprint'").fetchone()
    if row is None:
        if conn.execute("SELECT count(*) FROM docs").fetchone()[0]:
            return False
        conn.execute("INSERT INTO meta(key, value) VALUES ('fingerprint', ?)", (fingerprint,))
        return True
    return bool(row[0] == fingerprint)


def _delete(path: Path) -> None:
    """Remove the index file and SQLite's files beside it."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(OSError):
            Path(f"{path}{suffix}").unlink()
