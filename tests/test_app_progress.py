"""The progress bar at the bottom of the main screen: mounted when a scan or an index
build first takes a while, not composed with the first frame (issue 12)."""

from __future__ import annotations

from pathlib import Path

from helpers import build, settle
from textual.widgets import ProgressBar

from kbtui.ui.keybar import KeyBar


async def test_a_quick_start_has_no_progress_bar_and_a_slow_one_shows_it_above_the_keys(
    sample_corpus: Path, tmp_path: Path
) -> None:
    app = build(sample_corpus, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert not app.query(ProgressBar)
        app.show_progress(2, 5)
        await pilot.pause()
        bar = app.query_one("#scan-progress", ProgressBar)
        assert bar.display and bar.progress == 2 and bar.total == 5
        assert bar.region.bottom == app.query_one(KeyBar).region.y  # just above the keys
        app.show_progress(4, 5)  # the same bar again
        await pilot.pause()
        assert len(app.query(ProgressBar)) == 1 and bar.progress == 4
        app.hide_progress()
        await pilot.pause()
        assert not bar.display
