"""Pinyin search (toneless queries over Chinese text of either script) and sentence cutting."""

from __future__ import annotations

from pathlib import Path

import pytest

from kbtui.lookup.pinyin_search import PinyinText, is_pinyin_query, pinyin_readings
from kbtui.lookup.sentences import sentence_around


@pytest.mark.parametrize(
    ("query", "readings"),
    [
        ("anquan", [("an", "quan"), ("an", "qu", "an")]),
        ("an quan", [("an", "quan"), ("an", "qu", "an")]),
        ("xian", [("xian",), ("xi", "an")]),
        ("xi'an", [("xi", "an")]),
        ("Lüse", [("lv", "se")]),
        ("lu:se", [("lv", "se")]),
        ("hello", []),
        ("Claude", []),
        ("an1quan2", []),
        ("安全", []),
        ("mn", []),
        ("", []),
    ],
)
def test_readings_of_a_query(query: str, readings: list[tuple[str, ...]]) -> None:
    assert pinyin_readings(query) == readings
    assert is_pinyin_query(query) is bool(readings)


@pytest.mark.parametrize("query", ["anquan", "an quan", "AnQuan", "an'quan"])
def test_anquan_finds_every_anquan_in_sample_003(sample_corpus: Path, query: str) -> None:
    text = next(sample_corpus.glob("003_*.txt")).read_text(encoding="utf-8")
    spans = PinyinText(text).find(query)
    assert len(spans) >= text.count("安全") >= 5
    assert {text[start:end] for start, end in spans} >= {"安全"}
    assert all(len(text[start:end]) == 2 for start, end in spans)


def test_traditional_text_is_found_too(sample_corpus: Path) -> None:
    text = next(sample_corpus.glob("002_*.txt")).read_text(encoding="utf-8")
    found = PinyinText(text).find("anquan")
    assert [text[a:b] for a, b in found].count("安全") == text.count("安全") > 0
    software = PinyinText("這個軟體很安全").find("ruanti")
    assert software == [(2, 4)]


def test_heteronyms_both_match() -> None:
    index = PinyinText("中国银行")
    assert index.find("yinhang") == [(2, 4)]
    assert index.find("yinxing") == [(2, 4)]


def test_spaces_are_syllable_boundaries() -> None:
    index = PinyinText("先去西安")
    assert index.find("xian") == [(0, 1), (2, 4)]
    assert index.find("xi an") == [(2, 4)]


def test_no_match_and_not_pinyin_find_nothing() -> None:
    index = PinyinText("我们的安全研究")
    assert index.find("zhongguo") == []
    assert index.find("hello") == []
    assert index.pattern("hello") is None


@pytest.mark.parametrize(
    ("text", "pos", "sentence"),
    [
        ("他说了。我们的安全很重要！然后呢", 8, "我们的安全很重要！"),
        ("他说了。我们的安全很重要！然后呢", 14, "然后呢"),
        ("“好。”他说。", 1, "“好。”"),
        ("真的吗？！是的。", 0, "真的吗？！"),
        ("It costs 3.5 dollars. 安全 first.", 4, "It costs 3.5 dollars."),
        ("It costs 3.5 dollars. 安全 first.", 22, "安全 first."),
        ("# 标题\n正文的安全。", 3, "# 标题"),
        ("# 标题\n正文的安全。", 8, "正文的安全。"),
        ("  缩进的句子  \n", 4, "缩进的句子"),
    ],
)
def test_sentence_around(text: str, pos: int, sentence: str) -> None:
    start, end = sentence_around(text, pos)
    assert text[start:end] == sentence


def test_a_long_run_is_cut_around_the_word() -> None:
    text = "字" * 1000
    start, end = sentence_around(text, 500, limit=100)
    assert (start, end) == (450, 550)
    assert sentence_around(text, 990, limit=100) == (900, 1000)
    assert sentence_around("", 0) == (0, 0)
