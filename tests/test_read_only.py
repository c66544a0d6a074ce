"""Reading never writes: damaged, missing or hostile database files meet every
read-only command, and afterwards every byte of the data folder is as it was."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from helpers import DOC_000, SIZE, build, open_doc, wait_for

from kbtui.annotations.busy import DatabaseBusy, lock_timeout, lock_wait
from kbtui.annotations.model import Annotation, Kind
from kbtui.annotations.storage import DatabaseError
from kbtui.annotations.store import Store
from kbtui.cli import main

DOC = "000_7aa956d427ec0c4c.txt"
COMPACTED, JOURNALLED = 50, 5

READ_COMMANDS = {
    "list": ["list"],
    "list --json": ["list", "--json"],
    "show": ["show", DOC, "--script", "simplified"],
    "search": ["search", "的"],
    "mentions": ["mentions"],
    "export": ["export"],
    "export json": ["export", "--format", "json"],
}


def journal(db: Path) -> Path:
    return db.with_name(db.name + ".journal")


def snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    """Every entry of ``folder``: its kind or content hash, and its mtime."""
    found = {}
    for entry in sorted(folder.iterdir()):
        st = os.lstat(entry)
        if entry.is_symlink():
            what = "-> " + os.readlink(entry)
        elif entry.is_file():
            what = hashlib.sha256(entry.read_bytes()).hexdigest()
        else:
            what = "special"
        found[entry.name] = (what, st.st_mtime_ns)
    return found


@pytest.fixture
def db(tmp_path: Path, sample_corpus: Path) -> Path:
    """50 annotations in the main file and 5 acknowledged only in the journal."""
    path = tmp_path / "data" / "kbtui.json"
    source = (sample_corpus / DOC).read_text(encoding="utf-8")
    store = Store.open(path)
    for i in range(COMPACTED + JOURNALLED):
        if i == COMPACTED:
            store.compact()
        store.add(Annotation.from_source(DOC, source, i, i + 1, note=f"note {i}"))
    return path  # not closed: as a killed process leaves it


def run(
    capsys: pytest.CaptureFixture[str], corpus: Path, db: Path, argv: list[str]
) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main([*argv, "--corpus", str(corpus), "--db", str(db)])
    out, err = capsys.readouterr()
    return int(exit_info.value.code or 0), out, err


def listed(capsys: pytest.CaptureFixture[str], corpus: Path, db: Path) -> int:
    code, out, err = run(capsys, corpus, db, ["list", "--json"])
    assert code == 0, err
    return sum(r["annotations"] for r in json.loads(out))


def flip(path: Path, at: int) -> None:
    data = bytearray(path.read_bytes())
    data[at] ^= 0x01
    path.write_bytes(bytes(data))


def _flip_generation(db: Path) -> None:
    text = db.read_text("utf-8")
    at = text.index('"generation":"') + len('"generation":"') + 3
    digit = "1" if text[at] != "1" else "2"
    db.write_text(text[:at] + digit + text[at + 1 :], "utf-8")


def _flip_last_line(db: Path) -> None:
    flip(journal(db), journal(db).stat().st_size - 20)


def _flip_middle_line(db: Path) -> None:
    data = journal(db).read_bytes()
    flip(journal(db), data.index(b"\n", data.index(b"\n") + 1) + 20)


def _dangling(db: Path) -> None:
    db.unlink()
    db.symlink_to(db.with_name("gone.json"))


DAMAGE: dict[str, Callable[[Path], None]] = {
    "main file empty": lambda db: db.write_bytes(b""),
    "main file missing": lambda db: db.unlink(),
    "main file a dangling symlink": _dangling,
    "main file truncated": lambda db: db.write_bytes(db.read_bytes()[:-30]),
    "main file cut to its first byte": lambda db: db.write_bytes(db.read_bytes()[:1]),
    "a digit of the generation flipped": _flip_generation,
    "a byte flipped in the last complete journal line": _flip_last_line,
    "a byte flipped in a journal line in the middle": _flip_middle_line,
    "the journal's first line flipped": lambda db: flip(journal(db), 15),
    "the journal emptied": lambda db: journal(db).write_bytes(b""),
    "the journal missing": lambda db: journal(db).unlink(),
    "the journal a dangling symlink": lambda db: (
        journal(db).unlink(),
        journal(db).symlink_to(db.with_name("gone.journal")),
    ),
    "the journal cut inside its header": lambda db: journal(db).write_bytes(
        journal(db).read_bytes()[:30]
    ),
}


@pytest.mark.parametrize("damage", DAMAGE.values(), ids=DAMAGE.keys())
def test_damage_is_refused_naming_the_file_and_no_command_writes(
    capsys: pytest.CaptureFixture[str],
    sample_corpus: Path,
    db: Path,
    damage: Callable[[Path], None],
) -> None:
    damage(db)
    before = snapshot(db.parent)
    for name, argv in READ_COMMANDS.items():
        code, out, err = run(capsys, sample_corpus, db, argv)
        if name.startswith(("list", "export")):
            assert code == 1, f"{name}: {out[:200]}"
            assert err.count("\n") == 1 and str(db.name) in err, f"{name}: {err}"
        assert "Traceback" not in err
        assert snapshot(db.parent) == before, name
    with pytest.raises(DatabaseError):  # a writer refuses too, and repairs nothing
        Store.open(db)
    assert snapshot(db.parent) == before


def test_a_healthy_database_is_read_whole_and_left_byte_for_byte(
    capsys: pytest.CaptureFixture[str], sample_corpus: Path, db: Path
) -> None:
    before = snapshot(db.parent)
    assert listed(capsys, sample_corpus, db) == COMPACTED + JOURNALLED
    for name, argv in READ_COMMANDS.items():
        code, _, err = run(capsys, sample_corpus, db, argv)
        assert code == 0, f"{name}: {err}"
        assert snapshot(db.parent) == before, name  # no compaction, no lock file


def test_a_write_cut_off_is_ignored_by_readers_and_left_for_a_writer(
    capsys: pytest.CaptureFixture[str], sample_corpus: Path, db: Path
) -> None:
    journal(db).write_bytes(journal(db).read_bytes()[:-7])  # the last line, torn
    before = snapshot(db.parent)
    assert listed(capsys, sample_corpus, db) == COMPACTED + JOURNALLED - 1
    assert snapshot(db.parent) == before
    Store.open(db).close()  # a writer cuts the torn line and folds the journal in
    assert listed(capsys, sample_corpus, db) == COMPACTED + JOURNALLED - 1


def test_a_journal_left_from_before_the_last_rewrite_still_counts_as_folded_in(
    capsys: pytest.CaptureFixture[str], sample_corpus: Path, db: Path
) -> None:
    old = journal(db).read_bytes()
    Store.open(db).close()
    journal(db).write_bytes(old)  # as if killed between the two renames
    assert listed(capsys, sample_corpus, db) == COMPACTED + JOURNALLED


def test_a_read_only_folder_is_read_without_a_lock_file(
    capsys: pytest.CaptureFixture[str], sample_corpus: Path, db: Path
) -> None:
    """Tests run as root, where chmod stops nothing: what is asserted is that
    nothing was created or changed, which a read-only mount would refuse."""
    for entry in db.parent.iterdir():
        if entry.name.endswith(".lock"):
            entry.unlink()
    before = snapshot(db.parent)
    os.chmod(db.parent, 0o555)
    try:
        assert listed(capsys, sample_corpus, db) == COMPACTED + JOURNALLED
    finally:
        os.chmod(db.parent, 0o755)
    assert snapshot(db.parent) == before


def test_a_missing_database_is_not_created_by_reading(
    capsys: pytest.CaptureFixture[str], sample_corpus: Path, tmp_path: Path
) -> None:
    db = tmp_path / "nowhere" / "kbtui.json"
    assert listed(capsys, sample_corpus, db) == 0
    assert not db.parent.exists()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_pipe_as_the_journal_hangs_no_command(sample_corpus: Path, db: Path) -> None:
    journal(db).unlink()
    os.mkfifo(journal(db))
    for argv in (["list"], ["export"]):
        done = subprocess.run(
            [sys.executable, "-m", "kbtui", *argv, "--corpus", str(sample_corpus), "--db", str(db)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 1
        assert "is not a regular file" in done.stderr and "Traceback" not in done.stderr


# -- nothing leaves the corpus ---------------------------------------------------------


def test_links_out_of_the_corpus_are_skipped_and_never_read(
    capsys: pytest.CaptureFixture[str], sample_corpus: Path, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("root:SECRET-HASH:19000:0:99999:7:::\n", encoding="utf-8")
    corpus = tmp_path / "corpus"
    (corpus / "sub").mkdir(parents=True)
    (corpus / "mine.md").write_text("# Mine\n\n一段文字。\n", encoding="utf-8")
    (corpus / "inner.md").symlink_to(corpus / "mine.md")  # a link inside stays
    (corpus / "shadow.md").symlink_to(secret)
    (corpus / "sub" / "up.txt").symlink_to("../../secret.txt")
    (tmp_path / "outer").mkdir()
    (tmp_path / "outer" / "x.md").symlink_to(secret)
    (corpus / "linked").symlink_to(tmp_path / "outer")  # a folder link: not followed
    db = tmp_path / "kbtui.json"
    code, out, err = run(capsys, corpus, db, ["list", "--json"])
    assert code == 0 and "SECRET" not in out + err
    assert [r["id"] for r in json.loads(out)] == ["inner.md", "mine.md"]
    assert "kbtui: shadow.md: skipped: a link to a file outside the corpus" in err
    assert "kbtui: sub/up.txt: skipped: a link to a file outside the corpus" in err
    for argv in (["show", "shadow.md"], ["show", "linked/x.md"], ["search", "SECRET"]):
        code, out, err = run(capsys, corpus, db, argv)
        assert "SECRET" not in out + err, argv
    code, _, err = run(capsys, corpus, db, ["show", "shadow.md"])
    assert code == 1 and "no document 'shadow.md'" in err


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_pipe_in_the_corpus_hangs_no_command(sample_corpus: Path, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.md").write_text("# A\n\n文字。\n", encoding="utf-8")
    os.mkfifo(corpus / "pipe.md")
    common = ["--corpus", str(corpus), "--db", str(tmp_path / "kbtui.json")]
    for argv in (["list"], ["show", "pipe.md"], ["search", "文"], ["export"]):
        done = subprocess.run(
            [sys.executable, "-m", "kbtui", *argv, *common],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert "Traceback" not in done.stderr, argv
    assert "not a regular file" in done.stderr or done.returncode == 0


def test_json_output_escapes_bidi_and_c1_controls(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    name = "evil\u202etxt.md"
    (corpus / name).write_text("# Title \u0085 \u2066x\u2069\n\n正文。\n", encoding="utf-8")
    for argv in (["list", "--json"], ["search", "正文", "--json"]):
        code, out, err = run(capsys, corpus, tmp_path / "kbtui.json", argv)
        assert code == 0, err
        assert not any("\u0080" <= c <= "\u009f" or c in "\u202e\u2066\u2069" for c in out)
        assert "\\u202e" in out
        assert name in json.dumps(json.loads(out), ensure_ascii=False)  # the same data


def test_an_old_schema_is_migrated_in_memory_only_by_a_reader(
    capsys: pytest.CaptureFixture[str], sample_corpus: Path, tmp_path: Path
) -> None:
    source = (sample_corpus / DOC).read_text(encoding="utf-8")
    record = Annotation.from_source(DOC, source, 0, 3).to_record()
    db = tmp_path / "data" / "kbtui.json"
    db.parent.mkdir()
    db.write_text(json.dumps({"annotations": {"1": record}}), encoding="utf-8")
    before = snapshot(db.parent)
    assert listed(capsys, sample_corpus, db) == 1
    assert snapshot(db.parent) == before  # no .schema0.bak, no rewrite


@contextlib.contextmanager
def locked_by_another_process(db: Path) -> Iterator[None]:
    """``db``'s lock held by another process (a hung kbtui) until the block ends."""
    code = (
        "import sys; from filelock import FileLock; lock = FileLock(sys.argv[1]); "
        "lock.acquire(); print('held', flush=True); sys.stdin.read()"
    )
    lock = db.with_name(db.name + ".lock")
    holder = subprocess.Popen(
        [sys.executable, "-c", code, str(lock)], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    assert holder.stdin is not None and holder.stdout is not None
    try:
        assert holder.stdout.readline() == b"held\n"
        yield
    finally:
        holder.stdin.close()
        holder.wait(10)


def test_a_short_lock_wait_is_busy_at_once_and_the_store_is_unchanged(
    sample_corpus: Path, db: Path
) -> None:
    source = (sample_corpus / DOC).read_text(encoding="utf-8")
    with Store.open(db) as store, locked_by_another_process(db):
        started = time.monotonic()
        with pytest.raises(DatabaseBusy, match="locked by another kbtui process"), lock_wait(0.2):
            store.add(Annotation.from_source(DOC, source, 0, 1))
        assert time.monotonic() - started < 1
        assert store.count(DOC) == COMPACTED + JOURNALLED
    assert lock_timeout(30.0) == 30.0  # the wait was the block's only


async def test_a_locked_database_never_freezes_the_app_and_the_change_lands_later(
    sample_corpus: Path, tmp_path: Path
) -> None:
    app = build(sample_corpus, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_doc(app, pilot, DOC_000)
        with locked_by_another_process(tmp_path / "db.json"):
            for keys in (("B",), ("j",), ("j",)):  # a bookmark kept, then the cursor moves
                started = time.monotonic()
                await pilot.press(*keys)
                await pilot.pause()
                assert time.monotonic() - started < 1, keys
            assert "DATABASE BUSY" in app.sub_title and app.pane.annotations == []
            assert app.session.store.count(DOC_000) == 0
            await pilot.pause(1.5)  # a retry or two, still locked out
            assert app.session.write_failure is not None
        await wait_for(pilot, lambda: app.sub_title == "", "the kept bookmark saved")
        assert [a.kind for a in app.pane.annotations] == [Kind.BOOKMARK]
        assert any("Saving again" in str(n.message) for n in app._notifications)
        await pilot.press("q")
    assert app.return_code == 0
    with Store.open(tmp_path / "db.json", read_only=True) as store:
        assert store.count(DOC_000) == 1


async def test_quitting_while_the_database_is_locked_says_what_was_not_saved(
    sample_corpus: Path, tmp_path: Path
) -> None:
    app = build(sample_corpus, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_doc(app, pilot, DOC_000)
        with locked_by_another_process(tmp_path / "db.json"):
            await pilot.press("B")
            await pilot.pause()
            started = time.monotonic()
            await pilot.press("q")
            assert time.monotonic() - started < 2  # not the CLI's 30 s wait to fold the journal
            said = " ".join(map(str, app._exit_renderables))
    assert app.return_code == 1
    assert "were not saved" in said and "locked by another kbtui process" in said
