"""checked_once: many reads check the database files once, and never wait for a lock."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from filelock import FileLock

from kbtui.annotations import batch
from kbtui.annotations.batch import checked_once
from kbtui.annotations.model import Annotation
from kbtui.annotations.store import Store
from kbtui.session import Session


def _counting_stats(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    from kbtui.annotations import storage

    seen: list[Path] = []
    real = storage.file_key
    monkeypatch.setattr(storage, "file_key", lambda path: (seen.append(path), real(path))[1])
    return seen


def test_reads_inside_check_the_files_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "db.json"
    with Store.open(db) as store:
        store.add(Annotation("a.md", 0, 1, "x"))
        seen = _counting_stats(monkeypatch)
        with checked_once(store):
            counts = [store.count(doc) for doc in ("a.md", "b.md") * 50]
        assert counts == [1, 0] * 50
        assert len(seen) <= 2  # the main file and the journal, at the start
        seen.clear()
        [store.count("a.md") for _ in range(10)]
        assert len(seen) >= 10  # outside, each read checks


def test_a_held_lock_is_not_waited_for(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "db.json"
    with Store.open(db) as store:
        store.add(Annotation("a.md", 0, 1, "x"))
        entered: list[bool] = []
        real = batch.lock_wait
        monkeypatch.setattr(batch, "lock_wait", lambda s: (entered.append(s == 0), real(s))[1])
        with FileLock(db.with_name(db.name + ".lock"), thread_local=False):
            started = time.monotonic()
            with checked_once(store):
                assert store.count("a.md") == 1
            assert time.monotonic() - started < 5  # the store's own wait is 30 s
        assert entered == [True]


def test_session_rows_count_annotations(sample_corpus: Path, tmp_path: Path) -> None:
    db = tmp_path / "db.json"
    session = Session.open(sample_corpus, db)
    doc = session.corpus.scan()[0].id
    session.store.add(Annotation(doc, 0, 1, "x"))
    rows = {row.id: row.annotations for row in session.scan_rows()}
    assert rows[doc] == 1 and sum(rows.values()) == 1
    session.close()
