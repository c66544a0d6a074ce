"""The app under hostile files and failing writes: a dangling link opened with
``--open``, a disk that fills up while a note is being typed."""

from __future__ import annotations

import errno
import shutil
from pathlib import Path

import pytest
import rich.text
from helpers import DOC_000, SIZE, build, open_doc, settle, wait_for
from textual.widgets import DataTable, OptionList, TextArea

from kbtui.annotations import storage
from kbtui.annotations.journal import Journal
from kbtui.annotations.limits import NOTE_MAX_BYTES
from kbtui.annotations.model import Annotation
from kbtui.annotations.store import Store
from kbtui.scripts.views import PARTIAL_RANGE
from kbtui.ui import sidebar
from kbtui.ui.screens.dialogs import NoteEditorScreen
from kbtui.ui.scripting import REGION_CHARS, ScriptActions


async def test_open_on_a_dangling_link_is_a_message(sample_corpus: Path, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(sample_corpus, corpus)
    (corpus / "gone.md").symlink_to(corpus / "missing.md")
    app = build(corpus, tmp_path, open_target="gone.md#5")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.is_running
        notices = [n.message for n in app._notifications]
        assert notices == ["gone.md: unreadable: no such file or directory"]
        await pilot.press("j")
        await settle(app, pilot)
        assert app.is_running


def _full_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every write the store makes from now on fails as on a full disk."""

    def no_space(*_args: object, **_kw: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Journal, "append", no_space)
    monkeypatch.setattr(storage, "atomic_write_bytes", no_space)


async def test_a_full_disk_keeps_the_note_in_its_editor_and_the_app_running(
    sample_corpus: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = build(sample_corpus, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_doc(app, pilot, DOC_000)
        await pilot.press("v", "right", "right", "h")  # saved: the disk is not full yet
        await pilot.pause()
        assert len(app.pane.annotations) == 1
        _full_disk(monkeypatch)
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*"a note I typed", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, NoteEditorScreen)  # still editing: nothing lost
        assert app.screen.query_one(TextArea).text == "a note I typed"
        assert "READ-ONLY" in app.sub_title
        messages = [n.message for n in app._notifications]
        assert any("not saved" in m and "No space left" in m for m in messages), messages
        await pilot.press("escape")
        await pilot.pause()
        for keys in (("c",), ("d",), ("u",), ("B",), ("t", "x", "enter"), ("s",)):
            await pilot.press(*keys)  # each refused with a message, none crashes
            await pilot.pause()
        assert app.is_running
        assert len(app.pane.annotations) == 1
        await pilot.press("q")
        said = " ".join(map(str, app._exit_renderables))
    assert app.return_code == 1
    assert "were not saved (No space left on device)" in said
    monkeypatch.undo()
    with Store.open(tmp_path / "db.json") as store:  # what was saved before is all there
        [kept] = store.all_annotations()
        assert kept.note == ""


async def test_the_notebook_row_of_a_note_at_the_cap_is_short(
    sample_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = (sample_corpus / DOC_000).read_text(encoding="utf-8")
    note = ("长笔记 " * (NOTE_MAX_BYTES // 10))[: NOTE_MAX_BYTES // 3]  # 3 bytes a character
    with Store.open(tmp_path / "db.json") as store:
        store.add(Annotation.from_source(DOC_000, source, 10, 20, note=note))
    measured: list[int] = []

    def recording(text: str) -> int:
        measured.append(len(text))
        return real_cell_len(text)

    real_cell_len = rich.text.cell_len
    monkeypatch.setattr(rich.text, "cell_len", recording)  # Rich measured the whole note
    app = build(sample_corpus, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: app.screen.query(DataTable), "the notebook")
        row = app.screen.query_one(DataTable).get_row_at(0)
        assert row[3].plain.startswith("长笔记 长笔记") and row[3].plain.endswith("…")
        assert row[3].cell_len < SIZE[0]
        assert max(measured) < 1000, "a row measured more of the note than it shows"
        assert app.screen._annotations[0].note == note  # the editor gets it whole


async def test_s_on_a_document_of_one_long_line_converts_only_a_page(
    sample_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    line = (sample_corpus / DOC_000).read_text(encoding="utf-8").replace("\n", "")
    (corpus / "line.txt").write_text(line * (1_000_000 // len(line) + 1), encoding="utf-8")
    monkeypatch.setattr(ScriptActions, "_convert_rest", lambda *_args: None)  # no full view
    app = build(corpus, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_doc(app, pilot, "line.txt")
        await pilot.press("s")
        await settle(app, pilot)
        assert app.pane.view is not None and app.pane.view.label == "traditional"
        start, end = app.pane.view.extra[PARTIAL_RANGE]  # the whole line was converted
        assert start == 0 and end < REGION_CHARS + 1000


async def test_the_sidebar_lists_at_most_max_rows_and_says_how_many_more(
    sample_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = (sample_corpus / DOC_000).read_text(encoding="utf-8")
    with Store.open(tmp_path / "db.json") as store:
        store.merge_import(Annotation.from_source(DOC_000, source, i, i + 2) for i in range(8))
    monkeypatch.setattr(sidebar, "MAX_ROWS", 5)
    app = build(sample_corpus, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_doc(app, pilot, DOC_000)
        await wait_for(pilot, lambda: len(app.pane.annotations) == 8, "the annotations")
        options = app.query_one("#annotation-list", OptionList)
        assert options.option_count == 6
        last = options.get_option_at_index(5)
        assert str(last.prompt).startswith("… and 3 more") and last.disabled
        assert options.border_title == "Annotations 8"
