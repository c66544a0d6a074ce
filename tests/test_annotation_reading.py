"""Reading a document's annotations quickly: records as kbtui writes them, and made once.

Records as :meth:`Annotation.to_record` writes them take a quick path in
:meth:`Annotation.from_record`, which must refuse what the field-by-field path refuses;
a document's annotations are made once for each state of its table
(:mod:`kbtui.annotations.reading`) and made again after any write, this process's or
another's.
"""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from kbtui.annotations.bulk import collector_paused
from kbtui.annotations.errors import DatabaseError
from kbtui.annotations.model import AnchorState, Annotation, Colour, Kind
from kbtui.annotations.store import Store
from kbtui.annotations.tables import StoreTables
from tests.test_store import make

WRITTEN = make(note="笔记", tags=["a", "b"]).to_record()


@pytest.mark.parametrize(
    "record",
    [
        WRITTEN,
        {**WRITTEN, "score": 0.5, "anchor": "moved", "colour": "red", "kind": "underline"},
        {**WRITTEN, "score": 1},
        {key: value for key, value in WRITTEN.items() if key != "score"},
        {**WRITTEN, "extra": "ignored"},
        {**WRITTEN, "tags": ("a",)},
    ],
)
def test_a_record_reads_back_as_the_checked_path_reads_it(record: dict[str, object]) -> None:
    a = Annotation.from_record(record)
    assert a.to_record() == {**WRITTEN, **a.to_record()}  # every field as written
    assert isinstance(a.colour, Colour) and isinstance(a.kind, Kind)
    assert isinstance(a.anchor, AnchorState) and type(a.tags) is list
    assert a.tags is not record["tags"]  # the record is not shared with the annotation


@pytest.mark.parametrize(
    "change",
    [
        {"start": True},
        {"start": -1},
        {"start": 9, "end": 2},
        {"tags": ["a", 1]},
        {"colour": "mauve"},
        {"anchor": "lost"},
        {"score": "1"},
        {"score": False},
        {"note": None},
        {"id": 7},
    ],
)
def test_a_malformed_record_is_refused(change: dict[str, object]) -> None:
    with pytest.raises((TypeError, ValueError)):
        Annotation.from_record({**WRITTEN, **change})


def test_the_collector_is_paused_in_the_block_and_as_it_was_after() -> None:
    was = gc.isenabled()
    gc.enable()  # another test's command may have left it off
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner block found it off, and left it so
    assert gc.isenabled()
    if not was:
        gc.disable()


def test_annotations_are_made_once_while_their_table_is_unchanged(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "kb.json")
    store.add(make(0, 5))
    first, again = store.annotations_for("a.md"), store.annotations_for("a.md")
    assert first == again and first is not again and first[0] is again[0]
    added = store.add(make(10, 12))
    assert [a.id for a in store.annotations_for("a.md")] == [first[0].id, added.id]
    store.close()


def test_another_process_write_makes_them_again(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "kb.json")
    [mine] = [store.add(make(0, 5))]
    store.annotations_for("a.md")
    with Store.open(tmp_path / "kb.json") as other:
        other.update(replace(other.annotations_for("a.md")[0], note="theirs"))
    [now] = store.annotations_for("a.md")
    assert now.id == mine.id and now.note == "theirs"
    store.close()


def test_a_failed_write_of_a_changed_copy_leaves_the_stored_one(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "kb.json")
    store.add(make(0, 5, note="stored"))
    [shown] = store.annotations_for("a.md")
    shown.note = "x" * (2**20 + 1)  # changed in place, over the note limit: refused
    with pytest.raises(ValueError):
        store.update(shown)
    assert store.annotations_for("a.md")[0].note == "stored"
    store.close()


def malformed(tmp_path: Path) -> Path:
    """A database whose one record of ``a.md`` has ``"start": true``."""
    db = tmp_path / "kb.json"
    with Store.open(db) as store:
        store.add(make(0, 5))
        store.compact()
    db.write_text(db.read_text().replace('"start":0', '"start":true'))
    return db


def test_a_malformed_record_still_names_the_file(tmp_path: Path) -> None:
    db = malformed(tmp_path)
    with Store.open(db) as store, pytest.raises(DatabaseError, match=r"kb\.json"):
        store.annotations_for("a.md")


def test_two_threads_asking_at_once_share_one_making(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store.open(tmp_path / "kb.json")
    store.merge_import([make(i, i + 2) for i in range(20)])
    made: list[str] = []
    go_on = threading.Event()
    plain = StoreTables.annotation

    def slowly(self: StoreTables, record: Mapping[str, Any]) -> Annotation:
        made.append(str(record["id"]))
        if len(made) == 1:  # the first thread waits here until the second one asked
            go_on.wait(5)
        return plain(self, record)

    monkeypatch.setattr(StoreTables, "annotation", slowly)
    results: dict[str, list[Annotation]] = {}
    first = threading.Thread(target=lambda: results.update(a=store.annotations_for("a.md")))
    first.start()
    while not made:
        time.sleep(0.001)
    second = threading.Thread(target=lambda: results.update(b=store.annotations_for("a.md")))
    second.start()
    time.sleep(0.05)  # the second one is waiting for the first one's
    go_on.set()
    first.join(5)
    second.join(5)
    assert len(made) == 20  # made once
    assert [a.id for a in results["a"]] == [a.id for a in results["b"]]
    assert all(x is y for x, y in zip(results["a"], results["b"], strict=True))
    store.close()


def test_a_failed_making_is_made_again_by_the_next_asker(tmp_path: Path) -> None:
    db = malformed(tmp_path)
    with Store.open(db) as store:
        for _ in range(2):  # refused again, never waiting on the failed one
            with pytest.raises(DatabaseError):
                store.annotations_for("a.md")
