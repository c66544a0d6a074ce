"""Reading one document file: its text decoded and described, or why it gives none.

Apart from :mod:`kbtui.documents.corpus`, which decides when a file must be
read (a scan takes most entries from its cache), because this is what a read
is, the same for a scan, a refresh and an opened document: the file checked
before it is opened (a FIFO would block, a huge file would fill memory), its
bytes decoded, its metadata and script found.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from kbtui.documents.metadata import describe, title_from_file_name
from kbtui.documents.model import Document, Entry, Metadata
from kbtui.documents.walk import unreadable_reason

MAX_FILE_BYTES = 64 * 1024 * 1024
"""Files larger than this are listed with a problem instead of being read."""


def read_document(
    path: Path, doc_id: str, entity_lists: Sequence[str]
) -> tuple[Document, os.stat_result | None]:
    """The document and the file status it was read under (``None`` if unknown).

    The decoder (and its encoding detection) is imported here: a warm scan reads no file.
    """
    from kbtui.documents.decoding import decode

    try:
        st = os.stat(path)
        data = _read_bytes(path, st)
    except _Unreadable as error:
        return _unreadable(path, doc_id, [str(error)], st), st
    except OSError as error:
        return _unreadable(path, doc_id, [unreadable_reason(error)]), None
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


def read_as_scanned(path: Path, size: int, body_start: int) -> tuple[str, int] | None:
    """The source text of a file the scan saw at ``size`` bytes, and where its
    body starts, read without describing it again (for whole-corpus passes:
    the description is nine tenths of a read's cost); ``None`` when the file
    is no longer what the scan saw (gone, another size, not a regular file),
    so the caller reads it the full way."""
    from kbtui.documents.decoding import decode

    try:
        st = os.stat(path)
    except OSError:
        return None
    if not stat.S_ISREG(st.st_mode) or st.st_size != size or size > MAX_FILE_BYTES:
        return None
    text = decode(path.read_bytes()).text
    return text, min(body_start, len(text))


def _read_bytes(path: Path, st: os.stat_result) -> bytes:
    """The whole file, refusing special files and files over the limit.

    Special files are refused before opening, because opening a FIFO blocks
    forever; the read is capped in case the file grew since ``st``.
    """
    if not stat.S_ISREG(st.st_mode):
        raise _Unreadable("unreadable: not a regular file")
    if st.st_size > MAX_FILE_BYTES:
        raise _Unreadable(_too_large(st.st_size))
    try:  # without blocking, should a pipe have taken the file's place since ``st``
        with open(os.open(path, os.O_RDONLY | os.O_NONBLOCK), "rb") as file:
            if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
                raise _Unreadable("unreadable: not a regular file")
            data = file.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise _Unreadable(unreadable_reason(error)) from error
    if len(data) > MAX_FILE_BYTES:
        raise _Unreadable(_too_large(len(data)))
    return data


def _too_large(size: int) -> str:
    return f"too large: {_megabytes(size)} (limit {_megabytes(MAX_FILE_BYTES)})"


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


def entry_of(doc: Document, st: os.stat_result | None) -> Entry:
    """The entry of a document just read, under the file status it was read with."""
    return Entry.of(
        doc.id,
        doc.path,
        doc.meta,
        script=doc.script,
        problems=doc.problems,
        encoding=doc.encoding,
        size=doc.size,
        mtime_ns=st.st_mtime_ns if st else 0,
        chars=len(doc.source),
        body_start=doc.body_start,
    )
