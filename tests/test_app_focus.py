"""Where the focus lands after a jump, and what escape clears (issue 16).

The user's path: ``M`` → ``f`` → escape → ``alt+left`` left the focus in the
document list, so ``/Hertz`` filtered the list ("Documents 0/5") instead of
finding in the document, and escape in the list did not clear that filter.
The walk below opens every screen and dialog at 80×24, presses escape and checks
the focus is back where it was; after any jump the reader has it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from helpers import DOC_000, DOC_004, SIZE, build, open_doc, settle, wait_for
from textual.pilot import Pilot

from kbtui.annotations.model import Annotation
from kbtui.ui.app import KbtuiApp
from kbtui.ui.doclist import DocumentList
from kbtui.ui.reader import Reader
from kbtui.ui.screens.dialogs import LineInputScreen
from kbtui.ui.screens.entities import EntityBrowserScreen, EntityList


async def test_back_after_an_entity_filter_focuses_the_reader_and_slash_finds(
    sample_corpus: Path, tmp_path: Path
) -> None:
    app = build(sample_corpus, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_doc(app, pilot, DOC_004)
        await open_doc(app, pilot, DOC_000)
        await _filter_by_the_first_entity(app, pilot)
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
        await _filter_by_the_first_entity(app, pilot)
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


SCREENS = [
    pytest.param(("question_mark",), "help", id="help"),
    pytest.param(("ctrl+n",), "notebook", id="notebook"),
    pytest.param(("M",), "entities", id="entities"),
    pytest.param(("slash", *"Anthropic", "enter", "m"), "mentions", id="mentions"),
    pytest.param(("ctrl+f",), "search", id="search"),
    pytest.param(("e",), "export", id="export"),
    pytest.param(("v", "right", "right", "a"), "note", id="note"),
    pytest.param(("t",), "tag", id="tag"),
    pytest.param(("W",), "word list", id="words"),
    pytest.param(("ctrl+p",), "palette", id="palette"),
    pytest.param(("T",), "contents", id="contents"),
    pytest.param(("S",), "variant", id="variant"),
    pytest.param(("o",), "source", id="source"),
    pytest.param(("slash",), "find", id="find"),
]


@pytest.mark.parametrize(("keys", "what"), SCREENS)
async def test_escape_from_every_screen_gives_the_reader_its_focus_back(
    sample_corpus: Path, tmp_path: Path, keys: tuple[str, ...], what: str
) -> None:
    app = build(sample_corpus, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_doc(app, pilot, DOC_000)  # it has headings and a source URL
        main = app.screen
        for key in keys:
            await pilot.press(key)
            await settle(app, pilot)
        assert app.screen is not main, f"{what} did not open"
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen is main, f"escape did not close {what}"
        assert isinstance(app.focused, Reader), f"after {what}: {app.focused!r}"


async def test_escape_from_a_screen_opened_in_the_list_goes_back_to_the_list(
    sample_corpus: Path, tmp_path: Path
) -> None:
    app = build(sample_corpus, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        for key in ("question_mark", "ctrl+n", "M", "ctrl+f"):
            assert app.focused is app.doc_list.table and app.doc_list.display
            await pilot.press(key)
            await settle(app, pilot)
            await pilot.press("escape")
            await settle(app, pilot)
        assert app.focused is app.doc_list.table and app.doc_list.display


async def test_the_look_up_panel_closes_back_to_the_reader(
    sample_corpus: Path, tmp_path: Path
) -> None:
    app = build(sample_corpus, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_doc(app, pilot, DOC_000)
        await pilot.press("l")
        await settle(app, pilot)
        assert app.pane.lookup_panel.open
        app.pane.lookup_panel.focus()
        await pilot.press("escape")
        await settle(app, pilot)
        assert not app.pane.lookup_panel.open and isinstance(app.focused, Reader)


JUMPS = [
    pytest.param(("ctrl+f", *"Amodei", "enter", "down", "enter"), id="search result"),
    pytest.param(("ctrl+n", "down", "enter"), id="notebook"),
    pytest.param(("M", "enter", "down", "enter"), id="entity passage"),
]


@pytest.mark.parametrize("keys", JUMPS)
async def test_after_a_jump_from_the_list_the_reader_has_the_focus(
    sample_corpus: Path, tmp_path: Path, keys: tuple[str, ...]
) -> None:
    app = build(sample_corpus, tmp_path)
    source = (sample_corpus / DOC_004).read_text(encoding="utf-8")
    start = source.index("Hertz")
    app.session.store.add(Annotation.from_source(DOC_004, source, start, start + 5))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert app.focused is app.doc_list.table
        main = app.screen
        for key in keys:
            await pilot.press(key)
            await settle(app, pilot)
        assert app.screen is main and app.pane.doc is not None
        assert isinstance(app.focused, Reader)
        assert not app.doc_list.display  # the list's overlay hid as the focus left it


async def _filter_by_the_first_entity(app: KbtuiApp, pilot: Pilot[Any]) -> None:
    """``M``, then ``tab`` and ``f`` on its first entity: the list shows its documents."""
    await pilot.press("M")
    await wait_for(  # the index is built after the first paint: on a busy machine, later
        pilot,
        lambda: (
            isinstance(app.screen, EntityBrowserScreen)
            and app.screen.query_one(EntityList).option_count
        ),
        "the entity browser's rows",
    )
    await pilot.press("tab", "f")
    await settle(app, pilot)
