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

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice

from kbtui.search.context import context
from kbtui.search.fts import FullTextIndex
from kbtui.search.scan import (
    Budget,
    DocumentHits,
    Hit,
    Queries,
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


def iter_search_index(
    index: FullTextIndex,
    docs: Iterable[tuple[str, int | None]],
    load: Loader,
    query: str,
    *,
    max_hits: int | None = 10_000,
) -> Iterator[DocumentHits]:
    """:func:`kbtui.search.scan.iter_search` over ``docs`` (every readable document's id,
    in order, with its row in ``index`` or ``None`` when the index does not hold it as
    it is: :meth:`FullTextIndex.held`), answered from ``index`` (no pinyin: the caller
    scans for a query that reads as pinyin).

    The documents are taken a chunk at a time, the first chunks small, so the first
    screenful is ready after a few documents however many hold the query; a caller
    that stops early pays for no more. Raises :class:`~kbtui.search.fts.SearchIndexError`.
    """
    queries = compile_queries(query)
    if queries is None:
        return
    needles = needles_of(queries)
    candidates = index.candidates([needle.folded for needle in needles])
    if candidates is not None:  # lazily: the first page looks at the first documents only
        docs = (item for item in docs if item[1] is None or item[1] in candidates)
    budget = Budget(max_hits)
    countable = len(needles) == 1 and _countable(needles[0].folded)
    for chunk in _chunks(docs):
        held = [rowid for _, rowid in chunk if rowid is not None]
        if budget.room() == 0 and countable:
            counts = index.counts(held, needles[0].folded)
            for doc_id, rowid in chunk:
                if rowid is None:
                    yield from _scan_one(budget, queries, doc_id, load(doc_id))
                elif counts.get(rowid):
                    yield DocumentHits(doc_id, [], counts[rowid])
            continue
        folded = index.folded(held)
        for doc_id, rowid in chunk:
            if rowid is None:
                yield from _scan_one(budget, queries, doc_id, load(doc_id))
            elif rowid in folded:
                yield from _folded_hits(budget, needles, doc_id, folded[rowid], load)


def _countable(needle: str) -> bool:
    """Whether SQLite counts ``needle`` as ``str.count`` does (not with a NUL in it)."""
    return "\x00" not in needle


def _hits(
    budget: Budget, doc_id: str, spans: list[Span], total: int, source: Callable[[], str]
) -> Iterator[DocumentHits]:
    """One document's hits (``spans`` its first, of ``total``), when it has any; its
    ``source`` is read only when the budget gives one of them a context line."""
    if not total:
        return
    shown = budget.take(spans)
    text = source() if shown else ""
    hits = [Hit(doc_id, s, e, context(text, s, e), False, label) for s, e, label in shown]
    yield DocumentHits(doc_id, hits, total)


def _scan_one(budget: Budget, queries: Queries, doc_id: str, text: str) -> Iterator[DocumentHits]:
    """A document the index does not hold as it is now: searched as the scan does."""
    spans = queries.spans(text)
    return _hits(budget, doc_id, spans, len(spans), lambda: text)


def _folded_hits(
    budget: Budget, needles: list[Needle], doc_id: str, folded: str, load: Loader
) -> Iterator[DocumentHits]:
    """A document searched in its stored folded text."""
    if len(needles) == 1:
        room = budget.room()
        total = folded.count(needles[0].folded)
        spans = folded_spans(folded, needles, room) if room != 0 and total else []
    else:
        spans = folded_spans(folded, needles)
        total = len(spans)
    return _hits(budget, doc_id, spans, total, lambda: load(doc_id))


FIRST_CHUNK = 16
"""Documents in the first chunk: a screenful of results, ready at once."""


def _chunks(docs: Iterable[tuple[str, int | None]]) -> Iterator[list[tuple[str, int | None]]]:
    """``docs`` in chunks that double from :data:`FIRST_CHUNK` to :data:`CHUNK`."""
    items, size = iter(docs), FIRST_CHUNK
    while chunk := list(islice(items, size)):
        yield chunk
        size = min(2 * size, CHUNK)
