"""Japanese: told apart by its kana, offered no Chinese views, its sentences left alone."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kbtui.scripts.chains import Backend, Variant
from kbtui.scripts.hanzi import Script, detect_script
from kbtui.scripts.kana import count_han, count_kana, japanese_runs
from kbtui.scripts.views import PARTIAL_RANGE, convert_text, convert_view
from kbtui.view.textview import TextView

S = Script.SIMPLIFIED

JAPANESE = "東京駅から歩いて5分です。ここはとても便利なところで、会議室もあります。"


def test_japanese_is_told_apart_by_its_kana(sample_corpus: Path) -> None:
    assert detect_script(JAPANESE) == Script.JAPANESE
    assert detect_script("アンソロピックのクロード") == Script.JAPANESE
    chinese = (sample_corpus / "002_be2c72276a634b9f.txt").read_text(encoding="utf-8")
    assert detect_script(chinese + JAPANESE) == Script.TRADITIONAL  # a quotation is no switch
    assert detect_script("東京駅") == Script.NONE  # no kana, no script-specific character
    assert detect_script("達里奧・阿莫代伊・ー的軟體與網路") == Script.TRADITIONAL  # ・ and ー


def test_japanese_runs_are_the_sentences_with_kana() -> None:
    text = "软件很好。東京駅から歩いて5分です。东京\n「駅で会いましょう」と言った！好"
    runs = japanese_runs(text)
    assert [text[a:b] for a, b in runs] == [
        "東京駅から歩いて5分です",
        "「駅で会いましょう」と言った",
    ]
    assert japanese_runs("没有假名・ー") == []
    assert count_kana(JAPANESE) == 22 and count_han(JAPANESE) == 10


JAPANESE_INSIDE = (
    "软件公司的信息。\n東京駅から歩いて5分です。东京的软件\n"
    "「東京駅で会いましょう」と彼は言った！互联网很重要？\nアンソロピック的软件。"
)


@pytest.mark.parametrize("backend", list(Backend))
def test_japanese_sentences_are_left_alone(backend: Backend) -> None:
    converted, offset_map = convert_text(JAPANESE_INSIDE, Variant.TAIWAN, S, backend=backend)
    assert converted == (
        "軟體公司的資訊。\n東京駅から歩いて5分です。東京的軟體\n"
        "「東京駅で会いましょう」と彼は言った！網際網路很重要？\nアンソロピック的软件。"
    )
    start = JAPANESE_INSIDE.index("東京駅")
    assert offset_map.range_to_source(*offset_map.range_to_view(start, start + 3)) == (
        start,
        start + 3,
    )
    names = "丹妮拉・阿莫代伊说"  # the katakana middle dot is no kana
    assert convert_text(names, Variant.TRADITIONAL, S, backend=backend)[0] == "丹妮拉・阿莫代伊說"


QUOTED = "软件很好。「软件」を使う。信息\n"


@settings(max_examples=80, deadline=None)
@given(st.integers(0, len(QUOTED)), st.integers(0, len(QUOTED)))
def test_a_region_leaves_the_same_sentences_alone_as_the_whole(a: int, b: int) -> None:
    """Even where the kana of its sentence lie outside the region."""
    full_text, full_map = convert_text(QUOTED, Variant.TAIWAN, S)
    assert full_text == "軟體很好。「软件」を使う。資訊\n"
    partial = convert_view(TextView.plain(QUOTED), Variant.TAIWAN, S, region=(min(a, b), max(a, b)))
    start, end = partial.extra.get(PARTIAL_RANGE, (0, len(partial.text)))
    view_end = end - (len(partial.text) - len(QUOTED))
    full_start, full_end = full_map.range_to_view(start, view_end)
    assert partial.text[start:end] == full_text[full_start:full_end]
    inside = QUOTED.index("软件」")
    quoted = convert_view(TextView.plain(QUOTED), Variant.TAIWAN, S, region=(inside, inside + 2))
    assert "「软件」" in quoted.text
