"""The review queue driven by keys: a document edited on disk between two runs, then
``R``, next candidate, accept, delete, undo, and placing an annotation by hand."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers import (
    DOC_000,
    SIZE,
    build,
    open_doc,
    screen_text,
    settle,
    wait_for,
    wait_for_palette_choice,
)
from textual.pilot import Pilot

from kbtui.annotations.model import AnchorState, Annotation, Kind
from kbtui.annotations.review import Passage, differences
from kbtui.annotations.store import Store
from kbtui.documents.corpus import Corpus
from kbtui.documents.model import source_hash
from kbtui.ui.app import KbtuiApp
from kbtui.ui.reader import Reader
from kbtui.ui.screens.review import STYLES, ReviewScreen, passage_text
from kbtui.ui.sidebar import Sidebar

EDITED = "他们意识到，AI的巨大潜力需要坚实的安全护栏作为支撑"
EDIT = "他们认识到，人工智能的巨大潜力需要牢固的护栏支撑"
COPY = f"\n\n附记：{EDITED}。\n"
"""The old quote, put back elsewhere by the edit: the second candidate."""
REMOVED = "这种安全优先的理念，需要一个完全契合的组织架构来承载"


@pytest.fixture
def corpus(sample_corpus: Path, tmp_path: Path) -> Path:
    """A copy of the sample corpus whose first document has two highlights."""
    root = tmp_path / "corpus"
    shutil.copytree(sample_corpus, root)
    source = Corpus(root).load(DOC_000).source
    with Store.open(tmp_path / "db.json") as store:
        for quote, note in ((EDITED, "keep me"), (REMOVED, "")):
            start = source.index(quote)
            store.add(
                Annotation.from_source(
                    DOC_000,
                    source,
                    start,
                    start + len(quote),
                    note=note,
                    text_hash=source_hash(source),
                )
            )
    return root


def edit_on_disk(root: Path) -> str:
    """Rewrite one highlighted passage, remove the other, and copy the first's old text to
    the end; the document's new source."""
    path = root / DOC_000
    text = path.read_text(encoding="utf-8").replace(EDITED, EDIT).replace(REMOVED, "")
    path.write_text(text + COPY, encoding="utf-8")
    return Corpus(root).load(DOC_000).source


def stored(tmp_path: Path) -> dict[str, Annotation]:
    with Store.open(tmp_path / "db.json") as store:
        return {a.note or a.quote: a for a in store.annotations_for(DOC_000)}


async def open_review(app: KbtuiApp, pilot: Pilot[object]) -> ReviewScreen:
    await settle(app, pilot)
    await pilot.press("R")
    await wait_for(pilot, lambda: isinstance(app.screen, ReviewScreen), "the review screen")
    screen = app.screen
    assert isinstance(screen, ReviewScreen)
    return screen


async def first_run(corpus: Path, tmp_path: Path) -> None:
    """Read the document once (it is then the one reopened at start), with nothing to review."""
    app = build(corpus, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_doc(app, pilot, DOC_000)
        assert app.review_queue.refresh() == []
        assert not app.query_one(Sidebar).query_one("#review-count").display
        await pilot.press("q")


async def test_next_candidate_accept_delete_undo_by_keys(corpus: Path, tmp_path: Path) -> None:
    await first_run(corpus, tmp_path)
    source = edit_on_disk(corpus)
    app = build(corpus, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_review(app, pilot)
        line = app.query_one(Sidebar).query_one("#review-count")
        assert line.display and "2 to review (R)" in str(line.render())
        assert [i.before.quote for i in screen.queue.items()] == [EDITED, REMOVED]
        assert screen.candidate is not None and screen.candidate.passage.text == EDIT
        assert "As annotated" in screen_text(app) and "candidate 1 of 2" in screen_text(app)
        await pilot.press("n")  # the old text, copied at the end: exact, weak context
        assert screen.candidate.passage.text == EDITED and screen.shown == 1
        copy_at = source.rindex(EDITED)
        await pilot.press("a")
        await wait_for(pilot, lambda: screen.queue.count() == 1, "the accepted one to leave")
        assert screen.item is not None and screen.item.before.quote == REMOVED
        assert screen.candidate is None  # its text is gone
        await pilot.press("d")
        await wait_for(pilot, lambda: screen.queue.count() == 0, "the deleted one to leave")
        await pilot.press("u")
        await wait_for(pilot, lambda: screen.queue.count() == 1, "the undone delete")
        await pilot.press("d", "escape")
        await settle(app, pilot)
        assert not line.display
        await pilot.press("q")
    saved = stored(tmp_path)
    assert list(saved) == ["keep me"]  # the orphan is deleted, for good
    kept = saved["keep me"]
    assert (kept.start, kept.end, kept.quote) == (copy_at, copy_at + len(EDITED), EDITED)
    assert (kept.anchor, kept.score, kept.text_hash) == (
        AnchorState.EXACT,
        1.0,
        source_hash(source),
    )


async def test_placing_by_hand_keeps_the_annotation(corpus: Path, tmp_path: Path) -> None:
    await first_run(corpus, tmp_path)
    source = edit_on_disk(corpus)
    app = build(corpus, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_review(app, pilot)
        [moved_id] = [i.annotation.id for i in screen.queue.items() if i.before.quote == EDITED]
        await pilot.press("s")  # to the reader, the candidate (the edited passage) selected
        await wait_for(pilot, lambda: not isinstance(app.screen, ReviewScreen), "the reader")
        reader = app.query_one(Reader)
        start = source.index(EDIT)
        await wait_for(
            pilot,
            lambda: reader.selection_source == (start, start + len(EDIT)),
            "the candidate to be selected",
        )
        assert app.focused is reader and app.placing is not None
        await pilot.press("shift+left", "shift+left")  # the cursor is the selection's start
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.placing is None
        await pilot.press("q")
    placed = stored(tmp_path)["keep me"]
    assert placed.id == moved_id
    assert (placed.start, placed.end) == (start - 2, start + len(EDIT))
    assert placed.quote == source[start - 2 : start + len(EDIT)]
    assert (placed.anchor, placed.score) == (AnchorState.EXACT, 1.0)


async def test_escape_gives_up_placing(corpus: Path, tmp_path: Path) -> None:
    await first_run(corpus, tmp_path)
    edit_on_disk(corpus)
    app = build(corpus, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_review(app, pilot)
        await pilot.press("s")
        await wait_for(
            pilot, lambda: app.placing is not None and app.focused is not None, "placing"
        )
        await wait_for(pilot, lambda: app.query_one(Reader).selection_source, "a selection")
        await pilot.press("escape")
        await pilot.pause()
        assert app.placing is None and app.query_one(Reader).selection_source is None
        assert app.review_queue.count() == 2
        await pilot.press("q")
    assert stored(tmp_path)["keep me"].anchor == AnchorState.MOVED


async def test_the_palette_opens_the_queue(corpus: Path, tmp_path: Path) -> None:
    edit_on_disk(corpus)
    app = build(corpus, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p", *"review moved")
        await wait_for_palette_choice(app, pilot, "Review moved annotations")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ReviewScreen), "the review screen")
        assert app.screen.queue.count() == 2
        await pilot.press("escape", "q")


def test_differences_are_marked_and_text_is_literal() -> None:
    old, new = differences("[b]粗[/b]旧", "[b]粗[/b]新")
    shown = passage_text(Passage("前\x1b[31m", "[b]粗[/b]新", "后"), new)
    assert shown.plain.startswith("前") and "\x1b" not in shown.plain
    assert "[b]粗[/b]新" in shown.plain  # never read as markup
    styles = {shown.plain[s.start : s.end]: str(s.style) for s in shown.spans}
    assert styles["新"] == STYLES["new"] and styles["后"] == "dim"
    assert ("gone", "旧") in old


async def test_hostile_text_is_shown_as_it_is(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    root.mkdir()
    quote = "[bold red]不是标记[/bold red]，也不是\x1b[2J转义序列的一段文字"
    text = f"# 标题\n\n前面的文字，前面的文字。{quote}。后面的文字，后面的文字。\n"
    (root / "doc.md").write_text(text, encoding="utf-8")
    source = Corpus(root).load("doc.md").source
    start = source.index("[bold")
    end = source.index("的一段文字") + len("的一段文字")
    with Store.open(tmp_path / "db.json") as store:
        a = Annotation.from_source("doc.md", source, start, end, text_hash=source_hash(source))
        store.add(a)
    edited = text.replace("不是标记", "并非标记").replace(
        "前面的文字，前面的文字。", "另外一些话。"
    )
    (root / "doc.md").write_text(edited, encoding="utf-8")
    app = build(root, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_review(app, pilot)
        assert screen.queue.count() == 1
        shown = screen_text(app)
        assert "[bold red]" in shown and "并非标记" in shown and "不是标记" in shown
        assert "\x1b" not in shown
        await pilot.press("R")  # already open: nothing new is stacked
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("escape", "q")


async def test_a_bookmark_is_placed_at_the_cursor(corpus: Path, tmp_path: Path) -> None:
    source = Corpus(corpus).load(DOC_000).source
    at = source.index(REMOVED) + 4  # inside the passage the edit removes
    with Store.open(tmp_path / "db.json") as store:
        for a in store.annotations_for(DOC_000):
            store.delete(a.id)
        mark = Annotation.from_source(
            DOC_000, source, at, at, kind=Kind.BOOKMARK, text_hash=source_hash(source)
        )
        store.add(mark)
    new_source = edit_on_disk(corpus)
    app = build(corpus, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_review(app, pilot)
        [item] = screen.queue.items()
        assert item.annotation.anchor == AnchorState.ORPHAN
        await pilot.press("s")
        await wait_for(pilot, lambda: app.placing is not None and app.pane.view, "the reader")
        await wait_for(pilot, lambda: isinstance(app.focused, Reader), "the reader's focus")
        reader = app.query_one(Reader)
        reader.move_to_source(new_source.index(EDIT))
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.placing is None and app.review_queue.count() == 0
        await pilot.press("q")
    [placed] = stored(tmp_path).values()
    assert placed.id == mark.id and placed.kind == Kind.BOOKMARK
    assert placed.start == placed.end == new_source.index(EDIT)
    assert (placed.anchor, placed.score) == (AnchorState.EXACT, 1.0)
