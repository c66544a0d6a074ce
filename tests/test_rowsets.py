"""Sets of row positions as masks: whatever the positions (across the blocks a
:class:`Picks` lists at a time, dense or sparse), a Picks is the sorted list of them."""

from __future__ import annotations

from array import array
from random import Random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kbtui.session.rowsets import BLOCK, Picks, full_mask, mask_of

SPAN = 3 * BLOCK + 5
"""Positions go this far: four blocks, the last one short."""


def dense(size: int, seed: int) -> set[int]:
    return set(Random(seed).sample(range(SPAN), size))


@settings(max_examples=40, deadline=None)
@given(
    positions=st.one_of(
        st.sets(st.integers(0, SPAN), max_size=40),  # a few in each block: looked for one by one
        # many (sampled: hypothesis draws sets this large too slowly): listed at once
        st.builds(dense, st.integers(2100, 6000), st.integers(0, 2**32)),
    ),
    looks=st.lists(st.integers(-SPAN, SPAN), max_size=30),
    with_positions=st.booleans(),
)
def test_picks_are_the_sorted_positions(
    positions: set[int], looks: list[int], with_positions: bool
) -> None:
    want = sorted(positions)
    mask = mask_of(array("i", want))
    assert mask == sum(1 << p for p in want)
    picks = Picks.of(array("i", want)) if with_positions else Picks(mask)
    assert len(picks) == len(want) and bool(picks) == bool(want)
    for look in looks:  # in any order: each block is listed when first looked at
        if -len(want) <= look < len(want):
            assert picks[look] == want[look]
        else:
            with pytest.raises(IndexError):
                picks[look]
        assert (look in picks) == (look in positions)
        if look in positions:
            assert picks.index(look) == want.index(look)
        else:
            with pytest.raises(ValueError):
                picks.index(look)
    assert list(picks) == want
    assert picks[3:40:3] == want[3:40:3] and picks[-5:] == want[-5:]


def test_the_full_mask_holds_every_position_below_its_size() -> None:
    assert list(Picks(full_mask(BLOCK + 3))) == list(range(BLOCK + 3))
    assert list(Picks(full_mask(0))) == [] and mask_of([]) == 0
