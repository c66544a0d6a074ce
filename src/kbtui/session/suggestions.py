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
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from kbtui.atomic import atomic_write_bytes
from kbtui.documents.corpus import Corpus
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
    from kbtui.session.session import Session

IGNORED_VERSION = 1


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
    cancelled: Callable[[], bool] | None = None,
) -> list[Suggestion]:
    """Every suggested entity of the scanned corpus (reads every document: a worker's job).

    ``index`` gives the registry and the known mentions, which are left out.
    With ``cache``, a document unchanged since the last pass is not cut
    again. ``cancelled()`` turning true stops the pass early (what was cut is
    cached) and returns what was found so far.
    """
    cache_file = candidate_cache_file(corpus.root) if cache else None
    cached = read_candidates(cache_file) if cache_file else {}
    kept: dict[str, CachedDoc] = {}
    builder = SuggestionBuilder(index.registry, ignored)
    for entry in corpus.entries():
        if cancelled is not None and cancelled():
            break
        if not entry.readable:
            continue
        try:
            doc = corpus.load_text(entry.id)
        except (OSError, UnicodeError, ValueError, LookupError):
            continue
        text = body_only(doc.source, doc.body_start)
        stamp = DocStamp(entry.id, entry.size, entry.mtime)
        hit = cached.get(entry.id)
        found = hit[1] if hit is not None and hit[0] == stamp else occurrences(text)
        kept[entry.id] = (stamp, found)
        builder.add_document(entry.id, text, found, index.mentions_in(entry.id))
    if cache_file is not None and kept != cached:
        write_candidates(cache_file, {**cached, **kept})
    return builder.suggestions()


def session_suggestions(
    session: Session, index: MentionIndex, cancelled: Callable[[], bool] | None = None
) -> list[Suggestion]:
    """The suggestions of a session's corpus, less the names its user ignored."""
    ignored = read_ignored(ignored_file(session.db_path))
    return corpus_suggestions(session.corpus, index, ignored, cancelled=cancelled)
