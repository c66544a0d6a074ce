"""The export dialog driven by keys: `e`, the form, the overwrite question, what lands on disk."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from helpers import DOC_000, DOC_003, SIZE, build, open_doc, settle
from textual.widgets import RadioSet, Select

from kbtui.annotations.model import Annotation
from kbtui.annotations.store import Store
from kbtui.documents.corpus import Corpus
from kbtui.exchange.paths import Layout, check_path, layout_for, path_for
from kbtui.settings import load_settings
from kbtui.ui.app import KbtuiApp
from kbtui.ui.screens.dialogs import ConfirmScreen
from kbtui.ui.screens.export import ExportScreen

QUOTE_000 = "诞生与安全愿景"
QUOTE_003 = "Dario Amodei"

Notes = list[tuple[str, str]]


def annotate(corpus: Path, db: Path, doc_id: str, quote: str, **kw: object) -> None:
    """Store an annotation of the first ``quote`` in ``doc_id`` before the app starts."""
    source = Corpus(corpus).load(doc_id).source
    start = source.index(quote)
    with Store.open(db) as store:
        store.add(Annotation.from_source(doc_id, source, start, start + len(quote), **kw))


def recorded(app: KbtuiApp, monkeypatch: pytest.MonkeyPatch) -> Notes:
    """Collect what the app notifies, as (message, severity)."""
    notes: Notes = []

    def notify(message: str, *, severity: str = "information", **_kw: object) -> None:
        notes.append((message, severity))

    monkeypatch.setattr(app, "notify", notify)
    return notes


async def open_export(app: KbtuiApp, pilot: object, doc_id: str = DOC_000) -> ExportScreen:
    await open_doc(app, pilot, doc_id)
    await pilot.press("e")  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]
    assert isinstance(app.screen, ExportScreen)
    return app.screen


async def type_path(pilot: object, path: str) -> None:
    """From the first field, tab to the path (past layout and script) and replace it.

    Paths are short and relative (tests run in ``tmp_path``): each key is a press.
    """
    await pilot.press("tab", "tab", "tab", "ctrl+u", *path)  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Relative export paths land in the test's own folder."""
    monkeypatch.chdir(tmp_path)


async def test_export_this_document_to_the_default_path_and_remember_it(
    sample_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    (home / "Documents").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    annotate(sample_corpus, tmp_path / "db.json", DOC_000, QUOTE_000, note="why it began")
    annotate(sample_corpus, tmp_path / "db.json", DOC_003, QUOTE_003)  # not in this scope
    app = build(sample_corpus, tmp_path)
    notes = recorded(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_export(app, pilot)
        assert screen.query_one("#export-path").value == "~/Documents/kbtui-notes.md"
        await pilot.press("enter")  # on the scope: accepts the whole form
        await settle(app, pilot)
        assert not isinstance(app.screen, ExportScreen)
    written = home / "Documents" / "kbtui-notes.md"
    text = written.read_text(encoding="utf-8")
    assert QUOTE_000 in text and "why it began" in text and QUOTE_003 not in text
    assert notes == [(f"Exported 1 annotation to {written}", "information")]
    assert app.session.settings.export_path == "~/Documents/kbtui-notes.md"
    assert load_settings().export_path == "~/Documents/kbtui-notes.md"


async def test_without_a_documents_folder_the_default_is_home_not_the_start_folder(
    sample_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_DOCUMENTS_DIR", raising=False)
    annotate(sample_corpus, tmp_path / "db.json", DOC_000, QUOTE_000)
    app = build(sample_corpus, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_export(app, pilot)
        assert screen.query_one("#export-path").value == "~/kbtui-notes.md"


async def test_overwrite_is_asked_no_keeps_the_file_yes_replaces_it(
    sample_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    annotate(sample_corpus, tmp_path / "db.json", DOC_000, QUOTE_000)
    target = tmp_path / "out" / "notes.md"
    target.parent.mkdir()
    target.write_text("my own notes", encoding="utf-8")
    app = build(sample_corpus, tmp_path)
    notes = recorded(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_export(app, pilot)
        await type_path(pilot, "out/notes.md")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "1 file exists: overwrite?" in str(app.screen.query_one("Label").render())
        await pilot.press("n")
        await settle(app, pilot)
        assert app.screen is screen and app.focused is screen.query_one("#export-path")
        assert target.read_text(encoding="utf-8") == "my own notes"
        await pilot.press("enter")  # again, and this time yes
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(app, pilot)
        assert not isinstance(app.screen, ExportScreen)
    assert QUOTE_000 in target.read_text(encoding="utf-8")
    assert notes == [(f"Exported 1 annotation to {target}", "information")]
    assert app.session.settings.export_path == "out/notes.md"


async def test_escape_cancels_and_writes_nothing(
    sample_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    annotate(sample_corpus, tmp_path / "db.json", DOC_000, QUOTE_000)
    out = tmp_path / "out"
    app = build(sample_corpus, tmp_path)
    notes = recorded(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await open_export(app, pilot)
        await type_path(pilot, "out/notes.md")
        await pilot.press("escape")
        await settle(app, pilot)
        assert not isinstance(app.screen, ExportScreen)
    assert not out.exists()
    assert notes == [] and app.session.settings.export_path == ""


async def test_json_of_all_documents_is_valid_w3c_json(
    sample_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    annotate(sample_corpus, tmp_path / "db.json", DOC_000, QUOTE_000, note="n1")
    annotate(sample_corpus, tmp_path / "db.json", DOC_003, QUOTE_003)
    (tmp_path / "out").mkdir()  # a missing folder is an error (issue 16)
    app = build(sample_corpus, tmp_path)
    notes = recorded(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_export(app, pilot)
        await type_path(pilot, "out/mine.md")
        await pilot.press("shift+tab", "shift+tab", "shift+tab", "down")  # scope: all documents
        await pilot.press("tab", "down", "down", "down")  # layout: JSON
        assert screen.query_one("#export-path").value == "out/mine.json"
        assert screen.query_one("#export-script").disabled
        await pilot.press("enter")
        await settle(app, pilot)
    data = json.loads((tmp_path / "out" / "mine.json").read_text(encoding="utf-8"))
    items = data["items"] if isinstance(data, dict) else data
    quotes = {
        selector["exact"]
        for item in items
        for selector in item["target"]["selector"]
        if selector["type"] == "TextQuoteSelector"
    }
    assert quotes == {QUOTE_000, QUOTE_003}
    assert notes[0][0].startswith("Exported 2 annotations to ")


async def test_tag_scope_one_file_per_document(
    sample_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "db.json"
    annotate(sample_corpus, db, DOC_000, QUOTE_000, tags=["people"])
    annotate(sample_corpus, db, DOC_000, "Anthropic", tags=["company"])
    annotate(sample_corpus, db, DOC_003, QUOTE_003, tags=["people"])
    folder = tmp_path / "by-doc"
    app = build(sample_corpus, tmp_path)
    notes = recorded(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_export(app, pilot)
        await pilot.press("down", "down")  # scope: a tag; its drop-down comes alive
        assert not screen.query_one("#export-tag").disabled
        await pilot.press("tab", "enter", "down", "enter")  # tags: company, people
        await pilot.press("tab", "down")  # layout: one file per document
        await pilot.press("tab", "tab", "ctrl+u", *"by-doc", "enter")
        await settle(app, pilot)
        assert not isinstance(app.screen, ExportScreen)
    files = sorted(folder.iterdir())
    assert len(files) == 2
    text = "".join(f.read_text(encoding="utf-8") for f in files)
    assert QUOTE_000 in text and QUOTE_003 in text and "#company" not in text
    assert notes == [(f"Exported 2 annotations in 2 files to {folder}/", "information")]
    assert app.session.settings.export_path == "by-doc/"


async def test_a_page_per_entity_with_logseq_links_and_remembered(
    sample_corpus: Path, tmp_path: Path
) -> None:
    annotate(sample_corpus, tmp_path / "db.json", DOC_000, "达里奥·阿莫代伊")
    app = build(sample_corpus, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_export(app, pilot)
        assert screen.query_one("#export-links").disabled
        await pilot.press("down", "tab", "down", "down")  # all documents; a page per entity
        assert not screen.query_one("#export-links").disabled
        await pilot.press("tab", "enter", "down", "enter")  # links: Logseq's
        await pilot.press("tab", "tab", "ctrl+u", *"vault", "enter")
        await settle(app, pilot)
        assert not isinstance(app.screen, ExportScreen)
        page = (tmp_path / "vault" / "Dario Amodei.md").read_text(encoding="utf-8")
        assert "[达里奥·阿莫代伊]([[Dario Amodei]])" in page
        assert "|" not in "".join(re.findall(r"\[\[[^\]]*\]\]", page))
        assert load_settings().export_entity_pages == "logseq"
        again = await open_export(app, pilot)
        assert again.query_one("#export-layout", RadioSet).pressed_button.id == "entities"
        assert again.query_one("#export-links", Select).value == "logseq"
        assert again.query_one("#export-path").value == "vault/"


async def test_a_failed_write_is_one_error_line_and_the_form_stays(
    sample_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    annotate(sample_corpus, tmp_path / "db.json", DOC_000, QUOTE_000)
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    app = build(sample_corpus, tmp_path)
    notes = recorded(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_export(app, pilot)
        await type_path(pilot, "a-file/notes.md")  # a folder that is a file
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen is screen and not screen.busy
    [(message, severity)] = notes
    assert severity == "error" and message.startswith("Export failed: ")
    assert "\n" not in message
    assert app.session.settings.export_path == ""


@pytest.mark.parametrize(
    ("layout", "text", "expected"),
    [
        (Layout.FILE, "", "~/kb/kbtui-notes.md"),
        (Layout.JSON, "~/kb/notes.md", "~/kb/notes.json"),
        (Layout.FILE, "~/kb/notes.json", "~/kb/notes.md"),
        (Layout.PER_DOCUMENT, "~/kb/notes.md", "~/kb/"),
        (Layout.FILE, "~/kb/", "~/kb/kbtui-notes.md"),
        (Layout.FILE, "notes.txt", "notes.txt"),
    ],
)
def test_path_follows_the_layout(layout: Layout, text: str, expected: str) -> None:
    assert path_for(layout, text, "~/kb") == expected


def test_remembered_path_gives_the_layout_and_folders_are_not_files(tmp_path: Path) -> None:
    assert layout_for("~/kb/") is Layout.PER_DOCUMENT
    assert layout_for("x/a.JSON") is Layout.JSON
    assert layout_for("") is layout_for("x/a.md") is Layout.FILE
    assert check_path(Layout.FILE, str(tmp_path)) is not None
    assert check_path(Layout.PER_DOCUMENT, str(tmp_path)) is None
    assert check_path(Layout.JSON, "  ") == "Enter a path to export to"
