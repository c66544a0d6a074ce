"""Annotations that know their entities, in the app (issue 14): the sidebar's line of
names, the notebook's ``e:`` filter, "your highlights about X" in the mentions panel,
and the export dialog's entity choice, each driven by keys."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import DOC_000, DOC_003, SIZE, build, open_doc, settle
from test_app_export import annotate, type_path
from textual.widgets import DataTable, OptionList

from kbtui.annotations.model import Annotation
from kbtui.annotations.store import Store
from kbtui.session.annotation_entities import highlights_about, spellings
from kbtui.ui.app import KbtuiApp
from kbtui.ui.messages import ShowEntity
from kbtui.ui.reader import Reader
from kbtui.ui.screens.export import ExportScreen
from kbtui.ui.screens.notebook import NotebookFilter, NotebookScreen
from kbtui.ui.screens.passages import PassageList, PassagesScreen
from kbtui.ui.sidebar import Sidebar

DARIO = "达里奥·阿莫代伊"  # 000 names Dario in full here
FOUNDERS = "七位联合创始人"  # and no entity here
ANTHROPIC = "Anthropic"


def prepare(corpus: Path, db: Path) -> None:
    """Three annotations: about Dario by its quote, about Jensen Huang by its note, about nobody."""
    annotate(corpus, db, DOC_000, DARIO)
    annotate(corpus, db, DOC_000, FOUNDERS, note="cf. 黃仁勛")
    annotate(corpus, db, DOC_003, ANTHROPIC)


def prompt_text(app: KbtuiApp) -> list[str]:
    """The sidebar's entries as plain text, one string per entry (its lines joined)."""
    options = app.query_one(Sidebar).query_one("#annotation-list", OptionList)
    texts = []
    for option in options.options:
        renderables = getattr(option.prompt, "renderables", [option.prompt])
        texts.append("\n".join(str(getattr(r, "plain", r)) for r in renderables))
    return texts


async def test_the_sidebar_names_each_annotations_entities(
    sample_corpus: Path, tmp_path: Path
) -> None:
    prepare(sample_corpus, tmp_path / "db.json")
    app = build(sample_corpus, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_doc(app, pilot, DOC_000)
        await settle(app, pilot)
        entries = prompt_text(app)
        dario = next(e for e in entries if e.startswith(f"▌ {DARIO}"))
        assert dario.splitlines()[-1] == "Dario Amodei"
        founders = next(e for e in entries if FOUNDERS in e)
        assert founders.splitlines()[-1] == "Jensen Huang"


def visible_quotes(app: KbtuiApp) -> list[str]:
    assert isinstance(app.screen, NotebookScreen)
    table = app.screen.query_one(DataTable)
    return [str(table.get_row_at(row)[2]) for row in range(table.row_count)]


async def test_e_filters_the_notebook_by_entity(sample_corpus: Path, tmp_path: Path) -> None:
    prepare(sample_corpus, tmp_path / "db.json")
    app = build(sample_corpus, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.session.mention_index is not None
        await pilot.press("ctrl+n", "slash", *"e:dario")
        await pilot.pause()
        assert visible_quotes(app) == [DARIO]
        for query in ("e:達里", "e:jensen", "e:anthropic", "e:nobody"):
            await pilot.press("ctrl+u", *query)
            await pilot.pause()
            expected = {"e:達里": [DARIO], "e:jensen": [FOUNDERS], "e:anthropic": [ANTHROPIC]}
            assert visible_quotes(app) == expected.get(query, []), query
        await pilot.press("ctrl+u", "escape")


def test_e_matches_a_spelling_or_a_word_of_one_from_its_beginning(
    sample_corpus: Path, tmp_path: Path
) -> None:
    dario = Annotation("d", 0, 1, "x")
    app = build(sample_corpus, tmp_path)
    index = app.session.index_mentions([]).index
    entity = index.registry.lookup("Dario Amodei")
    assert entity is not None
    names = spellings([entity])
    for text, ok in [("e:dar", True), ("e:amod", True), ("e:達里奧", True), ("e:rio", False)]:
        assert NotebookFilter.parse(text).accepts(dario, "", (), names) is ok, text
    assert NotebookFilter.parse("e:dar").accepts(dario, "") is False


async def test_the_mentions_panel_lists_your_highlights_first(
    sample_corpus: Path, tmp_path: Path
) -> None:
    prepare(sample_corpus, tmp_path / "db.json")
    app = build(sample_corpus, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_doc(app, pilot, DOC_003)
        app.post_message(ShowEntity("dario amodei"))
        await settle(app, pilot)
        assert isinstance(app.screen, PassagesScreen)
        passages = app.screen.query_one(PassageList)
        ids = [option.id for option in passages.options]
        assert ids[:2] == ["highlights", "h-0"] and "h-1" not in ids
        heading = str(passages.get_option_at_index(0).prompt)
        assert heading.startswith("Your highlights about Dario Amodei")
        await pilot.press("down", "enter")
        await settle(app, pilot)
        start = (sample_corpus / DOC_000).read_text("utf-8").index(DARIO)
        assert app.pane.doc is not None and app.pane.doc.id == DOC_000
        assert app.query_one(Reader).cursor_source == start


def test_highlights_about_an_entity_come_in_corpus_order(
    sample_corpus: Path, tmp_path: Path
) -> None:
    prepare(sample_corpus, tmp_path / "db.json")
    app = build(sample_corpus, tmp_path)
    index = app.session.index_mentions([]).index
    with Store.open(tmp_path / "db.json") as store:
        annotations = store.all_annotations()
    found = highlights_about(index, reversed(annotations), "anthropic", lambda d: f"T{d[:3]}")
    assert [(h.doc_id, h.quote, h.title) for h in found.items] == [(DOC_003, ANTHROPIC, "T003")]


async def test_the_export_dialog_exports_the_annotations_about_an_entity(
    sample_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    prepare(sample_corpus, tmp_path / "db.json")
    monkeypatch.chdir(tmp_path)
    app = build(sample_corpus, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_doc(app, pilot, DOC_000)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ExportScreen)
        await pilot.press("down", "down")  # this document, all, (no tags yet), about
        assert not app.screen.query_one("#export-entity").disabled
        await pilot.press("tab", "enter")
        await pilot.pause()
        await pilot.press("down", "enter")  # once each, by name: Anthropic, Dario Amodei, …
        await pilot.pause()
        await type_path(pilot, "dario.md")
        await pilot.press("enter")
        await settle(app, pilot)
        text = (tmp_path / "dario.md").read_text("utf-8")
    assert 'scope: "entity Dario Amodei"' in text
    assert f"> {DARIO}" in text and FOUNDERS not in text and "> Anthropic" not in text
