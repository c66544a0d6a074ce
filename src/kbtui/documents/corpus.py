"""The corpus: every document under a folder, listed fast and loaded on demand.

A corpus is a folder of ``.md``, ``.markdown`` and ``.txt`` files, searched
recursively (:mod:`kbtui.documents.walk`). A document's id is its path
relative to the root with ``/`` separators, and the list is sorted by id.

One bad file never stops the corpus: a file that cannot be read, is too
large, binary, empty or undecodable is still an entry, with a problem that
says why. Only a missing root is an error (:class:`CorpusError`).

Listing reads every file once; after that the entries come from a cache
(:mod:`kbtui.documents.cache`), and a file is read again only when its size
or modification time changed. Reading a file (:mod:`kbtui.documents.reading`,
and with it the metadata and frontmatter parsers) is imported where a file is
read: a warm listing reads none.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from operator import itemgetter
from pathlib import Path, PurePosixPath
from typing import cast

from kbtui.documents.cache import (
    EntryCache,
    Record,
    entry_record,
    fresh_entries,
    fresh_entry,
    long_lived,
)
from kbtui.documents.model import STANDARD_ENTITY_LISTS, Document, Entry
from kbtui.documents.progress import Cancel, Progress, Reporter
from kbtui.documents.walk import (
    EXTENSIONS,
    OUTSIDE,
    Found,
    inside,
    walk,
)

__all__ = ["Corpus", "CorpusError", "DocumentNotFound", "Entry"]

LOADED_DOCUMENTS = 8
"""How many loaded documents :meth:`Corpus.load` keeps in memory."""


class CorpusError(Exception):
    """The corpus cannot be used at all; the message is one line for the user."""


class DocumentNotFound(CorpusError, KeyError):
    """No document has this id (or the id does not name a document).

    Also a :class:`KeyError`, as a failed look-up by key, but with the plain
    message rather than KeyError's quoted one.
    """

    def __str__(self) -> str:
        return Exception.__str__(self)


class Corpus:
    """The documents under one folder.

    Thread-safe: the UI may scan in a worker thread while it loads documents
    in another. Scans run one at a time.
    """

    def __init__(
        self,
        root: str | os.PathLike[str],
        *,
        entity_lists: Sequence[str] = (),
        use_cache: bool = True,
    ) -> None:
        """Open the corpus at ``root``; raises :class:`CorpusError` if it is no folder.

        ``entity_lists`` are frontmatter keys holding entity names beyond
        the standard ones (from ``entities.yaml``).
        """
        path = Path(root).expanduser()
        if not path.exists():
            raise CorpusError(f"corpus folder not found: {path}")
        if not path.is_dir():
            raise CorpusError(f"corpus is not a folder: {path}")
        self.root = path.resolve()
        self.entity_lists = tuple(dict.fromkeys([*STANDARD_ENTITY_LISTS, *entity_lists]))
        self.use_cache = use_cache
        self.folder_problems: list[str] = []
        """Folders that could not be listed during the last scan, and names
        left out because they are not valid UTF-8."""
        self._cache = EntryCache(self.root, self.entity_lists)
        self._entries: dict[str, Entry] | None = None
        self._records, self._unsaved = dict[str, Record](), False  # refreshed since the scan
        self._scan_lock = threading.Lock()
        self._docs_lock = threading.Lock()
        self._docs: OrderedDict[str, tuple[tuple[int, int], Document]] = OrderedDict()

    @property
    def cache_path(self) -> Path:
        """This corpus's entry cache: one file per root, named by a hash of it."""
        return self._cache.path

    @property
    def scanned(self) -> bool:
        """Whether a scan has completed."""
        return self._entries is not None

    def entries(self) -> list[Entry]:
        """Every entry, sorted by id, scanning first if no scan has completed."""
        current = self._entries
        if current is None:
            return self.scan()
        return list(current.values())

    def get(self, doc_id: str) -> Entry | None:
        """The entry of ``doc_id`` from the last completed scan, if any."""
        current = self._entries
        return None if current is None else current.get(doc_id)

    def scan(self, progress: Progress | None = None, cancel: Cancel | None = None) -> list[Entry]:
        """List every document, reading only files that changed since the cache.

        When ``cancel`` stops it, the entries done so far are returned (a
        prefix of the sorted list), :attr:`scanned` stays as it was, and the
        work done is kept in the cache for the next scan.
        """
        return list(self.iter_scan(progress, cancel))

    def iter_scan(
        self, progress: Progress | None = None, cancel: Cancel | None = None
    ) -> Iterator[Entry]:
        """Yield entries in id order as they are ready (see :meth:`scan`): each run of
        them the cache holds at once, then the next file read.

        Closing the iterator early counts as cancelling. Consume it in one
        thread; it holds the scan lock until it is exhausted or closed.
        """
        with self._scan_lock:
            with long_lived():  # the entries, and what the walk made to find them
                found, self.folder_problems = walk(self.root)
                cached = self._cache.read() if self.use_cache else {}
                ready = fresh_entries(cached, found)
            entries: list[Entry] = []
            report = Reporter(progress, len(found))
            unread = [entry is None for entry in ready]
            complete = False
            try:
                while len(entries) < len(found):
                    if cancel is not None and cancel():
                        break
                    done = len(entries)
                    cached_to = _index(unread, True, done)  # the cache's run up to the next read
                    if cached_to > done:
                        entries += cast("list[Entry]", ready[done:cached_to])  # none is None
                    else:
                        entries.append(self._read_entry(found[done]))
                    report(len(entries))
                    yield from entries[done:]
                else:
                    complete = True
            finally:
                ids = list(map(itemgetter(0), found[: len(entries)]))
                records = dict(zip(ids, map(entry_record, entries), strict=True))
                if complete:
                    self._entries = dict(zip(ids, entries, strict=True))
                    self._records = records
                if self.use_cache:
                    self._cache.save(cached, records, complete)  # a fresh entry's row is cached
                report.done(len(entries))

    def refresh(self, doc_ids: Iterable[str]) -> tuple[list[Entry], list[str]]:
        """Read again only these documents (the watcher saw their files change): a
        changed file gets a new entry, a file gone leaves the list. Returns the new
        entries and the ids that left; nothing before a first completed scan. The
        cache file is written later, by :meth:`save_cache`."""
        with self._scan_lock:
            if self._entries is None:
                return [], []
            entries, records, changed = dict(self._entries), dict(self._records), list[Entry]()
            for doc_id in sorted(set(doc_ids)):
                item = self._found(doc_id)
                if item is None:
                    records.pop(doc_id, None)
                elif fresh_entry(records.get(doc_id), doc_id, item.path, item.stat) is None:
                    entries[doc_id] = self._read_entry(item)
                    records[doc_id] = entry_record(entries[doc_id])
                    changed.append(entries[doc_id])
            removed = [doc_id for doc_id in entries if doc_id not in records]
            self._entries = {doc_id: entries[doc_id] for doc_id in sorted(records)}
            self._records, self._unsaved = records, True
            return changed, removed

    def save_cache(self) -> None:
        """Write what :meth:`refresh` changed to the cache (the whole file is rewritten:
        150 ms at 10,000 documents, too much for each change; a later scan reads again
        whatever changed since the file was written, so a save left undone loses nothing)."""
        with self._scan_lock:
            if self._unsaved and self.use_cache:
                self._cache.save({}, self._records, complete=True)  # {}: none were saved
            self._unsaved = False

    def _found(self, doc_id: str) -> Found | None:
        """The file of ``doc_id`` as a walk would find it now, or None if it is no document."""
        try:
            path = self._path_of(doc_id)
        except DocumentNotFound:  # a link gone outside the root, too
            return None
        if not os.path.lexists(path) or os.path.isdir(path):
            return None
        try:
            return Found(doc_id, str(path), os.stat(path))
        except OSError:
            return Found(doc_id, str(path), None)

    def _read_entry(self, item: Found) -> Entry:
        from kbtui.documents.reading import entry_of, read_document

        doc, st = read_document(Path(item.path), item.id, self.entity_lists)
        return entry_of(doc, st)

    def load(self, doc_id: str) -> Document:
        """The full document, from a small in-memory cache when it has not changed.

        Raises :class:`DocumentNotFound` for an id that names no document
        file under the root. A file that cannot be read is still returned,
        with its problems and an empty source. The returned document is
        shared with later callers: do not modify it.
        """
        path = self._path_of(doc_id)
        try:
            st = os.stat(path)
        except FileNotFoundError:
            if not os.path.lexists(path):
                raise DocumentNotFound(f"no such document: {doc_id}") from None
            st = None  # a link to nothing: a document that cannot be read
        except OSError:
            st = None
        key = (st.st_size, st.st_mtime_ns) if st else None
        with self._docs_lock:
            hit = self._docs.get(doc_id)
            if hit is not None and key is not None and hit[0] == key:
                self._docs.move_to_end(doc_id)
                return hit[1]
        from kbtui.documents.reading import read_document

        doc, st = read_document(path, doc_id, self.entity_lists)
        if st is not None:
            self._remember(doc_id, (st.st_size, st.st_mtime_ns), doc)
        return doc

    def load_text(self, doc_id: str) -> Document:
        """The document's text with the metadata the scan found, read cheaply.

        For whole-corpus passes (the mention index, search): :meth:`load`
        also describes the document again (metadata, script detection),
        which is nine tenths of its cost and of no use there. A file that is
        no longer what the scan saw (another size, not a regular file), or
        that the scan never saw, is loaded the full way.
        """
        from kbtui.documents.reading import read_as_scanned

        entry = self.get(doc_id)
        if entry is None:
            return self.load(doc_id)
        if not entry.readable:
            return Document(doc_id, entry.path, "", entry.meta, entry.script)
        read = read_as_scanned(entry.path, entry.size, entry.body_start)
        if read is None:
            return self.load(doc_id)
        text, body_start = read
        return Document(doc_id, entry.path, text, entry.meta, entry.script, body_start)

    def _remember(self, doc_id: str, key: tuple[int, int], doc: Document) -> None:
        with self._docs_lock:
            self._docs[doc_id] = (key, doc)
            self._docs.move_to_end(doc_id)
            while len(self._docs) > LOADED_DOCUMENTS:
                self._docs.popitem(last=False)

    def _path_of(self, doc_id: str) -> Path:
        """The file of a document id, refusing ids that leave the root or name no document."""
        pure = PurePosixPath(doc_id)
        parts = pure.parts
        bad = (
            not parts
            or pure.is_absolute()
            or "\\" in doc_id
            or any(part in (".", "..") or part.startswith(".") for part in parts)
            or pure.suffix.lower() not in EXTENSIONS
        )
        if bad:
            raise DocumentNotFound(f"not a document id: {doc_id}")
        path = self.root.joinpath(*parts)
        if not inside(self.root, path):
            raise DocumentNotFound(f"{doc_id}: {OUTSIDE}")
        return path


def _index(items: list[bool], value: bool, start: int) -> int:
    """Where ``value`` is next in ``items`` from ``start`` (found in C), else their length."""
    try:
        return items.index(value, start)
    except ValueError:
        return len(items)
