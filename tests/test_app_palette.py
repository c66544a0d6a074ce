"""The command palette matches what it shows (issue 16): ``Open: Dario`` finds the
document listed as ``Open: Dario Amodei 访谈整理``, and the setting in use is marked."""

from __future__ import annotations

from pathlib import Path

from helpers import DOC_003, SIZE, build, settle, wait_for, wait_for_palette_choice
from textual.command import Command, CommandList

from kbtui.ui.app import KbtuiApp


def palette_texts(app: KbtuiApp) -> list[str]:
    """Every hit the palette lists now."""
    hits = app.screen.query_one(CommandList)
    return [
        str(option.hit.text)
        for index in range(hits.option_count)
        if isinstance(option := hits.get_option_at_index(index), Command)
    ]


async def test_typing_the_shown_label_finds_the_document(
    sample_corpus: Path, tmp_path: Path
) -> None:
    app = build(sample_corpus, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Open: Dario")
        await wait_for_palette_choice(app, pilot, "Open: Dario Amodei 访谈整理")
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.pane.doc is not None and app.pane.doc.id == DOC_003


async def test_open_alone_lists_every_document(sample_corpus: Path, tmp_path: Path) -> None:
    app = build(sample_corpus, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Open")
        await wait_for(
            pilot,
            lambda: sum(text.startswith("Open: ") for text in palette_texts(app)) == 5,
            "every document under 'Open'",
        )


async def test_the_default_script_in_use_is_marked(sample_corpus: Path, tmp_path: Path) -> None:
    app = build(sample_corpus, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Default script")
        await wait_for_palette_choice(app, pilot, "Default script")
        await settle(app, pilot)
        scripts = [text for text in palette_texts(app) if text.startswith("Default script")]
        assert "Default script: Original (current)" in scripts
        assert sum("(current)" in text for text in scripts) == 1
