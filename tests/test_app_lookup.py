"""The reading aids in the app, by keys: the look-up panel, the word list, pinyin find, search."""

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
    wait_for,
    wait_for_palette_choice,
)
from lookup_fixtures import cache_file, installed_cache
from rich.style import Style
from textual.widgets import DataTable, Static

from kbtui.lookup.model import DictEntry, LookupResult
from kbtui.lookup.pinyin_search import _every_character, pinyin_ready
from kbtui.lookup.syllables import Syllable
from kbtui.session.passages import Passage
from kbtui.settings import load_settings
from kbtui.ui.lookup_panel import LookupPanel, word_text
from kbtui.ui.reader import Reader
from kbtui.ui.screens.passages import SearchScreen, passage_text
from kbtui.ui.screens.vocab import VocabScreen

__all__ = ["cache_file", "installed_cache"]


def panel_text(panel: LookupPanel) -> str:
    return str(panel.query_one("#lookup-body", Static).render())


@pytest.mark.usefixtures("installed_cache")
async def test_l_looks_up_steps_adds_and_the_word_list_lists_it(
    sample_corpus: Path, tmp_path: Path
) -> None:
    app = build(sample_corpus, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_doc(app, pilot, DOC_003)
        reader, panel = app.query_one(Reader), app.query_one(LookupPanel)
        await pilot.press("slash", *"安全", "enter", "n")  # the first 安全 is 安全性
        await pilot.pause()
        assert app.pane.doc is not None
        source = app.pane.doc.source
        at = reader.cursor_source
        assert source[at : at + 3] == "安全 "
        assert not panel.display

        await pilot.press("l")
        await wait_for(pilot, lambda: "ān quán" in panel_text(panel), "the panel to show 安全")
        assert panel.display and panel.has_focus
        assert "safe; secure" in panel_text(panel)
        assert reader.selection_source == (at, at + 2)  # the cursor follows the word
        shown = screen_text(app)
        assert "ān" in shown and "quán" in shown and "safe; secure" in shown
        assert not app.query_one("#sidebar").display  # the panel takes its room, not the line's

        await pilot.press("n")
        await pilot.pause()
        assert reader.cursor_source > at and "ān quán" not in panel_text(panel)
        await pilot.press("b")
        await pilot.pause()
        assert reader.cursor_source == at and "ān quán" in panel_text(panel)
        await pilot.press("c")
        await pilot.pause()
        assert "characters" in panel_text(panel) and "peace" in panel_text(panel)
        await pilot.press("c", "r")
        await pilot.pause()
        (entry,) = app.session.aids.words()
        assert (entry.simplified, entry.doc_id, entry.start, entry.end) == (
            "安全",
            DOC_003,
            at,
            at + 2,
        )
        assert "安全" in entry.sentence and entry.sentence in app.pane.view.text
        await pilot.press("r")  # once is enough
        await pilot.pause()
        assert len(app.session.aids.words()) == 1

        await pilot.press("W")
        await pilot.pause()
        assert isinstance(app.screen, VocabScreen)
        assert app.screen.query_one(DataTable).row_count == 1
        assert "安全" in screen_text(app) and "ān quán" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, VocabScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert not panel.display and reader.has_focus
        assert app.query_one("#sidebar").display


@pytest.mark.usefixtures("installed_cache")
async def test_the_word_list_jumps_back_and_deletes(sample_corpus: Path, tmp_path: Path) -> None:
    app = build(sample_corpus, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_doc(app, pilot, DOC_003)
        reader = app.query_one(Reader)
        await pilot.press("slash", *"安全", "enter", "n", "l")
        await wait_for(pilot, lambda: app.query_one(LookupPanel).display, "the panel")
        await settle(app, pilot)
        await pilot.press("r", "escape", "g")
        await pilot.pause()
        assert reader.cursor == 0
        await pilot.press("W")
        await pilot.pause()
        await pilot.press("enter")
        await settle(app, pilot)
        (entry,) = app.session.aids.words()
        assert reader.cursor_source == entry.start
        await pilot.press("W", "d")
        await pilot.pause()
        assert app.session.aids.words() == []
        assert app.screen.query_one(DataTable).row_count == 0


async def test_find_and_search_take_toneless_pinyin(sample_corpus: Path, tmp_path: Path) -> None:
    app = build(sample_corpus, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_doc(app, pilot, DOC_003)
        reader = app.query_one(Reader)
        _every_character.cache_clear()  # as in a new process: the first find reads pinyin
        await pilot.press("slash", *"anquan", "enter")
        await wait_for(pilot, lambda: app.pane._matches, "the worker's pinyin matches")
        at = reader.cursor_source
        assert app.pane.doc is not None and app.pane.doc.source[at : at + 2] == "安全"
        assert pinyin_ready()
        await pilot.press("slash", *"an quan", "enter", "n")  # now at once, on the UI thread
        await pilot.pause()
        assert reader.cursor_source > at and app.pane.doc.source[reader.cursor_source] == "安"
        assert any("by pinyin" in str(n.message) for n in app._notifications)

        await pilot.press("ctrl+f")
        await pilot.pause()
        assert isinstance(app.screen, SearchScreen)
        await pilot.press(*"an quan")
        await settle(app, pilot)
        assert "by pinyin" in str(app.screen.query_one("#passages").border_subtitle)
    line = passage_text(Passage(3, "很", "安全", "。", pinyin=True))
    assert line.plain == "  pinyin 很安全。"
    assert passage_text(Passage(3, "很", "安全", "。")).plain == "  很安全。"


def test_the_panel_colours_each_syllable_by_its_tone() -> None:
    syllables = (
        Syllable("安", "an1", "ān", "ㄢ", 1),
        Syllable("全", "quan2", "quán", "ㄑㄩㄢˊ", 2),
    )
    entry = DictEntry("安全", "安全", syllables, ("safe; secure",))
    result = LookupResult("安全", 0, 2, (entry,), syllables)
    colours = {1: "red", 2: "yellow"}
    text = word_text(result, lambda tone: Style(color=colours.get(tone, "white")), zhuyin=True)
    assert text.plain == "安全\nān quán  ㄢ ㄑㄩㄢˊ\n• safe; secure"
    styled = {text.plain[span.start : span.end]: str(span.style) for span in text.spans}
    assert styled["ān"] == styled["ㄢ"] == "red"
    assert styled["quán"] == styled["ㄑㄩㄢˊ"] == "yellow"
    plain = word_text(result, lambda tone: Style(), zhuyin=False)
    assert "ㄢ" not in plain.plain


@pytest.mark.usefixtures("installed_cache")
async def test_the_palette_opens_the_word_list_and_turns_zhuyin_on(
    sample_corpus: Path, tmp_path: Path
) -> None:
    app = build(sample_corpus, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_doc(app, pilot, DOC_003)
        panel = app.query_one(LookupPanel)
        await pilot.press("slash", *"安全", "enter", "n", "l")
        await wait_for(pilot, lambda: "ān quán" in panel_text(panel), "the panel to show 安全")
        labels = {action.label for action in app.palette_actions()}
        assert {"Word list", "Look-up: Next word", "Look-up: Add to word list"} <= labels
        assert "ㄢ" not in panel_text(panel)
        await pilot.press("ctrl+p", *"zhuyin")
        await wait_for_palette_choice(app, pilot, "Zhuyin in the look-up panel: turn on")
        await pilot.press("enter")
        await wait_for(pilot, lambda: "ㄑㄩㄢˊ" in panel_text(panel), "zhuyin in the panel")
        assert app.session.settings.zhuyin
        assert load_settings().zhuyin  # saved
