"""Property tests for OffsetMap against a brute-force model of the character relation.

A map relates view characters to source characters: an aligned piece relates
character ``i`` of one side to character ``i`` of the other, a block relates
every character of its view side to every character of its source side. The
model below builds that relation straight from the pieces given to the
builder (not from the map's segments), so merging and the builder's own
shortcuts are checked too.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kbtui.view.offsets import OffsetMap, OffsetMapBuilder

Piece = tuple[bool, int, int]  # aligned, view length, source length


@dataclass(frozen=True)
class Model:
    """The relation of a map as explicit sets, with the caret of each character."""

    view_len: int
    source_len: int
    view_rel: tuple[frozenset[int], ...]
    """Source characters each view character corresponds to."""
    source_rel: tuple[frozenset[int], ...]
    """View characters each source character corresponds to."""
    view_caret: tuple[int, ...]
    """Source caret of each view position (the start of a block inside one)."""
    source_caret: tuple[int, ...]
    aligned_view: frozenset[int]
    aligned_source: frozenset[int]

    def to_source(self, p: int) -> int:
        return self.source_len if p >= self.view_len else self.view_caret[p]

    def to_view(self, q: int) -> int:
        return self.view_len if q >= self.source_len else self.source_caret[q]


def model_of(pieces: list[Piece]) -> Model:
    view_rel: list[set[int]] = []
    source_rel: list[set[int]] = []
    view_caret: list[int] = []
    source_caret: list[int] = []
    aligned_view: set[int] = set()
    aligned_source: set[int] = set()
    v = s = 0
    for aligned, vl, sl in pieces:
        for i in range(vl):
            view_rel.append({s + i} if aligned else set(range(s, s + sl)))
            view_caret.append(s + i if aligned else s)
        for j in range(sl):
            source_rel.append({v + j} if aligned else set(range(v, v + vl)))
            source_caret.append(v + j if aligned else v)
        if aligned or (vl == 1 and sl == 1):
            aligned_view.update(range(v, v + vl))
            aligned_source.update(range(s, s + sl))
        v, s = v + vl, s + sl
    return Model(
        v,
        s,
        tuple(map(frozenset, view_rel)),
        tuple(map(frozenset, source_rel)),
        tuple(view_caret),
        tuple(source_caret),
        frozenset(aligned_view),
        frozenset(aligned_source),
    )


def build(pieces: list[Piece]) -> OffsetMap:
    builder = OffsetMapBuilder()
    for aligned, vl, sl in pieces:
        if aligned:
            builder.aligned(vl)
        else:
            builder.block(vl, sl)
    return builder.build()


def _piece(aligned: bool, a: int, b: int) -> Piece:
    return (True, a, a) if aligned else (False, a, b)


pieces_st = st.lists(
    st.builds(_piece, st.booleans(), st.integers(0, 4), st.integers(0, 4)), max_size=12
)


def hull(chars: set[int] | frozenset[int]) -> tuple[int, int]:
    return min(chars), max(chars) + 1


def all_ranges(n: int) -> list[tuple[int, int]]:
    return [(a, b) for a in range(n + 1) for b in range(a, n + 1)]


SETTINGS = settings(max_examples=200, deadline=None)


@SETTINGS
@given(pieces_st)
def test_lengths_and_segments_partition_both_texts(pieces: list[Piece]) -> None:
    m, model = build(pieces), model_of(pieces)
    assert (m.view_len, m.source_len) == (model.view_len, model.source_len)
    v = s = 0
    for seg in m.segments():
        assert (seg.view_start, seg.source_start) == (v, s)
        assert seg.view_end >= seg.view_start and seg.source_end >= seg.source_start
        assert seg.view_end > seg.view_start or seg.source_end > seg.source_start
        if seg.aligned:
            assert seg.view_end - seg.view_start == seg.source_end - seg.source_start
        v, s = seg.view_end, seg.source_end
    assert (v, s) == (m.view_len, m.source_len)


@SETTINGS
@given(pieces_st)
def test_carets_match_the_model_and_are_monotone(pieces: list[Piece]) -> None:
    m, model = build(pieces), model_of(pieces)
    view_carets = [m.to_source(p) for p in range(m.view_len + 1)]
    source_carets = [m.to_view(q) for q in range(m.source_len + 1)]
    assert view_carets == [model.to_source(p) for p in range(m.view_len + 1)]
    assert source_carets == [model.to_view(q) for q in range(m.source_len + 1)]
    assert view_carets == sorted(view_carets)
    assert source_carets == sorted(source_carets)
    assert m.to_source(-5) == m.to_source(0) and m.to_source(m.view_len + 5) == m.source_len


@SETTINGS
@given(pieces_st)
def test_caret_round_trip_on_aligned_positions(pieces: list[Piece]) -> None:
    m, model = build(pieces), model_of(pieces)
    for p in model.aligned_view:
        assert m.to_view(m.to_source(p)) == p
    for q in model.aligned_source:
        assert m.to_source(m.to_view(q)) == q


def check_hull(
    got: tuple[int, int],
    rel: tuple[frozenset[int], ...],
    back: tuple[frozenset[int], ...],
    a: int,
    b: int,
) -> None:
    """``got`` maps ``[a, b)`` (whose characters relate to ``rel``) to the other side.

    It is the hull of the related characters, exactly when both end characters
    relate to something; when an end is inserted text (no counterpart), the
    range may also take in dropped characters (no counterpart either) that
    stand next to it.
    """
    s, e = got
    related = set().union(*rel[a:b])
    if not related:
        assert s <= e and all(not back[q] for q in range(s, e))
        return
    lo, hi = hull(related)
    assert s <= lo and hi <= e
    assert all(not back[q] for q in (*range(s, lo), *range(hi, e)))
    if rel[a] and rel[b - 1]:
        assert (s, e) == (lo, hi)


@SETTINGS
@given(pieces_st)
def test_range_to_source_is_the_hull_of_related_source(pieces: list[Piece]) -> None:
    m, model = build(pieces), model_of(pieces)
    for a, b in all_ranges(m.view_len):
        got = m.range_to_source(a, b)
        if a == b:
            assert got == (model.to_source(a), model.to_source(a))
        else:
            assert got[0] == model.to_source(a) or model.view_rel[a]
            check_hull(got, model.view_rel, model.source_rel, a, b)


@SETTINGS
@given(pieces_st)
def test_range_to_view_is_the_hull_of_related_view(pieces: list[Piece]) -> None:
    m, model = build(pieces), model_of(pieces)
    for s, e in all_ranges(m.source_len):
        got = m.range_to_view(s, e)
        if s == e:
            assert got == (model.to_view(s), model.to_view(s))
        else:
            assert got[0] == model.to_view(s) or model.source_rel[s]
            check_hull(got, model.source_rel, model.view_rel, s, e)


@SETTINGS
@given(pieces_st)
def test_round_trip_of_ranges_covers_and_is_exact_on_aligned_ends(pieces: list[Piece]) -> None:
    m, model = build(pieces), model_of(pieces)
    for a, b in all_ranges(m.view_len):
        if a == b:
            continue
        a2, b2 = m.range_to_view(*m.range_to_source(a, b))
        with_source = [p for p in range(a, b) if model.view_rel[p]]
        if with_source:  # every character that has a source comes back
            assert a2 <= with_source[0] and with_source[-1] < b2
        if a in model.aligned_view and b - 1 in model.aligned_view:
            assert (a2, b2) == (a, b)


def test_out_of_range_arguments_are_clamped() -> None:
    m = build([(True, 3, 3), (False, 2, 0), (False, 0, 4), (True, 2, 2)])
    assert m.range_to_source(-3, 99) == (0, m.source_len)
    assert m.range_to_view(-3, 99) == (0, m.view_len)
    assert m.range_to_source(4, 2) == (m.to_source(4), m.to_source(4))


def test_identity_and_plain_text_are_one_segment() -> None:
    assert len(OffsetMap.identity(10)) == 1
    builder = OffsetMapBuilder()
    for _ in range(100):
        builder.aligned(7)
    assert len(builder.build()) == 1


# -- composition ------------------------------------------------------------


def fit(pieces: list[Piece], total: int) -> list[Piece]:
    """Cut or extend ``pieces`` so that their view lengths sum to ``total``."""
    result: list[Piece] = []
    have = 0
    for aligned, vl, sl in pieces:
        if have + vl >= total:
            cut = total - have
            result.append((True, cut, cut) if aligned else (False, cut, sl))
            return result
        result.append((aligned, vl, sl))
        have += vl
    missing = total - have
    result.append((True, missing, missing) if len(result) % 2 else (False, missing, 1))
    return result


@st.composite
def chained(draw: st.DrawFn) -> tuple[list[Piece], list[Piece]]:
    outer = draw(pieces_st)
    mid = sum(sl for _, _, sl in outer)
    inner = fit(draw(pieces_st), mid)
    return outer, inner


def test_fit_gives_the_asked_length() -> None:
    for pieces in ([], [(True, 3, 3)], [(False, 2, 5), (True, 4, 4)]):
        for total in range(8):
            assert sum(p[1] for p in fit(pieces, total)) == total


def pieces_of(m: OffsetMap) -> list[Piece]:
    return [
        (s.aligned, s.view_end - s.view_start, s.source_end - s.source_start) for s in m.segments()
    ]


def compose_model(outer: Model, inner: Model) -> list[set[int]]:
    """Source characters related to each outer view character through the middle text."""
    return [set().union(*(inner.view_rel[m] for m in mids)) for mids in outer.view_rel]


@SETTINGS
@given(chained())
def test_composition_keeps_every_relation(pair: tuple[list[Piece], list[Piece]]) -> None:
    outer_pieces, inner_pieces = pair
    outer, inner = build(outer_pieces), build(inner_pieces)
    composed = outer.then(inner)
    assert (composed.view_len, composed.source_len) == (outer.view_len, inner.source_len)
    expected = compose_model(model_of(outer_pieces), model_of(inner_pieces))
    comp_model = model_of(pieces_of(composed))
    for v, sources in enumerate(expected):
        assert sources <= comp_model.view_rel[v]


@SETTINGS
@given(chained())
def test_composition_contains_the_two_step_mapping(pair: tuple[list[Piece], list[Piece]]) -> None:
    outer_pieces, inner_pieces = pair
    outer, inner = build(outer_pieces), build(inner_pieces)
    composed = outer.then(inner)
    expected = compose_model(model_of(outer_pieces), model_of(inner_pieces))
    for a, b in all_ranges(outer.view_len):
        if a == b:
            continue
        s, e = composed.range_to_source(a, b)
        s2, e2 = inner.range_to_source(*outer.range_to_source(a, b))
        related = set().union(*expected[a:b])
        if related:
            assert s <= min(related) and max(related) < e
            assert s <= s2 and e2 <= e


@SETTINGS
@given(st.lists(st.integers(0, 5), max_size=8), st.lists(st.integers(0, 5), max_size=8))
def test_composition_of_aligned_maps_is_exact(outer_lens: list[int], inner_lens: list[int]) -> None:
    total = sum(outer_lens)
    inner_pieces = fit([(True, n, n) for n in inner_lens], total)
    outer = build([(True, n, n) for n in outer_lens])
    inner = build(inner_pieces)
    composed = outer.then(inner)
    for a, b in all_ranges(outer.view_len):
        assert composed.range_to_source(a, b) == inner.range_to_source(*outer.range_to_source(a, b))
    for p in range(outer.view_len + 1):
        assert composed.to_source(p) == inner.to_source(outer.to_source(p))


def test_composition_of_maps_that_do_not_meet_is_refused() -> None:
    with pytest.raises(ValueError):
        OffsetMap.identity(3).then(OffsetMap.identity(4))


def test_composition_through_a_dropped_and_an_inserted_piece() -> None:
    # source "a**b" -> reading "ab" (markers dropped) -> converted "aXb" (X inserted)
    reading = build([(True, 1, 1), (False, 0, 2), (True, 1, 1)])
    converted = build([(True, 1, 1), (False, 1, 0), (True, 1, 1)])
    composed = converted.then(reading)
    assert (composed.view_len, composed.source_len) == (3, 4)
    assert composed.range_to_source(0, 1) == (0, 1)
    assert composed.range_to_source(2, 3) == (3, 4)
    assert composed.range_to_source(0, 3) == (0, 4)
    assert composed.range_to_view(1, 3) == (1, 1)  # the dropped markers, before the X
