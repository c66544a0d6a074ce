"""Snapshots of the main screens, reached by the keys a user presses.

Each test first asserts the state it reached, so a snapshot never records a
screen that only looks right by accident. Update with ``--snapshot-update``
after an intended change, and look at the report before committing.
"""

from __future__ import annotations

from pathlib import Path

from helpers import DOC_000, DOC_003, SIZE, build, open_doc, settle

from kbtui.annotations.model import Annotation, Colour
from kbtui.ui.app import KbtuiApp
from kbtui.ui.screens.help import HelpScreen
from kbtui.ui.screens.notebook import NotebookScreen


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


def test_main_screen_reading_a_document(snap_compare, sample_corpus: Path, tmp_path: Path) -> None:
    app = annotated_app(sample_corpus, tmp_path)

    async def run_before(pilot) -> None:
        await open_doc(app, pilot, DOC_003)
        await pilot.press("pagedown")
        await settle(app, pilot)
        assert len(app.pane.annotations) == 2
        assert app.session.mention_index is not None

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_traditional_view_with_selection(snap_compare, sample_corpus: Path, tmp_path: Path) -> None:
    app = build(sample_corpus, tmp_path)

    async def run_before(pilot) -> None:
        await open_doc(app, pilot, DOC_000)
        await pilot.press("s")
        await settle(app, pilot)
        await pilot.press("down", "v", "right", "right", "right", "right")
        await settle(app, pilot)
        assert "誕生" in app.pane.view.text

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_help_screen(snap_compare, sample_corpus: Path, tmp_path: Path) -> None:
    app = build(sample_corpus, tmp_path)

    async def run_before(pilot) -> None:
        await settle(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_notebook_screen(snap_compare, sample_corpus: Path, tmp_path: Path) -> None:
    app = annotated_app(sample_corpus, tmp_path)

    async def run_before(pilot) -> None:
        await settle(app, pilot)
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, NotebookScreen)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
