"""Finding things by keys: find in document, search all, notebook, script toggles."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from helpers import (
    DOC_000,
    DOC_002,
    DOC_004,
    SIZE,
    build,
    open_doc,
    screen_text,
    settle,
    wait_for_palette_choice,
)

from kbtui.annotations.model import Annotation, Colour
from kbtui.scripts.views import Variant
from kbtui.session.passages import Passage, PassageGroup
from kbtui.session.searching import SearchPage
from kbtui.ui.reader import Reader
from kbtui.ui.screens.notebook import NotebookScreen
from kbtui.ui.screens.passages import PassageList, SearchScreen


async def test_s_and_S_switch_scripts_and_keep_the_passage(
    sample_corpus: Path, tmp_path: Path
) -> None:
    app = build(sample_corpus, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_doc(app, pilot, DOC_002)
        reader = app.query_one(Reader)
        await pilot.press("pagedown", "pagedown", "l", "l")
        await pilot.pause()
        before = reader.cursor_source
        await pilot.press("s")  # Traditional document: straight to Simplified
        await settle(app, pilot)
        assert app.pane.variant == Variant.SIMPLIFIED
        assert "偶然聚集的天才团队" in app.pane.view.text
        assert reader.cursor_source == before
        assert "simplified" in str(app.pane.border_subtitle).lower() or "简体" in str(
            app.pane.border_subtitle
        )
        await pilot.press("s")
        await settle(app, pilot)
        assert app.pane.variant == Variant.ORIGINAL
        assert app.session.store.doc_state(DOC_002).script == "original"

        await open_doc(app, pilot, DOC_004)
        await pilot.press("S")
        await pilot.pause()
        await pilot.press(*"taiwan", "enter")
        await settle(app, pilot)
        assert app.pane.variant == Variant.TAIWAN
        assert "戴著一副" in app.pane.view.text  # zh-Hant → t2tw: characters, not words


async def test_find_in_document_across_scripts(sample_corpus: Path, tmp_path: Path) -> None:
    app = build(sample_corpus, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_doc(app, pilot, DOC_002)  # Traditional text
        reader = app.query_one(Reader)
        await pilot.press("slash")
        await pilot.pause()
        await pilot.press(*"创立", "enter")  # Simplified query
        await pilot.pause()
        source = app.pane.doc.source
        first = reader.cursor_source
        assert source[first : first + 2] == "創立"
        await pilot.press("n")
        await pilot.pause()
        second = reader.cursor_source
        assert second > first and source[second : second + 2] == "創立"
        await pilot.press("N")
        await pilot.pause()
        assert reader.cursor_source == first
        await pilot.press("v", "right", "h")  # a selection can start at the match
        await pilot.pause()
        assert app.pane.annotations[0].quote == "創立"


async def test_search_all_documents_and_open_a_hit(sample_corpus: Path, tmp_path: Path) -> None:
    app = build(sample_corpus, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+f")
        await pilot.pause()
        assert isinstance(app.screen, SearchScreen)
        await pilot.press(*"創立")
        await settle(app, pilot)
        passages = app.screen.query_one(PassageList)
        docs = {target[0] for target in passages._targets.values()}
        assert {DOC_000, DOC_002} <= docs
        await pilot.press("enter")  # to the list
        await pilot.press("down", "enter")  # the first passage
        await settle(app, pilot)
        assert not isinstance(app.screen, SearchScreen)
        doc = app.pane.doc
        offset = app.query_one(Reader).cursor_source
        assert doc is not None and doc.source[offset : offset + 2] in ("创立", "創立")


async def test_search_results_come_in_pages_and_are_listed_as_the_list_scrolls(
    sample_corpus: Path, tmp_path: Path
) -> None:
    """The first page is listed at once; later pages update the totals, and their rows
    are listed as the user moves towards them, not all at once."""
    groups = [
        PassageGroup(f"d{n}", f"Doc {n}", 1, (Passage(0, "a", "b", "c"),)) for n in range(400)
    ]

    def run(_query: str) -> Iterator[SearchPage]:
        yield SearchPage(groups[:2], "2 matches in 2 documents so far…", done=False)
        yield SearchPage(groups[2:], "400 matches in 400 documents", done=True)

    app = build(sample_corpus, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.push_screen(SearchScreen(run, "x"))
        await settle(app, pilot)
        passages = app.screen.query_one(PassageList)
        assert app.screen.query_one("#passages").border_subtitle == "400 matches in 400 documents"
        listed = passages.option_count
        assert 4 < listed < 2 * len(groups)  # a screenful and some rows ahead
        passages.focus()
        await pilot.press("end")
        await pilot.pause()
        assert passages.option_count > listed
        assert passages.target(f"doc-{len(groups) - 1}") is None  # still more to come


async def test_notebook_lists_and_filters_every_annotation(
    sample_corpus: Path, tmp_path: Path
) -> None:
    app = build(sample_corpus, tmp_path)
    for doc_id, needle, colour, tags in (
        (DOC_000, "安全护栏", Colour.RED, ["safety"]),
        (DOC_002, "偶然聚集", Colour.BLUE, ["team"]),
    ):
        source = (sample_corpus / doc_id).read_text(encoding="utf-8")
        start = source.index(needle)
        app.session.store.add(
            Annotation.from_source(
                doc_id, source, start, start + len(needle), colour=colour, tags=tags
            )
        )
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, NotebookScreen)
        assert "2 of 2" in screen_text(app)
        await pilot.press("slash", *"#team")
        await pilot.pause()
        assert "1 of 2" in screen_text(app)
        await pilot.press("enter", "enter")
        await settle(app, pilot)
        assert app.pane.doc is not None and app.pane.doc.id == DOC_002
        offset = app.query_one(Reader).cursor_source
        assert app.pane.doc.source[offset : offset + 4] == "偶然聚集"


async def test_default_script_from_the_palette_converts_list_titles(
    sample_corpus: Path, tmp_path: Path
) -> None:
    app = build(sample_corpus, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"default script simplified")
        await wait_for_palette_choice(app, pilot, "Default script: Simplified")
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.session.settings.default_script == "simplified"
        row = app.doc_list.row(DOC_002)
        assert row is not None and row.shown_title.startswith("一群AI科学家不想创业")
        await open_doc(app, pilot, DOC_004)
        assert app.pane.variant == Variant.SIMPLIFIED
    saved = (tmp_path / "config" / "settings.toml").read_text(encoding="utf-8")
    assert 'default_script = "simplified"' in saved
