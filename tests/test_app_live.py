"""The live corpus in the app: files added, changed and deleted while it runs show up, and
so do annotations another process writes to the database."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from time import monotonic
from typing import Any

import pytest
from helpers import (
    DOC_001,
    DOC_003,
    SIZE,
    build,
    open_doc,
    settle,
    wait_for,
    wait_for_palette_choice,
)
from textual.css.query import NoMatches
from textual.pilot import Pilot
from textual.widgets import DataTable, OptionList

from kbtui.annotations.model import Annotation
from kbtui.annotations.store import Store
from kbtui.documents.watching import WatchUnavailable
from kbtui.ui.app import KbtuiApp
from kbtui.ui.app_live import CHANGED, DELETED

SAMPLE = Path(__file__).resolve().parents[1] / "corpus"
LIVE_TIMEOUT = 5.0
"""Seconds a change on disk may take to show (the bar is one; this is a loaded CI machine)."""


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A copy of the sample corpus the test may change."""
    root = tmp_path / "corpus"
    shutil.copytree(SAMPLE, root)
    return root


def _write(path: Path, text: str) -> None:
    """Write ``text`` with a modification time unlike the file's last one."""
    old = path.stat().st_mtime_ns if path.exists() else 0
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(old + 10**9, old + 10**9))


async def _until(
    pilot: Pilot[Any], condition: Callable[[], object], what: str, redo: Callable[[], None]
) -> None:
    """Wait for ``condition``, doing ``redo`` again every half second meanwhile: the
    watcher starts after the first scan, and a write before it is set up goes unseen."""
    deadline = monotonic() + LIVE_TIMEOUT
    while not condition():
        if monotonic() > deadline:
            raise AssertionError(f"waited {LIVE_TIMEOUT:g} s for {what}")
        redo()
        retry = monotonic() + 0.5
        while not condition() and monotonic() < retry:
            await pilot.pause(0.02)
    await pilot.pause()


def _title(app: KbtuiApp) -> str:
    return str(app.pane.border_title)  # console markup, the note written as is


async def test_added_file_shows_in_the_list(corpus: Path, tmp_path: Path) -> None:
    app = build(corpus, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        count = len(app.doc_list.rows())
        new = corpus / "sub" / "新文件.md"
        new.parent.mkdir()
        await _until(
            pilot,
            lambda: app.doc_list.row("sub/新文件.md") is not None,
            "the new file in the list",
            lambda: _write(new, "---\ntitle: 新来的\n---\n正文"),
        )
        row = app.doc_list.row("sub/新文件.md")
        assert row is not None and row.meta.title == "新来的"
        assert len(app.doc_list.rows()) == count + 1


async def test_open_document_changed_on_disk_says_so_and_reloads(
    corpus: Path, tmp_path: Path
) -> None:
    app = build(corpus, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_doc(app, pilot, DOC_001)
        path = corpus / DOC_001
        text = path.read_text("utf-8")
        assert app.pane.doc is not None
        before = app.pane.doc.source
        await _until(
            pilot,
            lambda: CHANGED in _title(app),
            "the reader to say its document changed",
            lambda: _write(path, text + "\n\n新加的一段。\n"),
        )
        assert app.pane.doc.source == before  # not swapped under the reader
        await pilot.press("ctrl+r")
        await wait_for(
            pilot,
            lambda: app.pane.doc is not None and "新加的一段" in app.pane.doc.source,
            "the document to reload",
        )
        await settle(app, pilot)
        assert CHANGED not in _title(app)
        assert app.doc_list.current_id == DOC_001


async def test_deleted_document_leaves_the_list_and_keeps_its_annotations(
    corpus: Path, tmp_path: Path
) -> None:
    app = build(corpus, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_doc(app, pilot, DOC_003)
        doc = app.pane.doc
        assert doc is not None
        note = Annotation.from_source(doc.id, doc.source, 0, 10, text_hash=doc.text_hash)
        app.session.store.add(note)
        path = corpus / DOC_003
        await _until(
            pilot,
            lambda: app.doc_list.row(DOC_003) is None,
            "the deleted document to leave the list",
            lambda: path.unlink(missing_ok=True),
        )
        await wait_for(pilot, lambda: DELETED in _title(app), "the reader to say so")
        assert app.pane.doc is doc  # what was loaded is still shown
        assert [a.id for a in app.session.store.annotations_for(DOC_003)] == [note.id]
        assert app.doc_list.current_id is not None  # the cursor stayed in the list


@pytest.fixture
def unwatched(monkeypatch: pytest.MonkeyPatch) -> None:
    """The corpus folder cannot be watched (as with too many watches in use)."""

    def unwatchable(*args: object) -> None:
        raise WatchUnavailable("too many watches")

    monkeypatch.setattr("kbtui.ui.app_live.batches", unwatchable)


@pytest.mark.usefixtures("unwatched")
async def test_ctrl_r_rescans_when_nothing_watches(corpus: Path, tmp_path: Path) -> None:
    app = build(corpus, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await wait_for(pilot, lambda: "too many watches" in app.watching, "the status to say so")
        _write(corpus / "later.md", "后来的")
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: app.doc_list.row("later.md") is not None, "the rescan")


@pytest.mark.usefixtures("unwatched")
async def test_palette_rescans(corpus: Path, tmp_path: Path) -> None:
    app = build(corpus, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        (corpus / DOC_001).unlink()
        await pilot.press("ctrl+p")
        await pilot.press(*"Rescan")
        await wait_for_palette_choice(app, pilot, "Rescan corpus")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.doc_list.row(DOC_001) is None, "the rescan")


def _touch(path: Path) -> None:
    """Make the watcher see ``path`` change without changing what it holds."""
    old = path.stat().st_mtime_ns
    os.utime(path, ns=(old + 10**9, old + 10**9))


def _sidebar_ids(app: KbtuiApp) -> list[str | None]:
    options = app.query_one("#annotation-list", OptionList)
    return [options.get_option_at_index(i).id for i in range(options.option_count)]


def _shown_note(app: KbtuiApp, annotation_id: str) -> str | None:
    return next((a.note for a in app.pane.annotations if a.id == annotation_id), None)


async def test_another_process_adding_and_editing_shows(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app, db = build(corpus, tmp_path), tmp_path / "db.json"
    notices: list[object] = []
    notify = app.notify
    monkeypatch.setattr(app, "notify", lambda m, **kw: (notices.append(m), notify(m, **kw)))
    async with app.run_test(size=SIZE) as pilot:
        await open_doc(app, pilot, DOC_001)
        assert app.pane.doc is not None
        source = app.pane.doc.source
        with Store.open(db) as other:
            mark = other.add(Annotation.from_source(DOC_001, source, 0, 4, note="elsewhere"))
            other.add(Annotation(DOC_003, 0, 1, "x"))  # not open: its count in the list
            await _until(
                pilot, lambda: mark.id in _sidebar_ids(app), "the sidebar", lambda: _touch(db)
            )
            stored = other.get(mark.id)
            assert stored is not None
            other.update(replace(stored, note="edited elsewhere"))
            await _until(
                pilot,
                lambda: _shown_note(app, mark.id) == "edited elsewhere",
                "the edit",
                lambda: _touch(db),
            )
            assert (row := app.doc_list.row(DOC_003)) is not None and row.annotations == 1
        told = [n for n in notices if "another kbtui" in str(n)]
        assert len(told) == 1
    with Store.open(db) as after:
        kept = after.annotations_for(DOC_001)
        assert [(a.id, a.note) for a in kept] == [(mark.id, "edited elsewhere")]


async def test_the_apps_own_writes_do_not_reload(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app, db = build(corpus, tmp_path), tmp_path / "db.json"
    reloads: list[object] = []
    monkeypatch.setattr(app, "_store_changed", lambda *args: reloads.append(args))
    async with app.run_test(size=SIZE) as pilot:
        await open_doc(app, pilot, DOC_001)
        assert app.pane.doc is not None
        await _until(pilot, lambda: reloads, "the watcher", lambda: _touch(db))  # it is up
        reloads.clear()
        store = app.session.store
        for end in (2, 3, 4):
            store.add(Annotation.from_source(DOC_001, app.pane.doc.source, 0, end))
        app.pane.refresh_annotations()
        await pilot.pause(2.0)  # several debounces of the watcher
        assert reloads == []
        assert len(store.annotations_for(DOC_001)) == 3


async def test_the_open_notebook_shows_another_process_adding(corpus: Path, tmp_path: Path) -> None:
    app, db = build(corpus, tmp_path), tmp_path / "db.json"
    async with app.run_test(size=SIZE) as pilot:
        await open_doc(app, pilot, DOC_001)
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: app.screen.query("#notebook-table"), "the notebook")
        table = app.screen.query_one("#notebook-table", DataTable)
        assert table.row_count == 0
        with Store.open(db) as other:
            other.add(Annotation(DOC_003, 0, 1, "x", note="from elsewhere"))
            await _until(pilot, lambda: table.row_count == 1, "the notebook", lambda: _touch(db))
            # and the list under the notebook counted it
            assert (row := app.doc_list.row(DOC_003)) is not None and row.annotations == 1


async def test_a_change_shown_while_the_app_closes_is_dropped(corpus: Path, tmp_path: Path) -> None:
    """The watcher hands a change to the UI thread just as the app tears its screens
    down: the callback's NoMatches came back into the watcher thread as a traceback."""
    app = build(corpus, tmp_path)
    errors: list[BaseException] = []

    def gone() -> None:
        raise NoMatches("the app's screens are gone")

    def watcher() -> None:
        try:
            app._to_ui(threading.Event(), gone)
        except BaseException as error:  # what the watcher thread would have died of
            errors.append(error)

    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        thread = threading.Thread(target=watcher)
        thread.start()
        await wait_for(pilot, lambda: not thread.is_alive(), "the watcher's hand-over")
    assert errors == []
