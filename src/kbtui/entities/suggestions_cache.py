"""The candidate cache: every document's name-like words on disk, so jieba cuts a text once.

jieba's tagging costs about 11 s per MB of text (measured on the samples),
so a corpus of a few MB would make every ``kbtui entities --suggest`` and
every opening of the suggestions screen wait. What a document yields does
not depend on the registry (known names are left out later), so it is kept
per document under the file's size and mtime, in one JSON file per corpus
beside the mention cache. A file from another version, or one that cannot be
read, is no cache; an entry that does not make sense is left out.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping
from pathlib import Path

from kbtui.atomic import atomic_write_bytes
from kbtui.entities.mentions import DocStamp
from kbtui.entities.model import Kind
from kbtui.entities.suggestions_scan import Occurrence
from kbtui.locations import corpus_cache_file

CACHE_VERSION = 2
"""Bump when the file layout or what :mod:`.suggestions_scan` finds changes."""

_KINDS = frozenset(Kind)


def candidate_cache_file(corpus_root: Path) -> Path:
    """Where the candidates of a corpus are cached (one file per corpus)."""
    return corpus_cache_file("suggestions", corpus_root)


CachedDoc = tuple[DocStamp, list[Occurrence]]


def read_candidates(path: Path) -> dict[str, CachedDoc]:
    """The cached documents, or none when the file is missing, unreadable or
    from another version. Never raises: the cache is only a cache."""
    try:
        payload = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return {}
    if not isinstance(payload, dict) or payload.get("version") != CACHE_VERSION:
        return {}
    docs = payload.get("docs")
    if not isinstance(docs, dict):
        return {}
    found = {}
    for doc_id, value in docs.items():
        entry = _entry(doc_id, value)
        if entry is not None:
            found[doc_id] = entry
    return found


def _entry(doc_id: str, value: object) -> CachedDoc | None:
    """``[size, mtime, [[start, end, kind], …]]``, or ``None`` when it is not that."""
    if not isinstance(value, list) or len(value) != 3 or not isinstance(value[2], list):
        return None
    try:
        stamp = DocStamp(doc_id, int(value[0]), float(value[1]))
        found = [(int(start), int(end), str(kind)) for start, end, kind in value[2]]
    except (TypeError, ValueError):
        return None
    if any(not 0 <= start < end or kind not in _KINDS for start, end, kind in found):
        return None
    return stamp, found


def write_candidates(path: Path, docs: Mapping[str, CachedDoc]) -> None:
    """Write the candidates of ``docs`` atomically (a failure only costs time)."""
    payload = {
        "version": CACHE_VERSION,
        "docs": {
            doc_id: [stamp.size, stamp.mtime, [list(item) for item in found]]
            for doc_id, (stamp, found) in docs.items()
        },
    }
    with contextlib.suppress(OSError):
        atomic_write_bytes(path, json.dumps(payload).encode("ascii"))
