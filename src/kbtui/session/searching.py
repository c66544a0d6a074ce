"""The session's corpus search: the scan, or the full-text index once it is ready.

:mod:`kbtui.search.tier` decides whether this corpus is big enough for the
index (or ``KBTUI_SEARCH`` forces a choice). The app never waits for it: its
first search starts building (or bringing up to date) the index in a thread
and is answered by the scan, as is every search until the index is ready.
``kbtui search`` has no later search to wait for, so it brings the index up
to date first (:meth:`Searching.ensure_index`): reading only the files that
changed since, which is nothing on a warm run. A query that reads as pinyin
is always scanned (the index holds no readings), and an index that fails is
dropped and built again by the next search, which the scan answers.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

from kbtui.documents.corpus import Corpus
from kbtui.search.fts import SearchIndexError
from kbtui.search.scan import SearchResult, SpanFinder, search
from kbtui.search.tier import CorpusIndex, Progress, wants_index
from kbtui.session.knowledge import searchable_texts

if TYPE_CHECKING:
    from collections.abc import Iterable

logger = logging.getLogger(__name__)


class Searching:
    """One corpus's search and its index; thread-safe (the app searches from workers)."""

    def __init__(self, corpus: Corpus) -> None:
        """The index is opened by the first search that wants it."""
        self.corpus = corpus
        self._index: CorpusIndex | None = None
        self._ready = False
        self._builder: threading.Thread | None = None
        self._lock = threading.Lock()

    @property
    def index_ready(self) -> bool:
        """Whether searches are answered from the index now."""
        return self._ready

    def search(
        self, query: str, *, max_hits: int | None = 10_000, pinyin: SpanFinder | None = None
    ) -> SearchResult:
        """Every match of ``query``: from the index when it is ready, else by the scan
        (starting the index's build in the background when this corpus wants one)."""
        index = self._index if self._ready else None
        if index is not None and pinyin is None:
            try:
                return index.search(query, max_hits)
            except SearchIndexError as exc:
                self._drop(exc)
        elif index is None:
            self.prepare()
        return search(searchable_texts(self.corpus), query, max_hits=max_hits, pinyin=pinyin)

    def prepare(self) -> None:
        """Start building (or updating) the index in the background when this corpus wants
        one and its scan is done: the reader's find box opening calls it, so the first
        corpus search finds the index further on."""
        if self._index is None and self.corpus.scanned and wants_index(self.corpus.entries()):
            self.start_index()

    def ensure_index(self, progress: Progress | None = None) -> bool:
        """Bring the index up to date now, when this corpus wants one; whether it is ready."""
        if not wants_index(self.corpus.entries()):
            return False
        self._build(progress)
        return self._ready

    def start_index(self) -> None:
        """Build or update the index in a daemon thread, once."""
        with self._lock:
            if self._builder is not None:
                return
            self._builder = threading.Thread(
                target=self._build, name="kbtui-search-index", daemon=True
            )
            self._builder.start()

    def update(self, changed_ids: Iterable[str], removed_ids: Iterable[str]) -> None:
        """Index documents the corpus's entries now describe anew, forget removed ones
        (the live corpus calls this after updating the entries). Before the index is
        ready this does nothing: its build reads whatever changed."""
        index = self._index if self._ready else None
        if index is None:
            return
        try:
            index.update(changed_ids, removed_ids)
        except SearchIndexError as exc:
            self._drop(exc)

    def _build(self, progress: Progress | None = None) -> None:
        try:
            index = self._index or CorpusIndex.open(self.corpus)
            self._index = index
            index.sync(progress)
        except SearchIndexError as exc:
            self._drop(exc)
        else:
            self._ready = True

    def _drop(self, exc: SearchIndexError) -> None:
        """Forget a failed index (its file is deleted): the scan answers, and the next
        search builds it again. An index another process holds locked is kept, and
        the scan answers only this time."""
        if exc.busy:
            logger.info("search index busy: %s", exc)
            return
        logger.warning("search index dropped: %s", exc)
        with self._lock:
            index, self._index, self._ready, self._builder = self._index, None, False, None
        if index is not None:
            index.index.discard()
