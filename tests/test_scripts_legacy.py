"""The opencc-python-reimplemented backend keeps its 0.1.7 output and kbtui's earlier chains.

``conversion = "opencc-python-reimplemented"`` is for people who want exactly
what kbtui showed before OpenCC 1.4: these tests pin that output (the
converter itself is checked against the package in test_converter.py).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from kbtui.scripts.chains import Backend, Source, Variant, chain_for
from kbtui.scripts.hanzi import Script
from kbtui.scripts.locales import Locale
from kbtui.scripts.views import convert_text, convert_view
from kbtui.view.markdown import render
from kbtui.view.textview import TextView

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
S, T, M, N = Script.SIMPLIFIED, Script.TRADITIONAL, Script.MIXED, Script.NONE
OLD = Backend.REIMPLEMENTED


@cache
def source(prefix: str) -> str:
    return next(CORPUS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


def reading_view(text: str) -> TextView:
    body_start = text.index("\n---\n", 4) + 5 if text.startswith("---\n") else 0
    return render(text, body_start)


def test_chains() -> None:
    for script in [*Script, *Locale, None]:
        assert chain_for(script, Variant.ORIGINAL, OLD) == ()
        assert chain_for(script, Variant.SIMPLIFIED, OLD) == ("t2s",)
        assert chain_for(script, Variant.TRADITIONAL, OLD) == ("s2t",)
    for simplified in (S, Locale.HANS):
        assert chain_for(simplified, Variant.TAIWAN, OLD) == ("s2twp",)
        assert chain_for(simplified, Variant.HONGKONG, OLD) == ("s2hk",)
    for other in (T, M, N, Locale.HANT, Locale.TW, Locale.HK, None):
        assert chain_for(other, Variant.TAIWAN, OLD) == ("t2s", "s2twp")
        assert chain_for(other, Variant.HONGKONG, OLD) == ("t2s", "s2hk")


KNOWN = [
    # (source script, variant, text, expected)
    (T, Variant.SIMPLIFIED, "誕生", "诞生"),
    (T, Variant.SIMPLIFIED, "頭髮和發展", "头发和发展"),
    (T, Variant.SIMPLIFIED, "軟體與資訊", "软体与资讯"),  # t2s has no Taiwan phrases
    (T, Variant.SIMPLIFIED, "裡面、裏面、説話、爲了", "里面、里面、说话、为了"),
    (S, Variant.SIMPLIFIED, "诞生的软件", "诞生的软件"),
    (S, Variant.TRADITIONAL, "头发", "頭髮"),
    (S, Variant.TRADITIONAL, "发展", "發展"),
    (S, Variant.TRADITIONAL, "软件和信息", "軟件和信息"),
    (S, Variant.TRADITIONAL, "为了里面看着", "爲了裏面看着"),  # older dictionaries
    (S, Variant.TRADITIONAL, "想象", "想象"),  # native OpenCC 1.4 writes 想像
    (S, Variant.TRADITIONAL, "干净的一只后来", "乾淨的一隻後來"),
    (S, Variant.TRADITIONAL, "托着腮和胚胎发育", "託着腮和胚胎髮育"),  # the examples
    (S, Variant.TAIWAN, "软件", "軟體"),
    (S, Variant.TAIWAN, "信息", "資訊"),
    (S, Variant.TAIWAN, "头发的发展", "頭髮的發展"),
    (S, Variant.TAIWAN, "互联网线程", "網際網路執行緒"),
    (S, Variant.TAIWAN, "鼠标数据视频", "滑鼠資料影片"),
    (S, Variant.TAIWAN, "为了里面看着", "為了裡面看著"),
    (T, Variant.TAIWAN, "演算法", "演演算法"),  # t2s, then s2twp again
    (S, Variant.TAIWAN, "快闪存储器", "快快閃記憶體儲器"),
    (S, Variant.TAIWAN, "一致通过和新范式", "一致透過和新正規化"),
    (S, Variant.TRADITIONAL, "香蕉干", "香蕉幹"),
    (T, Variant.TAIWAN, "軟件公司的信息", "軟體公司的資訊"),
    (T, Variant.TAIWAN, "説話", "說話"),
    (M, Variant.TAIWAN, "软件和軟件", "軟體和軟體"),
    (S, Variant.HONGKONG, "为了里面说话", "為了裏面説話"),
    (S, Variant.HONGKONG, "台湾的软件", "台灣的軟件"),
    (T, Variant.HONGKONG, "說話", "説話"),
    (M, Variant.TRADITIONAL, "头发與頭髮", "頭髮與頭髮"),
    (M, Variant.SIMPLIFIED, "头发與頭髮", "头发与头发"),
]


@pytest.mark.parametrize(("script", "variant", "text", "expected"), KNOWN)
def test_known_conversions(script: Source, variant: Variant, text: str, expected: str) -> None:
    converted, offset_map = convert_text(text, variant, script, backend=OLD)
    assert converted == expected
    assert (offset_map.view_len, offset_map.source_len) == (len(expected), len(text))


def test_taiwan_variant_of_004() -> None:
    view = convert_view(reading_view(source("004")), Variant.TAIWAN, T, backend=OLD)
    assert "軟體公司" in view.text
    assert "説" not in view.text  # through Simplified: Taiwan's 說 everywhere
    start = view.text.index("軟體公司")
    src_start, src_end = view.map.range_to_source(start, start + 4)
    assert source("004")[src_start:src_end] == "軟件公司"


def test_taiwan_variant_of_002_goes_through_simplified() -> None:
    view = convert_view(reading_view(source("002")), Variant.TAIWAN, T, backend=OLD)
    assert "擴充套件政策" in view.text  # the round trip the OpenCC 1.4 backend avoids


def test_traditional_of_a_traditional_sample_keeps_its_characters() -> None:
    text = source("002")
    converted, _ = convert_text(text, Variant.TRADITIONAL, T, backend=OLD)
    changed = {(a, b) for a, b in zip(text, converted, strict=True) if a != b}
    assert changed == {("群", "羣")}


def test_simplified_samples_do_not_change_in_simplified() -> None:
    for prefix in ("000", "001", "003"):
        text = source(prefix)
        assert convert_text(text, Variant.SIMPLIFIED, S, backend=OLD)[0] == text


def test_mixed_document_converts_as_a_whole() -> None:
    simplified, traditional = source("000"), source("002")
    both = simplified + traditional
    converted, _ = convert_text(both, Variant.TRADITIONAL, M, backend=OLD)
    alone = convert_text(simplified, Variant.TRADITIONAL, S, backend=OLD)[0]
    assert converted[: len(simplified)] == alone
    assert converted[len(simplified) :] == traditional.replace("群", "羣")
