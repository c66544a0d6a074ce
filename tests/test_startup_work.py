"""Work the UI thread must not do around the first frames (issue 12).

A worker started without a description gets one from ``repr`` of its work: for
the document list's index that was every row's dataclass repr, 4 MB of text and
~100 ms of the UI thread's CPU at 10,000 documents, just after the list was
painted (ten times that at 100,000). The folder's watchers start after the list
is painted, and not at all in an app already closing then. The reader, the first
frame's costliest widget, is mounted with the first document (or the focus).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import SIZE, build, settle, wait_for
from textual.app import App, ComposeResult

from kbtui.documents.model import Metadata
from kbtui.scripts.hanzi import Script
from kbtui.session.rows import DocRow
from kbtui.ui import doclist
from kbtui.ui.app import KbtuiApp
from kbtui.ui.doclist import DocumentList
from kbtui.ui.reader import Reader
from kbtui.ui.reader.slot import ReaderSlot


class ListApp(App[None]):
    def compose(self) -> ComposeResult:
        yield DocumentList()


async def test_indexing_a_long_list_never_writes_out_its_rows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(doclist, "SHORT_LIST", 20)  # indexed in a worker from 21 rows
    written: list[str] = []

    def written_out(row: DocRow) -> str:
        written.append(row.id)
        return row.id

    monkeypatch.setattr(DocRow, "__repr__", written_out)
    rows = [DocRow(f"doc{i:02}.md", Metadata(f"title {i}"), Script.MIXED, []) for i in range(40)]
    app = ListApp()
    async with app.run_test() as pilot:
        doc_list = app.query_one(DocumentList)
        doc_list.set_rows(rows)
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert doc_list.indexed
    assert written == []


async def test_an_app_closing_as_its_list_is_painted_starts_no_watcher(
    sample_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    watched: list[str] = []
    monkeypatch.setattr(KbtuiApp, "_watch", lambda _app, _stop: watched.append("corpus"))
    monkeypatch.setattr(KbtuiApp, "_watch_db", lambda _app, _stop: watched.append("database"))
    app = build(sample_corpus, tmp_path)
    scanned = app._scanned

    def scanned_then_quit(rows: list[DocRow]) -> None:  # quit as the list shows
        app.call_after_refresh(app.exit)
        scanned(rows)

    monkeypatch.setattr(app, "_scanned", scanned_then_quit)
    async with app.run_test() as pilot:
        await wait_for(pilot, lambda: app.return_code is not None, "the exit")
    assert watched == []


async def test_the_reader_is_mounted_when_the_empty_pane_is_focused(
    sample_corpus: Path, tmp_path: Path
) -> None:
    app = build(sample_corpus, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert not app.query(Reader)  # the first frame has its slot
        app.action_show_pane("pane")  # as tab from the list does
        await wait_for(pilot, lambda: isinstance(app.focused, Reader), "the reader's focus")
        assert not app.query(ReaderSlot)
