"""Script- and case-insensitive search over source texts.

Two texts match when they are equal after :func:`kbtui.scripts.hanzi.fold`, character
by character: ``創立`` finds ``创立`` and ``創立``, ``多雲`` finds ``多云``,
``claude`` finds ``CLAUDE``. Because the fold maps one character to one
character, a match in the folded text is a match at the same offsets in the
source text.

Folding a whole corpus before searching it is the slow part (``str.translate``
over 100 MB takes seconds). So a query is compiled instead: each of its
folded characters becomes the class of every character that folds to it
(``[创創]``), and the regular expression runs over the unfolded source text,
which is as fast as a plain ``re`` search. :class:`FoldTable` holds that
inverse of the fold; :mod:`kbtui.entities.matcher` uses it in the same way.

Regional vocabulary differs by whole words (软件 / 軟體), which no fold
matches, so a Chinese query also looks for the other regions' words
(:func:`compile_queries`, from :func:`kbtui.scripts.regional.regional_variants`);
a hit found through one says which (``軟體 (Taiwan)``). A query without
Chinese characters has none, and costs what it did.
"""

from __future__ import annotations

import re
import sys
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import TypeVar

from kbtui.scripts.hanzi import fold_map
from kbtui.scripts.regional import regional_variants
from kbtui.search.context import Context, context


@dataclass(frozen=True, slots=True)
class FoldTable:
    """The character fold as a table, and its inverse.

    ``forward`` maps every code point that folds to something else to what it
    folds to. ``inverse`` maps a folded character to every character that
    folds to it (itself included, when it folds to itself); characters that
    only fold to themselves are absent.
    """

    forward: dict[int, int]
    inverse: dict[str, frozenset[str]] = field(repr=False)

    def variants(self, folded_char: str) -> frozenset[str]:
        """Every character that folds to ``folded_char``."""
        return self.inverse.get(folded_char, frozenset((folded_char,)))

    def fold(self, text: str) -> str:
        """``text`` folded (the same as :func:`kbtui.scripts.hanzi.fold`)."""
        return text.translate(self.forward)


@cache
def fold_table() -> FoldTable:
    """The fold of :func:`kbtui.scripts.hanzi.fold` and its inverse (built once)."""
    forward = fold_map()
    return FoldTable(forward=forward, inverse=_invert(forward))


def _invert(forward: dict[int, int]) -> dict[str, frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for source, target in forward.items():
        groups.setdefault(chr(target), set()).add(chr(source))
    for folded, members in groups.items():
        if ord(folded) not in forward:
            members.add(folded)
    return {folded: frozenset(members) for folded, members in groups.items()}


_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


@dataclass(frozen=True, slots=True)
class Query:
    """A compiled query: regular expressions that find it in unfolded text.

    Each character of the folded query becomes the class of every character
    that folds to it, so a match is exactly a span whose fold equals the
    query's fold. ``bmp`` leaves out the variants beyond U+FFFF (mathematical
    alphanumerics such as ``𝐀``, some compatibility ideographs): ``re`` tests
    those one by one at every position, which makes a Latin query six times
    slower, and almost no text holds them. ``full`` is used for a text that does.
    """

    text: str
    bmp: re.Pattern[str]
    full: re.Pattern[str]
    astral: frozenset[str]

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        """Every non-overlapping match in ``text``, left to right."""
        return self._pattern_for(text).finditer(text)

    def _pattern_for(self, text: str) -> re.Pattern[str]:
        return self.full if holds_astral(text, self.astral) else self.bmp


def holds_astral(text: str, chars: frozenset[str]) -> bool:
    """Whether ``text`` holds one of ``chars``, characters beyond U+FFFF.

    Costs nothing for a text without any such character, nearly every text
    (see :func:`_may_hold_astral`): the matchers use this to tell when a text
    needs their slower form.
    """
    if not chars or not _may_hold_astral(text):
        return False
    return not chars.isdisjoint(_ASTRAL.findall(text))


def _may_hold_astral(text: str) -> bool:
    """False only when ``text`` surely has no character beyond U+FFFF.

    CPython stores a string with such a character at four bytes per
    character (PEP 393), so a smaller string cannot hold one; the check costs
    nothing, where scanning would cost 0.1 s per 100 MB.
    """
    try:
        return sys.getsizeof(text) >= 4 * len(text)
    except TypeError:
        return True


def compile_query(query: str) -> Query | None:
    """The compiled form of ``query``, or ``None`` when it is empty."""
    table = fold_table()
    classes = [table.variants(ch) for ch in table.fold(query)]
    if not classes:
        return None
    astral = frozenset(ch for members in classes for ch in members if ch > "\uffff")
    return Query(
        text=query,
        bmp=_compile(members - astral or members for members in classes),
        full=_compile(classes),
        astral=astral,
    )


def _compile(classes: Iterable[frozenset[str]]) -> re.Pattern[str]:
    return re.compile("".join(char_class(members) for members in classes))


def char_class(members: frozenset[str]) -> str:
    """A regular expression matching exactly one of ``members`` (at least one)."""
    if len(members) == 1:
        return re.escape(next(iter(members)))
    return "[" + "".join(_escape_in_class(ch) for ch in sorted(members)) + "]"


def _escape_in_class(ch: str) -> str:
    return "\\" + ch if ch in "\\]^-[" else ch


Tag = TypeVar("Tag")
Item = TypeVar("Item")


def merge_spans(
    spans: list[tuple[int, int, Tag]], extra: Iterable[tuple[int, int, Tag]]
) -> list[tuple[int, int, Tag]]:
    """``spans`` and the ``extra`` spans that overlap none of them, in order.

    Both are in order and without overlaps of their own. What ``spans`` found
    wins where both find the same text, so a passage is reported once, as
    the first finder saw it (the query itself before a variant or its pinyin).
    """
    kept = list(spans)
    starts = [s for s, _, _ in spans]
    for s, e, tag in extra:
        i = bisect_right(starts, s)
        before = i > 0 and spans[i - 1][1] > s
        after = i < len(spans) and spans[i][0] < e
        if not before and not after:
            kept.append((s, e, tag))
    return sorted(kept, key=lambda span: (span[0], span[1]))


@dataclass(frozen=True, slots=True)
class Queries:
    """A compiled query and the other regions' words for it (软件 → 軟體)."""

    own: Query
    variants: tuple[tuple[Query, str], ...] = ()
    """Each regional variant compiled, with its label (``軟體 (Taiwan)``)."""

    def spans(self, text: str) -> list[tuple[int, int, str | None]]:
        """Every match in ``text``, in order, labelled with the variant that found it
        (``None``: the query itself, which wins where a variant finds the same text)."""
        found: list[tuple[int, int, str | None]]
        found = [(m.start(), m.end(), None) for m in self.own.finditer(text)]
        for query, label in self.variants:
            found = merge_spans(found, [(m.start(), m.end(), label) for m in query.finditer(text)])
        return found


def compile_queries(query: str) -> Queries | None:
    """``query`` and its regional variants compiled, or ``None`` when it is empty."""
    own = compile_query(query)
    if own is None:
        return None
    variants = tuple(
        (compiled, f"{text} ({label})")
        for text, label in regional_variants(query)
        if (compiled := compile_query(text)) is not None
    )
    return Queries(own, variants)


def find_all(text: str, query: str) -> list[tuple[int, int]]:
    """Source ranges ``(start, end)`` of every non-overlapping match of ``query``.

    Script-, case- and width-insensitive (``多雲`` finds ``多云``), and
    regional words too (``软件`` finds ``軟體``); the find command of the
    reader uses this, as does the corpus search.
    """
    queries = compile_queries(query)
    if queries is None:
        return []
    return [(start, end) for start, end, _ in queries.spans(text)]


@dataclass(frozen=True, slots=True)
class Hit:
    """One search hit: where it is in the source text, and its context line."""

    doc_id: str
    start: int
    end: int
    context: Context
    pinyin: bool = False
    """Found by reading the query as pinyin (``anquan`` → 安全), not by its letters."""
    variant: str | None = None
    """The regional variant that found it (``軟體 (Taiwan)`` for 软件), if one did."""

    def to_json(self) -> dict[str, object]:
        """The shape ``kbtui search --json`` prints for one hit (``pinyin`` only when
        true, ``variant`` only when one found it)."""
        data: dict[str, object] = {
            "doc": self.doc_id,
            "start": self.start,
            "end": self.end,
            "context": str(self.context),
        }
        if self.pinyin:
            data["pinyin"] = True
        if self.variant is not None:
            data["variant"] = self.variant
        return data


@dataclass(slots=True)
class DocumentHits:
    """The hits in one document; ``total`` counts hits beyond ``hits`` too."""

    doc_id: str
    hits: list[Hit]
    total: int

    def to_json(self) -> dict[str, object]:
        """One document's part of ``kbtui search --json``."""
        return {"doc": self.doc_id, "count": self.total, "hits": [h.to_json() for h in self.hits]}


@dataclass(slots=True)
class SearchResult:
    """Hits grouped by document, in the order the documents were given."""

    query: str
    documents: list[DocumentHits]
    total: int
    truncated: bool

    def to_json(self) -> dict[str, object]:
        """The shape ``kbtui search --json`` prints."""
        return {
            "query": self.query,
            "total": self.total,
            "truncated": self.truncated,
            "documents": [group.to_json() for group in self.documents],
        }


def body_only(source: str, body_start: int) -> str:
    """``source`` with its frontmatter blanked out, offsets unchanged.

    Searches look at what the reader can show and jump to; frontmatter
    fields (title, summary) are shown as metadata instead.
    """
    if body_start <= 0:
        return source
    blank = "".join("\n" if ch == "\n" else " " for ch in source[:body_start])
    return blank + source[body_start:]


SpanFinder = Callable[[str], list[tuple[int, int]]]
"""Finds more ``(start, end)`` spans of a query in a text: its pinyin reading,
which :mod:`kbtui.lookup` knows and the session passes in (search sits beside
lookup and imports none of it)."""


def with_pinyin(
    spans: list[tuple[int, int]], extra: list[tuple[int, int]]
) -> list[tuple[int, int, bool]]:
    """``spans`` and the ``extra`` spans that overlap none of them (marked True), in order.

    A literal match wins where both find the same text, so a query found
    both ways is reported once, as itself.
    """
    return merge_spans([(s, e, False) for s, e in spans], [(s, e, True) for s, e in extra])


class Budget:
    """How many more hits get a context line, spent document by document in order
    (``None``: every hit gets one). The scan and the index spend it alike, which is
    what makes their results equal however they are computed."""

    def __init__(self, max_hits: int | None) -> None:
        self.left = max_hits

    def room(self) -> int | None:
        """How many more hits get a context line (``None``: all)."""
        return None if self.left is None else max(self.left, 0)

    def take(self, spans: list[Item]) -> list[Item]:
        """The first of ``spans`` that get a context line, spent."""
        room = self.room()
        shown = spans if room is None else spans[:room]
        if self.left is not None:
            self.left -= len(shown)
        return shown


def collect(query: str, groups: Iterable[DocumentHits]) -> SearchResult:
    """A whole :class:`SearchResult` from a stream of document hits (in order)."""
    result = SearchResult(query=query, documents=[], total=0, truncated=False)
    for group in groups:
        result.documents.append(group)
        result.total += group.total
        result.truncated = result.truncated or len(group.hits) < group.total
    return result


def search(
    documents: Iterable[tuple[str, str]],
    query: str,
    *,
    max_hits: int | None = 10_000,
    pinyin: SpanFinder | None = None,
) -> SearchResult:
    """Search ``(doc_id, source_text)`` pairs for ``query``: :func:`iter_search`, collected."""
    return collect(query, iter_search(documents, query, max_hits=max_hits, pinyin=pinyin))


def iter_search(
    documents: Iterable[tuple[str, str]],
    query: str,
    *,
    max_hits: int | None = 10_000,
    pinyin: SpanFinder | None = None,
) -> Iterator[DocumentHits]:
    """The hits of ``query`` in ``(doc_id, source_text)`` pairs, a document at a time,
    in the order the documents were given (a caller shows the first before the last
    is read).

    Every hit is counted, but only the first ``max_hits`` get a context line
    (``None``: all of them), since a common word in a big corpus has hundreds
    of thousands of hits and no one reads past the first screens. ``pinyin``
    finds the query's reading too (:func:`with_pinyin`); its hits say so, as do
    those found through a regional variant (:func:`compile_queries`).
    """
    queries = compile_queries(query)
    if queries is None:
        return
    budget = Budget(max_hits)
    for doc_id, text in documents:
        spans = [(s, e, (False, label)) for s, e, label in queries.spans(text)]
        if pinyin is not None:
            spans = merge_spans(spans, [(s, e, (True, None)) for s, e in pinyin(text)])
        if spans:
            shown = budget.take(spans)
            hits = [Hit(doc_id, s, e, context(text, s, e), *by) for s, e, by in shown]
            yield DocumentHits(doc_id, hits, len(spans))
