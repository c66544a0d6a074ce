"""Bounded inputs: what ``kbtui import`` reads, and what a note and its tags may hold."""

from __future__ import annotations

import os
import uuid
from dataclasses import replace
from pathlib import Path

import pytest

from kbtui.annotations.limits import NOTE_MAX_BYTES, TAG_MAX_BYTES, TAGS_MAX
from kbtui.annotations.model import Annotation
from kbtui.annotations.store import Store
from kbtui.cli import main

DOC = "000_7aa956d427ec0c4c.txt"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(list(argv))
    out, err = capsys.readouterr()
    return int(exit_info.value.code or 0), out, err


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "kbtui.json"


@pytest.fixture
def annotation(sample_corpus: Path) -> Annotation:
    source = (sample_corpus / DOC).read_text(encoding="utf-8")
    return Annotation.from_source(DOC, source, 0, 4, note="a short note", tags=["t"])


def _special_files(tmp_path: Path) -> dict[str, Path]:
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    folder = tmp_path / "folder.json"
    folder.mkdir()
    return {"/dev/zero": Path("/dev/zero"), "a pipe": fifo, "a folder": folder}


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_import_refuses_what_is_not_a_regular_file_without_reading_it(
    capsys: pytest.CaptureFixture[str], sample_corpus: Path, db: Path, tmp_path: Path
) -> None:
    for name, path in _special_files(tmp_path).items():
        code, _, err = run(
            capsys, "import", str(path), "--corpus", str(sample_corpus), "--db", str(db)
        )
        assert code == 1, name
        reason = "Is a directory" if name == "a folder" else "is not a regular file"
        assert err == f"kbtui: {path}: {reason}\n", name
    assert not db.exists()


def test_import_refuses_a_file_over_the_cap(
    capsys: pytest.CaptureFixture[str],
    sample_corpus: Path,
    db: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    big = tmp_path / "big.json"
    big.write_bytes(b"[" + b" " * 100 + b"]")
    common = ["--corpus", str(sample_corpus), "--db", str(db)]
    code, _, err = run(capsys, "import", str(big), "--max-bytes", "100", *common)
    assert code == 1 and "larger than 100 bytes" in err
    monkeypatch.setenv("KBTUI_IMPORT_MAX_BYTES", "101")
    code, _, err = run(capsys, "import", str(big), *common)
    assert code == 1 and "larger than 101 bytes" in err
    monkeypatch.setenv("KBTUI_IMPORT_MAX_BYTES", "102")
    code, out, err = run(capsys, "import", str(big), *common)
    assert code == 0 and "added 0" in out, err  # exactly at the cap: read
    monkeypatch.setenv("KBTUI_IMPORT_MAX_BYTES", "lots")
    code, _, err = run(capsys, "import", str(big), *common)
    assert code == 2 and "KBTUI_IMPORT_MAX_BYTES" in err and err.count("\n") == 1


def test_a_note_or_tags_over_the_limits_are_refused_and_nothing_stored(
    annotation: Annotation, db: Path
) -> None:
    store = Store.open(db)
    stored = store.add(annotation)
    too_much = {
        "note": dict(note="字" * (NOTE_MAX_BYTES // 3 + 1)),
        "a tag": dict(tags=["x" * (TAG_MAX_BYTES + 1)]),
        "tags": dict(tags=[str(i) for i in range(TAGS_MAX + 1)]),
    }
    for what, fields in too_much.items():
        big = replace(annotation, id=str(uuid.uuid4()), **fields)
        with pytest.raises(ValueError, match=r"MiB|bytes|tags"):
            store.add(big)
        with pytest.raises(ValueError):
            store.update(replace(stored, **fields))
        with pytest.raises(ValueError):
            store.merge_import([big])
        assert store.all_annotations() == [stored], what
    with pytest.raises(ValueError, match="tags"):
        store.set_doc_tags(DOC, [str(i) for i in range(TAGS_MAX + 1)])
    store.close()
    reopened = Store.open(db)
    assert reopened.all_annotations() == [stored]
    assert reopened.doc_state(DOC).tags == ()


def test_an_imported_note_over_the_limit_is_rejected_and_the_rest_goes_in(
    capsys: pytest.CaptureFixture[str],
    sample_corpus: Path,
    db: Path,
    tmp_path: Path,
    annotation: Annotation,
) -> None:
    common = ["--corpus", str(sample_corpus), "--db", str(db)]
    with Store.open(db) as store:
        store.add(annotation)
        store.add(replace(annotation, id=str(uuid.uuid4()), note="second"))
    code, exported, _ = run(capsys, "export", "--format", "json", *common)
    assert code == 0
    common[-1] = str(tmp_path / "fresh.json")
    text = exported.replace("a short note", "注" * (NOTE_MAX_BYTES // 3 + 1))
    assert text != exported
    (tmp_path / "in.json").write_text(text, encoding="utf-8")
    code, out, err = run(capsys, "import", str(tmp_path / "in.json"), *common)
    assert code == 0, err
    assert "added 1" in out and "rejected 1" in out
    assert "a note holds at most 1.0 MiB" in err
    with Store.open(tmp_path / "fresh.json") as store:
        assert [a.note for a in store.all_annotations()] == ["second"]
