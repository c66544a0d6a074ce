"""Re-anchoring reads and the database lock: a read never waits for another process's lock.

A read that finds a document changed re-anchors its annotations and wants to store the new
places; with the lock held elsewhere (a hung writer, a long rewrite) it answers at once from
memory, writes nothing, and the places are stored by a later write (or on close). A read
that finds another process wrote answers with what it holds rather than wait to catch up.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from filelock import FileLock

import kbtui.annotations.storage
from kbtui.annotations.model import AnchorState
from kbtui.annotations.store import Store
from tests.test_store import SOURCE, make

EDITED = "新的开头。" + SOURCE
"""The document with five characters put in front: its annotation moves by five."""


@contextmanager
def held(db: Path) -> Iterator[None]:
    """The database's lock held as another process holds it (a lock of its own on the file)."""
    lock = FileLock(db.with_name(db.name + ".lock"), thread_local=False)
    with lock.acquire(timeout=1):
        yield


def files(db: Path) -> tuple[bytes, bytes]:
    return db.read_bytes(), db.with_name(db.name + ".journal").read_bytes()


def stored_start(db: Path, annotation_id: str) -> int:
    with Store.open(db, read_only=True) as other:
        found = other.get(annotation_id)
    assert found is not None
    return found.start


def test_a_re_anchoring_read_answers_at_once_while_the_lock_is_held(tmp_path: Path) -> None:
    db = tmp_path / "kb.json"
    store = Store.open(db)
    a = store.add(make(20, 30))
    before = files(db)
    with held(db):
        began = time.monotonic()
        [moved] = store.anchored_annotations("a.md", EDITED)
        [again] = store.anchored_annotations("a.md", EDITED)  # from memory, no new search
        took = time.monotonic() - began
        assert took < 1.0
        assert files(db) == before
    assert (moved.start, moved.end, moved.anchor) == (25, 35, AnchorState.MOVED)
    assert again == moved and moved.quote == a.quote
    assert stored_start(db, a.id) == 20  # not written yet
    store.set_position("a.md", 3)  # the next write takes the waiting places along
    assert stored_start(db, a.id) == 25
    store.close()


def test_closing_writes_the_places_a_read_kept(tmp_path: Path) -> None:
    db = tmp_path / "kb.json"
    store = Store.open(db)
    a = store.add(make(20, 30))
    with held(db):
        store.anchored_annotations("a.md", EDITED)
    store.close()
    assert stored_start(db, a.id) == 25


def test_an_edit_made_meanwhile_wins_over_a_kept_place(tmp_path: Path) -> None:
    db = tmp_path / "kb.json"
    store = Store.open(db)
    a = store.add(make(20, 30))
    with held(db):
        [moved] = store.anchored_annotations("a.md", EDITED)
    with Store.open(db) as other:  # another process edits the annotation (and moves it)
        stale = other.get(a.id)
        assert stale is not None
        stale.note, stale.start, stale.end = "changed", 25, 35
        other.update(stale)
    store.set_position("a.md", 3)
    with Store.open(db, read_only=True) as reader:
        now = reader.get(a.id)
    assert now is not None and now.note == "changed"  # in the same second as the place, too
    assert now.prefix != moved.prefix and now.anchor == AnchorState.EXACT


def test_a_read_answers_from_memory_while_another_process_holds_the_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(kbtui.annotations.storage, "READ_LOCK_WAIT", 0.1)
    db = tmp_path / "kb.json"
    store = Store.open(db)
    first = store.add(make(0, 5))
    with Store.open(db) as other:  # another process writes, then holds the lock (hung)
        second = other.add(make(20, 30))
    with held(db):
        began = time.monotonic()
        assert store.annotations_for("a.md") == [first]  # as it was after a commit
        assert store.count("a.md") == 1  # not waiting again
        assert time.monotonic() - began < 1.0
    time.sleep(0.1)  # reads answer from memory for READ_LOCK_WAIT after one found it held
    assert [a.id for a in store.annotations_for("a.md")] == [first.id, second.id]
    store.close()
