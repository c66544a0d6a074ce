"""Back and forward through jumps, as a browser does.

Every jump (to an annotation, a heading, a search result, a mention, another
document) records where the reader was; ``alt+left`` goes back there and
``alt+right`` forward again. A new jump after going back drops the forward
places, as browsers do.
"""

from __future__ import annotations

from dataclasses import dataclass, field

Place = tuple[str, int]
"""A document id and a source offset."""


@dataclass(slots=True)
class History:
    """A bounded list of places with a current index."""

    limit: int = 100
    _places: list[Place] = field(default_factory=list)
    _index: int = -1

    def push(self, place: Place | None) -> None:
        """Record ``place`` as left behind by a jump (``None`` is ignored)."""
        if place is None:
            return
        del self._places[self._index + 1 :]
        if not self._places or self._places[-1] != place:
            self._places.append(place)
        del self._places[: max(0, len(self._places) - self.limit)]
        self._index = len(self._places) - 1

    def back(self, here: Place | None) -> Place | None:
        """The place before ``here``; ``here`` is kept so ``forward`` returns to it."""
        if self._index < 0:
            return None
        if here is not None and self._index == len(self._places) - 1 and self._places[-1] != here:
            self._places.append(here)
        place = self._places[self._index]
        self._index -= 1
        return place

    def forward(self) -> Place | None:
        """The place ``back`` left, if any."""
        if self._index + 2 >= len(self._places):
            return None
        self._index += 1
        return self._places[self._index + 1]
