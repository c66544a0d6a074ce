"""Web clippings: the site's chrome recognised, folded into one line, offsets kept.

The fixtures in ``tests/clippings`` are shaped like pages saved from a dozen
sites (Sina, Xinhua, a WeChat post, an English wire story, CNA, a Hong Kong
paper, Zhihu…) and like documents that have no chrome at all (a blog post, a
Markdown note, a stray YAML header, a book's ``序``), which must come out whole.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kbtui.documents.metadata import describe
from kbtui.view.clipping import fold, is_byline, is_navigation, is_notice, recognise
from kbtui.view.markdown import render
from kbtui.view.reading import reading_view

PAGES = Path(__file__).parent / "clippings"

# file: (folds as (kind, lines), title, date)
EXPECTED = {
    "01_sina_hant": ([("site navigation", 4), ("byline", 1), ("site notices", 2)],
                     "英偉達市值突破四萬億美元,黃仁勛再度登頂", "2025-07-10"),
    "02_xinhua": ([("site navigation", 1), ("byline", 1), ("site notices", 1)],
                  "国产大模型加速落地制造业", "2025-04-12"),
    "03_wechat": ([("byline", 1), ("site notices", 2)],
                  "Claude 3.7 发布：混合推理模型来了", "2025-03-01"),
    "04_english_news": ([("site navigation", 2), ("byline", 2), ("site notices", 2)],
                        "Anthropic raises $3.5 billion at a $61.5 billion valuation", "2025-03-04"),
    "05_cna_taiwan": ([("site navigation", 1), ("byline", 1), ("site notices", 3)],
                      "台積電美國廠量產 良率追上台灣", "2025-01-15"),
    "06_blog_plain": ([], "我为什么开始写博客", None),
    "07_markdown_note": ([], "读书笔记：《人类简史》", None),
    "08_stray_yaml": ([], "正文从这里开始，前面两行是丢了分隔线的 YAML", None),
    "09_repeated_title": ([("site navigation", 3), ("byline", 2), ("site notices", 1)],
                          "马斯克宣布xAI完成新一轮融资", "2025-05-20"),
    "10_hk_news": ([("site navigation", 1), ("byline", 1), ("site notices", 2)],
                   "港股收市：恒指升三百點", "2025-06-03"),
    "11_short_first_line": ([], "序", None),
    "12_zhihu": ([("site navigation", 1), ("byline", 1), ("site notices", 2)],
                 "如何评价 Anthropic 发布的 Claude 4？", "2025-05-23"),
}  # fmt: skip


def _page(name: str) -> str:
    return (PAGES / f"{name}.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", EXPECTED)
def test_pages_fold_their_chrome_and_keep_their_article(name: str) -> None:
    folds, title, date = EXPECTED[name]
    text = _page(name)
    found = recognise(text, 0)
    assert [(f.kind, f.lines) for f in found.folds] == folds
    meta = describe(text, f"{name}.txt").meta
    assert (meta.title, meta.date) == (title, date)
    view = reading_view(text)
    if folds:
        assert view.text.startswith("⋯ ") or view.text.startswith(title)
    if folds:  # the article starts at the title
        body = [line for line in view.text.split("\n") if line and not line.startswith("⋯")]
        assert body[0] == title
    # the full view is the rendered text, untouched
    assert reading_view(text, full=True).text == render(text, 0).text


def test_004_opens_on_its_title_and_ends_on_its_article(sample_corpus: Path) -> None:
    text = (sample_corpus / "004_6b75a25af0571ee2.txt").read_text(encoding="utf-8")
    view = reading_view(text)
    lines = [line for line in view.text.split("\n") if line]
    assert lines[0] == "⋯ 4 lines of site navigation"
    assert lines[1].startswith("炮轟黃仁勛")
    assert lines[2] == "⋯ 1 line of byline"
    assert lines[-1] == "⋯ 2 lines of site notices"
    assert "免責" not in view.text and "熱門資訊" not in view.text
    assert describe(text, "004.txt").meta.date == "2025-07-30"


def test_offsets_stay_source_offsets_through_a_fold() -> None:
    text = _page("01_sina_hant")
    view = reading_view(text)
    word = "分析師認為"
    at = view.text.index(word)
    assert view.map.to_source(at) == text.index(word)
    assert view.map.range_to_source(at, at + len(word)) == (
        text.index(word),
        text.index(word) + len(word),
    )
    # the fold's label stands for its lines as a whole
    label = view.text.index("⋯ 4 lines")
    assert view.map.range_to_source(label, label + 3) == (0, text.index("熱門資訊> 正文") + 8)
    spans = [s for s in view.spans if s.style == "fold"]
    assert view.text[spans[0].start : spans[0].end] == "⋯ 4 lines of site navigation"


def test_an_annotation_inside_a_fold_keeps_it_open() -> None:
    text = _page("01_sina_hant")
    start = text.index("風險及免責提示")
    view = reading_view(text, keep=[(start, start + 4)])
    assert "風險及免責提示" in view.text
    assert "⋯ 2 lines of site notices" not in view.text
    assert "⋯ 4 lines of site navigation" in view.text
    # and a fold only shows lines the view can show again
    folded = fold(render(text, 0), recognise(text, 0).folds)
    assert folded.map.source_len == len(text)


def test_line_kinds() -> None:
    assert is_navigation("熱門資訊> 正文") and is_navigation("  • 简体中文".strip())
    assert is_navigation("简体 | 繁體 | English") and is_navigation("登录 / 注册")
    assert not is_navigation("![封面](/a.jpg)")  # a cover image is the article's
    assert not is_navigation("Android / iOS / Web 三端同步")
    assert is_byline("来源：新华网 作者：张三 2025-04-12 09:15")
    assert is_byline("2025年6月3日 16:10") and is_byline("By Jane Doe")
    assert not is_byline("记者从工信部获悉，今年一季度，国产大模型在制造业的应用项目超过三百个。")
    assert is_notice("(聲明:本文僅代表作者觀點,不代表新浪網立場。)")
    assert not is_notice("他在声明中表示，公司将继续投资研发，并在明年推出新的产品线和服务。")


def test_links_and_footnotes_move_with_the_text() -> None:
    text = (
        "首页 > 科技\n\n标题在这里\n\n正文[链接](https://example.com)和脚注[^1]。\n\n[^1]: 注释。\n"
    )
    plain = render(text, 0)
    view = reading_view(text)
    assert plain.text != view.text
    for key in ("links", "footnotes"):
        before = [view_item[2:] for view_item in plain.extra.get(key, ())]
        after = view.extra.get(key, ())
        assert [item[2:] for item in after] == before
        for item, old in zip(after, plain.extra.get(key, ()), strict=True):
            assert view.text[item[0] : item[1]] == plain.text[old[0] : old[1]]
