"""A database refused while the app runs: a dialog that offers a repair, never a traceback.

The record is malformed (``"kind": "higilight"``), which the store only finds
when the document's annotations are read: in the pane's worker, after start-up.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from helpers import DOC_001, DOC_003, SIZE, build, wait_for

from kbtui.annotations.errors import DatabaseError
from kbtui.annotations.model import Annotation
from kbtui.annotations.store import Store
from kbtui.cli.app import _app_on, offer_repair
from kbtui.cli.common import UserError
from kbtui.ui.app import KbtuiApp
from kbtui.ui.screens.refused import RefusedScreen


def _refused_db(tmp_path: Path) -> Path:
    """A database whose annotation on DOC_001 is malformed, beside a good one on DOC_003."""
    db = tmp_path / "db.json"
    with Store.open(db) as store:
        store.add(Annotation(DOC_001, 0, 3, "abc"))
        store.add(Annotation(DOC_003, 0, 3, "def"))
    records = json.loads(db.read_text())
    key = next(iter(records[f"annotations:{DOC_001}"]))
    records[f"annotations:{DOC_001}"][key]["kind"] = "higilight"
    db.write_text(json.dumps(records))
    return db


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.glob("db.json*")}


async def _answer(sample_corpus: Path, tmp_path: Path, key: str) -> KbtuiApp:
    db = _refused_db(tmp_path)
    before = _digests(tmp_path)
    app = build(sample_corpus, tmp_path, open_target=DOC_001)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, RefusedScreen), "the dialog")
        reason = str(app.screen.query_one("#refused-reason").render())
        assert "higilight" in reason and str(db) in reason
        await pilot.press(key)
    assert _digests(tmp_path) == before  # the refused files are exactly as they were
    return app


async def test_repair_writes_a_new_file_and_reopens_on_it(
    sample_corpus: Path, tmp_path: Path
) -> None:
    app = await _answer(sample_corpus, tmp_path, "r")
    target = app.reopen_with
    assert target is not None and target.parent == tmp_path and ".repaired-" in target.name
    assert app.return_code in (0, None)
    with Store.open(target, read_only=True) as repaired:
        assert [a.quote for a in repaired.all_annotations()] == ["def"]  # the good one kept


async def test_fresh_opens_an_empty_database_beside_it(sample_corpus: Path, tmp_path: Path) -> None:
    app = await _answer(sample_corpus, tmp_path, "n")
    target = app.reopen_with
    assert target is not None and ".fresh-" in target.name and not target.exists()


async def test_quit_exits_1_and_reopens_nothing(sample_corpus: Path, tmp_path: Path) -> None:
    app = await _answer(sample_corpus, tmp_path, "q")
    assert app.reopen_with is None
    assert app.return_code == 1


def _damaged_journal(tmp_path: Path) -> Path:
    """A database refused at open: its journal's first line is garbage."""
    db = tmp_path / "db.json"
    with Store.open(db) as store:
        store.add(Annotation(DOC_003, 0, 3, "def"))
    db.with_name("db.json.journal").write_text("garbage\n")
    return db


def test_refused_at_open_without_a_terminal_is_one_line_with_what_to_do(
    sample_corpus: Path, tmp_path: Path
) -> None:
    db = _damaged_journal(tmp_path)
    with pytest.raises(UserError, match=r"damaged first line.*doctor --repair"):
        _app_on(sample_corpus, db, None, None)


def test_refused_at_open_asks_and_opens_the_repaired_copy(
    sample_corpus: Path, tmp_path: Path
) -> None:
    db = _damaged_journal(tmp_path)
    before = _digests(tmp_path)
    questions: list[str] = []
    app = _app_on(sample_corpus, db, None, lambda q: (questions.append(q), "y")[1])
    assert len(questions) == 1 and "[y/N]" in questions[0]
    assert app.session.db_path != db and ".repaired-" in app.session.db_path.name
    assert _digests(tmp_path) == before
    with Store.open(app.session.db_path, read_only=True) as repaired:
        assert [a.quote for a in repaired.all_annotations()] == ["def"]


def test_refused_at_open_answered_no_changes_nothing(sample_corpus: Path, tmp_path: Path) -> None:
    db = _damaged_journal(tmp_path)
    before = set(tmp_path.glob("db*"))
    with pytest.raises(UserError):
        _app_on(sample_corpus, db, None, lambda q: "")
    assert set(tmp_path.glob("db*")) == before


def test_nothing_is_offered_without_a_way_to_ask(tmp_path: Path) -> None:
    db = _damaged_journal(tmp_path)
    before = set(tmp_path.glob("db*"))
    assert offer_repair(DatabaseError(db, "has a damaged first line"), db, None) is None
    assert set(tmp_path.glob("db*")) == before


def test_a_workers_missing_widget_after_the_app_closed_is_no_crash(
    sample_corpus: Path, tmp_path: Path
) -> None:
    """A thread worker that finishes after the screens were torn down finds no widget;
    that is no error of the session (it made one test in three fail at teardown)."""
    from textual.css.query import NoMatches
    from textual.worker import WorkerFailed

    closed = build(sample_corpus, tmp_path)  # not running: as after its shutdown began
    closed._handle_exception(WorkerFailed(NoMatches("#review-count")))
    assert closed.return_code is None
    other = build(sample_corpus, tmp_path)
    try:
        raise ValueError("a real bug")
    except ValueError as bug:  # Textual's report reads the exception being handled
        other._handle_exception(WorkerFailed(bug))
    assert other.return_code == 1
