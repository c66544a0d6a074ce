"""Transcripts reflowed: short unpunctuated lines shown as paragraphs, nothing lost."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kbtui.annotations.records import DocState
from kbtui.view.markdown import render
from kbtui.view.reading import reading_view
from kbtui.view.reflow import HARD_LENGTH, is_transcript, reflow
from kbtui.view.textview import TextView
from kbtui.view.wrap import row_count

TRANSCRIPT = "001_a7702332fec17ca5.txt"


def _squeezed(text: str) -> str:
    return re.sub(r"\s", "", text)


def _corpus(sample_corpus: Path, name: str) -> str:
    return (sample_corpus / name).read_text(encoding="utf-8")


def test_only_the_transcript_is_a_transcript(sample_corpus: Path) -> None:
    found = {p.name: is_transcript(p.read_text(encoding="utf-8"), 0)
             for p in sorted(sample_corpus.glob("*.txt"))}  # fmt: skip
    assert [name for name, yes in found.items() if yes] == [TRANSCRIPT]


def test_001_becomes_paragraphs_and_loses_no_character(sample_corpus: Path) -> None:
    text = _corpus(sample_corpus, TRANSCRIPT)
    lines = reading_view(text, lines=True)
    paragraphs = reading_view(text)
    assert lines.text == render(text, 0).text
    assert _squeezed(paragraphs.text) == _squeezed(text)
    rows = sum(row_count(line, 119) for line in paragraphs.text.split("\n"))
    rows_before = sum(row_count(line, 119) for line in lines.text.split("\n"))
    assert rows < rows_before / 2
    kept = [p for p in paragraphs.text.split("\n\n") if p]
    assert len(kept) > 5 and all(len(p) < HARD_LENGTH + 60 for p in kept)


def test_offsets_are_source_offsets(sample_corpus: Path) -> None:
    text = _corpus(sample_corpus, TRANSCRIPT)
    view = reading_view(text)
    for phrase in ("最近罕见公开亮相", "分享了创业五年来", "走出差异化的路线"):
        at = view.text.index(phrase)
        assert view.map.to_source(at) == text.index(phrase)
        assert view.map.to_view(text.index(phrase)) == at


def test_chinese_lines_join_with_a_space_but_not_after_punctuation() -> None:
    lines = ["大家好，", "这里是最佳拍档", "Anthropic的联合创始人", "最近罕见公开亮相"] * 6
    view = reflow(TextView.plain("\n".join(lines)))
    assert view.text.startswith("大家好，这里是最佳拍档 Anthropic的联合创始人 最近罕见公开亮相")


def test_speakers_start_paragraphs() -> None:
    text = "主持人：你好\n欢迎来到节目\n嘉宾：谢谢\n很高兴来\n主持人：我们开始吧\n"
    view = reflow(TextView.plain(text))
    assert view.text.split("\n\n") == ["主持人：你好 欢迎来到节目", "嘉宾：谢谢 很高兴来",
                                       "主持人：我们开始吧\n"]  # fmt: skip
    assert _squeezed(view.text) == _squeezed(text)


def test_prose_and_markdown_are_not_transcripts() -> None:
    prose = "\n".join(["这是一个完整的句子。"] * 30)
    listing = "\n".join([f"- item {i}" for i in range(30)])
    few = "\n".join(["短句"] * 5)
    assert not any(is_transcript(t, 0) for t in (prose, listing, few))
    assert is_transcript("\n".join(["一个没有标点的短句"] * 30), 0)
    # a long transcript is judged on its first lines, blank lines counted among them only
    assert is_transcript("\n".join(["一个没有标点的短句"] * 2000), 0)


@pytest.mark.parametrize("lines", [True, False])
def test_the_choice_is_kept_in_the_document_state(lines: bool) -> None:
    state = DocState.from_record(DocState(lines=lines).to_record())
    assert state.lines is lines
    assert DocState.from_record({}).lines is False
