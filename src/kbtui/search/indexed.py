"""A corpus search answered from the full-text index, with exactly the scan's results.

The scan (:func:`kbtui.search.scan.search`) runs the compiled query over
every source text. Here the index (:class:`~kbtui.search.fts.FullTextIndex`)
names the documents that may hold the query, and the spans are found in
their stored folded text with ``str.find``: the fold maps one character to
one, so the folded query's occurrences in the folded text are the compiled
query's matches in the source, at the same offsets, and the leftmost
non-overlapping ones are the ones ``re.finditer`` reports. The source is read
only for the documents whose hits get a context line; once those are given,
the rest are only counted, inside SQLite (:meth:`FullTextIndex.counts`), which
spares decoding their text into Python. A document the index
holds at another stamp (changed since), or not at all, is scanned as the
scan would, so the answer never depends on how current the index is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from kbtui.search.context import context
from kbtui.search.fts import FullTextIndex, Stamp
from kbtui.search.scan import (
    DocumentHits,
    Hit,
    Queries,
    SearchResult,
    compile_queries,
    fold_table,
    merge_spans,
)

Loader = Callable[[str], str]
"""A document's searchable text (frontmatter blanked, :func:`~kbtui.search.scan.body_only`)."""

Span = tuple[int, int, "str | None"]
"""``(start, end, variant label)``, as :meth:`kbtui.search.scan.Queries.spans` gives."""

CHUNK = 256
"""Documents whose folded texts are read from the index at once."""


@dataclass(frozen=True, slots=True)
class Needle:
    """One of the query's forms, folded: the query itself or a regional variant."""

    folded: str
    label: str | None
    """The variant's label (``軟體 (Taiwan)``); ``None`` for the query itself."""


def needles_of(queries: Queries) -> list[Needle]:
    """The folded forms :meth:`Queries.spans` looks for, the query's own first."""
    fold = fold_table().fold
    own = Needle(fold(queries.own.text), None)
    return [own, *(Needle(fold(query.text), label) for query, label in queries.variants)]


def folded_spans(folded: str, needles: Sequence[Needle], limit: int | None = None) -> list[Span]:
    """What :meth:`Queries.spans` finds in the source, found in its folded text.

    With one needle, at most ``limit`` spans (the caller counts the rest with
    ``str.count``, which is what makes a common word cheap).
    """
    own = needles[0]
    found = _find(folded, own.folded, own.label, limit if len(needles) == 1 else None)
    for needle in needles[1:]:
        found = merge_spans(found, _find(folded, needle.folded, needle.label, None))
    return found


def _find(text: str, needle: str, label: str | None, limit: int | None) -> list[Span]:
    """Leftmost non-overlapping occurrences of ``needle`` (at most ``limit``)."""
    spans: list[Span] = []
    width = len(needle)
    at = text.find(needle)
    while at >= 0 and (limit is None or len(spans) < limit):
        spans.append((at, at + width, label))
        at = text.find(needle, at + width)
    return spans


class _Collector:
    """A :class:`SearchResult` filled document by document, as the scan fills it."""

    def __init__(self, query: str, max_hits: int | None) -> None:
        self.result = SearchResult(query=query, documents=[], total=0, truncated=False)
        self.budget = max_hits

    def room(self) -> int | None:
        """How many more hits get a context line (``None``: all)."""
        return None if self.budget is None else max(self.budget, 0)

    def add(self, doc_id: str, spans: list[Span], total: int, source: Callable[[], str]) -> None:
        """One document's spans (the first :meth:`room` of its ``total``); ``source``
        gives its text for the context lines, read only when one is shown."""
        if not total:
            return
        room = self.room()
        shown = spans if room is None else spans[:room]
        text = source() if shown else ""
        hits = [Hit(doc_id, s, e, context(text, s, e), False, label) for s, e, label in shown]
        result = self.result
        result.documents.append(DocumentHits(doc_id, hits, total))
        result.total += total
        if self.budget is not None:
            self.budget -= len(shown)
            result.truncated = result.truncated or len(shown) < total


def search_index(
    index: FullTextIndex,
    docs: Sequence[tuple[str, Stamp]],
    load: Loader,
    query: str,
    *,
    max_hits: int | None = 10_000,
) -> SearchResult:
    """:func:`kbtui.search.scan.search` over ``docs`` (``(doc id, stamp)`` of every
    readable document, in order), answered from ``index`` (no pinyin: the caller scans
    for a query that reads as pinyin). Raises :class:`~kbtui.search.fts.SearchIndexError`."""
    queries = compile_queries(query)
    collector = _Collector(query, max_hits)
    if queries is None:
        return collector.result
    needles = needles_of(queries)
    candidates = index.candidates([needle.folded for needle in needles])
    stamps = index.stamps()
    if candidates is not None:  # only those and the documents changed since: 100,000 is slow
        candidates.update(doc for doc, stamp in docs if stamps.get(doc) != stamp)
        docs = [item for item in docs if item[0] in candidates]
    for chunk in _chunks(docs):
        indexed = [doc for doc, stamp in chunk if stamps.get(doc) == stamp]
        if collector.room() == 0 and len(needles) == 1 and _countable(needles[0].folded):
            counts = index.counts(indexed, needles[0].folded)
            for doc_id, stamp in chunk:
                if stamps.get(doc_id) != stamp:
                    _scan_one(collector, queries, doc_id, load(doc_id))
                elif doc_id in counts:
                    collector.add(doc_id, [], counts[doc_id], str)
            continue
        folded = index.folded(indexed)
        for doc_id, stamp in chunk:
            if stamps.get(doc_id) != stamp:
                _scan_one(collector, queries, doc_id, load(doc_id))
            elif doc_id in folded:
                _add_folded(collector, needles, doc_id, folded[doc_id], load)
    return collector.result


def _countable(needle: str) -> bool:
    """Whether SQLite counts ``needle`` as ``str.count`` does (not with a NUL in it)."""
    return "\x00" not in needle


def _scan_one(collector: _Collector, queries: Queries, doc_id: str, text: str) -> None:
    """A document the index does not hold as it is now: searched as the scan does."""
    spans = queries.spans(text)
    collector.add(doc_id, spans, len(spans), lambda: text)


def _add_folded(
    collector: _Collector, needles: list[Needle], doc_id: str, folded: str, load: Loader
) -> None:
    """A document searched in its stored folded text."""
    if len(needles) == 1:
        room = collector.room()
        total = folded.count(needles[0].folded)
        spans = folded_spans(folded, needles, room) if room != 0 and total else []
    else:
        spans = folded_spans(folded, needles)
        total = len(spans)
    collector.add(doc_id, spans, total, lambda: load(doc_id))


def _chunks(docs: Sequence[tuple[str, Stamp]]) -> Iterator[Sequence[tuple[str, Stamp]]]:
    for start in range(0, len(docs), CHUNK):
        yield docs[start : start + CHUNK]
