"""The app as a user drives it: real keys, then what the screen and the database hold."""

from __future__ import annotations

import html
import os
import re
from pathlib import Path

import pytest

from kbtui.annotations.store import Store
from kbtui.ui.app import KbtuiApp, make_app, parse_open_target
from kbtui.ui.reader import Reader
from kbtui.ui.screens.help import HelpScreen

SIZE = (120, 40)
DOC_003 = "003_0b861dc1db151f35.txt"


def build(corpus: Path, tmp_path: Path, open_target: str | None = None) -> KbtuiApp:
    app, warnings = make_app(corpus, tmp_path / "db.json", open_target=open_target)
    assert warnings == []
    return app


async def settle(app: KbtuiApp, pilot: object) -> None:
    """Wait for scans, loads and conversions to finish and the screen to update."""
    await app.workers.wait_for_complete()
    await pilot.pause()  # type: ignore[attr-defined]
    await app.workers.wait_for_complete()
    await pilot.pause()  # type: ignore[attr-defined]


async def open_doc(app: KbtuiApp, pilot: object, doc_id: str) -> None:
    """Put the list's cursor on ``doc_id`` and press enter on it, as a user would.

    Waits until the reader shows it: on a loaded machine the load worker may
    start only after a first round of waiting.
    """
    await settle(app, pilot)
    app.doc_list.table.focus()
    app.doc_list.select(doc_id)
    await pilot.press("enter")  # type: ignore[attr-defined]
    for _ in range(100):
        await settle(app, pilot)
        if app.pane.doc is not None and app.pane.doc.id == doc_id and app.pane.view:
            return
    raise AssertionError(f"{doc_id} did not open")


def screen_text(app: KbtuiApp) -> str:
    """What the terminal shows, as plain text (from the SVG screenshot)."""
    return html.unescape(re.sub(r"<[^>]+>", "", app.export_screenshot())).replace("\xa0", " ")


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


async def test_a_long_list_holds_its_first_rows_and_filters_reach_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("kbtui.ui.doclist.SHOWN_LIMIT", 3)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i in range(6):
        (corpus / f"d{i}.md").write_text(f"# Doc {i}\n\ntext\n", encoding="utf-8")
    app = build(corpus, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.doc_list.table.option_count == 4  # three documents and the "more" line
        assert "3 more" in screen_text(app)
        await pilot.press("slash", *"Doc 5")
        await pilot.pause()
        assert app.doc_list.table.option_count == 1
