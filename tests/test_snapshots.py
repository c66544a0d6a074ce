"""Snapshots of the main screens at 80×24 and 120×40, reached by the keys a user presses.

Each test first asserts the state it reached, so a snapshot never records a
screen that only looks right by accident; the database is a fresh one in
``tmp_path``, workers are waited for, and nothing on screen shows the clock.
At 80 columns the list and the sidebar are overlays (``ui/layout_mode.py``).
Update with ``--snapshot-update`` after an intended change, and look at the
report before committing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from helpers import DOC_000, DOC_003, SIZE, build, open_doc, settle, wait_for
from textual.pilot import Pilot
from textual.widgets import Input

from kbtui.annotations.model import Annotation, Colour
from kbtui.ui.app import KbtuiApp
from kbtui.ui.reader import Reader
from kbtui.ui.screens.entities import EntityBrowserScreen
from kbtui.ui.screens.export import ExportScreen
from kbtui.ui.screens.help import HelpScreen
from kbtui.ui.screens.notebook import NotebookScreen
from kbtui.ui.screens.passages import PassageList, SearchScreen
from kbtui.ui.sidebar import Sidebar

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]

Snap = Callable[..., bool]
Steps = Callable[[Pilot[Any]], Awaitable[None]]


def annotated_app(corpus: Path, tmp_path: Path) -> KbtuiApp:
    """The sample corpus with two annotations in 003 (one with a note and tags)."""
    app = build(corpus, tmp_path)
    source = (corpus / DOC_003).read_text(encoding="utf-8")
    for needle, colour, note, tags in (
        ("Dario 对那些称他为", Colour.YELLOW, "他的立场", ["stance"]),
        ("拯救生命", Colour.GREEN, "", []),
    ):
        start = source.index(needle)
        app.session.store.add(
            Annotation.from_source(
                DOC_003, source, start, start + len(needle), colour=colour, note=note, tags=tags
            )
        )
    return app


async def read_003(app: KbtuiApp, pilot: Pilot[Any]) -> None:
    """Open 003 a page down, where both annotations are, once the mentions are underlined."""
    await open_doc(app, pilot, DOC_003)
    await wait_for(pilot, lambda: app.session.mention_index is not None, "the mention index")
    await pilot.press("pagedown")
    await settle(app, pilot)
    assert len(app.pane.annotations) == 2


def compare(snap_compare: Snap, app: KbtuiApp, size: tuple[int, int], steps: Steps) -> bool:
    async def steady(pilot: Pilot[Any]) -> None:
        await steps(pilot)
        for field in app.screen.query(Input):  # a blinking cursor is shown or not by the clock
            field.cursor_blink = False
        await pilot.pause()

    return snap_compare(app, terminal_size=size, run_before=steady)


@pytest.mark.parametrize("size", SIZES)
def test_main_screen_at_start(
    snap_compare: Snap, sample_corpus: Path, tmp_path: Path, size: tuple[int, int]
) -> None:
    app = build(sample_corpus, tmp_path)

    async def steps(pilot: Pilot[Any]) -> None:
        await settle(app, pilot)
        assert app.focused is app.doc_list.table and len(app.doc_list.rows()) == 5
        assert app.pane.doc is None

    assert compare(snap_compare, app, size, steps)


@pytest.mark.parametrize("size", SIZES)
def test_reader_with_highlights(
    snap_compare: Snap, sample_corpus: Path, tmp_path: Path, size: tuple[int, int]
) -> None:
    app = annotated_app(sample_corpus, tmp_path)

    async def steps(pilot: Pilot[Any]) -> None:
        await read_003(app, pilot)
        assert isinstance(app.focused, Reader)

    assert compare(snap_compare, app, size, steps)


@pytest.mark.parametrize("size", SIZES)
def test_sidebar(
    snap_compare: Snap, sample_corpus: Path, tmp_path: Path, size: tuple[int, int]
) -> None:
    app = annotated_app(sample_corpus, tmp_path)

    async def steps(pilot: Pilot[Any]) -> None:
        await read_003(app, pilot)
        await pilot.press("ctrl+d")
        await settle(app, pilot)
        sidebar = app.query_one(Sidebar)
        assert sidebar.display and app.focused is sidebar.query_one("#annotation-list")

    assert compare(snap_compare, app, size, steps)


def test_traditional_view_with_selection(
    snap_compare: Snap, sample_corpus: Path, tmp_path: Path
) -> None:
    app = build(sample_corpus, tmp_path)

    async def steps(pilot: Pilot[Any]) -> None:
        await open_doc(app, pilot, DOC_000)
        await pilot.press("s")
        await settle(app, pilot)
        await pilot.press("down", "v", "right", "right", "right", "right")
        await settle(app, pilot)
        assert "誕生" in app.pane.view.text

    assert compare(snap_compare, app, SIZE, steps)


@pytest.mark.parametrize("size", SIZES)
def test_help_screen(
    snap_compare: Snap, sample_corpus: Path, tmp_path: Path, size: tuple[int, int]
) -> None:
    app = build(sample_corpus, tmp_path)

    async def steps(pilot: Pilot[Any]) -> None:
        await settle(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)

    assert compare(snap_compare, app, size, steps)


@pytest.mark.parametrize("size", SIZES)
def test_notebook_screen(
    snap_compare: Snap, sample_corpus: Path, tmp_path: Path, size: tuple[int, int]
) -> None:
    app = annotated_app(sample_corpus, tmp_path)

    async def steps(pilot: Pilot[Any]) -> None:
        await settle(app, pilot)
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        assert isinstance(app.screen, NotebookScreen)

    assert compare(snap_compare, app, size, steps)


@pytest.mark.parametrize("size", SIZES)
def test_entity_panel(
    snap_compare: Snap, sample_corpus: Path, tmp_path: Path, size: tuple[int, int]
) -> None:
    app = build(sample_corpus, tmp_path)

    async def steps(pilot: Pilot[Any]) -> None:
        await settle(app, pilot)
        await wait_for(pilot, lambda: app.session.mention_index is not None, "the mention index")
        await pilot.press("M")
        await settle(app, pilot)
        assert isinstance(app.screen, EntityBrowserScreen)

    assert compare(snap_compare, app, size, steps)


@pytest.mark.parametrize("size", SIZES)
def test_search_results(
    snap_compare: Snap, sample_corpus: Path, tmp_path: Path, size: tuple[int, int]
) -> None:
    app = build(sample_corpus, tmp_path)

    async def steps(pilot: Pilot[Any]) -> None:
        await settle(app, pilot)
        await pilot.press("ctrl+f")
        await pilot.pause()
        await pilot.press(*"安全")
        await settle(app, pilot)
        assert isinstance(app.screen, SearchScreen)
        passages = app.screen.query_one(PassageList)
        await wait_for(pilot, lambda: len(passages._targets) > 10, "the search results")
        await settle(app, pilot)

    assert compare(snap_compare, app, size, steps)


@pytest.mark.parametrize("size", SIZES)
def test_export_dialog(
    snap_compare: Snap,
    sample_corpus: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    size: tuple[int, int],
) -> None:
    # the user's documents folder differs from machine to machine
    monkeypatch.setattr("kbtui.exchange.paths.default_folder", lambda: "~/Documents")
    app = annotated_app(sample_corpus, tmp_path)

    async def steps(pilot: Pilot[Any]) -> None:
        await open_doc(app, pilot, DOC_003)
        await pilot.press("e")
        await settle(app, pilot)
        assert isinstance(app.screen, ExportScreen)

    assert compare(snap_compare, app, size, steps)
