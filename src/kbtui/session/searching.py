"""The session's corpus search: the scan, or the full-text index once it is ready.

:mod:`kbtui.search.tier` decides whether this corpus is big enough for the
index (or ``KBTUI_SEARCH`` forces a choice). The app never waits for it: its
first search starts building (or bringing up to date) the index in a thread
and is answered by the scan, as is every search until the index is ready.
``kbtui search`` has no later search to wait for, so it brings the index up
to date first (:meth:`Searching.ensure_index`): reading only the files that
changed since, which is nothing on a warm run. A query that reads as pinyin
is always scanned (the index holds no readings), and an index that fails is
dropped and built again by the next search, which the scan answers (from the
document after the last one the index gave, when it failed half-way).

Results come as a stream (:meth:`Searching.stream`), a document at a time in
the order they are shown, so the first screenful is shown while a common
word's other 28,000 documents are still being counted; :func:`search_pages`
cuts it into the pages the app appends, :class:`Tally` keeps the totals.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kbtui.documents.corpus import Corpus
from kbtui.search.fts import SearchIndexError
from kbtui.search.scan import DocumentHits, SearchResult, SpanFinder, collect, iter_search
from kbtui.search.tier import CorpusIndex, Progress, wants_index
from kbtui.session.knowledge import searchable_texts
from kbtui.session.passages import Passage, PassageGroup

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

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
        """Every match of ``query``: :meth:`stream`, collected."""
        return collect(query, self.stream(query, max_hits=max_hits, pinyin=pinyin))

    def stream(
        self, query: str, *, max_hits: int | None = 10_000, pinyin: SpanFinder | None = None
    ) -> Iterator[DocumentHits]:
        """Every match of ``query``, a document at a time in the corpus's order: from the
        index when it is ready, else by the scan (starting the index's build in the
        background when this corpus wants one). Stopping early costs nothing more."""
        index = self._index if self._ready else None
        if index is None or pinyin is not None:
            if index is None:
                self.prepare()
            yield from iter_search(
                searchable_texts(self.corpus), query, max_hits=max_hits, pinyin=pinyin
            )
            return
        last, shown = None, 0
        try:
            for group in index.iter_search(query, max_hits):
                yield group
                last, shown = group.doc_id, shown + len(group.hits)
        except SearchIndexError as exc:
            self._drop(exc)
            rest = self._texts_after(index, last)
            left = None if max_hits is None else max_hits - shown
            yield from iter_search(rest, query, max_hits=left)

    def _texts_after(self, index: CorpusIndex, last: str | None) -> Iterator[tuple[str, str]]:
        """What the scan reads, from the document after ``last`` (the corpus's entries
        are sorted by id): where a stream the index failed goes on."""
        for entry in self.corpus.entries():
            if entry.readable and (last is None or entry.id > last):
                yield entry.id, index.body(entry.id)

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
        """Open and sync the index, then (it answering already) fill an older file's
        character table, which short queries need for their candidates."""
        try:
            index = self._index or CorpusIndex.open(self.corpus)
            self._index = index
            index.sync(progress)
            self._ready = True
            index.fill_chars()
        except SearchIndexError as exc:
            self._drop(exc)

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


class Tally:
    """The totals of a streamed search so far, and the line that says them."""

    def __init__(self) -> None:
        self.total = 0
        self.documents = 0
        self.by_pinyin = 0
        self.truncated = False
        """Whether a document's hits were left without a context line."""

    def add(self, group: DocumentHits) -> None:
        """Count one document's hits."""
        self.total += group.total
        self.documents += 1
        self.by_pinyin += sum(hit.pinyin for hit in group.hits)
        self.truncated = self.truncated or len(group.hits) < group.total

    def __str__(self) -> str:
        """``14 matches in 2 documents``, `` (3 by pinyin)`` when hits were found so."""
        pinyin = f" ({self.by_pinyin} by pinyin)" if self.by_pinyin else ""
        return f"{self.total} matches in {self.documents} documents{pinyin}"


@dataclass(frozen=True, slots=True)
class SearchPage:
    """Documents of a search to show after those of the pages before, and the totals."""

    groups: list[PassageGroup]
    summary: str
    """The totals so far (``… so far``) or, on the last page, of the whole search."""
    done: bool


FIRST_PAGE = 40
"""Documents on the first page: a screenful and more, so it is shown at once."""

PAGE_SECONDS = 0.25
"""How long later documents are gathered before a page is given: often enough that
the totals count up visibly, seldom enough that the list is not rebuilt all the time."""


def search_pages(
    stream: Iterable[DocumentHits], title_of: Callable[[str], str], max_hits: int | None
) -> Iterator[SearchPage]:
    """``stream`` as pages of passage groups: the first of :data:`FIRST_PAGE` documents
    (or fewer, when they took :data:`PAGE_SECONDS`), then whatever came in each
    :data:`PAGE_SECONDS`, the last one ``done`` (even when empty)."""
    tally = Tally()
    page: list[PassageGroup] = []
    first, since = True, time.monotonic()
    for group in stream:
        tally.add(group)
        page.append(passage_group(group, title_of(group.doc_id)))
        if (first and len(page) >= FIRST_PAGE) or time.monotonic() - since >= PAGE_SECONDS:
            yield SearchPage(page, f"{tally} so far…", done=False)
            page, first, since = [], False, time.monotonic()
    cut = f" (first {max_hits} shown)" if tally.truncated else ""
    yield SearchPage(page, f"{tally}{cut}", done=True)


def passage_group(group: DocumentHits, title: str) -> PassageGroup:
    """One document's hits as the passages screen lists them."""
    passages = tuple(
        Passage(h.start, h.context.before, h.context.match, h.context.after, h.pinyin, h.variant)
        for h in group.hits
    )
    return PassageGroup(group.doc_id, title, group.total, passages)
