"""The main file one table per line: read by anyone as JSON, a long table kept undecoded.

A writer lays the main file out one table per line with a checksummed index
(:mod:`kbtui.annotations.layout`); a reader keeps a long table's text until it is asked
for (:class:`kbtui.annotations.unread.Unread`), so an import of one annotation does not
decode a document's 146,000 others. Whatever does not match its index is read whole,
as before: a hand edit is taken, damage refused.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tinydb import TinyDB

from kbtui.annotations import layout
from kbtui.annotations.errors import DatabaseError
from kbtui.annotations.files import dumps
from kbtui.annotations.store import Store
from kbtui.annotations.unread import TEXT_LOOKUPS, Unread
from tests.test_store import make

pytestmark = pytest.mark.usefixtures("lazy")


@pytest.fixture
def lazy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every table kept undecoded, however short."""
    monkeypatch.setattr(layout, "LAZY_BYTES", 0)


def filled(db: Path) -> list[str]:
    """A database of two documents, compacted; the ids of the first one's annotations."""
    with Store.open(db) as store:
        store.merge_import([make(i, i + 3, note=f"n{i}") for i in range(20)])
        store.add(make(1, 4, doc_id="b.md"))
        store.compact()
        return [a.id for a in store.annotations_for("a.md")]


def held(store: Store) -> dict[str, str]:
    """What the store's storage holds for each table: a dict or Unread."""
    return {name: type(t).__name__ for name, t in dict.items(store._storage.read())}


def test_the_file_is_json_one_table_a_line_that_tinydb_reads(tmp_path: Path) -> None:
    db = tmp_path / "kb.json"
    ids = filled(db)
    lines = db.read_text(encoding="utf-8").splitlines()
    assert lines[-1].startswith('"_storage":') and len(lines) == 5
    assert lines[2].startswith('"annotations:a.md":{')
    assert set(json.loads(db.read_text(encoding="utf-8"))["annotations:a.md"]) == set(ids)
    assert len(TinyDB(db).table("annotations:a.md")) == 20


def test_one_more_annotation_leaves_the_other_tables_undecoded(tmp_path: Path) -> None:
    db = tmp_path / "kb.json"
    ids = filled(db)
    with Store.open(db) as store:
        one = make(8, 9, note="one more")
        assert store.merge_import([one]).added == 1
        assert [a.id for a in store.anchored_annotations("a.md", "", only={one.id})] == [one.id]
        assert held(store)["annotations:a.md"] == "Unread"
        assert held(store)["annotations:b.md"] == "Unread"
    with Store.open(db) as store:  # the journal's line for it waits on the unread table
        assert held(store)["annotations:a.md"] == "Unread"
        assert store.get(one.id) is not None and store.get(ids[0]) is not None
        assert store.count("a.md") == 21
        assert {a.id for a in store.annotations_for("a.md")} == {*ids, one.id}


def test_a_deletion_and_an_edit_wait_on_the_unread_table(tmp_path: Path) -> None:
    db = tmp_path / "kb.json"
    ids = filled(db)
    with Store.open(db) as store:
        store.delete(ids[0])
        edited = store.get(ids[1])
        assert edited is not None
        store.update(edited.__class__(**{**edited.to_record(), "note": "edited"}))
    with Store.open(db) as store:
        assert store.get(ids[0]) is None
        assert store.count("a.md") == 19
        [shown] = [a for a in store.annotations_for("a.md") if a.id == ids[1]]
        assert shown.note == "edited"


def test_a_rewrite_copies_an_unchanged_table_as_it_was(tmp_path: Path) -> None:
    db = tmp_path / "kb.json"
    filled(db)
    before = db.read_bytes().splitlines()[2]
    with Store.open(db) as store:
        store.add(make(2, 5, doc_id="b.md"))
        store.compact()
        assert held(store)["annotations:a.md"] == "Unread"
    assert db.read_bytes().splitlines()[2] == before


def test_a_hand_edit_is_read_whole(tmp_path: Path) -> None:
    db = tmp_path / "kb.json"
    filled(db)
    db.write_text(db.read_text(encoding="utf-8").replace('"n3"', '"edited by hand"'))
    with Store.open(db) as store:
        assert "edited by hand" in {a.note for a in store.annotations_for("a.md")}
        assert held(store)["annotations:a.md"] == "dict"  # no index to trust: read as a whole


def test_damage_in_an_unread_table_is_refused_at_open(tmp_path: Path) -> None:
    db = tmp_path / "kb.json"
    filled(db)
    raw = db.read_bytes()
    at = raw.index(b'"note":"n3"') + 3
    db.write_bytes(raw[:at] + b"\x00" + raw[at + 1 :])
    with pytest.raises(DatabaseError, match=r"kb\.json"):
        Store.open(db)
    assert db.read_bytes()[at] == 0  # left as it was


def test_a_file_on_one_line_is_rewritten_by_line_at_the_first_close_after_a_write(
    tmp_path: Path,
) -> None:
    db = tmp_path / "kb.json"
    ids = filled(db)
    whole = json.loads(db.read_text(encoding="utf-8"))
    db.write_text(dumps(whole))  # as an older kbtui wrote it
    with Store.open(db) as store:
        store.annotations_for("a.md")
    assert len(db.read_text().splitlines()) == 1  # reading writes nothing
    with Store.open(db) as store:
        store.add(make(3, 6, doc_id="b.md"))
    assert len(db.read_text().splitlines()) == 5
    with Store.open(db) as store:
        assert {a.id for a in store.annotations_for("a.md")} == set(ids)


def test_an_unread_table_looks_a_key_up_in_its_text() -> None:
    table = {"k1": {"note": '"k2":{'}, "k\\3": {}}
    unread = Unread("t", dumps(table).encode(), 2, Path("kb.json"))
    assert unread.lookup("k2") == (True, None)  # only inside a note: escaped there
    assert unread.lookup("k1") == (False, None)  # there: decode to read it
    assert unread.lookup("k\\3")[0] is False
    unread.ops += [["p", "t", "k2", {"new": 1}], ["d", "t", "k1"]]
    assert unread.lookup("k2") == (True, {"new": 1}) and unread.lookup("k1") == (True, None)
    assert unread.size() is None and set(unread.table()) == {"k2", "k\\3"}


def test_an_unread_table_counts_new_keys_without_decoding() -> None:
    unread = Unread("t", dumps({"k1": {}, "k2": {}}).encode(), 2, Path("kb.json"))
    unread.ops += [["p", "t", "k3", {}], ["p", "t", "k4", {}], ["d", "t", "k4"]]
    assert unread.size() == 3
    unread.ops.append(["d", "t", "k1"])  # a key the text holds: only decoding tells
    assert unread.size() is None and len(unread.table()) == 2


def test_an_unread_tables_searches_are_few_then_it_is_decoded() -> None:
    unread = Unread("t", dumps({"k1": {}}).encode(), 1, Path("kb.json"))
    for i in range(TEXT_LOOKUPS):
        assert unread.lookup(f"new{i}") == (True, None)  # each a search of the whole text
    assert unread.lookup("new") == (False, None) and unread.searches == TEXT_LOOKUPS
    unread.ops.append(["p", "t", "k2", {}])
    assert unread.size() is None  # no search left: decoding tells


def test_adds_one_after_another_decode_the_table_once(tmp_path: Path) -> None:
    """Each add searched the table's text twice, for good: 23.5 ms an add at 50,000."""
    db = tmp_path / "kb.json"
    filled(db)
    with Store.open(db) as store:
        for i in range(TEXT_LOOKUPS):
            store.add(make(30 + i, 31 + i))
        assert held(store)["annotations:a.md"] == "dict"
        assert held(store)["annotations:b.md"] == "Unread"
        assert store.count("a.md") == 20 + TEXT_LOOKUPS


def test_an_unread_table_decodes_what_kbtuis_reader_does_and_refuses_the_rest() -> None:
    odd = b'{"k":{"n":"\\ud800","i":123456789012345678901234567890,"f":1e-400}}'
    assert Unread("t", odd, 1, Path("kb.json")).table() == {
        "k": {"n": "\ud800", "i": 123456789012345678901234567890, "f": 0.0}
    }
    for bad in (b'{"k":{"n":NaN}}', b'{"k":{"n":1e999}}', b'{"k":{"n":"\xff"}}', b'{"k":1}'):
        with pytest.raises(DatabaseError, match=r"kb\.json"):
            Unread("t", bad, 1, Path("kb.json")).table()
