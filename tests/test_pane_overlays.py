"""What the reader pane hands on for a document with very many annotations: the reader's
highlights without repeats, and the sidebar's quotes only for the rows it lists."""

from __future__ import annotations

from collections.abc import Iterator

from kbtui.annotations.model import AnchorState, Annotation, Colour, Kind
from kbtui.ui.pane_base import ShownQuotes, overlays
from kbtui.ui.sidebar import MAX_ROWS, _rows

SOURCE = "天地玄黄宇宙洪荒日月盈昃辰宿列张" * 4


def at(start: int, end: int, **kw: object) -> Annotation:
    return Annotation.from_source("a.md", SOURCE, start, end, **kw)


class Counted(list[Annotation]):
    """A list that counts how many of its items were looked at, in order."""

    looked_at = 0

    def __iter__(self) -> Iterator[Annotation]:
        for self.looked_at, a in enumerate(super().__iter__(), start=1):
            yield a


def test_repeated_ranges_are_drawn_once_where_the_last_of_them_stands() -> None:
    yellow, green = at(0, 5), at(0, 5, colour=Colour.GREEN)
    underline = at(0, 5, kind=Kind.UNDERLINE)
    orphan = at(8, 9, anchor=AnchorState.ORPHAN)
    drawn = overlays([yellow, green, at(0, 5), underline, orphan, at(0, 5, kind=Kind.BOOKMARK)])
    assert drawn == [
        (0, 5, "green"),
        (0, 5, "yellow"),
        (0, 5, "underline-yellow"),
        (0, 5, "bookmark"),
    ]


def test_the_sidebar_reads_the_quotes_of_the_rows_it_lists_only() -> None:
    placed = [at(i % 40, i % 40 + 2) for i in range(MAX_ROWS + 300)]
    orphans = [at(1, 3, anchor=AnchorState.ORPHAN) for _ in range(5)]
    asked: list[Annotation] = []
    every = Counted(placed + orphans)
    quotes = ShownQuotes(every, lambda a: asked.append(a) or a.quote)
    listed, listed_orphans = _rows(every, quotes)
    assert [a for a, _quote in listed] == placed[:MAX_ROWS] and listed_orphans == []
    assert asked == placed[:MAX_ROWS] and len(quotes) == MAX_ROWS + 305
    assert every.looked_at == MAX_ROWS  # the list was full: the rest were not looked at
    few = placed[:3] + orphans
    assert _rows(few, ShownQuotes(few, lambda a: a.quote)) == (
        [(a, a.quote) for a in placed[:3]],
        [(a, a.quote) for a in orphans],
    )
