"""The document list in an app: a long list's filter waits for its index (made in a
worker) without blocking, then shows what a test per row keeps; the cursor stays on
its document as the filter narrows, widens and the order changes."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterator

import pytest
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.scrollbar import ScrollBar

from kbtui.documents.model import Metadata
from kbtui.scripts.hanzi import Script, fold
from kbtui.session.rows import DocRow, RowIndex
from kbtui.ui import doclist
from kbtui.ui.doclines import LineScrollBar
from kbtui.ui.doclist import DocumentList

TITLES = ["創立 公司", "创立 模型", "Anthropic 安全", "安全 模型 研究", "12 月", "無題"]


def make_rows(count: int) -> list[DocRow]:
    return [
        DocRow(
            f"d/doc{i:05}.md",
            Metadata(TITLES[i % 6], date=f"20{10 + i % 13}-01-01" if i % 5 else None),
            Script.MIXED,
            [],
        )
        for i in range(count)
    ]


class ListApp(App[None]):
    def compose(self) -> ComposeResult:
        yield DocumentList()


@pytest.fixture
def held_index(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """A list of more than 20 rows is indexed by the worker, once the event is set."""
    monkeypatch.setattr(doclist, "SHORT_LIST", 20)
    release, made = threading.Event(), doclist._indexed

    def indexed(rows: list[DocRow], order: str) -> RowIndex:
        release.wait(10)
        return made(rows, order)

    monkeypatch.setattr(doclist, "_indexed", indexed)
    yield release
    release.set()


def kept_ids(rows: list[DocRow], query: str) -> list[str]:
    """What a test per row keeps: the oracle."""
    words = fold(query).split()
    return sorted(row.id for row in rows if all(w in row.haystack() for w in words))


def shown_ids(doc_list: DocumentList) -> list[str]:
    table = doc_list.table
    ids = []
    for index in range(table.option_count):
        table.highlighted = index
        ids.append(doc_list.current_id)
    return ids


async def test_a_long_lists_filter_waits_for_its_index_then_keeps_what_a_test_per_row_keeps(
    held_index: threading.Event,
) -> None:
    rows = make_rows(40)
    app = ListApp()
    async with app.run_test() as pilot:
        doc_list = app.query_one(DocumentList)
        doc_list.set_rows(rows)
        doc_list.table.focus()
        await pilot.pause()
        await pilot.press("slash", *"創立")
        await pilot.pause()
        assert not doc_list.indexed
        title = str(doc_list.border_title)
        assert f"Documents {len(rows)}/{len(rows)}" in title and "filtering…" in title
        held_index.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert doc_list.indexed and "filtering" not in str(doc_list.border_title)
        assert sorted(shown_ids(doc_list)) == kept_ids(rows, "創立")
        doc_list.select(rows[6].id)  # 創立 公司
        await pilot.pause()
        await pilot.press("space", *"模型")  # narrows: the cursor's document is gone
        await pilot.pause()
        assert doc_list.table.highlighted == 0
        assert sorted(shown_ids(doc_list)) == kept_ids(rows, "創立 模型")
        doc_list.table.highlighted = 3
        kept = doc_list.current_id
        for _ in range(3):  # back to 創立, then the whole list: the cursor stays
            await pilot.press("backspace")
            await pilot.pause()
            assert doc_list.current_id == kept
        await pilot.press(*["backspace"] * 2)
        await pilot.pause()
        assert doc_list.table.option_count == len(rows) and doc_list.current_id == kept


async def test_the_cursor_keeps_its_document_through_a_filter_and_every_order() -> None:
    rows = make_rows(40)
    app = ListApp()
    async with app.run_test() as pilot:
        doc_list = app.query_one(DocumentList)
        doc_list.set_rows(rows)
        await pilot.press(*"安全")  # the filter box has the focus
        await pilot.pause()
        ids = shown_ids(doc_list)
        assert sorted(ids) == kept_ids(rows, "安全")
        doc_list.table.highlighted = 5
        kept = doc_list.current_id
        for _ in range(3):
            doc_list.cycle_sort()
            await pilot.pause()
            assert doc_list.current_id == kept
            assert sorted(shown_ids(doc_list)) == sorted(ids)
            doc_list.select(kept or "")


class BorderedListApp(App[None]):
    CSS = "DocumentList { border: round red; height: 16; }"

    def compose(self) -> ComposeResult:
        yield DocumentList()


async def test_what_a_keystroke_repaints_is_what_repainting_everything_paints() -> None:
    """A filter keystroke repaints only the rows of the window that changed and the
    title's line: the screen is then what a repaint of the whole list shows."""
    rows = make_rows(40)
    app = BorderedListApp()
    async with app.run_test(size=(60, 20)) as pilot:
        doc_list = app.query_one(DocumentList)
        doc_list.query_one(doclist.FilterInput).cursor_blink = False
        doc_list.set_rows(rows)
        await pilot.pause()
        # narrows (the top rows stay, then go), down to rows that fit (the scrollbar
        # goes), to none; then widens back, a different word, and the whole list:
        keys = [*"安全", "space", *"模型", "space", "x", *["backspace"] * 7, *"12", "backspace"]
        for key in [*keys, "backspace"]:
            await pilot.press(key)
            await pilot.pause()
            painted = app.export_screenshot()
            doc_list.refresh()
            doc_list.table.refresh()
            await pilot.pause()
            assert app.export_screenshot() == painted, key
        assert doc_list.table.option_count == len(rows)


async def test_a_row_changed_while_a_filter_is_on_is_painted_anew() -> None:
    """An annotation added to a shown document, the row changed in place or replaced,
    shows its new count though a filter keeps the list (the row's painted lines are
    kept by document)."""
    rows = make_rows(40)
    app = BorderedListApp()
    async with app.run_test(size=(60, 20)) as pilot:
        doc_list = app.query_one(DocumentList)
        doc_list.set_rows(rows)
        await pilot.press(*"安全")
        await pilot.pause()
        first = doc_list.row(doc_list.current_id or "")
        assert first is not None and "✎7" not in app.export_screenshot()
        first.annotations = 7
        doc_list.update_row(first)
        await pilot.pause()
        assert "✎7" in app.export_screenshot()
        doc_list.table.action_cursor(1)
        second = doc_list.row(doc_list.current_id or "")
        assert second is not None
        doc_list.update_row(dataclasses.replace(second, annotations=9))
        await pilot.pause()
        assert "✎9" in app.export_screenshot()


async def test_the_list_follows_the_filter_box_before_the_next_frame() -> None:
    """The rows change in the call that changes the box's value, not at its Changed
    message: the box and the rows are painted in one frame, not one each."""
    rows = make_rows(40)
    app = ListApp()
    async with app.run_test() as pilot:
        doc_list = app.query_one(DocumentList)
        doc_list.set_rows(rows)
        await pilot.pause()
        doc_list.query_one(doclist.FilterInput).value = "安全"
        assert doc_list.table.option_count == len(kept_ids(rows, "安全")) < len(rows)


async def test_the_lists_scrollbar_paints_what_textuals_paints() -> None:
    """The list's scrollbar paints its lines from the bar's segments: the same strips
    Textual's renders through the console, wherever the bar is and however long the
    list, under the mouse too; and repainting only the lines that changed paints
    what repainting them all does."""
    app = ListApp()
    async with app.run_test(size=(60, 20)) as pilot:
        doc_list = app.query_one(DocumentList)
        doc_list.set_rows(make_rows(200))
        await pilot.pause()
        bar = doc_list.table.vertical_scrollbar
        assert isinstance(bar, LineScrollBar) and bar.display
        crop = Region(0, 0, bar.size.width, bar.size.height)
        for virtual, position, hover in [(400, 0, False), (400, 33, True), (41, 2, False)]:
            bar.window_virtual_size, bar.position, bar.mouse_over = virtual, position, hover
            ours = bar.render_lines(crop)
            bar.refresh()
            textuals = [ScrollBar.render_line(bar, y) for y in range(bar.size.height)]
            assert [list(s) for s in ours] == [list(s) for s in textuals]
            assert len({repr(list(s)) for s in ours}) > 1  # a thumb and a track
        for virtual in [300, 1000, 30]:  # it repaints only the lines that changed:
            bar.window_virtual_size = virtual
            await pilot.pause()
            painted = app.export_screenshot()
            bar.refresh()
            await pilot.pause()
            assert app.export_screenshot() == painted
