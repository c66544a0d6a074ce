"""``kbtui doctor``: every problem on one line with what to do, exit 1, and nothing written;
``--repair`` salvages a refused database into a new file and leaves the old ones as they were."""

from __future__ import annotations

import errno
import json
import os
import shutil
from pathlib import Path

import pytest
from test_read_only import DAMAGE

from kbtui.annotations.model import AnchorState, Annotation, Kind
from kbtui.annotations.store import Store
from kbtui.cli import main
from kbtui.settings import settings_path

DOC = "001_a7702332fec17ca5.txt"


@pytest.fixture
def corpus(sample_corpus: Path, tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    shutil.copytree(sample_corpus, root)
    return root


def doctor(
    capsys: pytest.CaptureFixture[str], corpus: Path, db: Path, *more: str
) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(["doctor", "--corpus", str(corpus), "--db", str(db), *more])
    out, err = capsys.readouterr()
    return int(exit_info.value.code or 0), out, err


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file in ``folder`` with its bytes and modification time."""
    return {
        p.name: (p.read_bytes(), p.stat().st_mtime_ns)
        for p in folder.iterdir()
        if p.is_file() and not p.is_symlink()
    }


def test_a_healthy_setup_has_nothing_to_say(
    capsys: pytest.CaptureFixture[str], corpus: Path, tmp_path: Path
) -> None:
    db = tmp_path / "db" / "db.json"
    db.parent.mkdir()
    with Store.open(db) as store:
        store.set_doc_tags(DOC, ["fine"])
    before = snapshot(db.parent)
    code, out, err = doctor(capsys, corpus, db)
    assert (code, err) == (0, "") and out.startswith("no problem found")
    assert snapshot(db.parent) == before  # no lock file, no compaction


def test_a_damaged_database_is_one_error_and_is_left_as_it_was(
    capsys: pytest.CaptureFixture[str], corpus: Path, tmp_path: Path
) -> None:
    db = tmp_path / "db" / "db.json"
    db.parent.mkdir()
    with Store.open(db) as store:
        store.add(Annotation(DOC, 0, 3, "abc"))
    db.write_text(db.read_text().replace('"highlight"', '"higilight"'))
    before = snapshot(db.parent)
    code, out, err = doctor(capsys, corpus, db)
    [line] = out.splitlines()
    assert (
        code == 1 and line.startswith(f"error: {db}: ") and "higilight" not in line.split(";")[-1]
    )
    assert "copy the database" in line and "doctor --repair" in line and "1 finding" in err
    assert snapshot(db.parent) == before


def test_a_fifo_journal_is_refused_without_blocking(
    capsys: pytest.CaptureFixture[str], corpus: Path, tmp_path: Path
) -> None:
    db = tmp_path / "db.json"
    with Store.open(db) as store:
        store.add(Annotation(DOC, 0, 3, "abc"))
    (tmp_path / "db.json.journal").unlink()
    os.mkfifo(tmp_path / "db.json.journal")
    code, out, _ = doctor(capsys, corpus, db)
    assert code == 1 and f"error: {db}.journal: is not a regular file" in out


def test_records_of_missing_documents_and_orphans_are_warnings(
    capsys: pytest.CaptureFixture[str], corpus: Path, tmp_path: Path
) -> None:
    db = tmp_path / "db.json"
    source = (corpus / DOC).read_text(encoding="utf-8")
    with Store.open(db) as store:
        store.add(Annotation.from_source(DOC, source, 10, 20))
        store.add(Annotation("002_be2c72276a634b9f.txt", 0, 3, "gone", anchor=AnchorState.ORPHAN))
    (corpus / DOC).rename(corpus / "renamed.txt")
    code, out, _ = doctor(capsys, corpus, db)
    assert code == 1
    assert f"warning: {DOC}: is not in the corpus" in out
    assert f"kbtui reattach {DOC} renamed.txt" in out
    assert "warning: 002_be2c72276a634b9f.txt: 1 annotation(s) could not be placed" in out


def test_settings_documents_and_entities_yaml(
    capsys: pytest.CaptureFixture[str], corpus: Path, tmp_path: Path
) -> None:
    settings_path().parent.mkdir(parents=True, exist_ok=True)
    settings_path().write_text("default_script = [", encoding="utf-8")
    (corpus / "entities.yaml").write_text("people: [unclosed", encoding="utf-8")
    (corpus / "broken.md").write_bytes(b"---\ntitle: [x\n---\nbody\n")
    code, out, _ = doctor(capsys, corpus, tmp_path / "db.json")
    assert code == 1
    lines = out.splitlines()
    assert any(line.startswith(f"error: {settings_path()}: ") for line in lines)
    assert any(line.startswith("warning: entities.yaml: ") for line in lines)
    assert any(line.startswith("warning: broken.md: ") for line in lines)
    assert all(line.count(": ") >= 2 and "; " in line for line in lines)  # each says what to do


def test_json_and_notes(capsys: pytest.CaptureFixture[str], corpus: Path, tmp_path: Path) -> None:
    db = tmp_path / "db.json"
    db.write_text(json.dumps({"annotations": {}, "documents": {}}))  # the first schema
    code, out, _ = doctor(capsys, corpus, db, "--json")
    [finding] = json.loads(out)
    assert code == 0  # a note is nothing to fix
    assert finding["severity"] == "note" and "schema 0" in finding["problem"]
    assert set(finding) == {"severity", "subject", "problem", "fix"}
    assert not (tmp_path / "db.json.schema0.bak").exists()  # reading migrates nothing


# -- --repair ----------------------------------------------------------------------

COMPACTED, JOURNALLED = 50, 5
SALVAGED = {
    "main file empty": JOURNALLED,
    "main file missing": JOURNALLED,
    "main file a dangling symlink": JOURNALLED,
    "main file truncated": COMPACTED + JOURNALLED,  # only its generation was cut off
    "main file cut to its first byte": JOURNALLED,
    "a digit of the generation flipped": COMPACTED + JOURNALLED,
    "a byte flipped in the last complete journal line": COMPACTED + JOURNALLED - 1,
    "a byte flipped in a journal line in the middle": COMPACTED + JOURNALLED - 1,
    "the journal's first line flipped": COMPACTED + JOURNALLED,
    "the journal emptied": COMPACTED,
    "the journal missing": COMPACTED,
    "the journal a dangling symlink": COMPACTED,
    "the journal cut inside its header": COMPACTED,
}
"""How many annotations survive each damage of ``test_read_only``: all that were
acknowledged, but those the damage itself destroyed."""


@pytest.fixture
def refusable(tmp_path: Path, corpus: Path) -> Path:
    """50 annotations in the main file and 5 only in the journal, as a killed process leaves."""
    path = tmp_path / "data" / "kbtui.json"
    source = (corpus / DOC).read_text(encoding="utf-8")
    store = Store.open(path)
    for i in range(COMPACTED + JOURNALLED):
        if i == COMPACTED:
            store.compact()
        store.add(Annotation.from_source(DOC, source, i, i + 1, note=f"note {i}"))
    return path


def repaired(before: dict[str, tuple[bytes, int]], folder: Path) -> Path:
    """The one file ``--repair`` added to ``folder``, checking the rest are untouched."""
    after = snapshot(folder)
    [new] = after.keys() - before.keys()
    assert {name: after[name] for name in before} == before
    return folder / new


def notes(db: Path) -> list[str]:
    with Store.open(db, read_only=True) as store:
        return sorted(a.note for a in store.all_annotations())


@pytest.mark.parametrize("damage", SALVAGED, ids=SALVAGED.keys())
def test_repair_salvages_every_acknowledged_record_into_a_new_file(
    capsys: pytest.CaptureFixture[str], corpus: Path, refusable: Path, damage: str
) -> None:
    folder = refusable.parent
    DAMAGE[damage](refusable)
    before = snapshot(folder)
    code, out, err = doctor(capsys, corpus, refusable, "--repair")
    assert (code, err) == (0, ""), out
    new = repaired(before, folder)
    assert new.name.startswith("kbtui.repaired-") and new.suffix == ".json"
    assert f"--db {new}" in out and f"KBTUI_DB={new}" in out
    salvaged = notes(new)
    assert len(salvaged) == SALVAGED[damage]
    if SALVAGED[damage] == JOURNALLED:  # the main file is lost: the journal's are all there
        assert salvaged == sorted(f"note {i}" for i in range(COMPACTED, COMPACTED + JOURNALLED))
    code, _, err = doctor(capsys, corpus, new, "--repair")
    assert code == 1 and "nothing needs repair" in err


def test_repair_says_what_it_kept_and_dropped(
    capsys: pytest.CaptureFixture[str], corpus: Path, refusable: Path
) -> None:
    DAMAGE["a byte flipped in a journal line in the middle"](refusable)
    code, out, _ = doctor(capsys, corpus, refusable, "--repair", "--json")
    report = json.loads(out)
    assert code == 0 and "is damaged at byte" in report["refused"]
    assert report["kept"][f"annotations:{DOC}"] == COMPACTED + JOURNALLED - 1
    assert report["dropped"] == {"journal lines": 1} and report["journal_lines"] == JOURNALLED - 1
    code, out, _ = doctor(capsys, corpus, refusable, "--repair")
    assert code == 0
    assert f"kept: annotations:{DOC} {COMPACTED + JOURNALLED - 1}" in out
    assert "dropped: journal lines 1" in out


def test_repair_drops_a_damaged_record_and_keeps_the_others(
    capsys: pytest.CaptureFixture[str], corpus: Path, tmp_path: Path
) -> None:
    db = tmp_path / "db" / "db.json"
    db.parent.mkdir()
    with Store.open(db) as store:
        store.add(Annotation(DOC, 0, 3, "abc", note="bad"))
        store.add(Annotation(DOC, 4, 6, "de", note="good", kind=Kind.UNDERLINE))
    db.write_text(db.read_text().replace('"highlight"', '"higilight"'))
    before = snapshot(db.parent)
    code, out, _ = doctor(capsys, corpus, db, "--repair")
    assert code == 0 and f"annotations:{DOC} records 1" in out
    assert notes(repaired(before, db.parent)) == ["good"]


def test_a_healthy_database_needs_no_repair_and_gets_no_file(
    capsys: pytest.CaptureFixture[str], corpus: Path, refusable: Path
) -> None:
    before = snapshot(refusable.parent)
    code, out, err = doctor(capsys, corpus, refusable, "--repair")
    assert code == 1 and "nothing needs repair" in err and out == ""
    assert snapshot(refusable.parent) == before


def test_repair_never_writes_over_a_file(
    capsys: pytest.CaptureFixture[str],
    corpus: Path,
    refusable: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    occupied = refusable.with_name("occupied.json")
    occupied.write_text("mine")
    monkeypatch.setattr("kbtui.session.repair.repaired_path", lambda db: occupied)
    refusable.write_bytes(b"")
    before = snapshot(refusable.parent)
    code, _, err = doctor(capsys, corpus, refusable, "--repair")
    assert code == 2 and "exists already" in err
    assert snapshot(refusable.parent) == before


def test_a_main_file_cut_in_the_middle_gives_up_its_records_before_the_cut(
    capsys: pytest.CaptureFixture[str], corpus: Path, refusable: Path
) -> None:
    data = refusable.read_bytes()
    refusable.write_bytes(data[: len(data) // 2])
    before = snapshot(refusable.parent)
    code, out, _ = doctor(capsys, corpus, refusable, "--repair")
    assert code == 0 and "record(s) before the damage were read" in out
    salvaged = notes(repaired(before, refusable.parent))
    journalled = [f"note {i}" for i in range(COMPACTED, COMPACTED + JOURNALLED)]
    assert set(journalled) <= set(salvaged)
    assert JOURNALLED + 10 < len(salvaged) < COMPACTED + JOURNALLED
    assert set(salvaged) <= {f"note {i}" for i in range(COMPACTED + JOURNALLED)}


def test_a_full_disk_during_repair_is_exit_2_and_leaves_no_file(
    capsys: pytest.CaptureFixture[str],
    corpus: Path,
    refusable: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def full(path: Path, data: bytes) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr("kbtui.annotations.salvage.atomic_write_bytes", full)
    refusable.write_bytes(b"")
    before = snapshot(refusable.parent)
    code, _, err = doctor(capsys, corpus, refusable, "--repair")
    assert code == 2 and "No space left on device" in err and "nothing was changed" in err
    assert snapshot(refusable.parent) == before


def test_a_fifo_journal_is_repaired_from_the_main_file_without_blocking(
    capsys: pytest.CaptureFixture[str], corpus: Path, refusable: Path
) -> None:
    journal = refusable.with_name(refusable.name + ".journal")
    journal.unlink()
    os.mkfifo(journal)
    before = snapshot(refusable.parent)
    code, out, _ = doctor(capsys, corpus, refusable, "--repair")
    assert code == 0 and f"{journal}: is not a regular file" in out
    assert len(notes(repaired(before, refusable.parent))) == COMPACTED
