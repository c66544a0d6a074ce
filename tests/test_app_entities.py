"""Entities in the app, driven by keys: mentions panel (m), entity browser (M),
making a selection an entity (E), the list's entity filter, the palette."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from helpers import (
    ALL_DOCS,
    DOC_000,
    DOC_001,
    DOC_004,
    SIZE,
    build,
    screen_text,
    settle,
    wait_for_palette_choice,
)
from rich.style import Style

from kbtui.annotations.store import Store
from kbtui.documents.model import Document
from kbtui.entities.mentions import MentionIndex
from kbtui.session.knowledge import build_index, build_registry, doc_stamps, text_loader
from kbtui.session.opening import open_corpus
from kbtui.ui.app import KbtuiApp
from kbtui.ui.reader import Reader
from kbtui.ui.reader.painting import INFERRED, RowPainter
from kbtui.ui.screens.dialogs import PickerScreen
from kbtui.ui.screens.entities import EntityBrowserScreen
from kbtui.ui.screens.passages import PassageList, PassagesScreen, Target
from kbtui.view.layout import TextLayout
from kbtui.view.textview import TextView


def offset_of(corpus: Path, doc_id: str, needle: str) -> int:
    return (corpus / doc_id).read_text(encoding="utf-8").index(needle)


def targets(app: KbtuiApp) -> list[Target]:
    """Every passage the passages screen lists (headings lead to their first passage)."""
    assert isinstance(app.screen, PassagesScreen)
    passages = app.screen.query_one(PassageList)
    found = [passages.target(option.id) for option in passages.options]
    return [
        t for option, t in zip(passages.options, found, strict=True) if t and option.id[0] == "p"
    ]


def user_entities(tmp_path: Path) -> list[dict[str, object]]:
    store = Store.open(tmp_path / "db.json")
    try:
        return store.list_user_entities()
    finally:
        store.close()


async def test_m_at_a_mention_lists_every_other_passage_and_jumps(
    sample_corpus: Path, tmp_path: Path
) -> None:
    start = offset_of(sample_corpus, DOC_001, "达里奥·阿莫代伊")
    app = build(sample_corpus, tmp_path, open_target=f"{DOC_001}#{start + 2}")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        index = app.session.mention_index
        assert index is not None
        assert app.query_one(Reader).cursor_source == start + 2
        await pilot.press("m")
        await settle(app, pilot)
        listed = targets(app)
        assert {doc_id for doc_id, _ in listed} == ALL_DOCS
        assert (DOC_001, start) not in listed  # the mention the user stands on
        named = sum(n for _, n in index.documents_for("dario amodei")) - 1
        # a sentence naming Dario twice is listed once (004: "Amodei、Clark、Amodei的妹妹…")
        assert named - 2 <= len(listed) < named
        first = listed[0]
        assert first[0] == DOC_000
        await pilot.press("down", "enter")
        await settle(app, pilot)
        assert not isinstance(app.screen, PassagesScreen)
        assert app.pane.doc is not None and app.pane.doc.id == DOC_000
        assert app.query_one(Reader).cursor_source == first[1]
        await pilot.press("alt+left")
        await settle(app, pilot)
        assert app.pane.doc.id == DOC_001


async def test_m_off_a_mention_picks_among_the_documents_entities(
    sample_corpus: Path, tmp_path: Path
) -> None:
    app = build(sample_corpus, tmp_path, open_target=f"{DOC_001}#0")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
        await pilot.press(*"dario", "enter")
        await settle(app, pilot)
        assert {doc_id for doc_id, _ in targets(app)} == ALL_DOCS
        await pilot.press("escape")
        assert not isinstance(app.screen, PassagesScreen)


async def test_passages_follow_the_readers_script(sample_corpus: Path, tmp_path: Path) -> None:
    start = offset_of(sample_corpus, DOC_001, "达里奥·阿莫代伊")
    app = build(sample_corpus, tmp_path, open_target=f"{DOC_001}#{start}")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("s")  # Simplified document: to Traditional
        await settle(app, pilot)
        await pilot.press("m")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, PassagesScreen)
        lines = [str(option.prompt.plain) for option in screen.query_one(PassageList).options]
        assert any("達里奧" in line for line in lines)
        assert not any("达里奥" in line for line in lines)


async def test_browser_filters_in_any_script_and_filters_the_document_list(
    sample_corpus: Path, tmp_path: Path
) -> None:
    app = build(sample_corpus, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("M")
        await pilot.pause()
        browser = app.screen
        assert isinstance(browser, EntityBrowserScreen)
        assert browser.current is not None and browser.current.name == "Anthropic"
        await pilot.press("down", "down", *"google")
        await pilot.pause()
        assert browser.current is not None and browser.current.name == "Google"
        await pilot.press("home", "ctrl+k", *"黃仁勛")  # Traditional spelling of 黄仁勋
        await pilot.pause()
        assert browser.current is not None and browser.current.name == "Jensen Huang"
        await pilot.press("enter")
        await settle(app, pilot)
        assert {doc_id for doc_id, _ in targets(app)} == {DOC_004}
        await pilot.press("escape")
        assert app.screen is browser
        await pilot.press("tab", "f")
        await pilot.pause()
        assert not isinstance(app.screen, EntityBrowserScreen)
        assert [row.id for row in app.doc_list.rows()] != []
        assert app.doc_list.table.option_count == 1
        assert app.doc_list.current_id == DOC_004
        assert "Jensen Huang" in str(app.doc_list.border_title)
        assert app.focused is app.doc_list.table
        await pilot.press("escape")
        await pilot.pause()
        assert app.doc_list.entity_filter is None
        assert app.doc_list.table.option_count == 5


async def test_passage_from_the_browser_closes_it(sample_corpus: Path, tmp_path: Path) -> None:
    app = build(sample_corpus, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("M", *"windsurf", "enter")
        await settle(app, pilot)
        [(doc_id, offset)] = targets(app)
        await pilot.press("down", "enter")
        await settle(app, pilot)
        assert not isinstance(app.screen, EntityBrowserScreen | PassagesScreen)
        assert app.pane.doc is not None and app.pane.doc.id == doc_id
        assert app.query_one(Reader).cursor_source == offset


async def test_E_makes_the_selection_a_new_entity(sample_corpus: Path, tmp_path: Path) -> None:
    start = offset_of(sample_corpus, DOC_001, "Hertz Fellow")
    app = build(sample_corpus, tmp_path, open_target=f"{DOC_001}#{start}")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.session.mention_index is not None
        assert app.session.mention_index.mention_at(DOC_001, start) is None
        await pilot.press("v", *["right"] * 12, "E")  # the twelve letters of the name
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
        await pilot.press(*"organ", "enter")
        await settle(app, pilot)
        index = app.session.mention_index
        entity = index.registry.lookup("hertz fellow")
        assert entity is not None and entity.name == "Hertz Fellow"
        assert str(entity.kind) == "organisation"
        mention = index.mention_at(DOC_001, start)
        assert mention is not None and (mention.start, mention.end) == (start, start + 12)
        assert index.documents_for(entity.id) == [(DOC_001, 1)]
        assert app.query_one(Reader).selection is None
        await pilot.press("q")
    assert user_entities(tmp_path) == [
        {"name": "Hertz Fellow", "kind": "organisation", "aliases": []}
    ]


async def test_E_makes_the_selection_an_alias(sample_corpus: Path, tmp_path: Path) -> None:
    start = offset_of(sample_corpus, DOC_001, "Hertz Fellow")
    app = build(sample_corpus, tmp_path, open_target=f"{DOC_001}#{start}")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("v", *["right"] * 12, "E", *"al", "enter")  # "Alias of an existing…"
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
        await pilot.press(*"olah", "enter")
        await settle(app, pilot)
        entity = app.session.mention_index.registry.lookup("hertz fellow")
        assert entity is not None and entity.name == "Chris Olah"
    [record] = user_entities(tmp_path)
    assert record["name"] == "Chris Olah"
    assert "Hertz Fellow" in record["aliases"]  # type: ignore[operator]


async def test_E_on_a_known_name_says_whose_it_is(sample_corpus: Path, tmp_path: Path) -> None:
    start = offset_of(sample_corpus, DOC_001, "达里奥·阿莫代伊")
    app = build(sample_corpus, tmp_path, open_target=f"{DOC_001}#{start}")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("v", *["right"] * 2, "E")
        await pilot.pause()
        assert not isinstance(app.screen, PickerScreen)
    assert user_entities(tmp_path) == []


async def test_rename_and_merge_from_the_browser(sample_corpus: Path, tmp_path: Path) -> None:
    app = build(sample_corpus, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("M", *"jen", "tab", "r")
        await pilot.pause()
        await pilot.press("home", "ctrl+k", *"黄仁勋", "enter")  # an alias becomes the name
        await settle(app, pilot)
        registry = app.session.mention_index.registry
        renamed = registry.lookup("Jensen Huang")
        assert renamed is not None and renamed.name == "黄仁勋"
        browser = app.screen
        assert isinstance(browser, EntityBrowserScreen)
        assert browser.current is None or browser.current.name != "Jensen Huang"

        fingerprint = app.session.mention_index.matcher.fingerprint
        await pilot.press("slash", "home", "ctrl+k", *"brain", "tab", "m")
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
        await pilot.press(*"goo", "enter")  # "Google" sorts first
        await pilot.pause()
        await pilot.press("enter")  # confirm
        await settle(app, pilot)
        index = app.session.mention_index
        merged = index.registry.lookup("谷歌大脑")
        assert merged is not None and merged.name == "Google"
        assert index.matcher.fingerprint == fingerprint  # rekeyed, not matched again
    records = user_entities(tmp_path)
    assert [r["name"] for r in records] == ["黄仁勋", "Google"]


async def test_palette_opens_an_entitys_passages(sample_corpus: Path, tmp_path: Path) -> None:
    app = build(sample_corpus, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p", *"達里奧")
        await wait_for_palette_choice(app, pilot, "Entity: Dario Amodei")
        await pilot.press("enter")
        await settle(app, pilot)
        assert {doc_id for doc_id, _ in targets(app)} == ALL_DOCS


def test_second_start_reads_the_index_from_its_cache(sample_corpus: Path, tmp_path: Path) -> None:
    corpus, entities_file = open_corpus(sample_corpus)
    registry = build_registry(entities_file, corpus.scan(), [])
    first = build_index(corpus, registry)
    loads: list[str] = []
    again, _ = open_corpus(sample_corpus)
    original = again.load
    again.load = lambda doc_id: loads.append(doc_id) or original(doc_id)  # type: ignore[method-assign]
    second = build_index(again, build_registry(entities_file, again.scan(), []))
    assert loads == []
    assert second.mentions_in(DOC_001) == first.mentions_in(DOC_001)


def test_the_index_reads_bodies_as_corpus_load_does(sample_corpus: Path, tmp_path: Path) -> None:
    corpus, entities_file = open_corpus(sample_corpus)
    entries = corpus.scan()
    registry = build_registry(entities_file, entries, [])
    fast = build_index(corpus, registry, cache=False)
    full = MentionIndex.build(registry, doc_stamps(entries), corpus.load)
    for entry in entries:
        assert fast.mentions_in(entry.id) == full.mentions_in(entry.id)
    load = text_loader(corpus)
    doc = load(DOC_000)
    assert isinstance(doc, Document) and doc.body_start > 0
    copy = tmp_path / "copy"
    copy.mkdir()
    (copy / "a.md").write_text("---\ntitle: Claude\n---\nClaude\n", encoding="utf-8")
    changed, _ = open_corpus(copy)
    changed.scan()
    (copy / "a.md").write_text("---\ntitle: Claude\nx: 1\n---\nClaude\n", encoding="utf-8")
    grown = text_loader(changed)("a.md")
    assert isinstance(grown, Document) and grown.source[grown.body_start :] == "Claude\n"


async def test_features_wait_for_the_index(sample_corpus: Path, tmp_path: Path) -> None:
    app = build(sample_corpus, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.session.mention_index = None
        said: list[str] = []
        app.notify = lambda message, **_: said.append(message)  # type: ignore[method-assign]
        await pilot.press("M")
        await pilot.pause()
        assert not isinstance(app.screen, EntityBrowserScreen)
        assert said == ["Entities are still being indexed…"]


async def test_hostile_entity_names_are_shown_literally(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    source = (
        "---\ntitle: t\npeople: ['[@click=app.quit]Evil', '[bold]Bo[/]']\n---\n"
        "[@click=app.quit]Evil met [bold]Bo[/] and [bold]Bo[/] again.\n"
    )
    (corpus / "a.md").write_text(source, encoding="utf-8")
    at = source.index("[bold]Bo[/] and")
    app = build(corpus, tmp_path, open_target=f"a.md#{at}")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.session.mention_index is not None
        await pilot.press("m")  # on the first [bold]Bo[/]
        await settle(app, pilot)
        assert app.is_running
        assert [t for t in targets(app) if t[0] == "a.md"]
        assert "[bold]Bo[/]" in screen_text(app)
        await pilot.press("escape", "M")
        await pilot.pause()
        assert "[@click=app.quit]Evil" in screen_text(app)
        await pilot.press("tab", "f")
        await pilot.pause()
        assert app.is_running


async def test_a_document_changed_since_the_scan_is_matched_again(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "entities.yaml").write_text("entities: [{name: Claude}]\n", encoding="utf-8")
    (corpus / "a.md").write_text("Claude here\n", encoding="utf-8")
    app = build(corpus, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.session.mention_index is not None
        assert app.session.mention_index.mention_at("a.md", 0) is not None
        (corpus / "a.md").write_text("Now: Claude here\n", encoding="utf-8")
        app.go_to("a.md", 5)
        await settle(app, pilot)
        mention = app.session.mention_index.mention_at("a.md", 5)
        assert mention is not None and (mention.start, mention.end) == (5, 11)


def corrections_kept(tmp_path: Path) -> list[dict[str, object]]:
    store = Store.open(tmp_path / "db.json")
    try:
        return store.coreference.records()
    finally:
        store.close()


def test_an_inferred_mention_is_painted_fainter() -> None:
    view = TextView.plain("Amodei和Dario")
    layout = TextLayout(view.text, width=20)
    styles = {"reader--mention": Style(underline=True)}
    painter = RowPainter(lambda name: styles.get(name, Style()), view, layout)
    painter.overlays.set_mentions([(7, 12)], inferred=[(0, 6)])
    assert painter.overlays.over(view.map, 0, 12) == [(7, 12, "reader--mention"), (0, 6, INFERRED)]
    seg, sub_row, line = layout.locate(0)
    painted = {s.text: s.style for s in painter.row(seg, sub_row, line, [], 20, Style())}
    assert painted["Amodei"] == Style(underline=True, dim=True)
    assert painted["Dario"] == Style(underline=True)


async def test_m_on_a_shared_name_says_who_it_is_and_remembers(
    sample_corpus: Path, tmp_path: Path
) -> None:
    text = (sample_corpus / DOC_004).read_text(encoding="utf-8")
    bare = text.index("Amodei看起來")  # a bare surname, inferred to be Dario
    later = text.index("Amodei表示")
    app = build(sample_corpus, tmp_path, open_target=f"{DOC_004}#{bare + 1}")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        index = app.session.mention_index
        assert index is not None
        mention = index.mention_at(DOC_004, bare)
        assert mention is not None and (mention.entity_id, mention.inferred) == (
            "dario amodei",
            True,
        )
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
        assert "Dario Amodei (inferred)" in screen_text(app)
        await pilot.press(*"This is Daniela", "enter")
        await settle(app, pilot)
        corrected = app.session.mention_index
        assert corrected is not None
        assert corrected.mention_at(DOC_004, bare) == replace(
            mention, entity_id="daniela amodei", inferred=False
        )
        assert corrected.mention_at(DOC_004, later).entity_id == "dario amodei"  # one only
        assert any("is now Daniela Amodei" in n.message for n in app._notifications)
    assert corrections_kept(tmp_path) == [
        {"doc": DOC_004, "shared": "Amodei", "name": "Daniela Amodei", "start": bare}
    ]
    app = build(sample_corpus, tmp_path, open_target=f"{DOC_004}#{later}")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        index = app.session.mention_index
        assert index is not None
        assert index.mention_at(DOC_004, bare).entity_id == "daniela amodei"  # after a restart
        await pilot.press("m")
        await pilot.pause()
        await pilot.press(*"here is Riccardo", "enter")  # every one of the document
        await settle(app, pilot)
        index = app.session.mention_index
        assert index is not None
        ids = {m.entity_id for m in index.mentions_in(DOC_004) if m.shared}
        assert ids == {"riccardo amodei"}  # the later, document-wide correction wins
    assert [record["start"] for record in corrections_kept(tmp_path)] == [bare, None]
