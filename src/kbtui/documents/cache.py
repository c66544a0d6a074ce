"""The entry cache on disk: what the last scan found, so the next one reads only changed files.

One JSON file per corpus root, in :func:`kbtui.locations.cache_dir` under
``corpus/``, named by a hash of the root: ``{"version", "root",
"entity_lists", "entries": {document id: record}}``. It is rebuildable
data: an absent, stale (another version, root or entity lists) or corrupt
cache gives no records, a write that fails is logged and forgotten, and it
is always replaced atomically so a crash never leaves it torn. Apart from
:mod:`kbtui.documents.corpus` because the corpus decides what an entry is
and when a file must be read again; this only keeps entries between runs.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path
from typing import Any

from kbtui.atomic import atomic_write_text
from kbtui.documents.model import Entry, Metadata
from kbtui.locations import cache_dir
from kbtui.scripts.hanzi import Script

logger = logging.getLogger(__name__)

CACHE_VERSION = 4
"""Bump when what an entry holds or how metadata is inferred changes."""

Record = dict[str, Any]
"""An entry as stored in the cache (see :func:`entry_record`)."""


def entry_record(entry: Entry) -> Record:
    """A JSON-ready dict for the cache (the path is rebuilt from the root)."""
    meta = entry.meta
    return {
        "size": entry.size,
        "mtime_ns": entry.mtime_ns,
        "encoding": entry.encoding,
        "chars": entry.chars,
        "body_start": entry.body_start,
        "script": str(entry.script),
        "problems": list(entry.problems),
        "title": meta.title,
        "title_inferred": meta.title_inferred,
        "date": meta.date,
        "source_url": meta.source_url,
        "author": meta.author,
        "tags": meta.tags,
        "entities": meta.entities,
        "lang": meta.lang,
    }


def entry_from_record(doc_id: str, path: Path, record: Record) -> Entry:
    """Rebuild an entry from :func:`entry_record`; raises on a malformed record."""
    meta = Metadata(
        title=str(record["title"]),
        date=record["date"],
        source_url=record["source_url"],
        author=record["author"],
        tags=list(record["tags"]),
        entities=dict(record["entities"]),
        title_inferred=bool(record["title_inferred"]),
        lang=record["lang"],
    )
    mtime_ns = int(record["mtime_ns"])
    return Entry(
        id=doc_id,
        path=path,
        meta=meta,
        script=Script(record["script"]),
        problems=tuple(record["problems"]),
        encoding=record["encoding"],
        size=int(record["size"]),
        mtime=mtime_ns / 1e9,
        mtime_ns=mtime_ns,
        chars=int(record["chars"]),
        body_start=int(record["body_start"]),
    )


def fresh_entry(
    record: Record | None, doc_id: str, path: Path, st: os.stat_result | None
) -> Entry | None:
    """The entry from its cache record, if the file has not changed since
    (the same size and modification time); None means it must be read."""
    if record is None or st is None:
        return None
    if record.get("size") != st.st_size or record.get("mtime_ns") != st.st_mtime_ns:
        return None
    try:
        return entry_from_record(doc_id, path, record)
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


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
            with open(self.path, "rb") as file:
                data = json.load(file)
        except FileNotFoundError:
            return {}
        except (OSError, ValueError, RecursionError) as error:
            logger.warning("ignoring corpus cache %s: %s", self.path, error)
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
            records[doc_id] is cached[doc_id] for doc_id in records
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
            logger.warning("could not write corpus cache %s: %s", self.path, error)
