"""The Store facade, on an in-memory and on a file backend where both make sense."""

from __future__ import annotations

import json
import random
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from kbtui.annotations.merging import ImportCounts
from kbtui.annotations.model import AnchorState, Annotation, Colour, Kind
from kbtui.annotations.schema import SCHEMA_VERSION
from kbtui.annotations.store import DatabaseError, DocState, Store
from kbtui.documents.model import source_hash

_RNG = random.Random(4)
SOURCE = "".join(_RNG.choice("天地玄黄宇宙洪荒日月盈昃辰宿列张 Claude,.\n") for _ in range(300))
"""Varied enough that a passage is found again by its context, not by a look-alike."""


def make(start: int = 0, end: int = 10, doc_id: str = "a.md", **kw: object) -> Annotation:
    return Annotation.from_source(doc_id, SOURCE, start, end, text_hash=source_hash(SOURCE), **kw)


@pytest.fixture(params=["memory", "file"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    s = Store.in_memory() if request.param == "memory" else Store.open(tmp_path / "kb.json")
    yield s
    s.close()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "kb.json"


# -- annotations -------------------------------------------------------------------


def test_added_annotations_come_back_by_document_and_position(store: Store) -> None:
    late, early, other = make(20, 30), make(0, 5), make(3, 8, doc_id="b.md")
    for a in (late, early, other):
        store.add(a)
    assert store.annotations_for("a.md") == [early, late]
    assert store.annotations_for("missing.md") == []
    assert store.all_annotations() == [early, late, other]
    assert store.get(other.id) == other
    assert store.get("nope") is None
    assert (store.count("a.md"), store.count("b.md"), store.count("c.md")) == (2, 1, 0)


def test_an_id_is_added_once(store: Store) -> None:
    a = make()
    store.add(a)
    with pytest.raises(ValueError, match="already exists"):
        store.add(a)


def test_update_replaces_and_stamps_the_time(store: Store) -> None:
    a = make(note="old", tags=["x"])
    a.updated = "2020-01-01T00:00:00+00:00"
    store.add(a)
    a.note, a.colour, a.tags = "new", Colour.BLUE, ["y"]
    stored = store.update(a)
    assert stored.updated > "2020"
    assert store.get(a.id) == stored
    assert (stored.note, stored.colour, stored.tags) == ("new", Colour.BLUE, ["y"])


def test_update_and_delete_of_a_missing_annotation_raise(store: Store) -> None:
    with pytest.raises(KeyError):
        store.update(make())
    with pytest.raises(KeyError):
        store.delete("nope")


def test_delete_returns_what_it_deleted(store: Store) -> None:
    a = make()
    store.add(a)
    assert store.delete(a.id) == a
    assert store.annotations_for("a.md") == []


def test_bookmarks_are_annotations(store: Store) -> None:
    b = make(12, 12, kind=Kind.BOOKMARK)
    store.add(b)
    assert store.annotations_for("a.md")[0].kind == Kind.BOOKMARK


# -- undo ------------------------------------------------------------------------------


def test_undo_takes_back_add_edit_and_delete_in_reverse_order(store: Store) -> None:
    a = make(note="first")
    store.add(a)
    a.note = "second"  # the UI edits its object in place...
    store.update(a)
    store.delete(a.id)
    a.note = "scribbled"  # ...and may keep doing so: history must not change
    assert store.can_undo
    assert store.undo() == "delete highlight"
    assert store.get(a.id).note == "second"
    assert store.undo() == "edit highlight"
    assert store.get(a.id).note == "first"
    assert store.undo() == "add highlight"
    assert store.get(a.id) is None
    assert store.undo() is None
    assert not store.can_undo


def test_undo_of_a_bookmark_says_so(store: Store) -> None:
    store.add(make(3, 3, kind=Kind.BOOKMARK))
    assert store.undo() == "add bookmark"


# -- documents ------------------------------------------------------------------------


def test_document_state_defaults_and_changes(store: Store) -> None:
    assert store.doc_state("a.md") == DocState()
    store.set_position("a.md", 120)
    store.set_script("a.md", "traditional")
    store.set_doc_tags("a.md", [" ai ", "", "people", "ai"])
    store.touch_opened("a.md")
    state = store.doc_state("a.md")
    assert (state.position, state.script, state.tags) == (120, "traditional", ("ai", "people"))
    assert state.last_opened is not None
    assert store.doc_state("b.md") == DocState()


def test_all_tags_joins_annotation_and_document_tags(store: Store) -> None:
    store.add(make(tags=["Claude", "模型"]))
    store.add(make(2, 4, doc_id="b.md", tags=["ai"]))
    store.set_doc_tags("c.md", ["AI", "claude"])
    assert store.all_tags() == ["AI", "ai", "Claude", "claude", "模型"]


# -- user entities ------------------------------------------------------------------------


def test_user_entity_records_are_kept_in_order(store: Store) -> None:
    store.save_user_entity("Dario Amodei", "person", ["达里奥"])
    store.save_user_entity("达里奥·阿莫代伊", "person", ["Dario Amodei", "达里奥"])
    assert store.list_user_entities() == [
        {"name": "Dario Amodei", "kind": "person", "aliases": ["达里奥"]},
        {"name": "达里奥·阿莫代伊", "kind": "person", "aliases": ["Dario Amodei", "达里奥"]},
    ]


# -- import -----------------------------------------------------------------------------------


def test_merge_import_adds_updates_and_never_duplicates(store: Store) -> None:
    kept, changed, same = make(0, 5), make(5, 10), make(10, 15)
    for a in (kept, changed, same):
        a.updated = "2024-01-01T00:00:00+00:00"
        store.add(a)
    older = Annotation.from_record({**kept.to_record(), "note": "older", "updated": "2023-01-01"})
    newer = Annotation.from_record(
        {**changed.to_record(), "note": "newer", "updated": "2025-01-01T00:00:00Z"}
    )
    fresh = make(15, 20, doc_id="b.md")
    counts = store.merge_import([older, newer, same, fresh, fresh])
    assert counts == ImportCounts(added=1, updated=1, unchanged=2)
    assert store.get(kept.id).note == ""
    assert store.get(changed.id).note == "newer"
    assert len(store.all_annotations()) == 4
    assert store.merge_import([older, newer, same, fresh]) == ImportCounts(0, 0, 4)


def test_merge_import_moves_an_annotation_to_its_new_document(store: Store) -> None:
    a = make()
    store.add(a)
    moved = Annotation.from_record(
        {**a.to_record(), "doc_id": "renamed.md", "updated": "2099-01-01T00:00:00+00:00"}
    )
    assert store.merge_import([moved]).updated == 1
    assert store.annotations_for("a.md") == []
    assert [x.id for x in store.annotations_for("renamed.md")] == [a.id]


# -- anchoring ---------------------------------------------------------------------------------


def test_anchored_annotations_of_an_unchanged_document_are_as_stored(store: Store) -> None:
    a = make(4, 13)
    store.add(a)
    assert store.anchored_annotations("a.md", SOURCE) == [a]


def test_anchored_annotations_follow_an_edit_and_remember_it(store: Store) -> None:
    moved, gone = make(4, 13), make(30, 40)
    store.add(moved)
    store.add(gone)
    edited = "前言。" + SOURCE[:30] + SOURCE[40:]
    result = {a.id: a for a in store.anchored_annotations("a.md", edited)}
    now = result[moved.id]
    assert (now.start, now.end, now.anchor) == (7, 16, AnchorState.MOVED)
    assert now.quote == moved.quote and now.text_hash == source_hash(edited)
    assert now.score is not None and now.updated == moved.updated
    orphan = result[gone.id]
    assert (orphan.start, orphan.end, orphan.anchor) == (30, 40, AnchorState.ORPHAN)
    assert orphan.quote == gone.quote and orphan.text_hash == gone.text_hash
    assert store.get(moved.id) == now and store.get(gone.id) == orphan
    assert not store.can_undo or store.undo() == "add highlight"  # not itself undoable


def test_an_orphan_is_searched_for_once_per_text(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kbtui.annotations.anchoring

    searched: list[int] = []
    real = kbtui.annotations.anchoring.anchor_all
    monkeypatch.setattr(
        kbtui.annotations.anchoring,
        "anchor_all",
        lambda a, s, **kw: (searched.append(len(a)), real(a, s, **kw))[1],
    )
    store.add(make(30, 40))
    rewritten = "完全不同的文字。" * 20
    for _ in range(2):
        [orphan] = store.anchored_annotations("a.md", rewritten)
        assert orphan.anchor == AnchorState.ORPHAN
    assert searched == [1, 0]
    [back] = store.anchored_annotations("a.md", SOURCE)  # the text came back
    assert (back.start, back.end, back.anchor) == (30, 40, AnchorState.EXACT)


def test_threads_reading_while_another_writes_see_a_consistent_store(store: Store) -> None:
    errors: list[BaseException] = []

    def read() -> None:
        try:
            for _ in range(200):
                store.all_tags()
                store.annotations_for("a.md")
        except BaseException as exc:  # collected for the assertion below
            errors.append(exc)

    readers = [threading.Thread(target=read) for _ in range(3)]
    for r in readers:
        r.start()
    for i in range(100):
        store.add(make(i, i + 3, tags=[f"t{i}"]))
    for r in readers:
        r.join()
    assert errors == []
    assert store.count("a.md") == 100


# -- files: opening, damage, schema, processes ---------------------------------------------------


def test_open_creates_folders_and_persists(db_path: Path) -> None:
    a = make()
    with Store.open(db_path) as s:
        s.add(a)
        s.set_position("a.md", 7)
    with Store.open(db_path) as s:
        assert s.get(a.id) == a
        assert s.doc_state("a.md").position == 7
        assert s.schema_version() == SCHEMA_VERSION


def test_a_documents_locale_is_kept_across_a_reopen(db_path: Path) -> None:
    with Store.open(db_path) as s:
        s.set_locale("002.md", "zh-TW")
        s.set_script("002.md", "simplified")
    with Store.open(db_path) as s:
        state = s.doc_state("002.md")
        assert (state.locale, state.script) == ("zh-TW", "simplified")
        s.set_locale("002.md", None)
    with Store.open(db_path) as s:
        assert s.doc_state("002.md").locale is None


def test_open_without_a_path_uses_the_default_location(tmp_path: Path) -> None:
    with Store.open() as s:  # conftest points KBTUI_DB into tmp_path
        s.add(make())
    assert (tmp_path / "data" / "kbtui.json").exists()


def test_a_damaged_database_stops_kbtui_with_its_name_and_is_kept(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(b'{"meta": {"schema": {"version": 1}}, "annotations:a.md": {"x": ')
    with pytest.raises(DatabaseError, match=str(db_path)):
        Store.open(db_path)
    assert db_path.read_bytes().endswith(b'{"x": ')


_GOOD = {"id": "x", "doc_id": "a.md", "start": 1, "end": 3, "quote": "ab"}
MALFORMED = {
    "no fields": {"id": "x"},
    "offset as text": {**_GOOD, "start": "1"},
    "offset a float": {**_GOOD, "end": 3.5},
    "offset a boolean": {**_GOOD, "start": True},
    "negative offset": {**_GOOD, "start": -1},
    "start after end": {**_GOOD, "start": 4},
    "quote missing": {**_GOOD, "quote": None},
    "note a number": {**_GOOD, "note": 5},
    "tags a string": {**_GOOD, "tags": "abc"},
    "a tag a number": {**_GOOD, "tags": ["a", 1]},
    "time a number": {**_GOOD, "created": 5},
    "score a string": {**_GOOD, "score": "high"},
    "unknown colour": {**_GOOD, "colour": "pink"},
}


@pytest.mark.parametrize("record", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_malformed_annotation_record_is_reported_not_guessed(
    db_path: Path, record: dict[str, object]
) -> None:
    db_path.parent.mkdir(parents=True)
    db_path.write_text(
        json.dumps({"meta": {"schema": {"version": 1}}, "annotations:a.md": {"x": record}})
    )
    with Store.open(db_path) as s:
        for read in (lambda: s.annotations_for("a.md"), s.all_annotations):
            with pytest.raises(DatabaseError, match="malformed annotation 'x'"):
                read()


def test_a_well_formed_annotation_record_is_read(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    record = {**_GOOD, "tags": ["t"], "score": 1, "unknown": [1]}
    db_path.write_text(
        json.dumps({"meta": {"schema": {"version": 1}}, "annotations:a.md": {"x": record}})
    )
    with Store.open(db_path) as s:
        [a] = s.annotations_for("a.md")
    assert (a.start, a.end, a.quote, a.tags, a.score) == (1, 3, "ab", ["t"], 1)


def test_a_database_from_a_newer_kbtui_is_refused_and_untouched(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    db_path.write_text('{"meta": {"schema": {"version": 99}}, "future": {"1": {"x": 1}}}')
    before = db_path.read_bytes()
    with pytest.raises(DatabaseError, match="newer kbtui"):
        Store.open(db_path)
    assert db_path.read_bytes() == before


VERSION_0 = {
    "annotations": {
        "1": {
            "doc_id": "000_a.md",
            "start": 10,
            "end": 20,
            "quote": "达里奥·阿莫代伊创立",
            "prefix": "Anthropic 由",
            "colour": "green",
            "note": "founder",
            "tags": ["people"],
            "text_hash": "abc",
            "id": "old-1",
            "created": "2024-05-01T10:00:00+00:00",
            "updated": "2024-05-01T10:00:00+00:00",
        },
        "2": {"doc_id": "001_b.md", "start": 0, "end": 3, "quote": "视频里", "kind": "bookmark"},
    },
    "documents": {
        "1": {"doc_id": "000_a.md", "tags": ["ai"], "position": 42, "script": "traditional"},
        "2": {"doc_id": "001_b.md", "position": "not a number"},
    },
    "entities": {
        "10": {"name": "Claude", "kind": "product", "aliases": []},
        "9": {"name": "Dario Amodei", "kind": "person", "aliases": ["达里奥"]},
    },
}


def test_a_version_0_database_is_migrated_and_backed_up(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    db_path.write_text(json.dumps(VERSION_0, ensure_ascii=False), "utf-8")
    with Store.open(db_path) as s:
        assert s.schema_version() == 1
        [a] = s.annotations_for("000_a.md")
        assert (a.id, a.quote, a.colour, a.note, a.tags) == (
            "old-1",
            "达里奥·阿莫代伊创立",
            Colour.GREEN,
            "founder",
            ["people"],
        )
        [b] = s.annotations_for("001_b.md")
        assert b.kind == Kind.BOOKMARK and b.id  # given a fresh id
        assert s.doc_state("000_a.md") == DocState(("ai",), 42, "traditional", None)
        assert s.doc_state("001_b.md").position == 0
        assert [e["name"] for e in s.list_user_entities()] == ["Dario Amodei", "Claude"]
    backup = db_path.with_name("kb.json.schema0.bak")
    assert json.loads(backup.read_text("utf-8")) == VERSION_0
    with Store.open(db_path) as s:  # migrated once, for good
        assert s.count("000_a.md") == 1


def test_a_version_0_record_that_cannot_be_migrated_stops_the_migration(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    broken = {"annotations": {"1": {"doc_id": "a.md", "quote": "no offsets"}}}
    db_path.write_text(json.dumps(broken))
    before = db_path.read_bytes()
    with pytest.raises(DatabaseError, match="cannot migrate"):
        Store.open(db_path)
    assert db_path.read_bytes() == before


def test_two_stores_on_one_file_interleaving_lose_nothing(db_path: Path) -> None:
    one, two = Store.open(db_path, compact_bytes=4000), Store.open(db_path, compact_bytes=4000)
    added = []
    for i in range(30):
        for s in (one, two):
            a = make(i, i + 5, doc_id=f"d{i % 3}.md")
            s.add(a)
            added.append(a.id)
        one.set_position("d0.md", i)
        two.set_doc_tags("d0.md", [f"t{i}"])
    edited = two.get(added[0])
    edited.note = "edited by two"
    two.update(edited)
    assert one.get(added[0]).note == "edited by two"
    one.delete(added[1])
    one.close()
    two.close()
    with Store.open(db_path) as s:
        assert {a.id for a in s.all_annotations()} == set(added) - {added[1]}
        assert s.doc_state("d0.md") == DocState(("t29",), 29, None, None)
