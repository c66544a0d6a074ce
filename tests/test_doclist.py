"""The document list's filter and orders, without an app: the filter must keep exactly
the rows a test per row (``DocRow.haystack``) keeps, whatever was typed before, and
the orders must be the list's: by folded title, or by date with the undated last."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kbtui.documents.model import Metadata
from kbtui.scripts.hanzi import Script, fold
from kbtui.session.rows import (
    DocRow,
    OrderedRows,
    RowIndex,
    ascii_of,
    positions_in_order,
    sorted_in_slices,
)
from kbtui.settings import SORT_ORDERS


def rows() -> list[DocRow]:
    titles = ["創立 公司", "创立 模型", "Anthropic 安全", "安全 模型 研究", "12 月", "無題"]
    return [
        DocRow(
            f"d{i}/doc{i:03}.md",
            Metadata(titles[i % 6], tags=["ai-safety"] if i % 4 else []),
            Script.MIXED,
            [],
        )
        for i in range(130)
    ]


def kept(listed: list[DocRow], words: list[str]) -> list[int]:
    """What a test per row keeps: the oracle."""
    return [i for i, row in enumerate(listed) if all(w in row.haystack() for w in words)]


def test_the_filter_keeps_the_rows_a_test_per_row_keeps_as_the_query_is_typed() -> None:
    listed = rows()
    searches = [OrderedRows(RowIndex(listed), "date-desc") for _ in range(3)]  # undated: as given
    search = searches[0]
    indexed(searches[1], "characters")
    indexed(searches[2], "pairs")
    assert search.rows == listed
    typed = ["創", "創立", "創立 模", "创立 模型", "12", "1", "doc1", "doc12", "ai-s", "12 月"]
    typed += ["安全", "安全 研", "安", "", "0", "01", "01 0", "01 01 1", "1", "無題 创立", "xyz"]
    for query in typed:
        words = fold(query).split()
        if words:
            for each in searches:
                assert list(each.matching(words)) == kept(listed, words), query
    assert list(search.matching(["12"])) == [
        i for i in range(130) if i % 6 == 4 or "12" in f"{i:03}"
    ]


def indexed(search: OrderedRows, how: str) -> None:
    """Index ``search``'s ``characters``, their ``pairs`` too, or (``none``) nothing."""
    if how != "none":
        search.index_characters()
    if how == "pairs":
        search.index_pairs()


def test_a_tag_filter_keeps_the_rows_carrying_the_whole_tag_in_any_script() -> None:
    listed = [
        DocRow("a.md", Metadata("A", tags=["訪談", "ai"]), Script.MIXED, [], doc_tags=["政策"]),
        DocRow("b.md", Metadata("B", tags=["访谈录"]), Script.MIXED, []),
        DocRow("c.md", Metadata("C"), Script.MIXED, [], doc_tags=["访谈"]),
    ]
    search = OrderedRows(RowIndex(listed), "date-asc")
    assert search.tagged(fold("访谈"), None) == [0, 2]
    assert search.tagged("政策", [1, 2]) == []
    assert search.tagged("访", None) == []


def test_an_updated_row_is_found_by_its_new_tags_and_keeps_its_place() -> None:
    listed = rows()
    index = RowIndex(listed)
    before = index.order("title")
    listed[5].doc_tags = ["新標籤"]
    assert index.changed(listed[5]) and not index.changed(listed[6])
    index.update(listed[5])
    assert index.order("title") is before  # same title and date: the order holds
    assert list(OrderedRows(index, "date-desc").matching(["新标签"])) == [5]


def test_a_row_updated_in_place_keeps_the_orders_index_which_follows_its_text() -> None:
    listed = rows()
    index = RowIndex(listed)
    ordered = index.ordered("title")
    indexed(ordered, "pairs")
    assert list(ordered.matching(["新标"])) == []
    at = ordered.rows.index(listed[5])
    index.update(dataclasses.replace(listed[5], doc_tags=["新標籤"]))  # a new object
    assert index.ordered("title") is ordered and ordered.indexed_pairs
    assert list(ordered.matching(["新标"])) == list(ordered.matching(["新"])) == [at]
    index.update(dataclasses.replace(listed[5], meta=Metadata(listed[5].meta.title)))
    assert list(ordered.matching(["新标"])) == [] and ordered.rows[at].id == listed[5].id
    assert at not in ordered.matching(["ai"])  # the tags go: one row of many (a mask's)
    assert ordered.matching(["ai-s"]) and list(ordered.matching(["ai-s"])) == kept(
        ordered.rows, ["ai-s"]
    )


def test_an_index_cancelled_on_the_way_is_not_taken() -> None:
    """A worker indexing an order the list left stops: what it made is dropped, and the
    order filters as an unindexed one does (all it keeps is still right)."""
    search = OrderedRows(RowIndex(rows()), "date-desc")
    search.index_characters(cancelled=lambda: True)
    search.index_pairs(cancelled=lambda: True)
    assert not search.indexed and not search.indexed_pairs
    search.index_characters()
    search.index_pairs(cancelled=lambda: True)
    assert search.indexed and not search.indexed_pairs
    assert list(search.matching(["安全"])) == kept(search.rows, ["安全"])


ASCII_WORD = st.text(st.characters(min_codepoint=1, max_codepoint=0x7F), min_size=1, max_size=4)
"""A word the filter tests in the rows' ASCII: ASCII without a NUL."""


@given(st.text(max_size=30), ASCII_WORD)
def test_an_ascii_word_is_in_a_texts_ascii_exactly_where_it_is_in_the_text(
    text: str, word: str
) -> None:
    assert (word in ascii_of(text)) == (word in text)
    assert (word + word in ascii_of(text + "字" + word + word)) is True


def test_a_latin_word_every_row_seems_to_hold_is_tested_in_each_row_as_rows_change() -> None:
    """Every row holds the word's characters and pairs (``doc0`` of the ids), only
    some the word: it is tested in every row, in the rows' ASCII, and a row changed
    after the index is made is tested as it is now."""
    titles = ["doc c0 安全", "模型 doc0", "創立doc0x", "doc字0 c0", "无题 doc c0"]
    listed = [DocRow(f"{i}.md", Metadata(t), Script.MIXED, []) for i, t in enumerate(titles)]
    index = RowIndex(listed)
    search = index.ordered("date-asc")
    indexed(search, "pairs")
    assert list(search.matching(["doc0"])) == kept(listed, ["doc0"]) == [1, 2]
    listed[4] = dataclasses.replace(listed[4], doc_tags=["研究doc0"])
    index.update(listed[4])
    assert list(search.matching(["doc0"])) == kept(listed, ["doc0"]) == [1, 2, 4]


def old_order(listed: list[DocRow], order: str) -> list[DocRow]:
    """How the list sorted before it had an index (the oracle)."""
    if order == "title":
        return sorted(listed, key=lambda r: fold(r.shown_title))
    undated = [r for r in listed if not r.meta.date]
    dated = sorted(
        (r for r in listed if r.meta.date),
        key=lambda r: r.meta.date or "",
        reverse=order == "date-desc",
    )
    return dated + undated


PIECES = [
    "創立",
    "创立",
    "公司",
    "Anthropic",
    "ANTHROPIC",
    "安全",
    "發展",
    "发展",
    "12",
    "ｆｕｌｌ",
]
"""Mixed scripts, cases and widths, so folding decides what matches."""


@settings(max_examples=60, deadline=None)
@given(
    titles=st.lists(
        st.tuples(
            st.lists(st.sampled_from(PIECES), max_size=4),
            st.sampled_from([None, "2024-01-01", "2023-05-06", "2024-01-01T08:00"]),
            st.lists(st.sampled_from(["访谈", "訪談", "AI", "ai"]), max_size=2),
        ),
        max_size=25,
    ),
    queries=st.lists(
        st.lists(st.sampled_from([*PIECES, "创", "立 ", "1", "a", "ｆ", "F"]), max_size=3),
        max_size=8,
    ),
)
def test_filter_and_orders_are_the_old_ones_over_random_rows_and_typing(
    titles: list[tuple[list[str], str | None, list[str]]], queries: list[list[str]]
) -> None:
    listed = [
        DocRow(f"{i}.md", Metadata(" ".join(words), date=date, tags=tags), Script.MIXED, [])
        for i, (words, date, tags) in enumerate(titles)
    ]
    index = RowIndex(listed)
    for order in SORT_ORDERS:
        want = old_order(listed, order)
        assert [listed[i] for i in positions_in_order(listed, order)] == want
        searches = [OrderedRows(index, order) for _ in range(3)]
        for search, how in zip(searches, ["none", "characters", "pairs"], strict=True):
            indexed(search, how)
            assert search.rows == want
        for pieces in queries:
            words = fold("".join(pieces)).split()
            if words:
                for search in searches:
                    assert list(search.matching(words)) == kept(want, words)


MIXED = "創立创立公司安全模型研究無題无题12月aAbB-# "
"""Characters of the titles and queries below: traditional and simplified pairs
(folded alike), digits, letters in both cases, and the id's and tags' punctuation."""


@settings(max_examples=60, deadline=None)
@given(
    titles=st.lists(st.text(MIXED, max_size=8), min_size=1, max_size=40),
    queries=st.lists(st.text(MIXED, max_size=6), min_size=1, max_size=12),
    index_first=st.sampled_from(["none", "characters", "pairs"]),
)
def test_any_sequence_of_queries_keeps_what_a_test_per_row_keeps(
    titles: list[str], queries: list[str], index_first: str
) -> None:
    """Whatever the order of the queries (each narrowing from what the ones before
    kept, from the rows holding a character, or by a set of them), each keeps
    exactly what a test per row keeps."""
    listed = [
        DocRow(f"{i}.md", Metadata(t, tags=["Ab"] if i % 3 else []), Script.MIXED, [])
        for i, t in enumerate(titles)
    ]
    search = OrderedRows(RowIndex(listed), "date-asc")  # undated: the order given
    indexed(search, index_first)
    for query in queries:
        words = fold(query).split()
        if words:
            assert list(search.matching(words)) == kept(listed, words), words


@settings(max_examples=40, deadline=None)
@given(
    titles=st.lists(st.text(MIXED, max_size=8), min_size=1, max_size=30),
    steps=st.lists(
        st.one_of(
            st.text(MIXED, max_size=6),  # a query
            st.tuples(st.integers(0, 3), st.text(MIXED, max_size=5)),  # a new tag (few rows: again)
        ),
        min_size=1,
        max_size=12,
    ),
    how=st.sampled_from(["none", "characters", "pairs"]),
)
def test_queries_keep_what_a_test_per_row_keeps_as_rows_change_in_place(
    titles: list[str], steps: list[str | tuple[int, str]], how: str
) -> None:
    """Rows whose tags change between queries (the index follows them, the orders
    and the grams' rows are not made again) are filtered as a test per row does."""
    listed = [DocRow(f"{i}.md", Metadata(t), Script.MIXED, []) for i, t in enumerate(titles)]
    index = RowIndex(listed)
    search = index.ordered("date-asc")  # undated: the order given
    indexed(search, how)
    for step in steps:
        if isinstance(step, tuple):
            place, tag = step[0] % len(listed), step[1].strip()
            before = listed[place].doc_tags
            listed[place] = dataclasses.replace(listed[place], doc_tags=[tag] if tag else [])
            index.update(listed[place])
            assert index.ordered("date-asc") is search
            step = " ".join([*before, tag, *(c for c in tag), *(c for b in before for c in b)])
        for word in fold(step).split():  # the query, or the tags' words and characters
            assert list(search.matching([word])) == kept(listed, [word]), word
        if words := fold(step).split():
            assert list(search.matching(words)) == kept(listed, words), words


def test_a_three_character_word_most_rows_hold_is_a_look_up_once_pairs_are_indexed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``doc`` is in every id: testing the rows would test all of them (60 ms at
    100,000 rows), the triple's rows are known instead; a longer word is tested on
    the rows its triples narrow to, and still keeps exactly the right rows."""
    listed = rows()
    search = OrderedRows(RowIndex(listed), "date-desc")
    indexed(search, "pairs")
    want = {word: list(search.matching([word])) for word in ["doc12", "oc0", "ai-s"]}
    search = OrderedRows(RowIndex(listed), "date-desc")
    indexed(search, "pairs")

    monkeypatch.setattr(search, "_texts", None)  # a test of any row fails
    assert list(search.matching(["doc"])) == kept(listed, ["doc"]) == list(range(130))
    assert list(search.matching(["oc0"])) == want["oc0"] == kept(listed, ["oc0"])
    monkeypatch.undo()
    assert want["doc12"] == kept(listed, ["doc12"]) and want["ai-s"] == kept(listed, ["ai-s"])


FEW = "ab創创立-"
"""Few characters, so that titles share many triples, and some triples few rows."""


@settings(max_examples=25, deadline=None)
@given(
    titles=st.lists(st.text(FEW, min_size=2, max_size=10), min_size=64, max_size=80),
    queries=st.lists(st.text(FEW, min_size=3, max_size=6), min_size=1, max_size=8),
    changes=st.lists(st.tuples(st.integers(0, 59), st.text(FEW, max_size=6)), max_size=3),
)
def test_words_of_three_characters_and_more_keep_what_a_test_per_row_keeps(
    titles: list[str], queries: list[str], changes: list[tuple[int, str]]
) -> None:
    """Over enough rows that the triples few rows hold are not indexed (and those
    many hold are), with rows changed in place, every word keeps what a test per
    row keeps: from a triple's rows, from its pairs' rows tested one by one, or
    most of the rows tested in one pass."""
    listed = [DocRow(f"{i}.md", Metadata(t), Script.MIXED, []) for i, t in enumerate(titles)]
    index = RowIndex(listed)
    search = index.ordered("date-asc")  # undated: the order given
    indexed(search, "pairs")
    for place, tag in changes:  # the order holds: the grams' rows follow the row
        listed[place] = dataclasses.replace(listed[place], doc_tags=[tag] if tag else [])
        index.update(listed[place])
    assert index.ordered("date-asc") is search
    for query in queries:
        words = fold(query).split()
        for word in words:
            assert list(search.matching([word])) == kept(listed, [word]), word


@settings(max_examples=60, deadline=None)
@given(
    keys=st.lists(st.text("ab創", max_size=2), max_size=40),
    size=st.integers(1, 8),
    reverse=st.booleans(),
)
def test_sorting_in_slices_is_sorting_at_once_ties_in_their_order(
    keys: list[str], size: int, reverse: bool
) -> None:
    """The orders are sorted in slices merged (no long hold of the GIL): the same
    order as one ``sorted``, equal keys (few characters: many) in their given order."""
    places = list(range(len(keys)))
    want = sorted(places, key=keys.__getitem__, reverse=reverse)
    assert sorted_in_slices(places, keys.__getitem__, reverse, size) == want
