"""Search: script-, case- and width-insensitive, in source offsets, with safe context lines."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from kbtui.scripts.hanzi import fold
from kbtui.search.scan import (
    compile_queries,
    compile_query,
    context,
    find_all,
    fold_table,
    search,
)

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def test_query_in_either_script_finds_both() -> None:
    text = "他們創立了公司。她创立了另一家。"
    spans = [(2, 4), (text.index("创立"), text.index("创立") + 2)]
    assert find_all(text, "創立") == spans
    assert find_all(text, "创立") == spans


def test_find_in_document_crosses_scripts() -> None:
    assert find_all("明天多云，后天多雲", "多雲") == [(2, 4), (7, 9)]


def test_case_width_and_separators_do_not_matter() -> None:
    text = "ANTHROPIC, anthropic, Ａｎｔｈｒｏｐｉｃ; 达里奥・阿莫代伊"
    assert len(find_all(text, "Anthropic")) == 3
    start = text.index("达")
    assert find_all(text, "達里奧·阿莫代伊") == [(start, start + 8)]


def test_query_is_literal_not_a_pattern() -> None:
    assert find_all("a.b axb [x] (y) ^$ \\", "a.b") == [(0, 3)]
    assert find_all("[x] (y) ^$ \\", "[x]") == [(0, 3)]
    assert find_all("[x] (y) ^$ \\", "^$ \\") == [(8, 12)]
    assert find_all("anything", "") == []


def test_characters_beyond_the_basic_plane() -> None:
    assert find_all("𝐀nthropic and 😀 anthropic", "ANTHROPIC") == [(0, 9), (16, 25)]
    assert find_all("😀😀", "😀") == [(0, 1), (1, 2)]


def test_fold_table_agrees_with_hanzi_fold_on_the_corpus() -> None:
    for path in sorted(CORPUS.glob("*.txt")):
        text = path.read_text("utf-8")
        assert fold_table().fold(text) == fold(text), path.name


def test_fold_table_skips_no_changing_character() -> None:
    """The table's block-skipping scan finds what a scan of every code point finds."""
    forward = fold_table().forward
    for cp in range(0x110000):
        if 0xD800 <= cp < 0xE000:
            continue
        ch = chr(cp)
        if not unicodedata.is_normalized("NFKC", ch) or ch.lower() != ch:
            folded = fold(ch + "\uff01")[0]
            assert forward.get(cp, cp) == ord(folded), hex(cp)


def test_context_is_one_safe_trimmed_line() -> None:
    line = "前" * 100 + "\x1b[31m Dario  Amodei \x1b[0m" + "后" * 100
    text = "第一行\n" + line + "\n第三行"
    start = text.index("Dario")
    got = context(text, start, start + len("Dario  Amodei"))
    assert got.match == "Dario Amodei"
    assert got.before.startswith("…") and got.after.endswith("…")
    assert "\x1b" not in str(got) and "\n" not in str(got)
    assert got.before.endswith("␛[31m ") and got.after.startswith(" ␛[0m")
    assert len(got.before) <= 42 and len(got.after) <= 42


def test_context_at_line_edges_has_no_ellipsis() -> None:
    text = "标题\nAnthropic 创立\n"
    got = context(text, 3, 12)
    assert (got.before, got.match, got.after) == ("", "Anthropic", " 创立")


def test_search_groups_by_document_and_counts() -> None:
    docs = [("a", "创立 創立"), ("b", "没有"), ("c", "創立")]
    result = search(docs, "创立")
    assert [(g.doc_id, g.total) for g in result.documents] == [("a", 2), ("c", 1)]
    assert result.total == 3 and not result.truncated
    hit = result.documents[0].hits[1]
    assert (hit.doc_id, hit.start, hit.end, hit.context.match) == ("a", 3, 5, "創立")
    assert result.to_json()["documents"][1] == {
        "doc": "c",
        "count": 1,
        "hits": [{"doc": "c", "start": 0, "end": 2, "context": "創立"}],
    }


def test_search_counts_every_hit_but_shows_the_first() -> None:
    docs = [(str(i), "创立 " * 10) for i in range(5)]
    result = search(docs, "創立", max_hits=15)
    assert result.total == 50 and result.truncated
    assert sum(len(g.hits) for g in result.documents) == 15
    assert [g.total for g in result.documents] == [10] * 5
    assert search(docs, "", max_hits=None).total == 0


def test_search_on_the_sample_corpus_finds_both_scripts() -> None:
    docs = [(p.name, p.read_text("utf-8")) for p in sorted(CORPUS.glob("*.txt"))]
    result = search(docs, "創立")
    found = {g.doc_id[:3]: {h.context.match for h in g.hits} for g in result.documents}
    assert "创立" in found["000"] and "創立" in found["002"]
    for group in result.documents:
        text = dict(docs)[group.doc_id]
        assert all(fold(text[h.start : h.end]) == "创立" for h in group.hits)


def test_a_chinese_query_finds_the_other_regions_words_and_says_which() -> None:
    docs = [("tw", "台灣的軟體與软件"), ("cn", "没有")]
    result = search(docs, "软件")
    [group] = result.documents
    assert [(h.context.match, h.variant) for h in group.hits] == [
        ("軟體", "軟體 (Taiwan)"),
        ("软件", None),
    ]
    first, second = (hit.to_json() for hit in group.hits)
    assert first["variant"] == "軟體 (Taiwan)" and "variant" not in second
    back = search(docs, "軟體").documents[0].hits
    assert [(h.context.match, h.variant) for h in back] == [
        ("軟體", None),
        ("软件", "软件 (Mainland)"),
    ]
    assert find_all("点击滑鼠右键", "鼠标") == [(2, 4)]


def test_a_query_without_chinese_has_no_variants() -> None:
    queries = compile_queries("Claude")
    assert queries is not None and queries.variants == ()
    assert compile_queries("") is None


_ALPHABET = "aAＡbB创創立云雲多 ·・-.[]\n😀𝐀ßİς"


@settings(max_examples=300, deadline=None)
@given(st.text(_ALPHABET, max_size=30), st.text(_ALPHABET, min_size=1, max_size=3))
def test_find_all_equals_folding_and_finding(text: str, query: str) -> None:
    """The compiled query finds exactly where the folded query is in the folded text."""
    folded_text, folded_query = fold(text), fold(query)
    expected, at = [], folded_text.find(folded_query)
    while at >= 0:
        expected.append((at, at + len(folded_query)))
        at = folded_text.find(folded_query, at + len(folded_query))
    assert find_all(text, query) == expected


def test_compiled_query_keeps_the_text() -> None:
    query = compile_query("創立")
    assert query is not None and query.text == "創立" and compile_query("") is None
