"""Wrapping in terminal cells, kinsoku, and the reader's row and range indexes."""

from __future__ import annotations

from itertools import pairwise
from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st
from rich._unicode_data import load as load_cell_table
from rich.cells import cell_len, get_character_cell_size, split_graphemes

from kbtui.view import wrap
from kbtui.view.ranges import RangeIndex
from kbtui.view.rows import RowIndex, cells_per_char, estimate_rows
from kbtui.view.sanitize import sanitize
from kbtui.view.wrap import (
    CLOSING,
    MAX_SEGMENT,
    OPENING,
    cell_widths,
    hang_text,
    layout_line,
    row_count,
    split_segments,
    wrap_line,
)


def rows(text: str, width: int) -> list[str]:
    starts = wrap_line(text, width)
    return [text[a:b] for a, b in pairwise([*starts, len(text)])]


# --------------------------------------------------------------------------- examples


def test_short_line_is_one_row() -> None:
    assert wrap_line("", 10) == [0]
    assert wrap_line("hello", 10) == [0]
    assert wrap_line("你好", 4) == [0]


def test_cjk_takes_two_cells() -> None:
    assert rows("一二三四五六七", 6) == ["一二三", "四五六", "七"]
    # an odd width leaves the last cell empty rather than splitting a character
    assert rows("一二三四五六七", 7) == ["一二三", "四五六", "七"]


def test_latin_breaks_after_spaces() -> None:
    assert rows("the quick brown fox", 10) == ["the quick ", "brown fox"]


def test_long_word_breaks_hard() -> None:
    assert rows("abcdefghijkl", 5) == ["abcde", "fghij", "kl"]


def test_no_row_starts_with_closing_punctuation() -> None:
    # 六 would end the first row and ， start the second: 六 moves down with it
    assert rows("一二三四五六，七八九", 12) == ["一二三四五", "六，七八九"]
    assert rows("一二三四五六。」七八", 12) == ["一二三四五", "六。」七八"]


def test_no_row_ends_with_opening_punctuation() -> None:
    assert rows("一二三四五「六七」八", 12) == ["一二三四五", "「六七」八"]


def test_kinsoku_gives_way_when_impossible() -> None:
    assert rows("，，，，", 2) == ["，", "，", "，", "，"]


def test_character_wider_than_the_row_gets_a_row_alone() -> None:
    assert rows("中文", 1) == ["中", "文"]


def test_combining_mark_stays_with_its_letter() -> None:
    text = "abcde\u0301fg"
    assert rows(text, 5) == ["abcde\u0301", "fg"]


def test_mixed_script_line() -> None:
    text = "Anthropic的联合创始人丹妮拉·阿莫代伊，最近罕见公开亮相。"
    for width in range(2, 40):
        for row in rows(text, width):
            assert cell_len(row) <= width


def test_no_break_between_a_hyphen_and_a_digit() -> None:
    # UAX #14 (HY × NU): GPT-2 and 20-25% stay whole; the break goes before them
    assert rows("models GPT-2 and more", 11) == ["models ", "GPT-2 and ", "more"]
    assert rows("rose by 20-25% today", 11) == ["rose by ", "20-25% ", "today"]
    assert rows("well-known", 6) == ["well-", "known"]


def test_a_chinese_dash_and_an_ellipsis_stay_whole() -> None:
    for text in ("一二三——四五", "一二三四……五", "a long——dash"):
        for width in range(5, 14):  # at 3 cells, 四…… has no break kinsoku allows
            pieces = rows(text, width)
            assert not any(a[-1] == b[0] and a[-1] in "—…" for a, b in pairwise(pieces)), pieces


def test_a_url_is_not_split_inside_its_double_slash() -> None:
    for width in range(6, 20):
        pieces = rows("see https://example.com/a/b", width)
        assert not any(p.startswith("/") and prev.endswith("/") for prev, p in pairwise(pieces))
        assert not any(p.endswith(":/") for p in pieces), (width, pieces)


def test_a_word_ending_at_the_margin_keeps_its_row() -> None:
    # "hello world" is 11 cells: its space goes in the spare cell, not "world" down
    assert rows("hello world again", 11) == ["hello world ", "again"]
    assert rows("hello world  again", 11) == ["hello ", "world  ", "again"]


def test_spaces_after_cjk_at_the_margin_do_not_start_a_row() -> None:
    # two spaces at the margin: the break goes back between two CJK characters
    assert rows("中文中文  x", 8) == ["中文中", "文  x"]


def test_a_name_middle_dot_does_not_start_a_row() -> None:
    text = "美国总统唐纳德·布朗说"
    for width in range(4, 22):
        assert not any(row.startswith("·") for row in rows(text, width)), width


def test_layout_columns_and_offsets() -> None:
    layout = layout_line("ab中文cd", 20)
    assert layout.column_of(2) == 2
    assert layout.column_of(3) == 4
    assert layout.offset_at(0, 3) == 2  # the second cell of 中 is 中
    assert layout.offset_at(0, 4) == 3
    assert layout.offset_at(0, 99) == len("ab中文cd")


def test_list_items_and_quotes_hang_under_their_text() -> None:
    item = layout_line("• " + "很长" * 20, 30)
    assert item.indent == 2
    assert [item.cells(*item.row_span(r)) for r in range(item.rows)] == [30, 28, 24]
    assert item.column_of(item.starts[1]) == 2  # a wrapped row's text starts after the hang
    assert item.offset_at(1, 0) == item.offset_at(1, 2) == item.starts[1]
    assert item.offset_at(1, 4) == item.starts[1] + 1
    quote = layout_line("▎ • " + "引用" * 20, 30)
    assert (quote.indent, hang_text(quote.text, quote.indent)) == (4, "▎   ")
    assert layout_line("  1. " + "abc def " * 10, 30).indent == 5


def test_indented_paragraphs_and_narrow_rows_do_not_hang() -> None:
    assert layout_line("\u3000\u3000" + "中文" * 20, 30).indent == 0  # a first-line indent
    assert layout_line("• " + "中文" * 20, 3).indent == 0  # no room to hang
    assert layout_line("•没有空格" * 10, 20).indent == 0


def test_sanitize_makes_controls_visible_one_for_one() -> None:
    text = "a\x1b[31mb\tc\x07\x85\u202e"
    clean = sanitize(text)
    assert len(clean) == len(text)
    assert clean == "a␛[31mb c␇��"
    assert all(ch.isprintable() for ch in clean)


def test_layout_sanitizes() -> None:
    assert layout_line("x\x1by", 10).text == "x␛y"


# ------------------------------------------------------------------------- properties

CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF)
LATIN = st.sampled_from("abcdefghij ")
PUNCT = st.sampled_from(sorted(CLOSING | OPENING))
ANY_CHAR = st.one_of(CJK, LATIN, PUNCT, st.sampled_from("é\u0301\u3000😀\u200d\ufe0f❤-/"))


@settings(max_examples=300, deadline=None)
@given(st.text(ANY_CHAR, max_size=120), st.integers(1, 50))
def test_rows_concatenate_and_fit(text: str, width: int) -> None:
    starts = wrap_line(text, width)
    assert starts[0] == 0
    assert starts == sorted(set(starts))
    pieces = rows(text, width)
    assert "".join(pieces) == text
    for piece in pieces:
        fits = cell_len(piece.removesuffix(" ")) <= width
        assert fits or len(split_graphemes(piece)[0]) == 1
    assert row_count(text, width) == len(starts)


def test_width_table_is_richs_at_every_range_edge() -> None:
    """The translate table (:func:`kbtui.view.wrap.cell_widths`) against Rich, char by char,
    where a mistake would show: at both ends of every range of its table, and the controls."""
    codepoints = {0, *range(1, 33), *range(0x7E, 0xA1), 0x10FFFF}
    for start, end, _width in load_cell_table().widths:
        codepoints.update((start - 1, start, end, end + 1))
    text = "".join(
        chr(c) for c in sorted(codepoints) if 0 <= c <= 0x10FFFF and c not in (0x200D, 0xFE0F)
    )
    assert list(cell_widths(text)) == [get_character_cell_size(c) for c in text]


WIDE_CHAR = st.one_of(
    ANY_CHAR,
    st.characters(codec="utf-8"),
    st.sampled_from(["\u0301", "\u0300", "\u200b", "\x00", "\x1b", "\u3000", "·", "—", "…", " "]),
)


@settings(max_examples=300, deadline=None)
@given(st.text(WIDE_CHAR, max_size=80))
def test_widths_are_richs(text: str) -> None:
    """A grapheme's width on its first character, as Rich measures the whole string."""
    widths = cell_widths(text)
    assert sum(widths) == cell_len(text)
    if "\u200d" not in text and "\ufe0f" not in text:
        assert list(widths) == [get_character_cell_size(c) for c in text]


class _Everything:
    def __contains__(self, item: object) -> bool:
        return True


@settings(max_examples=300, deadline=None)
@given(
    st.text(WIDE_CHAR, max_size=200) | st.text(st.sampled_from("中文 ，「a-"), max_size=60),
    st.integers(1, 60),
)
def test_the_fast_break_is_the_rules_break(text: str, width: int) -> None:
    """The break between two plain wide characters, taken without asking the rules,
    is the one the rules give (with every character special, they are always asked)."""
    fast = wrap_line(text, width)
    with mock.patch.object(wrap, "_SPECIAL", _Everything()):
        assert wrap_line(text, width) == fast


def _well_formed_cjk() -> st.SearchStrategy[str]:
    """CJK text where punctuation never stacks: a good break always exists."""
    unit = st.one_of(
        st.builds(lambda a, b: a + b, CJK, st.sampled_from(sorted(CLOSING))),
        st.builds(lambda a, b: a + b, st.sampled_from("「『（《〈【"), CJK),
        CJK,
    )
    return st.lists(unit, max_size=60).map("".join)


@settings(max_examples=300, deadline=None)
@given(_well_formed_cjk(), st.integers(8, 60))
def test_kinsoku_holds_when_possible(text: str, width: int) -> None:
    pieces = rows(text, width)
    for piece in pieces[1:]:
        assert piece[0] not in CLOSING
    for piece in pieces[:-1]:
        assert piece[-1] not in OPENING


# ------------------------------------------------------------------------- segments


def test_split_segments_lines() -> None:
    text = "ab\n\ncd\n"
    starts, ends = split_segments(text)
    assert list(starts) == [0, 3, 4]
    assert list(ends) == [2, 3, 6]  # the final newline opens no empty line


def test_split_segments_cuts_long_lines() -> None:
    text = ("word " * 1000) + "\nshort"
    starts, ends = split_segments(text, max_len=300)
    assert all(e - s <= 300 for s, e in zip(starts, ends, strict=True))
    assert "".join(text[s:e] for s, e in zip(starts, ends, strict=True)) == text.replace("\n", "")
    assert all(text[s - 1] == " " for s in starts[1:-1])


def test_split_segments_default_limit() -> None:
    starts, _ends = split_segments("中" * (MAX_SEGMENT * 3))
    assert len(starts) == 3


# ------------------------------------------------------------------------ row index


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(1, 9), min_size=1, max_size=700), st.data())
def test_row_index_matches_a_plain_prefix_sum(heights: list[int], data: st.DataObject) -> None:
    index = RowIndex(heights)
    for _ in range(5):
        i = data.draw(st.integers(0, len(heights) - 1))
        h = data.draw(st.integers(1, 9))
        index.set(i, h)
        heights[i] = h
    starts = [0]
    for h in heights:
        starts.append(starts[-1] + h)
    assert index.total == starts[-1]
    for i in range(len(heights)):
        assert index.start(i) == starts[i]
    for row in range(0, starts[-1], 3):
        seg, sub = index.locate(row)
        assert starts[seg] + sub == row and 0 <= sub < heights[seg]


def test_row_index_clamps() -> None:
    index = RowIndex([2, 3])
    assert index.locate(-5) == (0, 0)
    assert index.locate(99) == (1, 2)


# ---------------------------------------------------------------------- range index


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 500), st.integers(0, 300)), max_size=80),
    st.integers(0, 600),
    st.integers(1, 100),
)
def test_range_index_finds_every_overlap(
    ranges: list[tuple[int, int]], start: int, length: int
) -> None:
    items = [(s, s + n, i) for i, (s, n) in enumerate(ranges)]
    index = RangeIndex(items)
    end = start + length
    expected = [item for item in items if item[0] < end and item[1] > start and item[1] > item[0]]
    assert index.overlapping(start, end) == expected


# ----------------------------------------------------------------------- estimates


def test_estimates_are_close_on_the_corpus(sample_corpus) -> None:
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(sample_corpus.glob("*.txt")))
    starts, ends = split_segments(text)
    lengths = [e - s for s, e in zip(starts, ends, strict=True)]
    for width in (40, 79, 120):
        exact = sum(row_count(text[s:e], width) for s, e in zip(starts, ends, strict=True))
        estimate = sum(estimate_rows(lengths, cells_per_char(text), width))
        assert abs(estimate - exact) / exact < 0.1


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(["• ", "▎ ", "▎ ▎ 1. ", "  • ☐ "]),
    st.text(ANY_CHAR, max_size=120),
    st.integers(1, 50),
)
def test_hanging_rows_fit_their_width(marker: str, text: str, width: int) -> None:
    layout = layout_line(marker + text, width)
    for r in range(layout.rows):
        a, b = layout.row_span(r)
        hang = layout.indent if r else 0
        piece = layout.text[a:b].removesuffix(" ")
        assert cell_len(piece) + hang <= width or len(split_graphemes(piece)[0]) == 1
        if b > a and layout.cells(a, a + 1):  # a row's first cell is its first character
            assert layout.offset_at(r, layout.column_of(a)) == a
