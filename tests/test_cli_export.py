"""``kbtui export`` as a new user meets it (issue 16): "Open:" lines that work from
anywhere, and a mistyped folder that is an error rather than a new tree."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from test_cli import DOC_000, annotate, run


def open_lines(markdown: str) -> list[str]:
    return [line for line in markdown.splitlines() if line.lstrip("- ").startswith("Open:")]


def test_the_bundled_corpus_is_not_named_in_open_lines(
    capsys: pytest.CaptureFixture[str], sample_corpus: Path, tmp_path: Path
) -> None:
    db = tmp_path / "db.json"
    annotate(db, sample_corpus, DOC_000, "安全护栏")
    code, markdown, _ = run(capsys, "export", "--db", str(db))
    assert code == 0 and open_lines(markdown)
    assert all("--corpus" not in line for line in open_lines(markdown))
    code, named, _ = run(capsys, "export", "--db", str(db), "--corpus", str(sample_corpus))
    assert all("--corpus" not in line for line in open_lines(named))


def test_another_corpus_is_named_by_its_absolute_path(
    capsys: pytest.CaptureFixture[str],
    sample_corpus: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    corpus = tmp_path / "mine"
    shutil.copytree(sample_corpus, corpus)
    db = tmp_path / "db.json"
    annotate(db, corpus, DOC_000, "安全护栏")
    monkeypatch.chdir(tmp_path)
    code, markdown, _ = run(capsys, "export", "--db", str(db), "--corpus", "mine")
    assert code == 0 and open_lines(markdown)
    assert all(f"--corpus {corpus} --open" in line for line in open_lines(markdown))


def test_a_missing_folder_is_an_error_naming_it(
    capsys: pytest.CaptureFixture[str], sample_corpus: Path, tmp_path: Path
) -> None:
    db = tmp_path / "db.json"
    annotate(db, sample_corpus, DOC_000, "安全护栏")
    missing = tmp_path / "no" / "such"
    for out in (f"{missing}/x.md", f"{missing}/folder/"):
        code, _, err = run(capsys, "export", "--db", str(db), "--out", out)
        assert code == 1 and err.count("\n") == 1
        assert str(missing) in err and "no such folder" in err
    assert not (tmp_path / "no").exists()


def test_a_folder_export_creates_its_own_folder(
    capsys: pytest.CaptureFixture[str], sample_corpus: Path, tmp_path: Path
) -> None:
    db = tmp_path / "db.json"
    annotate(db, sample_corpus, DOC_000, "安全护栏")
    code, _, _ = run(capsys, "export", "--db", str(db), "--out", f"{tmp_path}/notes/")
    assert code == 0 and len(list((tmp_path / "notes").iterdir())) == 1
