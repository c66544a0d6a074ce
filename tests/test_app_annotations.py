"""Annotating by keys: highlight, colour, note, tag, delete, undo, bookmarks, in any script."""

from __future__ import annotations

from pathlib import Path

from helpers import DOC_000, SIZE, build, open_doc, settle

from kbtui.annotations.model import Colour, Kind
from kbtui.annotations.store import Store
from kbtui.scripts.views import Variant
from kbtui.ui.reader import Reader
from kbtui.ui.sidebar import Sidebar


def stored(tmp_path: Path, doc_id: str = DOC_000) -> list:
    store = Store.open(tmp_path / "db.json")
    try:
        return store.annotations_for(doc_id)
    finally:
        store.close()


async def test_highlight_in_traditional_view_stores_simplified_quote(
    sample_corpus: Path, tmp_path: Path
) -> None:
    source = (sample_corpus / DOC_000).read_text(encoding="utf-8")
    target = source.index("诞生与安全愿景\n") - len("Anthropic的")
    app = build(sample_corpus, tmp_path, open_target=f"{DOC_000}#{target}")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("s")  # Simplified document: s goes straight to Traditional
        await settle(app, pilot)
        assert app.pane.variant == Variant.TRADITIONAL
        reader = app.query_one(Reader)
        assert "誕生" in app.pane.view.text
        assert reader.cursor_source == target
        await pilot.press("v", *["right"] * 11, "h")
        await pilot.pause()
        await pilot.press("q")
    [annotation] = stored(tmp_path)
    assert annotation.quote == "Anthropic的诞生"
    assert (annotation.start, annotation.end) == (target, target + 12)
    assert annotation.colour == Colour.YELLOW


async def test_colour_note_tag_delete_undo(sample_corpus: Path, tmp_path: Path) -> None:
    app = build(sample_corpus, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_doc(app, pilot, DOC_000)
        await pilot.press("v", "right", "right", "right", "3")  # colour 3: blue
        await pilot.pause()
        [a] = stored_live = app.pane.annotations
        assert a.colour == Colour.BLUE
        await pilot.press("left", "c")  # onto the highlight, cycle colour
        await pilot.pause()
        assert app.pane.annotations[0].colour == Colour.RED
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*"first", "enter", *"second", "ctrl+s")
        await pilot.pause()
        assert app.pane.annotations[0].note == "first\nsecond"
        await pilot.press("t")
        await pilot.pause()
        await pilot.press(*"safety, 人物", "enter")
        await pilot.pause()
        assert app.pane.annotations[0].tags == ["safety", "人物"]
        sidebar_text = str(app.query_one(Sidebar).query_one("#annotation-list").border_title)
        assert "1" in sidebar_text
        await pilot.press("d")
        await pilot.pause()
        assert app.pane.annotations == []
        await pilot.press("u")
        await pilot.pause()
        assert [x.note for x in app.pane.annotations] == ["first\nsecond"]
        assert stored_live[0].id == app.pane.annotations[0].id
        await pilot.press("q")
    [saved] = stored(tmp_path)
    assert saved.tags == ["safety", "人物"] and saved.colour == Colour.RED


async def test_note_on_bare_selection_creates_highlight_and_escape_cancels(
    sample_corpus: Path, tmp_path: Path
) -> None:
    app = build(sample_corpus, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_doc(app, pilot, DOC_000)
        await pilot.press("v", "right", "right", "a")
        await pilot.pause()
        await pilot.press(*"cancelled", "escape")
        await pilot.pause()
        assert app.pane.annotations == []
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*"kept", "ctrl+s")
        await pilot.pause()
        assert [a.note for a in app.pane.annotations] == ["kept"]


async def test_document_tags_bookmarks_and_annotation_jumps(
    sample_corpus: Path, tmp_path: Path
) -> None:
    app = build(sample_corpus, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_doc(app, pilot, DOC_000)
        reader = app.query_one(Reader)
        await pilot.press("t")  # no annotation at the cursor: tags the document
        await pilot.pause()
        await pilot.press(*"to-read", "enter")
        await pilot.pause()
        assert list(app.session.store.doc_state(DOC_000).tags) == ["to-read"]
        assert app.doc_list.row(DOC_000).doc_tags == ["to-read"]
        await pilot.press("B")
        await pilot.pause()
        [bookmark] = app.pane.annotations
        assert bookmark.kind == Kind.BOOKMARK and bookmark.start == reader.cursor_source
        await pilot.press("pagedown", "v", "right", "h", "g")
        await pilot.pause()
        await pilot.press("right_square_bracket")
        await pilot.pause()
        highlight = next(a for a in app.pane.annotations if a.kind == Kind.HIGHLIGHT)
        assert reader.cursor_source == highlight.start
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert reader.cursor_source == bookmark.start
        await pilot.press("alt+left")
        await pilot.pause()
        assert reader.cursor_source == highlight.start


async def test_tags_complete_from_tags_in_use(sample_corpus: Path, tmp_path: Path) -> None:
    app = build(sample_corpus, tmp_path)
    app.session.store.set_doc_tags("001_a7702332fec17ca5.txt", ["founders", "safety"])
    async with app.run_test(size=SIZE) as pilot:
        await open_doc(app, pilot, DOC_000)
        await pilot.press("v", "right", "h", "left", "t")
        await pilot.pause()
        await pilot.press(*"saf")
        await pilot.pause()
        await pilot.press("right", *", fo")
        await pilot.pause()
        await pilot.press("right", "enter")
        await pilot.pause()
        assert app.pane.annotations[0].tags == ["safety", "founders"]


async def test_underline_style_toggles(sample_corpus: Path, tmp_path: Path) -> None:
    app = build(sample_corpus, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_doc(app, pilot, DOC_000)
        await pilot.press("v", "right", "right", "h", "left", "U")
        await pilot.pause()
        assert app.pane.annotations[0].kind == Kind.UNDERLINE
        await pilot.press("U")
        await pilot.pause()
        assert app.pane.annotations[0].kind == Kind.HIGHLIGHT
