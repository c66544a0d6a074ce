"""kbtui.scripts.conversion gives exactly opencc-python-reimplemented's output, plus a true map."""

from __future__ import annotations

import random
import subprocess
import sys
import threading
from functools import cache
from importlib.resources import files
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from opencc import OpenCC

from kbtui.scripts.conversion import (
    CONFIG_NAMES,
    get_converter,
    is_separator,
    parse_dictionary,
    parse_dictionary_lines,
    safe_cut_after,
    safe_cut_before,
)
from kbtui.view.offsets import OffsetMap

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
MARKERS = "ABCxyz019 ，。\n「」"
"""Characters no dictionary key contains: each must map exactly to itself."""


@cache
def corpus_texts() -> dict[str, str]:
    return {p.name[:3]: p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))}


@cache
def reference(config: str) -> OpenCC:
    return OpenCC(config)


@cache
def entries(name: str) -> dict[str, str]:
    text = (files("opencc") / "dictionary" / name).read_text(encoding="utf-8")
    pairs = (line.split("\t") for line in text.splitlines() if line)
    return {key: values.split(" ")[0] for key, values in pairs}


@cache
def soup(side: str) -> list[str]:
    """Dictionary keys, pieces of keys and phrases that change length, as test text."""
    rng = random.Random(7)
    if side == "simplified":
        names = ("STPhrases.txt", "TWPhrasesRev.txt", "HKVariantsRevPhrases.txt")
    else:
        names = ("TSPhrases.txt", "TWPhrases.txt", "HKVariantsRevPhrases.txt")
    words = [k for name in names for k in rng.sample(sorted(entries(name)), 150)]
    changing = [k for k, v in entries("TWPhrases.txt").items() if len(k) != len(v)]
    changing_rev = [k for k, v in entries("TWPhrasesRev.txt").items() if len(k) != len(v)]
    words += changing if side == "traditional" else [reference("t2s").convert(k) for k in changing]
    words += changing_rev
    pieces = [w[i:j] for w in words[:200] for i, j in ((0, 1), (1, None), (0, -1))]
    return [w for w in words + pieces if w] + list(MARKERS) + ["𠮷", "😀", "한"]


def random_text(side: str) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(soup(side)), max_size=40).map("".join)


@pytest.mark.parametrize("config", CONFIG_NAMES)
def test_same_output_as_opencc_on_the_corpus(config: str) -> None:
    converter = get_converter(config)
    for name, text in corpus_texts().items():
        converted, offset_map = converter.convert(text)
        assert converted == reference(config).convert(text), name
        assert (offset_map.view_len, offset_map.source_len) == (len(converted), len(text))


def test_fast_dictionary_parse_is_the_packages_parse() -> None:
    for path in (files("opencc") / "dictionary").iterdir():
        text = path.read_text(encoding="utf-8")
        assert parse_dictionary(text) == parse_dictionary_lines(text), path.name
    odd = [
        "a\tb c\nd\te\na\tf\n",  # a later line wins, multi-valued or not
        "a\tb\na\tc d\n",
        "a\tb \nc\td\n",  # trailing space
        "a\tb\r\nc\td e\r\n",  # CRLF: line by line
        "a\tb\n\nc\td\n",  # blank line: line by line
    ]
    for text in odd:
        assert parse_dictionary(text) == parse_dictionary_lines(text), text


def test_lengths_change_only_with_phrase_variants() -> None:
    texts = corpus_texts()
    for config in ("s2t", "t2s", "s2tw", "s2hk", "t2hk"):
        assert all(len(get_converter(config).convert(t)[0]) == len(t) for t in texts.values())
    assert len(get_converter("s2twp").convert(texts["000"])[0]) == 2060  # 2,058 in
    assert len(texts["002"]) == 5637
    assert len(get_converter("s2twp").convert(texts["002"])[0]) == 5653


@settings(max_examples=80, deadline=None)
@given(random_text("simplified"), st.sampled_from(["s2t", "s2twp", "s2hk", "s2tw"]))
def test_same_output_as_opencc_on_random_simplified_text(text: str, config: str) -> None:
    assert get_converter(config).convert(text)[0] == reference(config).convert(text)


@settings(max_examples=80, deadline=None)
@given(random_text("traditional"), st.sampled_from(["t2s", "tw2sp", "tw2s", "hk2s", "t2tw"]))
def test_same_output_as_opencc_on_random_traditional_text(text: str, config: str) -> None:
    assert get_converter(config).convert(text)[0] == reference(config).convert(text)


def assert_markers_exact(text: str, converted: str, offset_map: OffsetMap) -> None:
    """Every character no dictionary touches sits where the map says, both ways."""
    for i, char in enumerate(text):
        if char in MARKERS:
            j = offset_map.to_view(i)
            assert converted[j] == char
            assert offset_map.to_source(j) == i
            assert offset_map.range_to_view(i, i + 1) == (j, j + 1)


@settings(max_examples=120, deadline=None)
@given(random_text("simplified"), st.sampled_from(["s2twp", "s2t", "s2hk"]))
def test_map_is_exact_on_untouched_characters(text: str, config: str) -> None:
    converted, offset_map = get_converter(config).convert(text)
    assert (offset_map.view_len, offset_map.source_len) == (len(converted), len(text))
    assert_markers_exact(text, converted, offset_map)


@settings(max_examples=120, deadline=None)
@given(random_text("traditional"), st.sampled_from(["tw2sp", "t2s"]))
def test_map_is_exact_on_untouched_characters_backwards(text: str, config: str) -> None:
    converted, offset_map = get_converter(config).convert(text)
    assert_markers_exact(text, converted, offset_map)


def test_blocks_are_the_length_changing_phrases() -> None:
    text = "中国互联网的线程和软件信息"
    converted, offset_map = get_converter("s2twp").convert(text)
    assert converted == "中國網際網路的執行緒和軟體資訊"
    blocks = [
        (converted[s.view_start : s.view_end], text[s.source_start : s.source_end])
        for s in offset_map.segments()
        if not s.aligned
    ]
    assert blocks == [("網際網路", "互联网"), ("執行緒", "线程")]


@settings(max_examples=150, deadline=None)
@given(random_text("simplified"), st.data())
def test_a_cut_next_to_a_separator_converts_as_its_halves(text: str, data: st.DataObject) -> None:
    pos = data.draw(st.integers(0, len(text)))
    cut = safe_cut_before(text, pos) if data.draw(st.booleans()) else safe_cut_after(text, pos)
    if cut is None:
        return
    converter = get_converter("s2twp")
    halves = converter.convert(text[:cut])[0] + converter.convert(text[cut:])[0]
    assert halves == converter.convert(text)[0]


def test_cuts() -> None:
    text = "软件，信息\n数据"
    assert safe_cut_before(text, 1) == 0
    assert safe_cut_before(text, 4) == 3  # just after "，"
    assert safe_cut_after(text, 4) == 5  # at "\n"
    assert safe_cut_before("软件信息", 2) == 0  # the ends of the text are cuts
    assert safe_cut_after("软件信息", 2) == 4
    assert safe_cut_before("软件信息", 3, window=2) is None
    assert safe_cut_after("软件信息", 1, window=2) is None
    assert is_separator("，") and is_separator("\u3000") and not is_separator("·")


def test_unknown_and_empty_input_pass_through() -> None:
    for config in ("s2t", "s2twp", "t2s"):
        converter = get_converter(config)
        empty, empty_map = converter.convert("")
        assert (empty, empty_map.view_len, empty_map.source_len) == ("", 0, 0)
        odd = "😀 한국어 𠮷 \x00 \ud800 abc"
        converted, offset_map = converter.convert(odd)
        assert converted == odd
        assert len(offset_map) == 1


def test_converters_are_built_once_even_from_many_threads() -> None:
    built: list[object] = []

    def build() -> None:
        built.append(get_converter("t2hk"))

    threads = [threading.Thread(target=build) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(c) for c in built}) == 1
    with pytest.raises(ValueError, match="unknown OpenCC configuration"):
        get_converter("x2y")


def test_nothing_is_built_at_import_and_textual_is_not_loaded() -> None:
    code = (
        "import sys, kbtui.scripts.views, kbtui.scripts.conversion as c\n"
        "assert not c._converters and not c._dictionaries\n"
        "assert 'textual' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
