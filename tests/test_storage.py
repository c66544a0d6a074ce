"""The journalled TinyDB storage: persistence, damage, crashes and two processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from tinydb import TinyDB
from tinydb.table import Document

from kbtui.annotations.journal import frame
from kbtui.annotations.storage import DatabaseError, JournalStorage

REPO = Path(__file__).resolve().parents[1]


def open_db(path: Path, **kw: object) -> TinyDB:
    return TinyDB(path, storage=JournalStorage, **kw)


def journal(path: Path) -> Path:
    return path.with_name(path.name + ".journal")


def records(path: Path, table: str = "t") -> dict[str, object]:
    """A table as a freshly opened storage reads it (record ids are kept as strings)."""
    return JournalStorage(path).read().get(table, {})


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "sub" / "kb.json"


# -- persistence -----------------------------------------------------------------


def test_writes_persist_through_the_journal_and_survive_reopening(path: Path) -> None:
    db = open_db(path)
    t = db.table("t")
    t.insert({"a": 1})
    t.insert({"a": 2})
    t.update({"a": 3}, doc_ids=[1])  # TinyDB changes the record in place
    t.remove(doc_ids=[2])
    assert journal(path).stat().st_size > 0
    reopened = open_db(path)
    assert [dict(d) for d in reopened.table("t").all()] == [{"a": 3}]


def test_close_folds_the_journal_into_a_plain_tinydb_file(path: Path) -> None:
    db = open_db(path)
    db.table("t").insert({"name": "达里奥"})
    db.close()
    data = json.loads(path.read_text("utf-8"))
    assert data["t"] == {"1": {"name": "达里奥"}}
    lines = journal(path).read_bytes().splitlines()
    assert len(lines) == 1  # just the header naming the new main file
    plain = TinyDB(path)
    assert plain.table("t").all() == [{"name": "达里奥"}]
    plain.close()


def test_closing_a_large_database_leaves_its_journal_for_the_next_open(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kbtui.annotations.storage

    db = open_db(path)
    db.table("t").insert({"n": 1})
    db.close()  # small: folded in
    main = path.read_bytes()
    monkeypatch.setattr(kbtui.annotations.storage, "CLOSE_REWRITE_BYTES", len(main) - 1)
    db = open_db(path)
    db.table("t").insert({"n": 2})
    db.close()  # "large": rewriting it would cost more than the journal's replay
    assert path.read_bytes() == main
    assert len(journal(path).read_bytes().splitlines()) == 2  # the header and the write
    reopened = open_db(path)
    assert sorted(d["n"] for d in reopened.table("t").all()) == [1, 2]
    reopened.close()


def test_a_transaction_is_one_journal_line_and_all_or_nothing(path: Path) -> None:
    db = open_db(path)
    db.table("t").insert({"n": 0})
    before = journal(path).read_bytes()
    with pytest.raises(RuntimeError), db.storage.transaction():
        db.table("t").insert({"n": 1})
        db.table("u").insert({"n": 2})
        raise RuntimeError("changed my mind")
    assert journal(path).read_bytes() == before
    assert sorted(db.tables()) == ["t"]
    assert len(db.table("t")) == 1
    with db.storage.transaction():
        db.table("t").insert({"n": 1})
        db.table("u").insert({"n": 2})
    assert len(journal(path).read_bytes().splitlines()) == len(before.splitlines()) + 1


def test_dropping_tables_persists(path: Path) -> None:
    db = open_db(path)
    db.table("a").insert({"x": 1})
    db.table("b").insert({"x": 2})
    db.drop_table("a")
    assert sorted(open_db(path).tables()) == ["b"]
    db.drop_tables()
    assert open_db(path).tables() == set()


def test_records_that_are_not_json_are_refused_and_nothing_changes(path: Path) -> None:
    db = open_db(path)
    db.table("t").insert({"x": 1})
    with pytest.raises(TypeError):
        db.table("t").insert({"x": object()})
    assert [dict(d) for d in db.table("t").all()] == [{"x": 1}]


def test_compaction_happens_when_the_journal_grows(path: Path) -> None:
    db = open_db(path, compact_bytes=2000)
    for i in range(50):
        db.table("t").insert({"i": i, "pad": "x" * 50})
    assert journal(path).stat().st_size < 2000 + 200
    assert len(json.loads(path.read_text())["t"]) >= 20
    assert len(open_db(path).table("t")) == 50


# -- what a crash leaves -----------------------------------------------------------


def test_a_write_cut_off_by_a_crash_is_dropped_and_the_journal_repaired(path: Path) -> None:
    db = open_db(path)
    db.table("t").insert({"n": 1})
    good = journal(path).read_bytes()
    cut = frame('{"ops":[["p","t","2",{"n":2}]]}')[:-7]
    journal(path).write_bytes(good + cut)
    reopened = open_db(path)
    assert [dict(d) for d in reopened.table("t").all()] == [{"n": 1}]
    assert journal(path).read_bytes() == good  # the tail is gone before anyone appends
    reopened.table("t").insert({"n": 3})
    assert len(open_db(path).table("t")) == 2


def test_a_journal_left_from_before_the_last_rewrite_is_ignored(path: Path) -> None:
    db = open_db(path)
    db.table("t").insert({"n": 1})
    db.table("t").insert({"n": 2})
    old_journal = journal(path).read_bytes()
    db.storage.compact()  # new main file, new generation
    stale = journal(path).with_suffix(".old")
    stale.write_bytes(old_journal)
    os.replace(stale, journal(path))  # as if killed before the journal was reset
    for survivor in (db, open_db(path)):  # one that was running, one that starts
        assert len(survivor.table("t")) == 2
    db.table("t").remove(doc_ids=[1])
    assert [dict(d) for d in open_db(path).table("t").all()] == [{"n": 2}]


def test_a_journal_rewritten_in_place_is_not_replayed_from_the_middle(path: Path) -> None:
    db = open_db(path)
    db.table("t").insert({"n": 1})
    old_journal = journal(path).read_bytes()
    db.storage.compact()
    journal(path).write_bytes(old_journal + old_journal[-40:])  # same file, new bytes
    db.table("t").insert({"n": 2})
    assert len(open_db(path).table("t")) == 2


def test_leftover_temporary_files_are_removed(path: Path) -> None:
    open_db(path).table("t").insert({"n": 1})
    leftover = path.with_name(f".{path.name}.abc123.tmp")
    leftover.write_text("half a database")
    open_db(path)
    assert not leftover.exists()


def test_an_empty_file_is_an_empty_database(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.touch()
    db = open_db(path)
    assert db.tables() == set()
    db.table("t").insert({"n": 1})
    assert len(open_db(path).table("t")) == 1


def test_reading_does_not_write(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_text('{"t": {"1": {"n": 1}}}')  # written by plain TinyDB: no generation
    before = path.read_bytes()
    db = open_db(path)
    assert len(db.table("t")) == 1
    db.close()
    assert path.read_bytes() == before
    assert not journal(path).exists()
    open_db(path).table("t").insert({"n": 2})  # the first write adopts the file
    assert len(json.loads(path.read_text())["t"]) == 2


# -- damage -------------------------------------------------------------------------

DAMAGED = {
    "truncated": b'{"t": {"1": {"n": 1}}, "u": {"1": {"n"',
    "garbage": b"\x00\x01 this is not a database \xff\xfe",
    "not utf-8": b'{"t": {"1": {"n": "\xff"}}}',
    "a list": b'[{"n": 1}]',
    "a table that is a list": b'{"t": [1, 2]}',
    "a record that is a number": b'{"t": {"1": 5}}',
    "NaN, which kbtui cannot write back": b'{"t": {"1": {"n": NaN}}}',
    "a number too large for a float": b'{"t": {"1": {"n": -1e999}}}',
    "nested too deeply to parse": b'{"t": {"1": {"n": ' + b"[" * 100_000 + b"}}}",
}


@pytest.mark.parametrize("damage", DAMAGED.values(), ids=DAMAGED.keys())
def test_a_damaged_database_is_refused_naming_it_and_left_untouched(
    path: Path, damage: bytes
) -> None:
    path.parent.mkdir(parents=True)
    path.write_bytes(damage)
    with pytest.raises(DatabaseError) as caught:
        open_db(path)
    assert str(path) in str(caught.value)
    assert "untouched" in str(caught.value)
    assert path.read_bytes() == damage
    assert not journal(path).exists()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_path_that_is_not_a_regular_file_is_refused(tmp_path: Path) -> None:
    """``--db`` naming a pipe or a device: reading would block, and the first
    write would *replace* the device (``--db /dev/null`` as root)."""
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    code = (
        "import sys\nfrom kbtui.annotations.storage import DatabaseError, JournalStorage\n"
        f"try:\n    JournalStorage({str(fifo)!r})\n"
        "except DatabaseError as exc:\n    print(exc)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=30, check=False
    )
    assert done.stdout.startswith(f"{fifo}: is not a regular file"), done.stderr
    assert fifo.is_fifo() and not journal(fifo).exists()
    folder = tmp_path / "folder.json"
    folder.mkdir()
    with pytest.raises(DatabaseError, match="is not a regular file"):
        open_db(folder)


def test_a_journal_damaged_in_the_middle_is_refused(path: Path) -> None:
    db = open_db(path)
    for n in range(3):
        db.table("t").insert({"n": n})
    data = bytearray(journal(path).read_bytes())
    second_line = data.index(b"\n") + 1
    data[second_line + 20] ^= 0x01  # one flipped bit in an acknowledged write
    journal(path).write_bytes(bytes(data))
    main = path.read_bytes()
    with pytest.raises(DatabaseError, match=r"journal.*damaged"):
        open_db(path)
    assert journal(path).read_bytes() == bytes(data)
    assert path.read_bytes() == main


def test_a_journal_with_a_damaged_first_line_is_refused(path: Path) -> None:
    open_db(path).table("t").insert({"n": 1})
    journal(path).write_bytes(b"nonsense\n" + journal(path).read_bytes())
    with pytest.raises(DatabaseError, match="first line"):
        open_db(path)


# -- two processes -------------------------------------------------------------------


def test_two_storages_on_one_file_lose_nothing(path: Path) -> None:
    a, b = open_db(path, compact_bytes=3000), open_db(path, compact_bytes=3000)
    for i in range(40):
        a.table("t").insert(Document({"by": "a", "i": i}, doc_id=1000 + i))
        b.table("t").insert(Document({"by": "b", "i": i}, doc_id=2000 + i))
        if i % 7 == 0:
            a.table("t").update({"seen": True}, doc_ids=[2000 + i])  # another's record
    assert len(a.table("t")) == len(b.table("t")) == 80
    assert records(path)["2007"] == {"by": "b", "i": 7, "seen": True}


def test_a_stale_write_does_not_undo_another_processes_records(path: Path) -> None:
    a, b = open_db(path), open_db(path)
    a.table("t").insert(Document({"v": 1}, doc_id="x"))
    # ``b`` has not looked since: its whole-database write lacks ``x``, but it
    # records only what it changed, on top of what it finds on disk.
    b.storage.write({"t": {"y": {"v": 2}}})
    assert records(path) == {"x": {"v": 1}, "y": {"v": 2}}
    assert b.storage.read()["t"] == {"x": {"v": 1}, "y": {"v": 2}}


def test_two_processes_adding_at_once_lose_nothing(path: Path) -> None:
    script = (
        "import sys; from tinydb import TinyDB; from tinydb.table import Document;"
        "from kbtui.annotations.storage import JournalStorage;"
        "db = TinyDB(sys.argv[1], storage=JournalStorage, compact_bytes=20000);"
        "[db.table('t').insert(Document({'w': sys.argv[2]}, doc_id=int(sys.argv[2]) + i))"
        " for i in range(150)]"
    )
    path.parent.mkdir(parents=True)
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    writers = [
        subprocess.Popen([sys.executable, "-c", script, str(path), w], env=env)
        for w in ("1000", "2000")
    ]
    assert [w.wait(timeout=60) for w in writers] == [0, 0]
    assert len(records(path)) == 300


def test_the_crash_script_finds_nothing_wrong(tmp_path: Path) -> None:
    """A short run of ``bench/crash.py`` (the benchmark runs 200 kills)."""
    result = subprocess.run(
        [sys.executable, str(REPO / "bench" / "crash.py"), "--kills", "6", "--dir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(REPO / "src")},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "6 kills, 0 problems" in result.stdout
