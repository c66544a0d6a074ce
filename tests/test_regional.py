"""Regional variants of a query: search finds 軟體 for 软件 and 鼠标 for 滑鼠."""

from __future__ import annotations

import pytest

from kbtui.scripts.hanzi import fold
from kbtui.scripts.regional import regional_variants


@pytest.mark.parametrize(
    ("query", "variants"),
    [
        ("软件", [("軟體", "Taiwan")]),
        ("軟件", [("軟體", "Taiwan")]),
        ("軟體", [("软件", "Mainland")]),
        ("软体", [("软件", "Mainland")]),  # Taiwan's word typed in Simplified
        ("滑鼠", [("鼠标", "Mainland")]),
        ("鼠标", [("滑鼠", "Taiwan, Hong Kong")]),
        ("光标", [("游標", "Taiwan, Hong Kong")]),
        ("英伟达", [("輝達", "Taiwan")]),
        ("互联网", [("網際網路", "Taiwan")]),
    ],
)
def test_regional_words_both_ways(query: str, variants: list[tuple[str, str]]) -> None:
    assert regional_variants(query) == variants


def test_queries_without_regional_words_have_no_variants() -> None:
    for query in ("达里奥", "頭髮", "Anthropic", "", "東京駅から"):
        assert regional_variants(query) == []


def test_no_variant_folds_like_the_query() -> None:
    for query in ("软件和信息", "打印机", "內存", "网络安全"):
        found = regional_variants(query)
        assert found
        folded = [fold(text) for text, _ in found]
        assert fold(query) not in folded and len(set(folded)) == len(folded)
