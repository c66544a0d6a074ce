"""The suggestions screen driven by keys: reached by s in the entity browser and by the
palette; n makes an entity, a an alias (the probable entity highlighted), i ignores for good."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import SIZE, build, screen_text, settle, wait_for, wait_for_palette_choice
from textual.pilot import Pilot

from kbtui.annotations.store import Store
from kbtui.session.suggestions import ignored_file
from kbtui.ui.app import KbtuiApp
from kbtui.ui.screens.dialogs import PickerScreen
from kbtui.ui.screens.entities import EntityBrowserScreen
from kbtui.ui.screens.suggestions import SuggestionList, SuggestionsScreen

TEXT = """---
title: A talk
people: [Dario Amodei]
---
Dario Amodei 与 Iconiq Capital 会谈。Iconiq Capital 投资了。
Jeff Dean 也来了，Jeff Dean 说。Dario 说，Dario 笑。
"""


def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    root.mkdir()
    (root / "a.md").write_text(TEXT, encoding="utf-8")
    return root


def user_entities(tmp_path: Path) -> list[dict[str, object]]:
    store = Store.open(tmp_path / "db.json")
    try:
        return store.list_user_entities()
    finally:
        store.close()


def screen(app: KbtuiApp) -> SuggestionsScreen:
    assert isinstance(app.screen, SuggestionsScreen)
    return app.screen


async def ready(app: KbtuiApp, pilot: Pilot[None]) -> SuggestionsScreen:
    """The suggestions screen once its list is found against the App's latest index."""
    await settle(app, pilot)
    await wait_for(
        pilot,
        lambda: isinstance(app.screen, SuggestionsScreen) and app.screen.up_to_date,
        "the suggestions",
        timeout=60,
    )
    return screen(app)


async def highlight(pilot: Pilot[None], shown: SuggestionsScreen, name: str) -> None:
    """Move the list's highlight to ``name`` by keys."""
    options = shown.query_one(SuggestionList)
    names = [s.name for s in shown.suggestions]
    while names[options.highlighted or 0] != name:
        await pilot.press("down")
    assert shown.current is not None and shown.current.name == name


async def test_keys_make_an_entity_an_alias_and_ignore_for_good(tmp_path: Path) -> None:
    root = corpus(tmp_path)
    app = build(root, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("M")
        await settle(app, pilot)
        assert isinstance(app.screen, EntityBrowserScreen)
        await pilot.press("tab", "s")
        shown = await ready(app, pilot)
        assert [s.name for s in shown.suggestions] == ["Dario", "Iconiq Capital", "Jeff Dean"]
        assert "alias of Dario Amodei?" in screen_text(app)

        await highlight(pilot, shown, "Iconiq Capital")
        await pilot.press("n")
        await settle(app, pilot)
        assert isinstance(app.screen, PickerScreen)
        await pilot.press("enter")  # the kind guessed is highlighted
        assert [s.name for s in screen(app).suggestions] == ["Dario", "Jeff Dean"]
        shown = await ready(app, pilot)  # found again against the new index: the same
        assert [s.name for s in shown.suggestions] == ["Dario", "Jeff Dean"]

        await highlight(pilot, shown, "Dario")
        await pilot.press("a")
        await settle(app, pilot)
        assert isinstance(app.screen, PickerScreen)
        await pilot.press("enter")  # the probable entity is highlighted
        shown = await ready(app, pilot)
        assert [s.name for s in shown.suggestions] == ["Jeff Dean"]

        await highlight(pilot, shown, "Jeff Dean")
        await pilot.press("i")
        assert (await ready(app, pilot)).suggestions == []

    assert user_entities(tmp_path) == [
        {"name": "Iconiq Capital", "kind": "organisation", "aliases": []},
        {"name": "Dario Amodei", "kind": "person", "aliases": ["Dario"]},
    ]
    stored = json.loads(ignored_file(tmp_path / "db.json").read_text(encoding="utf-8"))
    assert stored["ignored"] == ["jeff dean"]
    index = app.session.mention_index
    assert index is not None and index.registry.lookup("iconiq capital") is not None


async def test_the_palette_opens_it_and_ignored_names_stay_ignored(tmp_path: Path) -> None:
    root = corpus(tmp_path)
    ignored_file(tmp_path / "db.json").write_text('{"ignored": ["jeff dean"]}', encoding="utf-8")
    app = build(root, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*"Suggested entities")
        await wait_for_palette_choice(app, pilot, "Suggested entities")
        await pilot.press("enter")
        shown = await ready(app, pilot)
        assert [s.name for s in shown.suggestions] == ["Dario", "Iconiq Capital"]
        await pilot.press("escape")
        await settle(app, pilot)
        assert not isinstance(app.screen, SuggestionsScreen)


async def test_a_new_entity_makes_its_other_spellings_alias_offers(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    root.mkdir()
    (root / "a.md").write_text(
        "Jeff Dean 说，Jeff Dean 笑。Jeff 来了，Jeff 走了。\n", encoding="utf-8"
    )
    app = build(root, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("M", "tab", "s")
        shown = await ready(app, pilot)
        assert [(s.name, s.alias_of) for s in shown.suggestions] == [
            ("Jeff", None),
            ("Jeff Dean", None),
        ]
        await highlight(pilot, shown, "Jeff Dean")
        await pilot.press("n")
        await settle(app, pilot)
        await pilot.press("enter")  # person, as guessed
        shown = await ready(app, pilot)
        assert [s.name for s in shown.suggestions] == ["Jeff"]
        alias = shown.suggestions[0].alias_of
        assert alias is not None and alias.entity.name == "Jeff Dean"
        assert "alias of Jeff Dean?" in screen_text(app)
