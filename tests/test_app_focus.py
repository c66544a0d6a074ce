"""Where the focus lands after a jump, and what escape clears (issue 16).

The user's path: ``M`` → ``f`` → escape → ``alt+left`` left the focus in the
document list, so ``/Hertz`` filtered the list ("Documents 0/5") instead of
finding in the document, and escape in the list did not clear that filter.
"""

from __future__ import annotations

from pathlib import Path

from helpers import DOC_000, DOC_004, SIZE, build, open_doc, settle

from kbtui.ui.doclist import DocumentList
from kbtui.ui.reader import Reader
from kbtui.ui.screens.dialogs import LineInputScreen


async def test_back_after_an_entity_filter_focuses_the_reader_and_slash_finds(
    sample_corpus: Path, tmp_path: Path
) -> None:
    app = build(sample_corpus, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_doc(app, pilot, DOC_004)
        await open_doc(app, pilot, DOC_000)
        await pilot.press("M")
        await pilot.pause()
        await pilot.press("tab", "f")
        await settle(app, pilot)
        assert app.doc_list.entity_filter is not None
        await pilot.press("escape")
        await pilot.pause()
        assert app.doc_list.entity_filter is None
        await pilot.press("alt+left")
        await settle(app, pilot)
        assert app.pane.doc is not None and app.pane.doc.id == DOC_004
        assert isinstance(app.focused, Reader)
        await pilot.press("slash")
        await pilot.pause()
        assert isinstance(app.screen, LineInputScreen)
        await pilot.press(*"Hertz", "enter")
        await settle(app, pilot)
        reader = app.query_one(Reader)
        assert app.pane.doc.source[reader.cursor_source :].startswith("Hertz")
        assert "Documents 5/5" in str(app.doc_list.border_title)


async def test_forward_and_a_sidebar_jump_focus_the_reader(
    sample_corpus: Path, tmp_path: Path
) -> None:
    app = build(sample_corpus, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_doc(app, pilot, DOC_004)
        await open_doc(app, pilot, DOC_000)
        await pilot.press("alt+left")
        await settle(app, pilot)
        app.doc_list.table.focus()
        await pilot.press("alt+right")
        await settle(app, pilot)
        assert app.pane.doc is not None and app.pane.doc.id == DOC_000
        assert isinstance(app.focused, Reader)


async def test_escape_in_the_list_clears_both_its_filters(
    sample_corpus: Path, tmp_path: Path
) -> None:
    app = build(sample_corpus, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("M")
        await pilot.pause()
        await pilot.press("tab", "f")
        await settle(app, pilot)
        assert app.doc_list.entity_filter is not None
        await pilot.press("slash", *"Hertz", "enter")
        await settle(app, pilot)
        app.doc_list.table.focus()
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.doc_list.entity_filter is None
        assert app.query_one(DocumentList).query_one("Input").value == ""
        assert "Documents 5/5" in str(app.doc_list.border_title)
        await pilot.press("slash", *"Hertz", "enter")
        await settle(app, pilot)
        assert "Documents 0/5" in str(app.doc_list.border_title)
        app.doc_list.table.focus()
        await pilot.press("escape")
        await settle(app, pilot)
        assert "Documents 5/5" in str(app.doc_list.border_title)
