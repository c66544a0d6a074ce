"""The app in small terminals and the rough edges a demanding user runs into."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import (
    DOC_003,
    SIZE,
    build,
    open_doc,
    screen_text,
    settle,
    wait_for_palette_choice,
)
from rich.cells import cell_len
from rich.text import Text
from textual.widgets import Button, Static

from kbtui.annotations.model import Annotation
from kbtui.ui.app import KbtuiApp
from kbtui.ui.reader import Reader
from kbtui.ui.screens.notebook import NotebookScreen
from kbtui.ui.screens.passages import PassageList, SearchScreen
from kbtui.ui.sidebar import Sidebar


@pytest.mark.parametrize(("width", "height"), [(80, 24), (60, 24)])
async def test_a_small_terminal_gives_the_reader_the_width_and_overlays_the_panes(
    sample_corpus: Path, tmp_path: Path, width: int, height: int
) -> None:
    app = build(sample_corpus, tmp_path)
    async with app.run_test(size=(width, height)) as pilot:
        await settle(app, pilot)
        assert app.doc_list.display and app.focused is app.doc_list.table  # shown at start
        await open_doc(app, pilot, DOC_003)
        reader = app.query_one(Reader)
        sidebar = app.query_one(Sidebar)
        assert reader.size.width >= width - 6
        assert not app.doc_list.display and not sidebar.display
        for key, pane, focus in (
            ("ctrl+l", app.doc_list, app.doc_list.table),
            ("ctrl+d", sidebar, sidebar.query_one("#annotation-list")),
        ):
            await pilot.press(key)
            await settle(app, pilot)
            assert pane.display and app.focused is focus
            assert pane.size.width >= 28  # over the reader, which keeps its width
            assert reader.size.width >= width - 6
            await pilot.press("escape")
            await settle(app, pilot)
            assert not pane.display and isinstance(app.focused, Reader)
        await pilot.press("ctrl+l", "ctrl+l")  # pressed again: back to the reader
        await settle(app, pilot)
        assert not app.doc_list.display and isinstance(app.focused, Reader)


async def test_tab_shows_the_hidden_pane_it_moves_to(sample_corpus: Path, tmp_path: Path) -> None:
    app = build(sample_corpus, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_doc(app, pilot, DOC_003)
        sidebar = app.query_one(Sidebar)
        await pilot.press("tab")
        await settle(app, pilot)
        assert sidebar.display and app.focused is sidebar.query_one("#annotation-list")
        await pilot.press("tab")
        await settle(app, pilot)
        assert app.doc_list.display and not sidebar.display
        assert app.focused is app.doc_list.table
        await pilot.press("tab")
        await settle(app, pilot)
        assert not app.doc_list.display and isinstance(app.focused, Reader)
        await pilot.press("shift+tab")
        await settle(app, pilot)
        assert app.doc_list.display and app.focused is app.doc_list.table
        await pilot.press("enter")  # opening a document hides the list again
        await settle(app, pilot)
        assert not app.doc_list.display and isinstance(app.focused, Reader)


async def test_the_palette_shows_the_panes_too(sample_corpus: Path, tmp_path: Path) -> None:
    app = build(sample_corpus, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_doc(app, pilot, DOC_003)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Sidebar")
        await wait_for_palette_choice(app, pilot, "Sidebar")
        await pilot.press("enter")
        await settle(app, pilot)
        sidebar = app.query_one(Sidebar)
        assert sidebar.display and app.focused is sidebar.query_one("#annotation-list")


async def test_the_layout_follows_the_terminal_as_it_is_resized(
    sample_corpus: Path, tmp_path: Path
) -> None:
    app = build(sample_corpus, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_doc(app, pilot, DOC_003)
        reader, sidebar = app.query_one(Reader), app.query_one(Sidebar)
        await pilot.resize_terminal(120, 40)
        await settle(app, pilot)
        assert sidebar.outer_size.width == 34 and app.doc_list.display
        await pilot.resize_terminal(105, 30)  # narrow: all three, the reader keeps half
        await settle(app, pilot)
        assert sidebar.display and app.doc_list.display
        assert reader.size.width >= 105 // 2 - 4
        # a resize while another screen is on top still reaches the main screen
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        await pilot.resize_terminal(80, 24)
        await settle(app, pilot)
        await pilot.press("escape")
        await settle(app, pilot)
        assert reader.size.width >= 80 - 6 and not sidebar.display


async def test_the_footer_shows_the_most_useful_keys_first(
    sample_corpus: Path, tmp_path: Path
) -> None:
    app = build(sample_corpus, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        footer = _footer(app)
        assert footer.split()[:6] == ["?", "Help", "⏎", "Open", "/", "Filter"]
        await open_doc(app, pilot, DOC_003)
        footer = _footer(app)
        for wanted in ("? Help", "h Highlight", "a Note", "/ Find", "^l Documents"):
            assert wanted in footer
        assert footer.index("? Help") < footer.index("h Highlight") < footer.index("/ Find")
        ids = [active.binding.id for active in app.screen.active_bindings.values()]
        assert ids.index("app.help") < ids.index("reader.select") < ids.index("app.quit")


def _footer(app: KbtuiApp) -> str:
    """The footer's line of the screen (the one ending in the palette's key)."""
    [line] = [line for line in screen_text(app).splitlines() if "^p Commands" in line]
    return line


async def test_find_shows_which_match_and_n_says_something_without_a_search(
    sample_corpus: Path, tmp_path: Path
) -> None:
    app = build(sample_corpus, tmp_path)
    said: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        app.notify = lambda message, **_: said.append(str(message))  # type: ignore[method-assign]
        await open_doc(app, pilot, DOC_003)
        await pilot.press("n")
        await pilot.pause()
        assert said and "/" in said[-1]
        await pilot.press("slash")
        await pilot.pause()
        await pilot.press(*"Dario", "enter")
        await settle(app, pilot)
        total = len(app.pane._matches)
        assert total > 2
        assert f"match 1/{total}" in str(app.pane.border_subtitle)
        await pilot.press("n")
        await settle(app, pilot)
        assert f"match 2/{total}" in str(app.pane.border_subtitle)
        await pilot.press("N", "N")
        await settle(app, pilot)
        assert f"match {total}/{total}" in str(app.pane.border_subtitle)
        await pilot.press("down", "down")
        await settle(app, pilot)
        assert "match" not in str(app.pane.border_subtitle)
        assert "%" in str(app.pane.border_subtitle)


async def test_search_passages_are_one_line_each_with_the_match_in_view(
    sample_corpus: Path, tmp_path: Path
) -> None:
    app = build(sample_corpus, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+f")
        await pilot.pause()
        await pilot.press(*"Amodei")
        await settle(app, pilot)
        assert isinstance(app.screen, SearchScreen)
        passages = app.screen.query_one(PassageList)
        lines = [o.prompt for o in passages.options if (o.id or "").startswith("p-")]
        assert len(lines) > 10
        for line in lines:
            assert isinstance(line, Text) and line.no_wrap
            start = line.plain.index("Amodei")
            assert cell_len(line.plain[:start]) < 40  # on screen at 80 columns
        # white space next to the match is kept: "Dario Amodei", not "DarioAmodei"
        assert any("Dario Amodei" in line.plain for line in lines)
        assert not any("DarioAmodei" in line.plain for line in lines)


async def test_sidebar_entry_keeps_its_marker_and_quote_on_one_line(
    sample_corpus: Path, tmp_path: Path
) -> None:
    app = build(sample_corpus, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_doc(app, pilot, DOC_003)
        await pilot.press("pagedown", "B")  # a bookmark: its quote runs to the line end
        await settle(app, pilot)
        assert len(app.pane.annotations) == 1
        lines = [line[-34:] for line in screen_text(app).splitlines()]  # about the sidebar
        marked = [line for line in lines if "🔖" in line]
        assert len(marked) == 1
        quote = app.pane.annotations[0].quote
        assert quote[:4] in marked[0]  # the quote starts next to the marker, cut at the edge


async def test_command_palette_reaches_the_keyed_actions(
    sample_corpus: Path, tmp_path: Path
) -> None:
    app = build(sample_corpus, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_doc(app, pilot, DOC_003)
        labels = [label for label, *_ in app.palette_actions()]
        for wanted in ("Highlight", "Note", "Export", "Notebook", "Search all", "Contents"):
            assert wanted in labels
        await pilot.press("down", "v", "right", "right", "right")
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Highlight")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert len(app.pane.annotations) == 1
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Notebook")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, NotebookScreen)


async def test_escape_in_the_list_filter_clears_it_and_returns_to_the_list(
    sample_corpus: Path, tmp_path: Path
) -> None:
    app = build(sample_corpus, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("slash", *"zzz")
        await pilot.pause()
        assert "Documents 0/5" in str(app.doc_list.border_title)
        await pilot.press("escape")
        await pilot.pause()
        assert app.focused is app.doc_list.table
        assert "Documents 5/5" in str(app.doc_list.border_title)
        app.doc_list.entity_filter = ("Jensen Huang", frozenset({"004_6b75a25af0571ee2.txt"}))
        await pilot.pause()
        assert "Documents 1/5 · Jensen Huang" in str(app.doc_list.border_title)


@pytest.mark.parametrize("size", [SIZE, (80, 24)])
async def test_notebook_shows_note_and_tags_on_screen(
    sample_corpus: Path, tmp_path: Path, size: tuple[int, int]
) -> None:
    app = build(sample_corpus, tmp_path)
    source = (sample_corpus / DOC_003).read_text(encoding="utf-8")
    start = source.index("Dario 对那些称他为")
    long_quote_end = source.index("\n", start)
    app.session.store.add(
        Annotation.from_source(
            DOC_003, source, start, long_quote_end, note="他的立场", tags=["stance"]
        )
    )
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        assert isinstance(app.screen, NotebookScreen)
        text = screen_text(app)
        assert "他的立场" in text
        assert "#stance" in text


async def test_export_dialog_fits_and_its_columns_do_not_touch(
    sample_corpus: Path, tmp_path: Path
) -> None:
    app = build(sample_corpus, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_doc(app, pilot, DOC_003)
        await pilot.press("e")
        await settle(app, pilot)
        left, right = app.screen.query(".export .column")
        assert right.region.x - left.region.right >= 2
        form = app.screen.query_one(".export")
        assert form.max_scroll_y == 0  # all of it on screen, the buttons too
        for button in app.screen.query(Button):
            assert button.region.bottom <= 24 and button.region.height >= 1


async def test_the_list_cursor_follows_the_document_opened_elsewhere(
    sample_corpus: Path, tmp_path: Path
) -> None:
    app = build(sample_corpus, tmp_path, open_target=f"{DOC_003}#1500")
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(50):
            await settle(app, pilot)
            if app.pane.doc is not None:
                break
        assert app.pane.doc is not None and app.pane.doc.id == DOC_003
        assert app.doc_list.current_id == DOC_003


async def test_the_entity_browser_says_all_its_keys_at_80_columns(
    sample_corpus: Path, tmp_path: Path
) -> None:
    app = build(sample_corpus, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("M")
        await settle(app, pilot)
        bottom = [line for line in screen_text(app).splitlines() if "of" in line and "╰" in line]
        assert bottom and "s suggest" in bottom[-1] and "…" not in bottom[-1]


async def test_the_sidebar_is_empty_until_needed_and_ctrl_d_still_focuses_its_list(
    sample_corpus: Path, tmp_path: Path
) -> None:
    """Its widgets are mounted with the first document, or when ``ctrl+d`` asks for them:
    the first frame is ~10 ms lighter without them."""
    app = build(sample_corpus, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        sidebar = app.query_one(Sidebar)
        assert sidebar.display and not sidebar.children
        await pilot.press("ctrl+d")
        await settle(app, pilot)
        assert app.focused is sidebar.query_one("#annotation-list")
        await pilot.press("ctrl+l")
        await open_doc(app, pilot, DOC_003)
        assert "chars: " in str(sidebar.query_one("#meta", Static).render())
        assert sidebar.query_one("#annotation-list").border_title == "No annotations yet"
