"""Paths the system refuses (a name over 255 bytes) are one line, never a traceback.

Issue 13: a 300-character ``--out`` was a traceback; so were ``--db`` and
``--corpus`` of that length, and export's message carried ``[Errno 36]``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kbtui.annotations.model import Annotation
from kbtui.annotations.store import Store
from kbtui.cli import main

LONG = "x" * 300
"""A file name no Linux file system takes (ENAMETOOLONG)."""


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(list(argv))
    return int(exit_info.value.code or 0), capsys.readouterr().err


@pytest.mark.parametrize(
    "argv",
    [
        ["export", "--out", "{tmp}/" + LONG + ".md"],
        ["export", "--format", "json", "--out", "{tmp}/" + LONG + ".json"],
        ["export", "--out", "{tmp}/" + LONG + "/a.md"],
        ["list", "--db", "{tmp}/" + LONG + ".json"],
        ["list", "--corpus", "{tmp}/" + LONG],
        ["show", "x", "--corpus", "{tmp}/" + LONG],
        ["import", "{tmp}/" + LONG + ".json"],
    ],
    ids=["out-file", "out-json", "out-under", "db", "corpus", "show-corpus", "import"],
)
def test_a_name_too_long_is_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, sample_corpus: Path, argv: list[str]
) -> None:
    db = tmp_path / "db.json"
    with Store.open(db) as store:  # something to export, so the write is tried
        store.add(Annotation("000_7aa956d427ec0c4c.txt", 0, 2, "An"))
    argv = [part.replace("{tmp}", str(tmp_path)) for part in argv]
    if "--db" not in argv:
        argv += ["--db", str(db)]
    code, err = _run(capsys, *argv)
    assert code == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "name too long" in lines[0] and "Errno" not in lines[0]
    assert "Traceback" not in err
