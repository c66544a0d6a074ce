"""The mention cache: every document's mentions on disk, so a second start reads no document.

One JSON file per corpus (:func:`default_cache_file`) holds, for each
document id, the size and mtime its file had when it was matched and its
hits and the coreference contexts of its mentions (:mod:`kbtui.entities.coreference`),
each packed as little-endian 32-bit integers in base64, all under the
fingerprint of the matcher that found them. A file from another version or
another matcher, or one that cannot be read, is no cache at all; an entry
that does not make sense is left out, so only its document is matched again.

Apart from the index because it is a file format, with its own version and
its own distrust of what it reads; the index decides what to keep in it.
"""

from __future__ import annotations

import base64
import contextlib
import json
import sys
from array import array
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from kbtui.atomic import atomic_write_bytes
from kbtui.locations import corpus_cache_file

CACHE_VERSION = 2
"""Bump when the cache file layout changes (2: the coreference contexts; a version 1
file is no cache, so every document is matched again, never misread)."""


@dataclass(frozen=True, slots=True)
class DocHits:
    """One document's mentions, as the index holds them and the cache stores them."""

    size: int
    """The file's size in bytes when it was matched (``-1``: a text given in memory)."""
    mtime: float
    """The file's mtime when it was matched (``-1.0``: a text given in memory)."""
    hits: array[int]
    """Flat ``(last, key index)`` pairs (see :meth:`kbtui.entities.matcher.Matcher.scan`)."""
    contexts: array[int] = field(default_factory=lambda: array("i"))
    """One coreference context per hit (:func:`kbtui.entities.coreference.mention_contexts`),
    or none when the document names no shared name."""


def default_cache_file(corpus_root: Path) -> Path:
    """Where the mention index of a corpus is cached (one file per corpus)."""
    return corpus_cache_file("mentions", corpus_root)


def write_cache(path: Path, fingerprint: str, docs: Mapping[str, DocHits]) -> None:
    """Write ``docs``, found by the matcher with ``fingerprint``, atomically."""
    payload = {
        "version": CACHE_VERSION,
        "matcher": fingerprint,
        "docs": {
            doc_id: [doc.size, doc.mtime, _pack(doc.hits), _pack(doc.contexts)]
            for doc_id, doc in docs.items()
        },
    }
    # A cache that cannot be written only costs the next start its time.
    with contextlib.suppress(OSError):
        # ASCII JSON: a file name that is not valid UTF-8 (a lone surrogate) survives.
        atomic_write_bytes(path, json.dumps(payload).encode("ascii"))


def read_cache(path: Path, fingerprint: str, key_count: int) -> dict[str, DocHits]:
    """The cached documents, or none when the file is missing, unreadable,
    from another version or for another matcher (``fingerprint``, with
    ``key_count`` keys). Never raises: the cache is only a cache."""
    try:
        payload = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return {}
    if not isinstance(payload, dict) or payload.get("version") != CACHE_VERSION:
        return {}
    if payload.get("matcher") != fingerprint or not isinstance(payload.get("docs"), dict):
        return {}
    docs = {}
    for doc_id, value in payload["docs"].items():
        doc = _doc_from_json(value, key_count)
        if doc is not None:
            docs[doc_id] = doc
    return docs


def _doc_from_json(value: object, key_count: int) -> DocHits | None:
    """One document's entry, or ``None`` when it is not ``[size, mtime,
    packed hits, packed contexts]`` with every key index below ``key_count``
    and no context or one per hit."""
    if not isinstance(value, list) or len(value) != 4:
        return None
    size, mtime, packed, contexts = value
    if not isinstance(packed, str) or not isinstance(contexts, str):
        return None
    try:
        doc = DocHits(int(size), float(mtime), _unpack(packed), _unpack(contexts))
    except (TypeError, ValueError):
        return None
    hits = doc.hits
    if len(hits) % 2 or (hits and not 0 <= min(hits[1::2]) <= max(hits[1::2]) < key_count):
        return None
    if doc.contexts and len(doc.contexts) * 2 != len(hits):
        return None
    return doc


def _pack(hits: array[int]) -> str:
    data = hits if sys.byteorder == "little" else _swapped(hits)
    return base64.b64encode(data.tobytes()).decode("ascii")


def _unpack(packed: str) -> array[int]:
    hits = array("i")
    hits.frombytes(base64.b64decode(packed.encode("ascii"), validate=True))
    return hits if sys.byteorder == "little" else _swapped(hits)


def _swapped(hits: array[int]) -> array[int]:
    copy = array("i", hits)
    copy.byteswap()
    return copy
