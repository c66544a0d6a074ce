"""``kbtui doctor``: every problem on one line with what to do, exit 1, and nothing written."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from kbtui.annotations.model import AnchorState, Annotation
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
    assert "copy the database" in line and "1 finding" in err
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
