"""Small things a new user met (issue 16): ``o`` feedback, the sort order kept, bookmarks, tags,
the status line, the help columns, the find box at the bottom, the export choices."""

from __future__ import annotations

import re
import webbrowser
from pathlib import Path

import pytest
from helpers import DOC_000, DOC_002, DOC_004, SIZE, build, open_doc, screen_text, settle
from rich.cells import cell_len
from rich.console import Console
from textual.widgets import Input

from kbtui.annotations.model import Annotation
from kbtui.ui.pane_base import fit_status
from kbtui.ui.reader import Reader
from kbtui.ui.screens.choices import Choice
from kbtui.ui.screens.dialogs import FindBox, LineInputScreen
from kbtui.ui.screens.help import HelpScreen, help_table
from kbtui.ui.screens.notebook import NotebookScreen


@pytest.mark.parametrize("browser", [True, False])
async def test_o_says_what_it_did(
    sample_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, browser: bool
) -> None:
    opened: list[str] = []

    def fake_open(url: str) -> bool:
        opened.append(url)
        return browser

    monkeypatch.setattr(webbrowser, "open", fake_open)
    app = build(sample_corpus, tmp_path)
    notes: list[tuple[str, str]] = []
    copied: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        monkeypatch.setattr(
            app, "notify", lambda m, *, severity="information", **_: notes.append((m, severity))
        )
        monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
        await open_doc(app, pilot, DOC_000)
        await pilot.press("o")
        await pilot.pause()
        await pilot.press("y")
        await settle(app, pilot)
    url = "https://www.youtube.com/watch?v=1nqrRGO5KYE"
    assert opened == [url]
    if browser:
        assert notes == [(f"Opened in a browser: {url}", "information")]
        assert copied == []
    else:
        assert copied == [url]
        assert len(notes) == 1 and notes[0][1] == "warning"
        assert "No web browser" in notes[0][0] and url in notes[0][0]


async def test_the_sort_order_is_kept_across_starts(sample_corpus: Path, tmp_path: Path) -> None:
    app = build(sample_corpus, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        first = [row.id for row in app.doc_list._shown]
        await pilot.press("r", "r")  # date ↓ → date ↑ → title
        await settle(app, pilot)
        by_title = [row.id for row in app.doc_list._shown]
        assert by_title != first
    saved = (tmp_path / "config" / "settings.toml").read_text(encoding="utf-8")
    assert 'sort = "title"' in saved
    again = build(sample_corpus, tmp_path)
    async with again.run_test(size=SIZE) as pilot:
        await settle(again, pilot)
        assert again.doc_list.sort_index == 2
        assert [row.id for row in again.doc_list._shown] == by_title


async def test_a_bookmark_at_the_end_shows_its_line(sample_corpus: Path, tmp_path: Path) -> None:
    app = build(sample_corpus, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_doc(app, pilot, DOC_000)
        await pilot.press("G", "B")
        await settle(app, pilot)
        [bookmark] = app.pane.annotations
        assert bookmark.quote == ""
        last = app.pane.view.text.rstrip().rpartition("\n")[2].strip()
        [line] = [line for line in screen_text(app).splitlines() if "🔖" in line]
        shown = line.split("🔖", 1)[1].strip(" │▐▌")
        assert shown and last.startswith(shown.rstrip("…").strip())
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        [row] = [line for line in screen_text(app).splitlines() if "🔖" in line]
        assert last[:6] in row  # the notebook shows the line too, not a bare 🔖


async def test_notebook_tags_match_by_prefix_frontmatter_tags_included(
    sample_corpus: Path, tmp_path: Path
) -> None:
    app = build(sample_corpus, tmp_path)
    for doc_id, needle, tags in (
        (DOC_000, "安全护栏", ["创始人"]),
        (DOC_002, "偶然聚集", ["team"]),
    ):
        source = (sample_corpus / doc_id).read_text(encoding="utf-8")
        start = source.index(needle)
        app.session.store.add(
            Annotation.from_source(doc_id, source, start, start + len(needle), tags=tags)
        )
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, NotebookScreen)
        for query, shown in (("#创始", "1 of 2"), ("#ai-s", "1 of 2"), ("#nothing", "0 of 2")):
            await pilot.press("slash", "ctrl+u", *query)
            await pilot.pause()
            assert shown in screen_text(app), query


async def test_tag_completion_offers_frontmatter_tags(sample_corpus: Path, tmp_path: Path) -> None:
    app = build(sample_corpus, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_doc(app, pilot, DOC_002)
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, LineInputScreen)
        field = app.screen.query_one(Input)
        await pilot.press("ctrl+u", *"ai-s")
        await settle(app, pilot)
        await pilot.press("right")
        await pilot.pause()
        assert field.value == "ai-safety"


async def test_the_subtitle_keeps_the_match_whole_at_80_columns(
    sample_corpus: Path, tmp_path: Path
) -> None:
    app = build(sample_corpus, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_doc(app, pilot, DOC_004)
        await pilot.press("s")
        await settle(app, pilot)
        await pilot.press("slash")
        await pilot.pause()
        await pilot.press(*"Hertz", "enter")
        await settle(app, pilot)
        subtitle = str(app.pane.border_subtitle)
        assert subtitle.endswith("match 1/1 · 25%")
        assert cell_len(subtitle) <= app.pane.size.width - 6
        assert "match 1/1 · 25%" in screen_text(app)


def test_fit_status_cuts_the_label_first() -> None:
    label = "Simplified · t2s · zh-Hant"
    assert fit_status(label, "match 1/2 · 5%", 80) == f"{label} · match 1/2 · 5%"
    assert fit_status(label, "match 1/2 · 5%", 30).endswith("… · match 1/2 · 5%")
    assert fit_status(label, "match 1/2 · 5%", 20) == "match 1/2 · 5%"
    assert fit_status(label, "", 0) == label


@pytest.mark.parametrize("size", [(80, 24), SIZE])
async def test_help_sizes_its_key_column_to_the_widest_key(
    sample_corpus: Path, tmp_path: Path, size: tuple[int, int]
) -> None:
    app = build(sample_corpus, tmp_path)
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert re.search(r"everywhere +q, ctrl\+q +Quit", screen_text(app))  # one row an action
        rows = app.screen._rows
        width = app.screen.query_one("#help-body").content_region.width
    for console_width in (width, 44):  # at 44 an even share cut the keys
        console = Console(width=console_width, record=True)
        console.print(help_table(rows))
        lines = console.export_text().splitlines()
        key_column, action_column = lines[0].index("Key"), lines[0].index("Action")
        assert action_column - key_column >= len("pagedown,space")
        starts = {line[key_column:action_column].rstrip() for line in lines[1:]}
        assert {keys for _, keys, _ in rows} <= starts  # each key whole, never cut


async def test_the_find_box_is_docked_at_the_bottom_off_the_text(
    sample_corpus: Path, tmp_path: Path
) -> None:
    app = build(sample_corpus, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_doc(app, pilot, DOC_004)
        await pilot.press("slash")
        await pilot.pause()
        assert isinstance(app.screen, FindBox)
        box = app.screen.query_one(".dialog")
        reader = app.screen_stack[0].query_one(Reader)
        assert box.region.bottom == 24 and box.region.height <= 2
        assert box.region.width == 80
        assert not box.region.overlaps(reader.content_region)
        await pilot.press(*"Hertz", "enter")
        await settle(app, pilot)
        assert app.pane.doc is not None
        assert app.pane.doc.source[reader.cursor_source :].startswith("Hertz")


async def test_export_choices_show_which_is_chosen(sample_corpus: Path, tmp_path: Path) -> None:
    app = build(sample_corpus, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_doc(app, pilot, DOC_004)
        await pilot.press("e")
        await settle(app, pilot)
        this, every = app.screen.query_one("#doc", Choice), app.screen.query_one("#all", Choice)

        def shown(choice: Choice) -> str:
            return str(choice.render()).strip()

        assert shown(this).startswith("(•) This document")
        assert shown(every) == "( ) All documents"
        assert "(•) One file" in screen_text(app)
        await pilot.press("down")  # the arrows choose at once
        await pilot.pause()
        assert shown(this).startswith("( ) This document")
        assert shown(every) == "(•) All documents"
        chosen, other = (b.get_visual_style("toggle--button") for b in (every, this))
        assert chosen.foreground != other.foreground  # in colour as well
