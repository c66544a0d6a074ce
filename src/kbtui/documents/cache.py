"""The entry cache on disk: what the last scan found, so the next one reads only changed files.

One JSON file per corpus root, in :func:`kbtui.locations.cache_dir` under
``corpus/``, named by a hash of the root: ``{"version", "root",
"entity_lists", "entries": {document id: row}}``, a row being a list of the
entry's fields (:data:`kbtui.documents.model.ROW_FIELDS`): lists rather than
objects, since a row becomes an entry as it is, and decode twice as fast. It is rebuildable
data: an absent, stale (another version, root or entity lists) or corrupt
cache gives no records, a write that fails is logged and forgotten, and it
is always replaced atomically so a crash never leaves it torn. Apart from
:mod:`kbtui.documents.corpus` because the corpus decides what an entry is
and when a file must be read again; this only keeps entries between runs.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from operator import is_, itemgetter
from pathlib import Path

from kbtui.atomic import atomic_write_text
from kbtui.documents.model import Entry, Row, valid_row
from kbtui.documents.walk import Found
from kbtui.locations import cache_dir

CACHE_VERSION = 5
"""Bump when what an entry holds or how metadata is inferred changes."""

Record = Row
"""An entry as stored in the cache: its :attr:`~kbtui.documents.model.Entry.row`."""


def entry_record(entry: Entry) -> Record:
    """The record to keep for ``entry`` (the path is rebuilt from the root)."""
    return entry.row


def fresh_entry(
    record: Record | None, doc_id: str, path: Path | str, st: os.stat_result | None
) -> Entry | None:
    """The entry over its cache record, if the file has not changed since
    (the same size and modification time) and the record is well formed;
    None means it must be read."""
    cached = {} if record is None else {doc_id: record}
    return fresh_entries(cached, [Found(doc_id, str(path), st)])[0]


def fresh_entries(cached: dict[str, Record], found: Sequence[Found]) -> list[Entry | None]:
    """:func:`fresh_entry` of each file found, from its record in ``cached``: one pass
    (the per-file calls of a loop that also read files were half a warm scan)."""
    records = map(cached.get, map(itemgetter(0), found))
    return [
        Entry(doc_id, path, record)
        if st is not None
        and valid_row(record)
        and record[0] == st.st_size
        and record[1] == st.st_mtime_ns
        else None
        for (doc_id, path, st), record in zip(found, records, strict=True)
    ]


@contextmanager
def long_lived() -> Iterator[None]:
    """What is made meanwhile lives as long as the corpus: no cyclic garbage collection
    while it is made, and none of its objects looked at by later collections.

    The cache of 100,000 documents is three million objects, none in a cycle:
    the collections their making set off doubled the load, and every full
    collection after it went through them all again (half of ``kbtui list``'s
    time at 100,000 documents). Frozen objects are still freed when the last
    reference goes (a rescan drops them); only the collector skips them. The
    app freezes all it holds once the list is shown, for the same reason.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def _decoded(text: bytes) -> object:
    """JSON ``text`` decoded by orjson (0.17 against json's 0.28 s CPU for the cache of
    100,000 documents); what orjson refuses (a lone surrogate's escape, a number past 64
    bits, NaN, and all that is no JSON) is decoded by ``json``, which judges it as it
    always did."""
    import orjson  # only a cache read needs it

    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def _warn(message: str, *args: object) -> None:
    """Log a warning about the cache file; :mod:`logging` is imported here, since a
    listing from a good cache never warns (its import is ~5 ms of every ``kbtui list``)."""
    import logging

    logging.getLogger(__name__).warning(message, *args)


class EntryCache:
    """The cache file of one corpus root, read with the entity lists it was made with."""

    def __init__(self, root: Path, entity_lists: tuple[str, ...]) -> None:
        self.root = root
        self.entity_lists = entity_lists

    @property
    def path(self) -> Path:
        """This root's cache file (under the cache folder as it is now)."""
        digest = hashlib.sha256(os.fsencode(self.root)).hexdigest()[:16]
        return cache_dir() / "corpus" / f"{digest}.json"

    def read(self) -> dict[str, Record]:
        """Cached records by id; an absent, stale or corrupt cache gives none."""
        try:
            with open(self.path, "rb") as file, long_lived():
                data = _decoded(file.read())
        except FileNotFoundError:
            return {}
        except (OSError, ValueError, RecursionError) as error:
            _warn("ignoring corpus cache %s: %s", self.path, error)
            return {}
        if not isinstance(data, dict) or data.get("version") != CACHE_VERSION:
            return {}
        if data.get("root") != str(self.root):
            return {}
        if data.get("entity_lists") != list(self.entity_lists):
            return {}
        entries = data.get("entries")
        return entries if isinstance(entries, dict) else {}

    def save(self, cached: dict[str, Record], records: dict[str, Record], complete: bool) -> None:
        """Write ``records`` if they differ from ``cached`` (what :meth:`read` gave).

        After a scan that did not complete, the older records are kept too.
        """
        if not complete:
            records = {**cached, **records}
        unchanged = records.keys() == cached.keys() and all(
            map(is_, records.values(), map(cached.__getitem__, records))
        )
        if not unchanged:
            self._write(records)

    def _write(self, records: dict[str, Record]) -> None:
        payload = {
            "version": CACHE_VERSION,
            "root": str(self.root),
            "entity_lists": list(self.entity_lists),
            "entries": records,
        }
        try:
            atomic_write_text(self.path, json.dumps(payload, ensure_ascii=False))
        except OSError as error:
            _warn("could not write corpus cache %s: %s", self.path, error)
