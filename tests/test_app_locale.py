"""Issue 10 in the app: the source locale (`L`, the subtitle), the backend, regional search."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import (
    DOC_002,
    DOC_004,
    SIZE,
    build,
    open_doc,
    screen_text,
    settle,
    wait_for_palette_choice,
)

from kbtui.scripts.chains import Backend
from kbtui.scripts.locales import Locale
from kbtui.scripts.views import Variant
from kbtui.ui.app import KbtuiApp
from kbtui.ui.pane import DocumentPane
from kbtui.ui.reader import Reader
from kbtui.ui.screens.passages import SearchScreen


def subtitle(app: KbtuiApp) -> str:
    return str(app.pane.border_subtitle)


async def test_a_locale_set_by_key_converts_and_is_remembered(
    sample_corpus: Path, tmp_path: Path
) -> None:
    app = build(sample_corpus, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_doc(app, pilot, DOC_002)
        assert app.pane.source is Locale.HANT and "zh-Hant" in subtitle(app)
        await pilot.press("L")
        await pilot.pause()
        await pilot.press(*"taiwan", "enter")
        await settle(app, pilot)
        assert app.pane.source is Locale.TW
        await pilot.press("s")  # a Traditional locale: straight to Simplified
        await settle(app, pilot)
        assert subtitle(app).startswith("Simplified · tw2sp · zh-TW")
        assert "与硅谷常见" in app.pane.view.text  # tw2sp's word, not t2s's 矽谷
    again = build(sample_corpus, tmp_path)
    async with again.run_test(size=SIZE) as pilot:
        await open_doc(again, pilot, DOC_002)
        assert again.pane.source is Locale.TW and again.pane.variant is Variant.SIMPLIFIED
        assert subtitle(again).startswith("Simplified · tw2sp · zh-TW")
        await pilot.press("L")
        await pilot.pause()
        await pilot.press(*"as the document", "enter")  # back to the document's own
        await settle(again, pilot)
        assert again.pane.source is Locale.HANT and subtitle(again).startswith("Simplified · t2s")
        assert again.session.store.doc_state(DOC_002).locale is None


async def test_the_taiwan_view_of_002_keeps_its_words(sample_corpus: Path, tmp_path: Path) -> None:
    app = build(sample_corpus, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_doc(app, pilot, DOC_002)
        await pilot.press("S")
        await pilot.pause()
        await pilot.press(*"taiwan", "enter")
        await settle(app, pilot)
        assert subtitle(app).startswith("Taiwan · t2tw · zh-Hant")
        assert "擴展政策" in app.pane.view.text


async def test_the_title_follows_the_script_of_the_body(
    sample_corpus: Path, tmp_path: Path
) -> None:
    app = build(sample_corpus, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_doc(app, pilot, DOC_004)
        assert str(app.pane.border_title).startswith("炮轟黃仁勛,決裂奧特曼")
        await pilot.press("s")  # simplified
        await settle(app, pilot)
        assert "炮轰黄仁勋" in app.pane.view.text
        assert str(app.pane.border_title).startswith("炮轰黄仁勋,决裂奥特曼")
        await pilot.press("s")  # the original again (its script is traditional)
        await settle(app, pilot)
        assert app.pane.variant is Variant.ORIGINAL
        assert str(app.pane.border_title).startswith("炮轟黃仁勛,決裂奧特曼")


@pytest.mark.parametrize("key", ["s", "S"])
async def test_a_japanese_document_offers_no_chinese_views(tmp_path: Path, key: str) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    text = "東京の会議では、新しい政策について話し合いました。\n"
    (corpus / "ja.md").write_text(text, encoding="utf-8")
    app = build(corpus, tmp_path)
    said: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        await open_doc(app, pilot, "ja.md")
        app.notify = lambda message, **_: said.append(str(message))  # type: ignore[method-assign]  # collect notices
        before = app.pane.view
        await pilot.press(key)
        await settle(app, pilot)
        assert app.pane.variant is Variant.ORIGINAL and app.pane.view is before
        assert len(said) == 1 and "Japanese" in said[0]
        assert app.session.store.doc_state("ja.md").script is None


async def test_the_conversion_from_the_palette_reconverts_and_is_saved(
    sample_corpus: Path, tmp_path: Path
) -> None:
    app = build(sample_corpus, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_doc(app, pilot, DOC_004)
        await pilot.press("S")
        await pilot.pause()
        await pilot.press(*"taiwan", "enter")
        await settle(app, pilot)
        assert "軟件公司" in app.pane.view.text  # OpenCC 1.4: zh-Hant → t2tw keeps the word
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"conversion reimplemented")
        await wait_for_palette_choice(app, pilot, "Conversion: opencc-python-reimplemented")
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.session.backend is Backend.REIMPLEMENTED
        assert "軟體公司" in app.pane.view.text  # the old chain: t2s → s2twp
        # the label is cut to the pane's width, the position kept whole (issue 16)
        assert subtitle(app).startswith("Taiwan · t2s → s2twp (opencc-")
        assert subtitle(app).endswith(" · 0%")
    saved = (tmp_path / "config" / "settings.toml").read_text(encoding="utf-8")
    assert 'conversion = "opencc-python-reimplemented"' in saved


async def test_search_and_find_reach_the_other_regions_words(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "tw.md").write_text("# 台灣\n\n這套軟體很好用。\n", encoding="utf-8")
    app = build(corpus, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+f")
        await pilot.pause()
        assert isinstance(app.screen, SearchScreen)
        await pilot.press(*"软件")
        await settle(app, pilot)
        assert "軟體 (Taiwan)" in screen_text(app)
        await pilot.press("escape")
        await open_doc(app, pilot, "tw.md")
        await pilot.press("slash")
        await pilot.pause()
        await pilot.press(*"软件", "enter")
        await pilot.pause()
        offset = app.query_one(Reader).cursor_source
        assert app.pane.doc is not None and app.pane.doc.source[offset : offset + 2] == "軟體"


async def test_the_conversion_worker_is_not_described_by_its_texts(
    sample_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Textual describes a worker by its arguments' reprs unless told: the document's
    and the view's whole texts, ~0.9 s of the UI thread for a 50 MB line."""
    described: list[str] = []
    run_worker = DocumentPane.run_worker

    def spy(self: DocumentPane, work: object, *args: object, **kwargs: object) -> object:
        if kwargs.get("group") == "convert":
            described.append(str(kwargs.get("description")))
        return run_worker(self, work, *args, **kwargs)

    monkeypatch.setattr(DocumentPane, "run_worker", spy)
    app = build(sample_corpus, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_doc(app, pilot, DOC_004)
        await pilot.press("s")
        await settle(app, pilot)
    assert described and max(map(len, described)) < 100
