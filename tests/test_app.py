"""The app as a user drives it: real keys, then what the screen and the database hold."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from helpers import DOC_003, SIZE, build, open_doc, screen_text, settle

from kbtui.annotations.store import Store
from kbtui.ui.app import parse_open_target
from kbtui.ui.reader import Reader
from kbtui.ui.screens.help import HelpScreen


async def test_list_shows_every_sample_with_titles(sample_corpus: Path, tmp_path: Path) -> None:
    app = build(sample_corpus, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        rows = {row.id: row for row in app.doc_list.rows()}
        assert len(rows) == 5
        assert rows[DOC_003].meta.title == "Dario Amodei 访谈整理"
        assert "Documents 5/5" in str(app.doc_list.border_title)


async def test_open_move_page_and_reopen_at_remembered_position(
    sample_corpus: Path, tmp_path: Path
) -> None:
    app = build(sample_corpus, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_doc(app, pilot, DOC_003)
        reader = app.query_one(Reader)
        assert app.focused is reader
        assert app.pane.doc is not None and app.pane.doc.id == DOC_003
        start = reader.cursor_source
        await pilot.press("j", "j", "pagedown")
        await pilot.pause()
        moved = reader.cursor_source
        assert moved > start
        await pilot.press("G")
        await pilot.pause()
        assert reader.cursor_source > moved
        await pilot.press("g", "pagedown", "l")
        await pilot.pause()
        remembered = reader.cursor_source
        await pilot.press("q")
    store = Store.open(tmp_path / "db.json")
    assert store.doc_state(DOC_003).position == remembered
    store.close()

    app = build(sample_corpus, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_doc(app, pilot, DOC_003)
        assert app.query_one(Reader).cursor_source == remembered


async def test_tab_moves_between_panes_and_list_filters(
    sample_corpus: Path, tmp_path: Path
) -> None:
    app = build(sample_corpus, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("slash")
        await pilot.press(*"創立")
        await pilot.pause()
        shown = app.doc_list.table.option_count
        assert 0 < shown < 5  # script-insensitive: finds Simplified 创立 too
        await pilot.press("enter")  # filter box -> list
        assert app.focused is app.doc_list.table
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.focused is app.query_one(Reader)
        await pilot.press("tab")
        assert app.focused is not app.query_one(Reader)


async def test_help_lists_bindings(sample_corpus: Path, tmp_path: Path) -> None:
    app = build(sample_corpus, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        for description in ("Highlight", "Contents", "Search all", "Script", "Quit"):
            assert description in text
        rows = {(group, keys) for group, keys, _ in app.screen._rows}
        assert {("review queue", "R"), ("everywhere", "ctrl+r"), ("review queue", "n")} <= rows
        assert ("suggested entities", "i") in rows
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_open_target_and_toc(sample_corpus: Path, tmp_path: Path) -> None:
    source = (sample_corpus / DOC_003).read_text(encoding="utf-8")
    offset = source.index("不愿被称为")
    app = build(sample_corpus, tmp_path, open_target=f"{DOC_003}#{offset}")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        reader = app.query_one(Reader)
        assert reader.cursor_source == offset
        await pilot.press("g", "T")
        await pilot.pause()
        await pilot.press("down", "enter")
        await settle(app, pilot)
        assert reader.cursor_source > offset


def test_parse_open_target() -> None:
    assert parse_open_target("a/b.md#12") == ("a/b.md", 12)
    assert parse_open_target("a#b.md") == ("a#b.md", None)
    assert parse_open_target("doc.txt") == ("doc.txt", None)


@pytest.mark.parametrize("bad", ["[bold]x[/]", "[@click=app.quit]t", "\x1b[31mred"])
async def test_hostile_titles_are_shown_literally(tmp_path: Path, bad: str) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.md").write_text(f"---\ntitle: '{bad}'\n---\nbody {bad}\n", encoding="utf-8")
    app = build(corpus, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_doc(app, pilot, "a.md")
        text = screen_text(app)
        assert app.is_running
        assert "\x1b[31m" not in text
        if bad.startswith("["):
            assert bad in text


async def test_files_that_cannot_be_listed_are_reported(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.md").write_text("# Good\n\ntext\n", encoding="utf-8")
    (Path(os.fsdecode(os.fsencode(corpus) + b"/bad\xff.md"))).write_bytes(b"text")
    app = build(corpus, tmp_path)
    said: list[str] = []
    app.notify = lambda message, **_: said.append(str(message))  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert [row.id for row in app.doc_list.rows()] == ["good.md"]
        assert any("not valid UTF-8" in message for message in said), said


async def test_a_long_list_holds_every_row_and_the_cursor_reaches_the_last(
    tmp_path: Path,
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i in range(300):
        (corpus / f"d{i:03}.md").write_text(f"# Doc {i:03}\n\ntext\n", encoding="utf-8")
    app = build(corpus, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.doc_list.table.option_count == 300
        assert "Doc 299" not in screen_text(app)
        app.doc_list.sort_index = 2  # by title
        await pilot.press("end")
        await pilot.pause()
        assert app.doc_list.current_id == "d299.md"
        assert "Doc 299" in screen_text(app)
        await pilot.press("slash", *"Doc 15")
        await pilot.pause()
        assert app.doc_list.table.option_count == 13  # 150 to 159, and 015, 115, 215
        await pilot.press("enter", "enter")
        await settle(app, pilot)
        assert app.pane.doc is not None and app.pane.doc.id == app.doc_list.current_id


async def test_a_click_on_a_row_opens_its_document(sample_corpus: Path, tmp_path: Path) -> None:
    app = build(sample_corpus, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.click("#doc-table", offset=(3, 2))  # the second row's title line
        await settle(app, pilot)
        assert app.doc_list.table.highlighted == 1
        assert app.pane.doc is not None and app.pane.doc.id == app.doc_list.current_id
