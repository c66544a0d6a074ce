"""Keyword-in-context lines: the hit's sentence as the reader shows it."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kbtui.entities.passages import DocumentPassages, Passage
from kbtui.search.context import CONTEXT_CHARS, context


def _at(text: str, word: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(word, start + 1)
    return start, start + len(word)


def test_the_context_is_the_hit_sentence_without_markdown() -> None:
    text = (
        "# 标题\n\n上一句。### 互补的**领导力**：丹妮拉与[达里奥](https://x.org/d)合作！下一句。\n"
    )
    line = context(text, *_at(text, "达里奥"))
    assert str(line) == "### 互补的领导力：丹妮拉与达里奥合作！"
    heading = "## 互补的领导力：丹妮拉与达里奥的合作模式\n"
    assert (
        str(context(heading, *_at(heading, "达里奥"))) == "互补的领导力：丹妮拉与达里奥的合作模式"
    )
    item = "- **开源模型是威胁？** 达里奥说不是。\n"
    assert str(context(item, *_at(item, "达里奥"))) == "达里奥说不是。"


def test_a_long_sentence_is_cut_around_the_hit_with_ellipses() -> None:
    text = "甲" * 100 + "达里奥" + "乙" * 100 + "。"
    line = context(text, *_at(text, "达里奥"))
    assert line.before == "…" + "甲" * CONTEXT_CHARS
    assert line.after == "乙" * CONTEXT_CHARS + "…"
    assert line.match == "达里奥"


def test_two_hits_in_one_sentence_share_it_and_are_shown_once() -> None:
    text = "丹妮拉说达里奥很好，达里奥也这么想。另一句提到达里奥。"
    lines = [context(text, *_at(text, "达里奥", n)) for n in range(3)]
    assert lines[0].sentence == lines[1].sentence != lines[2].sentence
    group = DocumentPassages("d", 3, [Passage(*_at(text, "达里奥", n), lines[n]) for n in range(3)])
    assert [p.start for p in group.distinct()] == [4, 23]
    assert text[slice(*lines[2].sentence)] == "另一句提到达里奥。"


def test_a_hit_inside_markup_the_reader_hides_shows_the_source() -> None:
    text = "见 [论文](https://example.org/dario) 一文。"
    line = context(text, *_at(text, "dario"))
    assert line.match == "dario" and "https://example.org/" in line.before


def test_a_huge_single_line_costs_only_its_window() -> None:
    text = "字" * 3_000_000 + "达里奥" + "字" * 3_000_000
    line = context(text, *_at(text, "达里奥"))
    assert line.match == "达里奥" and len(str(line)) <= 2 * CONTEXT_CHARS + 5


@given(st.text(alphabet="达里奥。，！ *#[]()\n-`<>", max_size=80), st.data())
def test_the_hit_is_shown_whole_inside_its_sentence(text: str, data: st.DataObject) -> None:
    at = data.draw(st.integers(0, len(text)))
    text = text[:at] + "达里奥" + text[at:]
    line = context(text, at, at + 3)
    assert line.match == "达里奥" and "\n" not in str(line)
    a, b = line.sentence
    assert a <= at and at + 3 <= b
