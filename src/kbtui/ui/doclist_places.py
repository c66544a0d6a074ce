"""Where the document list's rows are among those a filter keeps: the rows shown,
picked from every row in the order without copying them, and the cursor's place
among them."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from typing import overload

from kbtui.session.rows import DocRow
from kbtui.session.rowsets import Picks


class Picked(Sequence[DocRow]):
    """The rows at some places of a list, without copying them: a filter that keeps
    most of 100,000 rows costs no list of them at each keystroke."""

    def __init__(self, rows: list[DocRow], places: Sequence[int]) -> None:
        self._rows, self._places = rows, places

    def __len__(self) -> int:
        return len(self._places)

    @overload
    def __getitem__(self, index: int) -> DocRow: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[DocRow]: ...
    def __getitem__(self, index: int | slice) -> DocRow | Sequence[DocRow]:
        if isinstance(index, slice):
            return [self._rows[i] for i in self._places[index]]
        return self._rows[self._places[index]]


def place_in(found: Sequence[int] | None, place: int | None) -> int:
    """Where the row at ``place`` is among the ``found`` places (0: not there)."""
    if place is None or found is None:
        return place or 0
    if isinstance(found, Picks):
        return found.index(place) if place in found else 0
    index = bisect_left(found, place)
    return index if index < len(found) and found[index] == place else 0


def place_of(rows: list[DocRow], found: Sequence[int] | None, doc_id: str | None) -> int:
    """Where ``doc_id`` is among the ``found`` places of ``rows`` (0: not there)."""
    if doc_id is None:
        return 0
    place = next((i for i, row in enumerate(rows) if row.id == doc_id), None)
    return 0 if place is None else place_in(found, place)
