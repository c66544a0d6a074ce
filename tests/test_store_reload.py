"""Store.reload: a watcher's question "did another process write since I last asked?"."""

from __future__ import annotations

from pathlib import Path

from kbtui.annotations.model import Annotation
from kbtui.annotations.store import Store


def test_another_process_write_is_reported_once(tmp_path: Path) -> None:
    db = tmp_path / "db.json"
    with Store.open(db) as app, Store.open(db) as other:
        assert app.reload() is False
        other.add(Annotation("a.md", 0, 1, "x"))
        assert app.reload() is True
        assert app.reload() is False
        assert [a.doc_id for a in app.all_annotations()] == ["a.md"]


def test_own_writes_are_not_reported(tmp_path: Path) -> None:
    db = tmp_path / "db.json"
    with Store.open(db) as app:
        app.add(Annotation("a.md", 0, 1, "x"))
        app.add(Annotation("a.md", 1, 2, "y"))
        assert app.reload() is False


def test_a_write_taken_in_by_an_own_write_is_still_reported(tmp_path: Path) -> None:
    """The gap a watcher's debounce leaves: another process writes, this one writes
    (catching up on the way) before the watcher asks; the other write must show."""
    db = tmp_path / "db.json"
    with Store.open(db) as app, Store.open(db) as other:
        other.add(Annotation("b.md", 0, 1, "x"))
        app.add(Annotation("a.md", 0, 1, "y"))
        assert app.reload() is True
        assert app.reload() is False
        assert sorted(a.doc_id for a in app.all_annotations()) == ["a.md", "b.md"]


def test_in_memory_store_never_reports(tmp_path: Path) -> None:
    store = Store.in_memory()
    store.add(Annotation("a.md", 0, 1, "x"))
    assert store.reload() is False
