"""The document list's filter search, without an app: it must keep exactly the rows a
test per row (``DocRow.haystack``) keeps, whatever was typed before."""

from __future__ import annotations

from kbtui.documents.model import Metadata
from kbtui.scripts.hanzi import Script, fold
from kbtui.session.rows import DocRow
from kbtui.ui.doclist import _Search


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


def test_the_search_keeps_the_rows_a_test_per_row_keeps_as_the_query_is_typed() -> None:
    listed = rows()
    search = _Search(listed)
    typed = [
        "創",
        "創立",
        "創立 模",
        "创立 模型",
        "12",
        "1",
        "doc1",
        "doc12",
        "ai-s",
        "12 月",
        "安全",
        "安全 研",
        "安",
        "",
        "0",
        "01",
    ]
    for query in typed:
        words = fold(query).split()
        want = [i for i, row in enumerate(listed) if all(w in row.haystack() for w in words)]
        assert (search.matching(words) if words else []) == (want if words else [])
    assert search.matching(["12"]) == [i for i in range(130) if i % 6 == 4 or "12" in f"{i:03}"]
