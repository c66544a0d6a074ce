"""Sets of row positions as masks: a Python int whose bit ``i`` says position ``i`` is in.

Filtering 100,000 rows at each keystroke cannot afford a Python step per row:
testing a title costs 200-300 ns, and even copying 30,000 positions from one
array to another costs a millisecond. A mask makes the set operations the
filter needs single C-level calls (``&`` of two 12.5 KB ints: about a
microsecond; ``bit_count``: how many), and :class:`Picks` turns one into
positions only where the list looks: the few rows a screen shows, the
cursor's place.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from itertools import accumulate, chain, compress
from operator import sub
from typing import TypeAlias, overload

Positions: TypeAlias = "array[int]"
"""Places in a list of rows, in order: arrays, which the garbage collector's full
passes need not walk (lists of 100,000 places made them visibly longer)."""

BLOCK = 2048
"""Positions a :class:`Picks` turns into a list at a time (about 50 µs)."""

_FLAGS = bytes.maketrans(b"01", b"\x00\x01")
_DIGITS = bytes.maketrans(b"\x00\x01", b"01")


def mask_of(positions: Sequence[int]) -> int:
    """The mask of ``positions`` (in order; each at most a few million)."""
    if not positions:
        return 0
    digits = bytearray(b"0") * (positions[-1] + 1)
    for place in positions:
        digits[place] = 49  # "1"
    digits.reverse()  # int() reads the highest digit first
    return int(digits, 2)


def mask_of_flags(flags: bytes) -> int:
    """The mask whose bit ``i`` is set where byte ``i`` of ``flags`` is 1 (each 0 or 1):
    one C-level pass, where :func:`mask_of` takes a Python step per position."""
    return int(flags[::-1].translate(_DIGITS), 2) if flags else 0


def full_mask(size: int) -> int:
    """The mask of every position below ``size``."""
    return (1 << size) - 1


class Picks(Sequence[int]):
    """The positions of a mask, in order, found only when asked.

    How many there are and whether a position is one of them cost one C-level
    call; the ``i``-th one is found from counts per :data:`BLOCK` positions
    (made at the first look) and that block's positions (made when first looked
    at), so showing a screenful of a filter that kept 30,000 rows lists about
    2,000 of them, not 30,000.
    """

    def __init__(self, mask: int, positions: Positions | None = None) -> None:
        """``positions``: those of ``mask``, if they are at hand (then they are used)."""
        self.mask = mask
        """The positions, as a mask (what the filter combines)."""
        self.positions = positions
        self._len = mask.bit_count()
        self._starts: list[int] = []  # how many are below each block
        self._blocks: dict[int, Positions] = {}

    @classmethod
    def of(cls, positions: Positions) -> Picks:
        """The picks of ``positions`` (in order)."""
        return cls(mask_of(positions), positions)

    def __len__(self) -> int:
        return self._len

    def __contains__(self, place: object) -> bool:
        return isinstance(place, int) and place >= 0 and bool(self.mask >> place & 1)

    @overload
    def __getitem__(self, index: int) -> int: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[int]: ...
    def __getitem__(self, index: int | slice) -> int | Sequence[int]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._len))]
        if index < 0:
            index += self._len
        if not 0 <= index < self._len:
            raise IndexError(index)
        if self.positions is not None:
            return self.positions[index]
        starts = self._block_starts()
        block = bisect_right(starts, index) - 1
        return self._block(block)[index - starts[block]]

    def __iter__(self) -> Iterator[int]:
        if self.positions is not None:
            return iter(self.positions)
        starts = self._block_starts()
        held = compress(range(len(starts) - 1), map(sub, starts[1:], starts))  # not empty
        return chain.from_iterable(map(self._block, held))  # a few: as many steps

    def index(self, value: object, start: int = 0, stop: int | None = None) -> int:
        """Where ``value`` is among the positions: a count in C, not a search."""
        if value not in self:
            raise ValueError(value)
        assert isinstance(value, int)
        if self.positions is not None:
            found = bisect_left(self.positions, value)
        else:
            found = (self.mask & ((1 << value) - 1)).bit_count()
        if found < start or (stop is not None and found >= stop):
            raise ValueError(value)
        return found

    def _block_starts(self) -> list[int]:
        if not self._starts:
            mask, low = self.mask, _LOW
            counts = ((mask >> at & low).bit_count() for at in range(0, mask.bit_length(), BLOCK))
            self._starts = list(accumulate(counts, initial=0))
        return self._starts

    def _block(self, block: int) -> Positions:
        found = self._blocks.get(block)
        if found is None:
            found = self._blocks[block] = self._positions_in(block)
        return found

    def _positions_in(self, block: int) -> Positions:
        start = block * BLOCK
        flags = _flags(self.mask >> start & _LOW)
        if (self._starts[block + 1] - self._starts[block]) * 4 > BLOCK:
            return array("i", compress(range(start, start + len(flags)), flags))
        found, place = array("i"), flags.find(1)  # a few: looked for in C
        while place >= 0:
            found.append(start + place)
            place = flags.find(1, place + 1)
        return found


_LOW = (1 << BLOCK) - 1


def _flags(mask: int) -> bytes:
    """Byte ``i`` is 1 if bit ``i`` of ``mask`` is (as far as its highest bit)."""
    return bin(mask)[:1:-1].encode().translate(_FLAGS) if mask else b""
