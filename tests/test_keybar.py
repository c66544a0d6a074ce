"""The main screen's key bar (ui/keybar.py): Textual's Footer's keys, painted as one line."""

from __future__ import annotations

from pathlib import Path

from helpers import DOC_003, build, open_doc, screen_text, settle

from kbtui.ui.keybar import KeyBar
from kbtui.ui.layout_mode import MainScreen
from kbtui.ui.screens.help import HelpScreen


def _bar_line(text: str) -> str:
    [line] = [line for line in text.splitlines() if "^p Commands" in line]
    return line


async def test_a_click_on_a_key_presses_it(sample_corpus: Path, tmp_path: Path) -> None:
    app = build(sample_corpus, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        line = _bar_line(screen_text(app))
        await pilot.click(KeyBar, offset=(line.index("Help"), 0))
        await settle(app, pilot)
        assert isinstance(app.screen, HelpScreen)


async def test_the_bar_follows_the_focus_and_keeps_the_palette_key_on_the_right(
    sample_corpus: Path, tmp_path: Path
) -> None:
    app = build(sample_corpus, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        in_list = _bar_line(screen_text(app))
        await open_doc(app, pilot, DOC_003)
        in_reader = _bar_line(screen_text(app))
        assert "Filter" in in_list and "Filter" not in in_reader
        assert "Highlight" in in_reader
        for line in (in_list, in_reader):  # the palette's key ends a column from the edge
            assert line.rstrip().endswith("▏^p Commands") and len(line.rstrip()) == 79
        assert isinstance(app.screen, MainScreen)
