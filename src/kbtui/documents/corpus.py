"""The corpus: every document under a folder, listed fast and loaded on demand.

A corpus is a folder of ``.md``, ``.markdown`` and ``.txt`` files, searched
recursively (hidden files and folders are skipped). A document's id is its
path relative to the root with ``/`` separators, and the list is sorted by id.

One bad file never stops the corpus: a file that cannot be read, is too
large, binary, empty or undecodable is still an entry, with a problem that
says why. Only a missing root is an error (:class:`CorpusError`).

Listing reads every file once; after that the entries come from a JSON cache
in :func:`kbtui.locations.cache_dir`, one per corpus root, and a file is read
again only when its size or modification time changed. The cache is
rebuildable data: a corrupt one is ignored, and it is always replaced
atomically so a crash never leaves it torn.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import stat
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from kbtui.atomic import atomic_write_text
from kbtui.documents.decoding import decode
from kbtui.documents.metadata import STANDARD_ENTITY_LISTS, describe, title_from_file_name
from kbtui.documents.model import Document, Metadata
from kbtui.locations import cache_dir
from kbtui.scripts.hanzi import Script

logger = logging.getLogger(__name__)

EXTENSIONS = frozenset({".md", ".markdown", ".txt"})
"""File name endings (any case) that make a file a document."""

MAX_FILE_BYTES = 64 * 1024 * 1024
"""Files larger than this are listed with a problem instead of being read."""

CACHE_VERSION = 1
"""Bump when what an entry holds or how metadata is inferred changes."""

LOADED_DOCUMENTS = 8
"""How many loaded documents :meth:`Corpus.load` keeps in memory."""

PROGRESS_INTERVAL = 0.05
"""Seconds between progress reports, so a fast scan does not flood the UI."""

Progress = Callable[[int, int], None]
"""``progress(done, total)``: called from the scanning thread."""

Record = dict[str, Any]
"""An entry as stored in the cache (see :meth:`Entry.to_record`)."""

NOT_UTF8 = "name is not valid UTF-8 (rename it to read it)"
"""The problem of a file or folder whose name kbtui cannot use as an id."""

Cancel = Callable[[], bool]
"""``cancel()``: polled before each file; returning true stops the scan."""


class CorpusError(Exception):
    """The corpus cannot be used at all; the message is one line for the user."""


class DocumentNotFound(CorpusError, KeyError):
    """No document has this id (or the id does not name a document).

    Also a :class:`KeyError`, as a failed look-up by key, but with the plain
    message rather than KeyError's quoted one.
    """

    def __str__(self) -> str:
        return Exception.__str__(self)


@dataclass(frozen=True, slots=True)
class Entry:
    """What the document list shows about one file, without its text.

    ``mtime`` is in seconds for display; ``size`` (bytes) and ``mtime_ns``
    tell whether the file changed since. ``chars`` is the length of the
    source text (0 when it could not be read).
    """

    id: str
    path: Path
    meta: Metadata
    script: Script = Script.NONE
    problems: tuple[str, ...] = ()
    encoding: str | None = None
    size: int = 0
    mtime: float = 0.0
    mtime_ns: int = 0
    chars: int = 0
    body_start: int = 0

    @property
    def readable(self) -> bool:
        """Whether the file gave any text."""
        return self.chars > 0

    def to_record(self) -> dict[str, object]:
        """A JSON-ready dict for the cache (the path is rebuilt from the root)."""
        meta = self.meta
        return {
            "size": self.size,
            "mtime_ns": self.mtime_ns,
            "encoding": self.encoding,
            "chars": self.chars,
            "body_start": self.body_start,
            "script": str(self.script),
            "problems": list(self.problems),
            "title": meta.title,
            "title_inferred": meta.title_inferred,
            "date": meta.date,
            "source_url": meta.source_url,
            "author": meta.author,
            "tags": meta.tags,
            "entities": meta.entities,
            "frontmatter": meta.frontmatter,
        }

    @classmethod
    def from_record(cls, doc_id: str, path: Path, record: Record) -> Entry:
        """Rebuild an entry from :meth:`to_record`; raises on a malformed record."""
        meta = Metadata(
            title=str(record["title"]),
            date=record["date"],
            source_url=record["source_url"],
            author=record["author"],
            tags=list(record["tags"]),
            entities=dict(record["entities"]),
            frontmatter=dict(record["frontmatter"]),
            title_inferred=bool(record["title_inferred"]),
        )
        mtime_ns = int(record["mtime_ns"])
        return cls(
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


def read_document(path: Path, doc_id: str, entity_lists: Sequence[str] = ()) -> Document:
    """Read, decode and describe one file; any failure becomes a problem."""
    return _read(path, doc_id, entity_lists)[0]


def _read(
    path: Path, doc_id: str, entity_lists: Sequence[str]
) -> tuple[Document, os.stat_result | None]:
    """The document and the file status it was read under (``None`` if unknown)."""
    try:
        st = os.stat(path)
        data = _read_bytes(path, st)
    except _Unreadable as error:
        return _unreadable(path, doc_id, [str(error)], st), st
    except OSError as error:
        return _unreadable(path, doc_id, [_reason(error)]), None
    decoded = decode(data)
    if not decoded.text:
        problems = [decoded.problem] if decoded.problem else []
        return _unreadable(path, doc_id, problems, st, decoded.encoding), st
    described = describe(decoded.text, PurePosixPath(doc_id).name, entity_lists)
    doc = Document(
        id=doc_id,
        path=path,
        source=decoded.text,
        meta=described.meta,
        script=described.script,
        body_start=described.body_start,
        problems=([decoded.problem] if decoded.problem else []) + described.problems,
        encoding=decoded.encoding,
        size=st.st_size,
        mtime=st.st_mtime_ns / 1e9,
    )
    return doc, st


class _Unreadable(Exception):
    """The file exists but is not read: not a regular file, or too large."""


def _read_bytes(path: Path, st: os.stat_result) -> bytes:
    """The whole file, refusing special files and files over the limit.

    Special files are refused before opening, because opening a FIFO blocks
    forever; the read is capped in case the file grew since ``st``.
    """
    if not stat.S_ISREG(st.st_mode):
        raise _Unreadable("unreadable: not a regular file")
    if st.st_size > MAX_FILE_BYTES:
        raise _Unreadable(_too_large(st.st_size))
    try:
        with open(path, "rb") as file:
            data = file.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise _Unreadable(_reason(error)) from error
    if len(data) > MAX_FILE_BYTES:
        raise _Unreadable(_too_large(len(data)))
    return data


def _too_large(size: int) -> str:
    return f"too large: {_megabytes(size)} (limit {_megabytes(MAX_FILE_BYTES)})"


def _reason(error: OSError) -> str:
    """``unreadable: permission denied`` and the like."""
    return f"unreadable: {(error.strerror or str(error)).lower()}"


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB"


def _unreadable(
    path: Path,
    doc_id: str,
    problems: list[str],
    st: os.stat_result | None = None,
    encoding: str | None = None,
) -> Document:
    """A document with no text, titled by its file name."""
    meta = Metadata(title=title_from_file_name(doc_id), title_inferred=True)
    return Document(
        id=doc_id,
        path=path,
        source="",
        meta=meta,
        problems=problems,
        encoding=encoding,
        size=st.st_size if st else 0,
        mtime=st.st_mtime_ns / 1e9 if st else 0.0,
    )


def _entry(doc: Document, st: os.stat_result | None) -> Entry:
    return Entry(
        id=doc.id,
        path=doc.path,
        meta=doc.meta,
        script=doc.script,
        problems=tuple(doc.problems),
        encoding=doc.encoding,
        size=doc.size,
        mtime=doc.mtime,
        mtime_ns=st.st_mtime_ns if st else 0,
        chars=len(doc.source),
        body_start=doc.body_start,
    )


@dataclass(frozen=True, slots=True)
class _Found:
    """A document file found by the walk, with its status (``None``: stat failed)."""

    id: str
    path: Path
    stat: os.stat_result | None


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
        self._entries: dict[str, Entry] | None = None
        self._scan_lock = threading.Lock()
        self._docs_lock = threading.Lock()
        self._docs: OrderedDict[str, tuple[tuple[int, int], Document]] = OrderedDict()

    @property
    def cache_path(self) -> Path:
        """This corpus's entry cache: one file per root, named by a hash of it."""
        digest = hashlib.sha256(os.fsencode(self.root)).hexdigest()[:16]
        return cache_dir() / "corpus" / f"{digest}.json"

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
        """Yield entries in id order as they are ready (see :meth:`scan`).

        Closing the iterator early counts as cancelling. Consume it in one
        thread; it holds the scan lock until it is exhausted or closed.
        """
        with self._scan_lock:
            found, self.folder_problems = _walk(self.root)
            cached = self._read_cache()
            records: dict[str, Record] = {}
            fresh: dict[str, Entry] = {}
            report = _Reporter(progress, len(found))
            complete = False
            try:
                for item in found:
                    if cancel is not None and cancel():
                        break
                    entry = self._cached(cached.get(item.id), item)
                    if entry is None:
                        entry = self._read_entry(item)
                        records[entry.id] = entry.to_record()
                    else:
                        records[entry.id] = cached[entry.id]
                    fresh[entry.id] = entry
                    report(len(fresh))
                    yield entry
                else:
                    complete = True
            finally:
                if complete:
                    self._entries = fresh
                self._save(cached, records, complete)
                report.done(len(fresh))

    def _save(self, cached: dict[str, Record], records: dict[str, Record], complete: bool) -> None:
        """Write the cache if it changed; a cancelled scan keeps the older records too."""
        if not self.use_cache:
            return
        if not complete:
            records = {**cached, **records}
        unchanged = records.keys() == cached.keys() and all(
            records[doc_id] is cached[doc_id] for doc_id in records
        )
        if not unchanged:
            self._write_cache(records)

    @staticmethod
    def _cached(record: Record | None, item: _Found) -> Entry | None:
        """The entry from its cache record, if the file has not changed since."""
        if record is None or item.stat is None:
            return None
        if record.get("size") != item.stat.st_size:
            return None
        if record.get("mtime_ns") != item.stat.st_mtime_ns:
            return None
        try:
            return Entry.from_record(item.id, item.path, record)
        except (KeyError, TypeError, ValueError, AttributeError):
            return None

    def _read_entry(self, item: _Found) -> Entry:
        doc, st = _read(item.path, item.id, self.entity_lists)
        return _entry(doc, st)

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
            raise DocumentNotFound(f"no such document: {doc_id}") from None
        except OSError:
            st = None
        key = (st.st_size, st.st_mtime_ns) if st else None
        with self._docs_lock:
            hit = self._docs.get(doc_id)
            if hit is not None and key is not None and hit[0] == key:
                self._docs.move_to_end(doc_id)
                return hit[1]
        doc, st = _read(path, doc_id, self.entity_lists)
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
        entry = self.get(doc_id)
        if entry is None:
            return self.load(doc_id)
        if not entry.readable:
            return Document(doc_id, entry.path, "", entry.meta, entry.script)
        try:
            st = os.stat(entry.path)
        except OSError:
            return self.load(doc_id)
        if not stat.S_ISREG(st.st_mode) or st.st_size != entry.size or st.st_size > MAX_FILE_BYTES:
            return self.load(doc_id)
        text = decode(entry.path.read_bytes()).text
        return Document(
            id=doc_id,
            path=entry.path,
            source=text,
            meta=entry.meta,
            script=entry.script,
            body_start=min(entry.body_start, len(text)),
        )

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
        return self.root.joinpath(*parts)

    def _read_cache(self) -> dict[str, Record]:
        """Cached records by id; an absent, stale or corrupt cache gives none."""
        if not self.use_cache:
            return {}
        try:
            with open(self.cache_path, "rb") as file:
                data = json.load(file)
        except FileNotFoundError:
            return {}
        except (OSError, ValueError, RecursionError) as error:
            logger.warning("ignoring corpus cache %s: %s", self.cache_path, error)
            return {}
        if not isinstance(data, dict) or data.get("version") != CACHE_VERSION:
            return {}
        if data.get("root") != str(self.root):
            return {}
        if data.get("entity_lists") != list(self.entity_lists):
            return {}
        entries = data.get("entries")
        return entries if isinstance(entries, dict) else {}

    def _write_cache(self, records: dict[str, Record]) -> None:
        payload = {
            "version": CACHE_VERSION,
            "root": str(self.root),
            "entity_lists": list(self.entity_lists),
            "entries": records,
        }
        try:
            atomic_write_text(self.cache_path, json.dumps(payload, ensure_ascii=False))
        except OSError as error:
            logger.warning("could not write corpus cache %s: %s", self.cache_path, error)


def _walk(root: Path) -> tuple[list[_Found], list[str]]:
    """Every document file under ``root`` sorted by id, and folders that could not be read."""
    found: list[_Found] = []
    problems: list[str] = []
    stack = [(root, "")]
    while stack:
        folder, prefix = stack.pop()
        try:
            with os.scandir(folder) as listing:
                items = list(listing)
        except OSError as error:
            problems.append(f"{prefix or '.'}: {_reason(error)}")
            continue
        for item in items:
            if item.name.startswith("."):
                continue
            doc_id = prefix + item.name
            folder = _is_folder(item)
            if not folder and os.path.splitext(item.name)[1].lower() not in EXTENSIONS:
                continue
            if not _is_utf8(item.name):
                problems.append(f"{prefix}{_shown_name(item.name)}: {NOT_UTF8}")
            elif folder:
                stack.append((Path(item.path), doc_id + "/"))
            else:
                found.append(_Found(doc_id, Path(item.path), _stat(item)))
    found.sort(key=lambda f: f.id)
    problems.sort()
    return found, problems


def _is_utf8(name: str) -> bool:
    """Whether a name from the file system is valid UTF-8.

    Other bytes (a GBK name unzipped on Linux) come as lone surrogates, which
    no id can hold: the cache, the database and the terminal all refuse them.
    """
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _shown_name(name: str) -> str:
    """A name that is not valid UTF-8, its bad bytes written as ``\\xNN``."""
    return os.fsencode(name).decode("utf-8", errors="backslashreplace")


def _is_folder(item: os.DirEntry[str]) -> bool:
    """A real folder (links to folders are not followed, so no cycles)."""
    try:
        return item.is_dir(follow_symlinks=False)
    except OSError:
        return False


def _stat(item: os.DirEntry[str]) -> os.stat_result | None:
    try:
        return item.stat()
    except OSError:
        return None


class _Reporter:
    """Calls ``progress`` at the start, at most every interval, and at the end."""

    def __init__(self, progress: Progress | None, total: int) -> None:
        self._progress = progress
        self._total = total
        self._next = 0.0
        self(0)

    def __call__(self, done: int) -> None:
        if self._progress is None:
            return
        now = time.monotonic()
        if now >= self._next:
            self._next = now + PROGRESS_INTERVAL
            self._progress(done, self._total)

    def done(self, done: int) -> None:
        if self._progress is not None:
            self._progress(done, self._total)
