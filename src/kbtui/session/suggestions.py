"""Suggested entities for a corpus, and the names the user said are none.

The app's suggestions screen and ``kbtui entities --suggest`` must find the
same candidates, so the pass over the corpus is assembled here: each
readable document's name-like words, from the candidate cache when its file
is unchanged (:mod:`kbtui.entities.suggestions_cache`), else cut by jieba,
then gathered against the registry and the mention index
(:mod:`kbtui.entities.suggestions`).

Ignored names are kept in a small JSON file beside the annotation database
(``<database>.ignored-names.json``), as name keys: they belong to the user,
like the database, and survive a restart; the store's schema is left alone.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from kbtui.atomic import atomic_write_bytes
from kbtui.documents.corpus import Corpus, Entry
from kbtui.entities.mentions import DocStamp, MentionIndex
from kbtui.entities.names import name_key
from kbtui.entities.suggestions import Suggestion, SuggestionBuilder
from kbtui.entities.suggestions_cache import (
    CachedDoc,
    candidate_cache_file,
    read_candidates,
    write_candidates,
)
from kbtui.entities.suggestions_scan import occurrences
from kbtui.search.scan import body_only

if TYPE_CHECKING:
    from kbtui.session.session import Progress, Session

IGNORED_VERSION = 1

PROGRESS_EVERY = 0.2
"""Seconds between progress reports of a pass (a first pass cuts about 30 s per MB)."""


def ignored_file(db_path: Path) -> Path:
    """Where the names the user ignored are kept: beside the database."""
    return db_path.with_name(db_path.name + ".ignored-names.json")


def read_ignored(path: Path) -> set[str]:
    """The ignored name keys; none when the file is missing. A file that cannot
    be read as such is an error (it is never overwritten by a guess)."""
    try:
        payload = json.loads(path.read_bytes())
    except FileNotFoundError:
        return set()
    except (OSError, ValueError) as exc:
        raise OSError(f"cannot read the ignored names in {path}: {exc}") from exc
    names = payload.get("ignored") if isinstance(payload, dict) else None
    if not isinstance(names, list):
        raise OSError(f"{path} is not a list of ignored names")
    return {name for name in names if isinstance(name, str)}


def ignore_name(path: Path, name: str) -> set[str]:
    """Remember that ``name`` (any spelling of it) is no entity; returns every ignored key."""
    keys = read_ignored(path) | {name_key(name)}
    payload = {"version": IGNORED_VERSION, "ignored": sorted(keys)}
    atomic_write_bytes(path, json.dumps(payload, ensure_ascii=False, indent=1).encode("utf-8"))
    return keys


def corpus_suggestions(
    corpus: Corpus,
    index: MentionIndex,
    ignored: set[str],
    *,
    cache: bool = True,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> list[Suggestion]:
    """Every suggested entity of the scanned corpus (reads every document: a worker's job).

    ``index`` gives the registry and the known mentions, which are left out.
    With ``cache``, a document unchanged since the last pass is not cut
    again. ``progress(done, total)`` is told every :data:`PROGRESS_EVERY`
    seconds; ``cancelled()`` turning true stops the pass early (what was cut
    is cached) and returns what was found so far.
    """
    cache_file = candidate_cache_file(corpus.root) if cache else None
    cached = read_candidates(cache_file) if cache_file else {}
    kept: dict[str, CachedDoc] = {}
    builder = SuggestionBuilder(index.registry, ignored)
    entries = [entry for entry in corpus.entries() if entry.readable]
    reported = time.monotonic()
    for done, entry in enumerate(entries):
        if cancelled is not None and cancelled():
            kept = {**cached, **kept}  # keep what the other documents had
            break
        if progress is not None and time.monotonic() - reported >= PROGRESS_EVERY:
            progress(done, len(entries))
            reported = time.monotonic()
        _add_document(corpus, entry, index, (cached, kept), builder)
    if cache_file is not None and kept != cached:
        write_candidates(cache_file, kept)
    return builder.suggestions()


def _add_document(
    corpus: Corpus,
    entry: Entry,
    index: MentionIndex,
    caches: tuple[dict[str, CachedDoc], dict[str, CachedDoc]],
    builder: SuggestionBuilder,
) -> None:
    """Gather one document: its candidates from the cache read (``caches[0]``) if its
    file is unchanged, else cut now; either way kept for the cache to write
    (``caches[1]``). One that cannot be read is left out (the list reports it)."""
    cached, kept = caches
    try:
        doc = corpus.load_text(entry.id)
    except (OSError, UnicodeError, ValueError, LookupError):
        return
    text = body_only(doc.source, doc.body_start)
    stamp = DocStamp(entry.id, entry.size, entry.mtime)
    hit = cached.get(entry.id)
    found = hit[1] if hit is not None and hit[0] == stamp else occurrences(text)
    kept[entry.id] = (stamp, found)
    builder.add_document(entry.id, text, found, index.mentions_in(entry.id))


def session_suggestions(
    session: Session,
    index: MentionIndex,
    *,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> list[Suggestion]:
    """The suggestions of a session's corpus, less the names its user ignored."""
    ignored = read_ignored(ignored_file(session.db_path))
    return corpus_suggestions(
        session.corpus, index, ignored, progress=progress, cancelled=cancelled
    )
