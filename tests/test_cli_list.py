"""``kbtui list`` (the promised columns, aligned in cells, cut to a terminal) and
empty queries as usage errors (issue 16)."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest
from rich.cells import cell_len, chop_cells
from test_cli import DOC_000, annotate, run

from kbtui.annotations.errors import DatabaseError
from kbtui.annotations.store import Store
from kbtui.cli import common, listed, listing
from kbtui.cli.common import escape_invisible
from kbtui.cli.listing import fit
from kbtui.documents.model import ROW_FIELDS
from kbtui.session.opening import existing_store
from kbtui.view.sanitize import UNSAFE_RANGES, one_line

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
    assert "  ⚠ frontmatter: YAML error" in line and "⚠  " not in line


ONE_LINE_CASES = [
    "",
    " ",
    "plain",
    "two  spaces",
    " lead",
    "trail ",
    "ｆｕｌｌｗｉｄｔｈ\u3000全角",
    "tab\there",
    "new\nline",
    "\u202eevil\u202c",
    "c1 \x85\x9b[31m",
    "esc \x1b[2J",
    "sur \ud800 rogate",
    "joint \uffff x",
    "joint \uffff",
    "\uffff lead",
]


@pytest.mark.parametrize("case", range(len(ONE_LINE_CASES)))
def test_one_lines_are_one_line_of_each(case: int) -> None:
    texts = ["clean", *ONE_LINE_CASES[case:], "中文 标题"]
    assert listed.one_lines(texts) == [one_line(text) for text in texts]
    assert listed.one_lines(["clean", "中文 标题"]) == ["clean", "中文 标题"]


def test_what_one_lines_looks_for_is_what_one_line_replaces() -> None:
    unsafe = {chr(c) for low, high in UNSAFE_RANGES for c in range(low, high + 1)}
    up_to_3000 = map(chr, range(0x3001))
    looked_for = {c for c in up_to_3000 if listed._NOT_KEPT.match(c)}
    assert looked_for == {c for c in map(chr, range(0x3001)) if c in unsafe or c.isspace()} - {" "}
    assert not any(chr(c).isspace() for c in range(0x3001, 0x110000, 7))


def listed_columns(rows: list[list[object]], counts: list[int]) -> listed.Columns:
    """Columns of ``rows``, of any shape (as a cache file may hold), as ``doc0.md``..."""
    return listed.Columns([f"doc{i}.md" for i in range(len(rows))], rows, counts)


def row(
    title: str, tags: Sequence[object], problems: Sequence[object], **fields: object
) -> list[object]:
    values: dict[str, object] = dict.fromkeys(ROW_FIELDS)
    values.update(size=1, mtime_ns=2, chars=3, body_start=0, script="simplified", entities={})
    values.update(
        title=title, tags=list(tags), problems=list(problems), title_inferred=False, **fields
    )
    return list(values.values())


HOSTILE_ROWS = [
    row("标题", ["访谈", "AI", "访谈"], [], date="2024-01-02", source_url="https://x.org/"),
    row('\u202eevil\u202c \x85\x9b[31m \x1b[2J \u2028 "\\', ["\u202e", "t\u3000x"], ["bad"]),
    row("", [], [], author="作者", encoding="gb18030"),
]


@pytest.mark.parametrize("rows", [HOSTILE_ROWS, HOSTILE_ROWS[:1], []])
def test_list_json_is_the_standard_indented_text(rows: list[list[object]]) -> None:
    columns = listed_columns(rows, list(range(len(rows))))
    records = listed.records(columns)
    assert listed.columns_json(columns) == json.dumps(records, ensure_ascii=False, indent=2)
    assert [r["tags"] for r in records][:1] in ([], [["访谈", "AI"]])


def test_list_json_of_a_row_holding_no_strings_is_still_the_standard_text() -> None:
    columns = listed_columns([*HOSTILE_ROWS, row("t", [1, None, "x"], [2])], [0, 0, 0, 0])
    text = listed.columns_json(columns)
    assert text == json.dumps(listed.records(columns), ensure_ascii=False, indent=2)
    assert json.loads(text)[-1]["tags"] == [1, None, "x"]


@pytest.mark.parametrize("width", [None, 200, 100, 81, 60, 3])
def test_table_lines_are_aligned_in_cells_and_cut_to_the_width(width: int | None) -> None:
    tags = ["这是一个非常非常长的标签名字用来测试截断", "👨\u200d👩 x", "e\u0301\u0301"]
    rows = [*HOSTILE_ROWS, row("family 👨\u200d👩\u200d👧 ❤\ufe0f " * 3, tags, [])]
    lines = listing.table_lines(listed_columns(rows, [0, 12, 3, 100]), width)
    heading, *body = lines
    if width is None:
        assert heading.split() == list(listing.HEADINGS)
        titled = [line for i, line in enumerate(lines) if i != 3]  # the third row has no title
        cells = [line.split("  ⚠")[0] for line in titled]  # a title, then its problems
        title_at = {cell_len(cell) - cell_len(cell.split("  ")[-1]) for cell in cells}
        assert title_at == {cell_len(heading) - len("TITLE")}  # the titles start in one column
        assert body[1].endswith('\ufffdevil\ufffd \ufffd\ufffd[31m \u241b[2J \ufffd "\\  ⚠ bad')
        assert body[2].split()[3:] == ["-", "3", "3"]  # no tags, 3 annotations, 3 characters
    else:
        assert all(cell_len(line) <= width for line in lines)
        whole = listing.table_lines(listed_columns(rows, [0, 12, 3, 100]), None)
        assert lines == [fit(line, width) for line in whole]


def test_listing_leaves_the_collector_as_it_found_it(capsys: pytest.CaptureFixture[str]) -> None:
    # the command turns cyclic collection off while it lists (nothing it makes is a
    # cycle); in a process that goes on (the tests', the app's) it must come back on
    assert gc.isenabled()
    for argv in (["list"], ["list", "--json"]):
        code, _, _ = run(capsys, *argv)
        assert code == 0 and gc.isenabled()


def test_only_an_absent_database_is_left_unopened(tmp_path: Path) -> None:
    db = tmp_path / "kb.json"
    assert existing_store(db) is None
    (tmp_path / "kb.json.journal").write_bytes(b"")  # a journal alone is a database
    assert isinstance(existing_store(db), Store)
    (tmp_path / "dangling.json").symlink_to(tmp_path / "nowhere")
    with pytest.raises(DatabaseError, match="symbolic link"):
        existing_store(tmp_path / "dangling.json")


def test_list_refuses_a_database_that_is_a_folder(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "kb.json").mkdir()
    code, out, err = run(capsys, "list", "--db", str(tmp_path / "kb.json"))
    assert (code, out) == (1, "")
    assert "is not a regular file" in err


@pytest.mark.parametrize("strange", [None, row("t", [1, None, "\u2066"], [2])])
def test_list_json_as_shown_escapes_what_the_whole_text_would(strange: list[object] | None) -> None:
    rows = [*HOSTILE_ROWS, row("\udfff \u061c", ["\x9b"], ["\u2029"], author="\u200f")]
    rows += [] if strange is None else [strange]
    columns = listed_columns(rows, [0] * len(rows))
    shown = listed.columns_json(columns, shown=True)
    assert shown == escape_invisible(listed.columns_json(columns))
    assert "\\u202e" in shown and "\\udfff" in shown and "\u202e" not in shown


@pytest.mark.parametrize("json_flag", [[], ["--json"]])
def test_the_kbtui_process_ends_with_its_whole_listing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, json_flag: list[str]
) -> None:
    """``kbtui list`` as its own process ends by ``os._exit`` (nothing is freed): its output
    is still all there, flushed, and its status is 0; called with arguments it returns."""
    db = tmp_path / "kb.json"
    store = Store.open(db)  # a database, so the store is opened too
    store.set_doc_tags(DOC_003, ["mine"])
    store.close()
    argv = ["--db", str(db), "list", *json_flag]
    code, out, _ = run(capsys, *argv)
    assert code == 0 and not common._KEPT
    env = {**os.environ, "PYTHONPATH": str(Path(listing.__file__).parents[2])}
    env.pop("PYTHONUNBUFFERED", None)  # buffered, as a user's shell has it
    done = subprocess.run(
        [sys.executable, "-m", "kbtui", *argv], env=env, capture_output=True, text=True
    )
    assert (done.returncode, done.stdout) == (0, out)
    assert "mine" in out and DOC_003 in out
