"""``kbtui list`` (the promised columns, aligned in cells, cut to a terminal) and
empty queries as usage errors (issue 16)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rich.cells import cell_len, chop_cells
from test_cli import DOC_000, annotate, run

from kbtui.annotations.store import Store
from kbtui.cli import listing
from kbtui.cli.listing import fit

DOC_003 = "003_0b861dc1db151f35.txt"


def test_list_shows_the_promised_columns_aligned_in_cells(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, sample_corpus: Path
) -> None:
    db = tmp_path / "kb.json"
    annotate(db, sample_corpus, DOC_003, "Dario")
    code, out, _ = run(capsys, "list", "--db", str(db))
    assert code == 0
    heading, *lines = out.splitlines()
    assert heading.split() == ["ID", "DATE", "SCRIPT", "TAGS", "ANNOTATIONS", "CHARS", "TITLE"]
    [line] = [line for line in lines if line.startswith(DOC_003)]
    assert "AI, 访谈" in line and line.endswith("Dario Amodei 访谈整理")
    assert line.split("  ")[-1] == "Dario Amodei 访谈整理"
    title_at = {cell_len(line[: line.index(line.split("  ")[-1])]) for line in lines}
    assert title_at == {cell_len(heading[: heading.index("TITLE")])}
    assert [c for c in line.split("  ") if c.strip()][4].strip() == "1"


def test_list_on_a_terminal_is_cut_to_its_width(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("kbtui.cli.listing.terminal_width", lambda: 80)
    code, out, _ = run(capsys, "list")
    assert code == 0
    lines = out.splitlines()
    assert all(cell_len(line) <= 80 for line in lines)
    assert any(line.endswith("…") for line in lines)
    monkeypatch.setattr("kbtui.cli.listing.terminal_width", lambda: None)
    _, whole, _ = run(capsys, "list")
    assert "Dario Amodei 访谈整理" in whole and max(map(cell_len, whole.splitlines())) > 80


def test_fit_cuts_on_a_cell_boundary() -> None:
    assert fit("访谈整理", 5) == "访谈…"
    assert fit("访谈整理", 8) == "访谈整理"
    assert fit("abc", 1) == "…" and fit("abc", 0) == ""


@pytest.mark.parametrize(
    "text",
    [
        "ai-safety, large-language-models",
        "访谈, AI 安全, 大模型",
        "e\u0301\u0301 combining",
        "👨\u200d👩 x",
    ],
)
def test_fit_cuts_where_rich_cuts(text: str) -> None:
    for width in range(2, cell_len(text)):
        assert fit(text, width) == chop_cells(text, width - 1)[0] + "…"


def test_list_json_tags_are_the_frontmatter_and_the_users(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = tmp_path / "kb.json"
    store = Store.open(db)
    store.set_doc_tags(DOC_003, ["mine", "AI"])
    store.close()
    code, out, _ = run(capsys, "list", "--json", "--db", str(db))
    assert code == 0
    records = {r["id"]: r for r in json.loads(out)}
    assert records[DOC_003]["tags"] == ["AI", "访谈", "mine"]
    assert records[DOC_000]["tags"][0] == "ai-safety"


@pytest.mark.parametrize(
    "argv", [["search", ""], ["search", "  "], ["lookup", ""], ["lookup", "\t"]]
)
def test_an_empty_query_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith(f"kbtui: {argv[0]}: ")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "plain ascii",
        "中文标题：Anthropic 的诞生",
        "ｆｕｌｌｗｉｄｔｈ　全角",
        "e\u0301 combining, \u200b zero width, \u00ad soft hyphen",
        "family 👨\u200d👩\u200d👧 joined, ❤\ufe0f selected, 🇨🇳 flag",
        "control \x07 bell \x9b c1 \t tab",
        "한국어 日本語 ｶﾀｶﾅ",
    ],
)
def test_cells_are_measured_as_rich_measures_them(text: str) -> None:
    assert listing._cell_len(text) == cell_len(text)


def test_a_documents_problems_follow_its_title(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "bad.md").write_text("---\ntitle: [unclosed\n---\n正文\n", encoding="utf-8")
    code, out, _ = run(capsys, "list", "--corpus", str(corpus), "--db", str(tmp_path / "kb.json"))
    assert code == 0
    [line] = [line for line in out.splitlines() if line.startswith("bad.md")]
    assert "⚠ frontmatter: YAML error" in line
