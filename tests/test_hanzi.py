"""Character tables: script detection and the one-to-one fold used for matching."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kbtui.scripts.hanzi import SAMPLE_CHARS, Script, detect_script, fold


@pytest.mark.parametrize(
    ("name", "script"),
    [
        ("000_7aa956d427ec0c4c.txt", Script.SIMPLIFIED),
        ("001_a7702332fec17ca5.txt", Script.SIMPLIFIED),
        ("002_be2c72276a634b9f.txt", Script.TRADITIONAL),
        ("003_0b861dc1db151f35.txt", Script.SIMPLIFIED),
        ("004_6b75a25af0571ee2.txt", Script.TRADITIONAL),
    ],
)
def test_samples(sample_corpus: Path, name: str, script: Script) -> None:
    assert detect_script((sample_corpus / name).read_text(encoding="utf-8")) == script


def test_mixed_and_none(sample_corpus: Path) -> None:
    simplified = (sample_corpus / "000_7aa956d427ec0c4c.txt").read_text(encoding="utf-8")
    traditional = (sample_corpus / "002_be2c72276a634b9f.txt").read_text(encoding="utf-8")
    assert detect_script(simplified + traditional) == Script.MIXED
    assert detect_script("Just English, no Chinese at all.") == Script.NONE
    assert detect_script("中文") == Script.NONE  # no script-specific character


def test_long_text_is_sampled_but_still_sees_both_halves(sample_corpus: Path) -> None:
    simplified = (sample_corpus / "001_a7702332fec17ca5.txt").read_text(encoding="utf-8")
    traditional = (sample_corpus / "004_6b75a25af0571ee2.txt").read_text(encoding="utf-8")
    text = simplified * 10 + traditional * 10
    assert len(text) > SAMPLE_CHARS
    assert detect_script(text) == Script.MIXED


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("達里奧·阿莫代伊", "达里奥·阿莫代伊"),
        ("達里奧・阿莫代伊", "达里奥•阿莫代伊"),
        ("Dario Amodei", "dario amodei"),
        ("英偉達", "英伟达"),
        ("ＧＰＴ", "gpt"),
        ("多雲", "多云"),
    ],
)
def test_fold_equalities(a: str, b: str) -> None:
    assert fold(a) == fold(b)


def test_fold_keeps_distinct_names_apart() -> None:
    assert fold("輝達") != fold("英伟达")


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200))
def test_fold_is_one_to_one_in_length(text: str) -> None:
    assert len(fold(text)) == len(text)
