"""Which search answers, and the corpus's full-text index kept in step with its files.

A small corpus is scanned (:func:`kbtui.search.scan.search`): it is answered
in a few milliseconds, and no file is written for it. From
:data:`INDEX_FROM_DOCS` documents or :data:`INDEX_FROM_BYTES` bytes the
persistent index answers (:mod:`.indexed`). ``bench/fts.py --crossover``
(medians of 10 queries; opening the index took 6-13 ms more): 100 documents, scan
21 ms and index 17 ms; 1,000, 217 and 137 ms; 10,000, 1,477 and 426 ms. Below
a few hundred documents both answer in tens of milliseconds, and the scan
writes no file and builds nothing.
``KBTUI_SEARCH=scan`` or ``=index`` forces either.

:class:`CorpusIndex` ties the index file to a corpus: :meth:`~CorpusIndex.sync`
reads only the files whose size or mtime changed since they were indexed
(the stamps the other caches use) and forgets deleted ones;
:meth:`~CorpusIndex.update` does the same for documents a caller knows
changed (the live corpus). Both commit in batches, so an interrupted build
keeps what it did.
"""

from __future__ import annotations

import operator
import os
from collections.abc import Callable, Iterable, Iterator
from enum import Enum

from kbtui.documents.corpus import Corpus
from kbtui.documents.model import Entry
from kbtui.search.fts import FullTextIndex, IndexedText, Stamp, default_index_file
from kbtui.search.indexed import iter_search_index
from kbtui.search.scan import DocumentHits, SearchResult, body_only, collect, fold_table

SEARCH_ENV = "KBTUI_SEARCH"
"""``scan``, ``index`` or ``auto`` (the default): which search answers."""

INDEX_FROM_DOCS = 200
"""From this many readable documents the index answers (unless forced)."""

INDEX_FROM_BYTES = 4 * 1024 * 1024
"""Or from this many bytes of readable documents."""

BATCH = 200
"""Documents read, folded and committed at a time while indexing."""


class Tier(Enum):
    """Which search answers: the scan, the index, or by the corpus's size."""

    SCAN = "scan"
    INDEX = "index"
    AUTO = "auto"


def chosen_tier(environ: dict[str, str] | None = None) -> Tier:
    """The tier :data:`SEARCH_ENV` asks for (an unknown value is ``auto``)."""
    value = (os.environ if environ is None else environ).get(SEARCH_ENV, "").strip().lower()
    try:
        return Tier(value)
    except ValueError:
        return Tier.AUTO


def wants_index(entries: Iterable[Entry], tier: Tier | None = None) -> bool:
    """Whether the index should answer for a corpus of ``entries``."""
    tier = chosen_tier() if tier is None else tier
    if tier is not Tier.AUTO:
        return tier is Tier.INDEX
    count = size = 0
    for entry in entries:
        if entry.readable:
            count += 1
            size += entry.size
    return count >= INDEX_FROM_DOCS or size >= INDEX_FROM_BYTES


def stamp_of(entry: Entry) -> Stamp:
    """What tells whether ``entry``'s file changed since it was indexed."""
    return (entry.size, entry.mtime_ns)


Progress = Callable[[int, int], None]
"""Told ``(done, total)`` as indexing goes on."""


class CorpusIndex:
    """A corpus and its full-text index file; see the module's docstring."""

    def __init__(self, corpus: Corpus, index: FullTextIndex) -> None:
        """Use :meth:`open`."""
        self.corpus = corpus
        self.index = index
        self._plan: tuple[list[Entry], int, list[tuple[str, int | None]]] | None = None

    @classmethod
    def open(cls, corpus: Corpus) -> CorpusIndex:
        """The index of ``corpus`` in the cache folder (raises :class:`SearchIndexError`
        from :mod:`kbtui.search.fts` when no file can be made)."""
        return cls(corpus, FullTextIndex.open(default_index_file(corpus.root)))

    def body(self, doc_id: str) -> str:
        """A document's searchable text, read as the scan reads it."""
        doc = self.corpus.load_text(doc_id)
        return body_only(doc.source, doc.body_start)

    def stale(self) -> tuple[list[str], list[str]]:
        """``(changed, removed)``: documents to index again, and ids the corpus lost."""
        stamps = self.index.stamps()
        readable = {entry.id: stamp_of(entry) for entry in self.corpus.entries() if entry.readable}
        changed = [doc for doc, stamp in readable.items() if stamps.get(doc) != stamp]
        removed = [doc for doc in stamps if doc not in readable]
        return changed, removed

    def sync(
        self, progress: Progress | None = None, cancelled: Callable[[], bool] | None = None
    ) -> bool:
        """Bring the index up to the corpus's last scan; False when ``cancelled`` stopped it."""
        changed, removed = self.stale()
        return self.update(changed, removed, progress=progress, cancelled=cancelled)

    def fill_chars(self, cancelled: Callable[[], bool] | None = None) -> bool:
        """Fill an older file's character table from its stored texts (:mod:`.chars`;
        at once for a file made since); False when ``cancelled`` stopped it. The index
        answers meanwhile, with every document a candidate for a short query."""
        while not self.index.chars_complete:
            if cancelled is not None and cancelled():
                return False
            self.index.fill_chars()
        return True

    def update(
        self,
        changed_ids: Iterable[str],
        removed_ids: Iterable[str] = (),
        *,
        progress: Progress | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> bool:
        """Index ``changed_ids`` again as the corpus's entries now describe them and forget
        ``removed_ids`` (a changed id that is no longer readable is forgotten too).
        False when ``cancelled`` stopped it; the batches done are kept."""
        changed = list(changed_ids)
        removed = list(removed_ids)
        fold = fold_table().fold
        if progress is not None:
            progress(0, len(changed))
        for start in range(0, max(len(changed), 1), BATCH):
            if cancelled is not None and cancelled():
                return False
            texts, gone = [], list(removed) if start == 0 else []
            for doc_id in changed[start : start + BATCH]:
                text = self._indexed_text(doc_id, fold)
                if text is None:
                    gone.append(doc_id)
                else:
                    texts.append(text)
            self.index.write(texts, gone)
            if progress is not None:
                progress(min(start + BATCH, len(changed)), len(changed))
        return True

    def _indexed_text(self, doc_id: str, fold: Callable[[str], str]) -> IndexedText | None:
        """The document folded, stamped as the corpus saw it once it was read (reading a
        file that changed since the scan describes it again); None: not readable."""
        if self.corpus.get(doc_id) is None:
            return None
        body = self.body(doc_id)
        entry = self.corpus.get(doc_id)
        if entry is None or not entry.readable:
            return None
        return IndexedText(doc_id, stamp_of(entry), fold(body))

    def search(self, query: str, max_hits: int | None = 10_000) -> SearchResult:
        """:func:`kbtui.search.scan.search` over the corpus, answered from the index."""
        return collect(query, self.iter_search(query, max_hits))

    def iter_search(self, query: str, max_hits: int | None = 10_000) -> Iterator[DocumentHits]:
        """:func:`kbtui.search.scan.iter_search` over the corpus, answered from the index."""
        return iter_search_index(self.index, self._held(), self.body, query, max_hits=max_hits)

    def _held(self) -> list[tuple[str, int | None]]:
        """Every readable document in order, with its row in the index (``None``: not held
        as it is now). Kept while neither the entries nor the index change: made anew it
        was 80 ms of CPU at 100,000 documents, before a query's first document."""
        entries, generation = self.corpus.entries(), self.index.generation
        kept = self._plan
        if kept is not None and kept[1] == generation and _same_objects(kept[0], entries):
            return kept[2]
        readable = [e for e in entries if e.chars > 0]  # readable, inlined: 100,000 calls
        rows = self.index.held((e.id, (e.size, e.mtime_ns)) for e in readable)
        held = [(entry.id, row) for entry, row in zip(readable, rows, strict=True)]
        self._plan = (entries, generation, held)
        return held


def _same_objects(kept: list[Entry], entries: list[Entry]) -> bool:
    """Whether ``entries`` are the very entries of ``kept`` (a scan or a refresh makes new
    ones for what changed, so this says nothing changed, in a few milliseconds)."""
    return len(kept) == len(entries) and all(map(operator.is_, kept, entries))
