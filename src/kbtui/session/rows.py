"""The document list's rows: what the list knows of a document, without reading it.

Rows are made from the scan's entries and the store (annotation count, the
user's tags, when it was last opened), in a worker thread, so the list can
show, filter and sort ten thousand documents without touching a file.
"""

from __future__ import annotations

from array import array
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import TypeAlias, TypeVar

from kbtui.documents.model import Metadata
from kbtui.scripts.hanzi import Script, fold


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
        """Index ``row`` (one of the rows, by id: changed, or a new object for it) again;
        the orders are made again only if its title or date changed."""
        place = self.places[row.id]
        self.rows[place] = row
        text = row.haystack()
        title = text[: len(row.shown_title)]
        if (title, row.meta.date) != (self.titles[place], self.dates[place]):
            self._orders.clear()
        self._ordered.clear()  # they hold the texts and tags as they were
        self.texts = _replaced(self.texts, place, text)  # a copy: 1 ms at 100,000 rows
        self.titles = _replaced(self.titles, place, title)
        self.dates = _replaced(self.dates, place, row.meta.date)
        self.tags = _replaced(self.tags, place, _folded_tags(row, text))


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
        return sorted(places, key=keys.__getitem__)
    dates = [r.meta.date or "" for r in rows]
    dated = sorted(
        (i for i in places if dates[i]), key=dates.__getitem__, reverse=name == "date-desc"
    )
    return dated + [i for i in places if not dates[i]]


class OrderedRows:
    """Every row of a :class:`RowIndex` in one order, filtered as the query is typed.

    Positions are places in that order, so what the filter keeps is already
    in order. What the last queries kept is kept: deleting a character goes
    back to one of them. A query is looked for only among the fewest rows
    known to hold all it keeps: those a kept query found whose every word is
    in one of its words (the last query, as one more key narrows it), or those
    holding one of its characters (:meth:`index_characters`, or those found
    by a word of one character). Without them, a query's first key tests
    every row (7 ms at 100,000). A new word of one character is then found by
    a set of the rows holding it, not by testing each row's text.
    """

    def __init__(self, index: RowIndex, name: str) -> None:
        order = index.order(name)
        self.rows = list(map(index.rows.__getitem__, order))
        """The rows in the order."""
        self._order, self._places = order, index.places
        self._texts = tuple(map(index.texts.__getitem__, order))
        self._tags = tuple(map(index.tags.__getitem__, order))
        self._kept: dict[tuple[str, ...], Positions] = {}  # query -> its positions
        self._chars: dict[str, Positions] = {}  # character -> the positions holding it
        self._every_char = False  # whether ``_chars`` has every character of every row
        self._sets: dict[str, frozenset[int]] = {}  # some of ``_chars``, as sets

    def matching(self, words: Sequence[str]) -> Positions:
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

    def index_characters(self) -> None:
        """Find the rows holding each character now (in a worker: about 0.6 s at
        100,000 rows), so that not even a query's first key tests every row."""
        # arrays from the start: the collector runs many times while this fills
        # them (on the UI thread too), and would walk lists of every position
        chars: defaultdict[str, Positions] = defaultdict(partial(array, "i"))
        for i, text in enumerate(self._texts):
            for char in set(text):
                chars[char].append(i)
        self._chars = dict(chars)
        self._every_char = True

    def tagged(self, tag: str, among: Sequence[int] | None) -> list[int]:
        """The positions in ``among`` (None: every row) of the rows tagged ``tag`` (folded)."""
        tags = self._tags
        return [i for i in (range(len(tags)) if among is None else among) if tag in tags[i]]

    def _matching(self, query: tuple[str, ...]) -> Positions:
        found, todo = self._cheapest_superset(query)
        for word in sorted(todo, key=self._by_set, reverse=True):  # the cheap ones first
            found = self._holding(word, found)
        return found if isinstance(found, array) else array("i", found or ())

    def _cheapest_superset(self, query: tuple[str, ...]) -> tuple[Sequence[int] | None, list[str]]:
        """Rows known to hold every row ``query`` keeps (None: every row), and the
        words they are not known to hold: what a kept query found, if each of its
        words is in one of ``query``'s (the last query, as one more key narrows
        it), or the rows holding one of the query's characters; of these, those
        the words left cost least to look for among (a row and a word, a text to
        test, or a look-up in a set: :meth:`_holding`)."""
        options: list[tuple[Sequence[int], list[str]]] = []
        for kept_query, kept in self._kept.items():
            if all(any(k in word for word in query) for k in kept_query):
                options.append((kept, [w for w in query if w not in kept_query]))
        for char in set("".join(query)):
            holding = self._chars.get(char)
            if holding is not None:
                options.append((holding, [w for w in query if w != char]))
            elif self._every_char:
                return (), []  # a character no row holds
        if not options:
            return None, list(query)

        def cost(option: tuple[Sequence[int], list[str]]) -> tuple[float, int]:
            rows, todo = option
            return len(rows) * sum(SET_COST if self._by_set(w) else 1 for w in todo), len(rows)

        return min(options, key=cost)

    def _by_set(self, word: str) -> bool:
        """Whether ``word`` is looked for by a set of the rows holding it (see _holding)."""
        return len(word) == 1 and word in self._chars

    def _holding(self, word: str, among: Sequence[int] | None) -> Sequence[int]:
        texts = self._texts
        if among is None:
            found = [i for i, text in enumerate(texts) if word in text]
            if len(word) == 1 and not self._every_char:
                if len(self._chars) >= KEPT_QUERIES:
                    self._chars.clear()
                self._chars[word] = array("i", found)
            return found
        holding = self._chars.get(word) if len(word) == 1 else None
        if holding is not None and len(holding) < SET_FILTER * len(among):
            # the rows holding the character, as a set: ten times cheaper than
            # testing each row's text (on the rows every query narrows from)
            return array("i", filter(self._char_set(word).__contains__, among))
        return [i for i in among if word in texts[i]]

    def _char_set(self, char: str) -> frozenset[int]:
        found = self._sets.get(char)
        if found is None:
            if len(self._sets) >= KEPT_SETS:
                self._sets.clear()
            found = self._sets[char] = frozenset(self._chars[char])
        return found


Positions: TypeAlias = "array[int]"
"""Places in a list of rows, in order: arrays, which the garbage collector's full
passes need not walk (lists of 100,000 places made them visibly longer)."""

KEPT_QUERIES = 32
"""Queries (and characters found one at a time) whose rows :class:`OrderedRows`
keeps (then it starts again)."""

KEPT_SETS = 8
"""Characters whose rows :class:`OrderedRows` keeps as sets too (a megabyte each
at 30,000 rows)."""

SET_FILTER = 8
"""A new word of one character is looked for among the rows a query kept by a set
of the rows holding it, unless they are this many times as many: making the set
costs about a tenth of testing a row's text, a row."""

SET_COST = 0.3
"""Looking a row up in such a set, against testing its text (measured: 1.45 ms
against 6.0 for 30,000 rows)."""
