"""The document list's rows: what the list knows of a document, without reading it.

Rows are made from the scan's entries and the store (annotation count, the
user's tags, when it was last opened), in a worker thread, so the list can
show, filter and sort ten thousand documents without touching a file.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from heapq import merge
from itertools import compress, repeat
from operator import add, contains
from threading import Lock
from typing import TypeVar

from kbtui.documents.model import Metadata
from kbtui.scripts.hanzi import Script, fold
from kbtui.session.grams import Grams, gram_index, pairs_and_triples, triples, with_, without
from kbtui.session.rowsets import Picks, Positions, full_mask, mask_of, mask_of_flags


@dataclass(slots=True)
class DocRow:
    """What the list knows of a document: enough to show, filter and sort it."""

    id: str
    meta: Metadata
    script: Script
    problems: list[str]
    annotations: int = 0
    doc_tags: list[str] = field(default_factory=list)
    last_opened: str | None = None
    title: str = ""
    """The title as the list shows it (in the default script); the metadata's if empty."""

    @property
    def shown_title(self) -> str:
        """What the list shows as the title."""
        return self.title or self.meta.title

    @property
    def all_tags(self) -> list[str]:
        """Frontmatter tags and the user's tags together."""
        return [*self.meta.tags, *self.doc_tags]

    def haystack(self) -> str:
        """The folded text the filter searches."""
        return fold(" ".join([self.shown_title, self.id, *self.all_tags]))


T = TypeVar("T")


class RowIndex:
    """What filtering and sorting every row needs, folded once: each row's
    :meth:`DocRow.haystack`, its folded title (the title order's key) and its
    folded tags (``#tag``). Folding is the cost (about 5 µs a row: half a
    second at 100,000 rows), so the list makes this in a worker after it
    fills and keeps it while only the order or the filter changes.

    The texts are tuples of strings, which the garbage collector stops walking
    after its first pass over them (lists of 100,000 it walks at every full
    collection: tens of milliseconds on a keystroke)."""

    def __init__(self, rows: Sequence[DocRow]) -> None:
        self.rows = list(rows)
        """The rows, in the order given: the positions everything else uses."""
        self.places = {row.id: i for i, row in enumerate(self.rows)}
        """Each row's position, by id."""
        self.dates = tuple(row.meta.date for row in self.rows)
        self.texts = tuple(row.haystack() for row in self.rows)
        """Each row's folded title, id and tags, as the filter searches them."""
        # fold maps each character to one, so a folded part's place in the
        # folded whole is its place in the whole:
        rows_texts = partial(zip, self.rows, self.texts, strict=True)  # no list of pairs
        self.titles = tuple(text[: len(row.shown_title)] for row, text in rows_texts())
        self.tags = tuple(_folded_tags(row, text) for row, text in rows_texts())
        self._orders: dict[str, Positions] = {}
        self._ordered: dict[str, OrderedRows] = {}

    def order(self, name: str) -> Positions:
        """The positions of the rows in the order ``name`` (one of ``SORT_ORDERS``)."""
        if name not in self._orders:
            self._orders[name] = array("i", positions_in_order(self.rows, name, self.titles))
        return self._orders[name]

    def ordered(self, name: str) -> OrderedRows:
        """The rows in the order ``name``, to filter (made once: about 10 ms a
        100,000 rows, and the sort's 70 ms unless :meth:`prepare` made it)."""
        if name not in self._ordered:
            self._ordered[name] = OrderedRows(self, name)
        return self._ordered[name]

    def prepare(self, names: Sequence[str]) -> RowIndex:
        """Make the rows in each order of ``names`` now (in the worker), so changing
        the order later costs no sort."""
        for name in names:
            self.ordered(name)
        return self

    def changed(self, row: DocRow) -> bool:
        """Whether ``row`` filters differently from its indexed self (a title, id or
        tag changed), so the index no longer holds for it."""
        place = self.places.get(row.id)
        return place is None or row.haystack() != self.texts[place]

    def update(self, row: DocRow) -> None:
        """Index ``row`` (one of the rows, by id: changed, or a new object for it) again.

        The orders are made again only if its title or date changed; else the
        rows in each order take the row in its place, the rows holding each
        character and pair they found follow its new text (an annotation or a
        tag would otherwise lose them: seconds of indexing at 100,000 rows)."""
        place = self.places[row.id]
        self.rows[place] = row
        text = row.haystack()
        title, tags = text[: len(row.shown_title)], _folded_tags(row, text)
        moved = (title, row.meta.date) != (self.titles[place], self.dates[place])
        if moved:
            self._orders.clear()
            self._ordered.clear()
        self.texts = _replaced(self.texts, place, text)  # a copy: 1 ms at 100,000 rows
        self.titles = _replaced(self.titles, place, title)
        self.dates = _replaced(self.dates, place, row.meta.date)
        self.tags = _replaced(self.tags, place, tags)
        for ordered in self._ordered.values():
            ordered.replace(place, row, text, tags)


def _replaced(items: tuple[T, ...], place: int, item: T) -> tuple[T, ...]:
    return (*items[:place], item, *items[place + 1 :])


def _folded_tags(row: DocRow, text: str) -> tuple[str, ...]:
    start = len(row.shown_title) + 1 + len(row.id) + 1
    tags = []
    for tag in row.all_tags:
        tags.append(text[start : start + len(tag)])
        start += len(tag) + 1
    return tuple(tags)


def positions_in_order(
    rows: Sequence[DocRow], name: str, titles: Sequence[str] | None = None
) -> list[int]:
    """The positions of ``rows`` sorted by ``name``: ``title`` (folded), or by date
    (``date-desc`` newest first, ``date-asc``) with the undated ones last, in
    their given order. ``titles`` are the folded titles if they are known."""
    places = range(len(rows))
    if name == "title":
        keys = titles if titles is not None else [fold(r.shown_title) for r in rows]
        return sorted_in_slices(places, keys.__getitem__)
    dates = [r.meta.date or "" for r in rows]
    dated = sorted_in_slices(
        [i for i in places if dates[i]], dates.__getitem__, reverse=name == "date-desc"
    )
    return dated + [i for i in places if not dates[i]]


def sorted_in_slices(
    items: Sequence[T], key: Callable[[T], str], reverse: bool = False, size: int = 8192
) -> list[T]:
    """``sorted(items, key=key, reverse=reverse)``, in slices of ``size`` merged (stable,
    as ``sorted``). One sort of 100,000 titles is a single C call of about 100 ms
    that holds the GIL: in a worker, a key press waited for it. A slice is 5 ms; the
    merge runs Python, which lets the UI thread in (twice the CPU, in the worker)."""
    if len(items) <= size:
        return sorted(items, key=key, reverse=reverse)
    slices = [
        sorted(items[at : at + size], key=key, reverse=reverse) for at in range(0, len(items), size)
    ]
    return list(merge(*slices, key=key, reverse=reverse))


class OrderedRows:
    """Every row of a :class:`RowIndex` in one order, filtered as the query is typed.

    Positions are places in that order, so what the filter keeps is already in
    order; it is kept as a mask (:class:`~kbtui.session.rowsets.Picks`), so that
    combining what each word keeps is one ``&``, not a step per row. Once
    :meth:`index_characters` and :meth:`index_pairs` have run (in workers), the
    rows holding each character and each pair of characters are known: a word of
    one or two characters is then a look-up, not a test of each row's text
    (200-300 ns a row: 7 ms for the 30,000 rows a common character is in), and a
    longer word is tested only on the rows holding each of its pairs and every
    other word of the query (an ASCII word in those rows' ASCII, :func:`ascii_of`).

    What the last queries kept is kept: deleting a character goes back to one of
    them, and a query keeps only rows that each kept query whose every word is in
    one of its words kept (the last query, as one more key narrows it), whose
    words need no test then.
    """

    def __init__(self, index: RowIndex, name: str) -> None:
        order = index.order(name)
        # Python steps, not a C-level map: in a worker, each map over 100,000 rows
        # held the GIL 17-25 ms, that long a key press waited
        rows, texts, tags = index.rows, index.texts, index.tags
        self.rows = [rows[i] for i in order]
        """The rows in the order."""
        self._order, self._places = order, index.places
        self._texts = tuple([texts[i] for i in order])
        self._tags = tuple([tags[i] for i in order])
        self._every = full_mask(len(self.rows))
        self._kept: dict[tuple[str, ...], Picks] = {}  # query -> its positions
        self._grams: Grams | None = None  # None: not indexed yet
        self._has_pairs = False  # whether ``_grams`` has every pair of characters too
        self._ascii: tuple[str, ...] | None = None  # the texts' ASCII, with the grams
        self._version = 0  # counts the rows replaced
        self._lock = Lock()  # a worker's index is taken whole, or made again

    def matching(self, words: Sequence[str]) -> Picks:
        """The positions, in order, of the rows whose text holds every (folded) word."""
        query = tuple(words)
        found = self._kept.get(query)
        if found is None:
            found = self._matching(query)
            if len(self._kept) >= KEPT_QUERIES:
                self._kept.clear()
            self._kept[query] = found
        return found

    def position(self, doc_id: str) -> int | None:
        """Where the row of ``doc_id`` is in the order (None: not one of the rows)."""
        place = self._places.get(doc_id)
        return None if place is None else self._order.index(place)  # a search in C

    def index_characters(self, cancelled: Callable[[], bool] = bool) -> None:
        """Find the rows holding each character now, and each row's ASCII (in a worker:
        about 0.5 + 0.3 s at 100,000 rows), so that no keystroke tests every row, and a
        word no gram narrows is tested fast; unless ``cancelled()``
        (by default never) says, on the way, that it is no longer wanted."""
        while True:  # again if a row was replaced meanwhile (on the UI thread)
            version = self._version
            grams = gram_index(self._texts, set, cancelled)
            unwanted = grams is None or cancelled()  # then the texts are tested as they are
            ascii_parts = None if unwanted else tuple([ascii_of(t) for t in self._texts])
            with self._lock:
                if grams is None or version == self._version:
                    if grams is not None:
                        self._grams, self._ascii = grams, ascii_parts
                    return

    def index_pairs(self, cancelled: Callable[[], bool] = bool) -> None:
        """Find the rows holding each pair of characters too, and each run of three
        that many rows hold (in a worker, after :meth:`index_characters`: about 2 s at
        100,000 rows), so that a word of two characters, or of three most rows hold,
        is a look-up, not a test of the rows holding its pairs."""
        while True:
            version = self._version
            grams = gram_index(self._texts, pairs_and_triples, cancelled)
            with self._lock:
                if grams is None:
                    return
                if version == self._version:
                    self._grams = {**(self._grams or {}), **grams}
                    self._has_pairs = True  # after: a query meanwhile tests both's rows
                    return

    @property
    def indexed(self) -> bool:
        """Whether :meth:`index_characters` has run."""
        return self._grams is not None

    @property
    def indexed_pairs(self) -> bool:
        """Whether :meth:`index_pairs` has run."""
        return self._has_pairs

    def replace(self, place: int, row: DocRow, text: str, tags: tuple[str, ...]) -> None:
        """Hold ``row``, at ``place`` of the index, with its new (folded) ``text`` and
        ``tags``: what the queries kept is forgotten, the grams' rows follow."""
        with self._lock:
            self._replace(self._order.index(place), row, text, tags)

    def _replace(self, at: int, row: DocRow, text: str, tags: tuple[str, ...]) -> None:
        before = self._texts[at]
        self.rows[at] = row
        self._texts = _replaced(self._texts, at, text)
        self._tags = _replaced(self._tags, at, tags)
        if self._ascii is not None:
            self._ascii = _replaced(self._ascii, at, ascii_of(text))
        self._kept.clear()
        self._version += 1  # a worker indexing the texts as they were starts again
        if self._grams is not None and before != text:
            old, new = self._grams_of(before), self._grams_of(text)
            grams = self._grams
            for gram in old - new:
                if gram in grams:  # a triple only if many rows hold it
                    grams[gram] = without(grams[gram], at)
            for gram in new - old:
                if len(gram) < 3 or gram in grams:
                    grams[gram] = with_(grams.get(gram), at)

    def _grams_of(self, text: str) -> set[str]:
        """The grams of ``text`` the index may hold."""
        return {*text, *pairs_and_triples(text)} if self._has_pairs else set(text)

    def tagged(self, tag: str, among: Sequence[int] | None) -> list[int]:
        """The positions in ``among`` (None: every row) of the rows tagged ``tag`` (folded)."""
        tags = self._tags
        return [i for i in (range(len(tags)) if among is None else among) if tag in tags[i]]

    def _matching(self, query: tuple[str, ...]) -> Picks:
        mask, narrowest = self._every, None
        known: set[str] = set()
        for kept_query, kept in self._kept.items():
            if all(any(k in word for word in query) for k in kept_query):
                mask &= kept.mask  # every row the query keeps, this one kept
                known.update(kept_query)
                if narrowest is None or _fewer(kept, narrowest):
                    narrowest = kept
        todo = [word for word in query if word not in known]
        for word in todo:
            mask &= self._may_hold(word)
        found = narrowest if narrowest is not None and narrowest.mask == mask else Picks(mask)
        for word in todo:
            if found and not self._exact(word):
                found = self._holding_word(found, word)
        return found

    def _holding_word(self, found: Picks, word: str) -> Picks:
        """Those of ``found`` whose text holds ``word``, tested in C-level maps, and an
        ASCII word in the texts' ASCII (:func:`ascii_of`). A Python step per row took
        0.7 µs (72 ms a key at 100,000 rows for a word every row holds that no gram
        narrows, ``doc0`` of the ids); a map over the texts 0.4 µs, over their ASCII 0.11."""
        texts = self._texts
        if self._ascii is not None and word.isascii() and "\0" not in word:
            texts = self._ascii
        if len(found) == len(texts):
            held = mask_of_flags(bytes(map(contains, texts, repeat(word))))
            return found if held == found.mask else Picks(held)
        among = found.positions if found.positions is not None else array("i", found)
        tested = map(contains, map(texts.__getitem__, among), repeat(word))
        return Picks.of(array("i", compress(among, tested)))

    def _exact(self, word: str) -> bool:
        """Whether :meth:`_may_hold` finds exactly the rows holding ``word``."""
        if self._grams is None or len(word) > 3:
            return False
        return len(word) == 1 or (self._has_pairs and (len(word) == 2 or word in self._grams))

    def _may_hold(self, word: str) -> int:
        """The rows that may hold ``word``: those holding each of its characters, or
        pairs and the triples many rows hold once they are indexed (every row,
        without :meth:`index_characters`)."""
        if self._grams is None:
            return self._every
        if self._exact(word):
            return self._holding(word)
        mask = self._every
        parts = map(add, word, word[1:]) if self._has_pairs else iter(word)
        for gram in dict.fromkeys(parts):
            mask &= self._holding(gram)
            if not mask:
                return 0
        if self._has_pairs:  # the triples many rows hold: those that narrow it little
            grams = self._grams
            for triple in triples(word):
                if (rows := grams.get(triple)) is not None:
                    mask &= rows if isinstance(rows, int) else mask_of(rows)
        return mask

    def _holding(self, gram: str) -> int:
        assert self._grams is not None
        rows = self._grams.get(gram, 0)
        return rows if isinstance(rows, int) else mask_of(rows)


def ascii_of(text: str) -> str:
    """``text`` with each run of other characters as one NUL: an ASCII word (without
    a NUL) is in it exactly where it is in ``text``, and finding it is a ``memchr``
    over one byte a character, where the text (CJK: two bytes) takes a slower loop."""
    return text if text.isascii() else _NOT_ASCII.sub("\0", text)


_NOT_ASCII = re.compile("[^\x00-\x7f]+")


def _fewer(picks: Picks, other: Picks) -> bool:
    """Whether ``picks`` are fewer than ``other``, or as many but listed (cheaper to test)."""
    return (len(picks), picks.positions is None) < (len(other), other.positions is None)


KEPT_QUERIES = 32
"""Queries whose rows :class:`OrderedRows` keeps (then it starts again)."""
