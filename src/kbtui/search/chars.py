"""The characters of each document, for queries shorter than a trigram.

FTS5's trigram index cannot look up one or two characters, so a query of
one or two folded characters had every document as a candidate: a rare
character (a name's) read and searched all 1.2 GB at 100,000 documents,
seconds before the first result. Here, beside the trigrams, a second FTS5
table holds each document's distinct folded characters as tokens (the
``ascii`` tokenizer, one character a token, separated by spaces), so such a
query's candidates are the documents holding all of its characters: a
superset of those holding it, which the stored text then narrows, as for
the trigrams.

The table is contentless (the characters are not stored twice), so a row
is deleted by handing FTS5 the tokens it was given, made again from the
stored folded text. An index file made before this table existed is filled
from its stored texts (:meth:`CharIndex.fill`, a batch at a time, by the
corpus index's sync); until it is complete, short queries have every
document as a candidate, as before. ``meta`` keeps how far the filling went:
rows up to ``chars_start`` were there before the table, rows up to
``chars_done`` of them are filled, and every row written since has its
characters.
"""

from __future__ import annotations

import sqlite3

SCHEMA = """
CREATE VIRTUAL TABLE IF NOT EXISTS chars USING fts5(
    text, content='', tokenize='ascii', detail=none);
"""

FILL_BATCH = 500
"""Stored texts read at a time while filling the table for an older file."""


def tokens(text: str) -> list[str]:
    """The distinct characters of ``text`` the ``ascii`` tokenizer keeps as tokens
    (every character beyond ASCII, ASCII letters and digits; it lowercases those)."""
    return sorted({ch for ch in text if not ch.isascii() or ch.isalnum()})


def row_text(folded: str) -> str:
    """What the table is given for a document: its distinct characters, one a token."""
    return " ".join(tokens(folded))


def match(needle: str) -> str | None:
    """The FTS5 query for the documents holding every character of ``needle``;
    ``None`` when none of them is a token (punctuation and spaces only)."""
    chars = tokens(needle)
    return " AND ".join(f'"{ch}"' for ch in chars) if chars else None


class CharIndex:
    """The ``chars`` table of an index file and how far it is filled; the caller
    holds the file's lock and its transaction."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        meta = dict(conn.execute("SELECT key, value FROM meta WHERE key LIKE 'chars_%'"))
        if "chars_start" not in meta:  # a file older than the table, or a new one
            last = conn.execute("SELECT coalesce(max(id), 0) FROM docs").fetchone()[0]
            meta = {"chars_start": str(last), "chars_done": "0"}
            conn.executemany("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", meta.items())
        self._start, self._done = int(meta["chars_start"]), int(meta["chars_done"])

    @property
    def complete(self) -> bool:
        """Whether every document's characters are in the table."""
        return self._done >= self._start

    def _held(self, rowid: int) -> bool:
        """Whether the row's characters are in the table (or go there when written):
        always, but for the rows the filling has still to reach."""
        return rowid > self._start or rowid <= self._done

    def insert(self, rowid: int, folded: str) -> None:
        """Add a document written now. A row the filling has still to reach is left to
        it: SQLite gives a new row the number of the last one deleted, which may be one."""
        if self._held(rowid):
            insert = "INSERT INTO chars(rowid, text) VALUES (?, ?)"
            self._conn.execute(insert, (rowid, row_text(folded)))

    def remove(self, rowid: int) -> None:
        """Take a document out, before its stored text is deleted."""
        if not self._held(rowid):
            return
        (folded,) = self._conn.execute("SELECT text FROM body WHERE rowid = ?", (rowid,)).fetchone()
        self._conn.execute(
            "INSERT INTO chars(chars, rowid, text) VALUES ('delete', ?, ?)",
            (rowid, row_text(folded)),
        )

    def rows(self, needle: str) -> set[int] | None:
        """The rows holding every character of ``needle``; ``None``: any may (the
        table is not filled yet, or the needle has no token)."""
        query = match(needle)
        if query is None or not self.complete:
            return None
        found = self._conn.execute("SELECT rowid FROM chars WHERE chars MATCH ?", (query,))
        return {rowid for (rowid,) in found}

    def fill(self) -> None:
        """Fill the next :data:`FILL_BATCH` older rows (in the caller's transaction)."""
        conn = self._conn
        found = conn.execute(
            "SELECT rowid, text FROM body WHERE rowid > ? AND rowid <= ? ORDER BY rowid LIMIT ?",
            (self._done, self._start, FILL_BATCH),
        ).fetchall()
        conn.executemany(
            "INSERT INTO chars(rowid, text) VALUES (?, ?)",
            [(rowid, row_text(folded)) for rowid, folded in found],
        )
        done = found[-1][0] if len(found) == FILL_BATCH else self._start
        conn.execute("UPDATE meta SET value = ? WHERE key = 'chars_done'", (str(done),))
        self._done = done
