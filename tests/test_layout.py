"""The reader's lazy document layout: estimates made exact, positions, motions."""

from __future__ import annotations

import subprocess
import sys
from array import array
from time import perf_counter

from hypothesis import given, settings
from hypothesis import strategies as st

from kbtui.view.layout import TextLayout
from kbtui.view.wrap import row_count


def exact_rows(layout: TextLayout) -> list[int]:
    """Every segment's true height, computed directly."""
    text = layout.text
    return [
        row_count(text[s:e], layout.width) for s, e in zip(layout.starts, layout.ends, strict=True)
    ]


def test_core_modules_do_not_import_textual() -> None:
    code = "import sys, kbtui.view.wrap, kbtui.view.layout; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_estimates_become_exact_where_asked() -> None:
    text = "\n".join("字" * n for n in (3, 40, 7, 100, 1))
    layout = TextLayout(text, width=10)
    assert not any(layout.exact)
    seg, sub_row, line = layout.locate(2)
    assert layout.exact[seg] and line.rows == exact_rows(layout)[seg]
    assert layout.index.start(seg) + sub_row == 2


def test_corrections_are_reported_before_they_apply() -> None:
    seen: list[tuple[int, int, int]] = []
    text = "\n".join("字" * 30 for _ in range(5))

    def note(seg: int, delta: int) -> None:
        seen.append((seg, delta, layout.index.height(seg)))

    layout = TextLayout(text, width=9, on_correct=note)
    estimate = layout.index.height(2)
    layout.line(2)
    exact = exact_rows(layout)[2]
    if exact != estimate:
        assert seen == [(2, exact - estimate, estimate)]
    assert layout.index.height(2) == exact


def test_background_measure_and_settle_keep_the_window_still() -> None:
    text = "\n".join(("字" * (i % 70)) for i in range(2000))
    layout = TextLayout(text, width=20)
    top_segment = 1500
    top_row = layout.index.start(top_segment)
    layout.line(top_segment)  # the window's line is already exact
    heights = array("q")
    while len(heights) < layout.segments:
        layout.measure(heights, perf_counter() + 0.01, perf_counter)
    shift = layout.settle(heights, top_row)
    assert all(layout.exact)
    assert list(heights) == exact_rows(layout)
    assert layout.index.start(top_segment) == top_row + shift


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.text(st.sampled_from("ab 字，。「」\u0301"), max_size=40), min_size=1, max_size=30),
    st.integers(2, 30),
)
def test_positions_agree_with_rows(lines: list[str], width: int) -> None:
    text = "\n".join(lines)
    layout = TextLayout(text, width=width)
    for offset in range(layout.max_offset + 1):
        row = layout.row_of(offset)
        seg, sub_row, _line = layout.locate(row)
        start, end, has_eol = layout.row_bounds(seg, sub_row)
        assert start <= offset < end or (has_eol and offset == end)
    assert layout.total_rows == sum(exact_rows(layout))


def test_places_skip_combining_marks_and_stop_at_line_ends() -> None:
    layout = TextLayout("e\u0301x\nab", width=20)
    assert layout.next_place(0) == 2
    assert layout.previous_place(2) == 0
    assert layout.next_place(3) == 4  # from the line end to the next line
    assert layout.next_place(6) == 6  # the end stays the end


def test_rows_away_keeps_the_column_and_crosses_lines() -> None:
    layout = TextLayout("abcdefghij\n中文中文\nxy", width=4)
    # rows: abcd / efgh / ij / 中文 / 中文 / xy
    assert layout.rows_away(1, 1, 1) == 5
    assert layout.rows_away(1, 3, 1) == 11  # 中 covers cells 0-1
    assert layout.rows_away(1, 3, 3) == 12
    assert layout.rows_away(1, 99, 1) == 17  # y, on the last row
    assert layout.rows_away(19, -99, 0) == 0


def test_prepare_wraps_a_screenful_around_an_offset() -> None:
    text = "\n".join("字" * 50 for _ in range(500))  # ten rows a line at width 10
    layout = TextLayout(text, width=10)
    offset = 250 * 51 + 25  # the middle of line 250
    layout.prepare(offset, rows=20)
    assert list(layout.exact[247:254]) == [0, 1, 1, 1, 1, 1, 0]
    row = layout.row_of(offset)
    for near in range(row - 20, row + 21):
        assert layout.exact[layout.index.locate(near)[0]]


def measured(layout: TextLayout) -> list[int]:
    """Every segment's height after the background pass and its settle."""
    heights: array[int] = array("q")
    while len(heights) < layout.segments:
        layout.measure(heights, perf_counter() + 1, perf_counter)
    layout.settle(heights, 0)
    return [layout.index.height(i) for i in range(layout.segments)]


def test_a_new_view_adopts_the_heights_of_the_text_it_shares() -> None:
    line = "一二三四五六七八九十，" * 50
    old = TextLayout("\n".join([line] * 6), width=12)
    measured(old)
    changed = [line] * 2 + ["新" * 30] + [line] * 3  # the third line converted
    new = TextLayout("\n".join(changed), width=12)
    new.adopt(old)
    assert list(new.exact) == [1, 1, 0, 1, 1, 1]
    assert [new.index.height(i) for i in (0, 1, 3, 4, 5)] == [exact_rows(new)[0]] * 5
    assert measured(new) == exact_rows(new)
    other = TextLayout(new.text, width=13)
    other.adopt(new)  # another width: nothing is known
    assert not any(other.exact)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.text(st.sampled_from("中文 ab，「"), max_size=60), min_size=1, max_size=8),
    st.integers(0, 7),
    st.text(st.sampled_from("中文 ab，「\n"), max_size=30),
    st.integers(2, 30),
    st.booleans(),
)
def test_adopted_heights_are_exact(
    lines: list[str], at: int, new_line: str, width: int, finished: bool
) -> None:
    old = TextLayout("\n".join(lines), width=width)
    if finished:
        measured(old)
    else:  # the old view's pass had not finished: only some of its lines are exact
        old.line(old.segments - 1)
    changed = [*lines[:at], new_line, *lines[at + 1 :]]
    new = TextLayout("\n".join(changed), width=width)
    new.adopt(old)
    assert [new.index.height(i) for i in range(new.segments) if new.exact[i]] == [
        rows for rows, known in zip(exact_rows(new), new.exact, strict=True) if known
    ]
    assert measured(new) == exact_rows(new)
