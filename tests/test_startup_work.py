"""Work the UI thread must not do around the first frames (issue 12).

A worker started without a description gets one from ``repr`` of its work: for
the document list's index that was every row's dataclass repr, 4 MB of text and
~100 ms of the UI thread's CPU at 10,000 documents, just after the list was
painted (ten times that at 100,000).
"""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult

from kbtui.documents.model import Metadata
from kbtui.scripts.hanzi import Script
from kbtui.session.rows import DocRow
from kbtui.ui import doclist
from kbtui.ui.doclist import DocumentList


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
