"""kbtui lookup, kbtui vocab and pinyin in kbtui search: what the reading aids print and write."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from pathlib import Path

import pytest
from lookup_fixtures import cache_file, installed_cache

from kbtui.annotations.store import Store
from kbtui.cli import main
from kbtui.lookup.vocab import VocabEntry
from kbtui.session import Session
from kbtui.session.reading_aids import word_entry
from kbtui.view.markdown import render

__all__ = ["cache_file", "installed_cache"]

DOC_003 = "003_0b861dc1db151f35.txt"

pytestmark = pytest.mark.usefixtures("installed_cache")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(list(argv))
    out, err = capsys.readouterr()
    return int(exit_info.value.code or 0), out, err


def add_anquan(corpus: Path, db: Path) -> VocabEntry:
    """What ``r`` in the panel keeps for the second 安全 of 003 (the first is 安全性)."""
    session = Session.open(corpus, db)
    doc = session.corpus.load(DOC_003)
    view = render(doc.source, doc.body_start)
    pos = view.text.index("安全", view.text.index("安全") + 3)
    result = session.aids.lookup_at(view.text, pos)
    assert result is not None and result.text == "安全"
    entry = word_entry(result, view, doc)
    assert session.aids.add_word(entry) is None
    session.close()
    return entry


def test_lookup_prints_headwords_readings_and_senses(
    capsys: pytest.CaptureFixture[str], sample_corpus: Path
) -> None:
    code, out, _ = run(capsys, "lookup", "軟體", "--corpus", str(sample_corpus))
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "软体 軟體"
    assert lines[1] == "ruǎn tǐ  ㄖㄨㄢˇ ㄊㄧˇ"
    assert "  software (Tw)" in lines


def test_an_unknown_word_says_so_and_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "lookup", "Claude")
    assert (code, out) == (1, "")
    assert err == "kbtui: 'Claude' is not in the dictionary\n"


def test_lookup_json_has_every_reading_form(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "lookup", "银行", "--json")
    data = json.loads(out)
    assert code == 0
    assert (data["simplified"], data["traditional"]) == ("银行", "銀行")
    assert (data["pinyin"], data["numbered"], data["zhuyin"]) == (
        "yín háng",
        "yin2 hang2",
        "ㄧㄣˊ ㄏㄤˊ",
    )
    assert data["tones"] == [2, 2]
    assert any("bank" in sense for e in data["entries"] for sense in e["definitions"])


def test_vocab_list_prints_the_word_and_where_it_was_read(
    capsys: pytest.CaptureFixture[str], sample_corpus: Path, tmp_path: Path
) -> None:
    db = tmp_path / "db.json"
    entry = add_anquan(sample_corpus, db)
    code, out, err = run(capsys, "vocab", "list", "--db", str(db))
    assert code == 0 and err == "1 in the word list\n"
    word, pinyin, senses, place = out.rstrip("\n").split("\t")
    assert (word, pinyin, place) == ("安全", "ān quán", f"{DOC_003}#{entry.start}")
    assert "safe" in senses
    code, out, _ = run(capsys, "vocab", "list", "--json", "--db", str(db))
    assert [VocabEntry.from_dict(d) for d in json.loads(out)] == [entry]


def test_vocab_export_writes_an_anki_deck_with_the_word(
    capsys: pytest.CaptureFixture[str], sample_corpus: Path, tmp_path: Path
) -> None:
    db, deck = tmp_path / "db.json", tmp_path / "out" / "words.apkg"
    add_anquan(sample_corpus, db)
    deck.parent.mkdir()
    code, _, err = run(
        capsys, "vocab", "export", "--format", "anki", "--out", str(deck), "--db", str(db)
    )
    assert code == 0 and err == f"exported the word list (1) to {deck}\n"
    with zipfile.ZipFile(deck) as archive:
        archive.extract("collection.anki2", tmp_path)
    with sqlite3.connect(tmp_path / "collection.anki2") as connection:
        fields = [row[0] for row in connection.execute("SELECT flds FROM notes")]
    assert len(fields) == 1 and fields[0].startswith("安全\x1f")
    assert "ān" in fields[0] and "safe" in fields[0]
    code, _, err = run(capsys, "vocab", "export", "--out", str(deck), "--db", str(db))
    assert code == 1 and "exists; use --force" in err


def test_vocab_export_csv_and_markdown_print_unless_told_where(
    capsys: pytest.CaptureFixture[str], sample_corpus: Path, tmp_path: Path
) -> None:
    db = tmp_path / "db.json"
    entry = add_anquan(sample_corpus, db)
    code, out, _ = run(capsys, "vocab", "export", "--format", "csv", "--db", str(db))
    assert code == 0
    assert out.splitlines()[2].startswith("#columns:Simplified,Traditional,Pinyin")
    assert out.splitlines()[3].startswith("安全,安全,ān quán,an1 quan2,ㄢ ㄑㄩㄢˊ,safe; secure")
    code, out, _ = run(capsys, "vocab", "export", "--format", "markdown", "--db", str(db))
    assert code == 0 and out.startswith("# Word list\n")
    assert "**安全** ān quán" in out and entry.sentence[:6] in out and "CC-CEDICT" in out
    markdown = tmp_path / "words.md"
    code, out, _ = run(
        capsys, "vocab", "export", "--format", "markdown", "--out", str(markdown), "--db", str(db)
    )
    assert (code, out) == (0, "") and markdown.read_text(encoding="utf-8").startswith("# Word list")


def test_words_travel_in_the_json_export_and_import_once(
    capsys: pytest.CaptureFixture[str], sample_corpus: Path, tmp_path: Path
) -> None:
    db, other, export = tmp_path / "db.json", tmp_path / "other.json", tmp_path / "all.json"
    entry = add_anquan(sample_corpus, db)
    code, _, err = run(capsys, "export", "--format", "json", "--out", str(export), "--db", str(db))
    assert code == 0, err
    items = json.loads(export.read_text(encoding="utf-8"))
    word = next(item for item in items if item["motivation"] == "describing")
    assert word["target"]["source"] == f"urn:kbtui:doc:{DOC_003}"
    assert word["target"]["selector"][0]["exact"] == "安全"
    assert word["target"]["selector"][1] == {
        "type": "TextPositionSelector",
        "start": entry.start,
        "end": entry.end,
    }
    for expected in ("words added 1, unchanged 0", "words added 0, unchanged 1"):
        code, out, err = run(capsys, "import", str(export), "--db", str(other))
        assert code == 0 and expected in out, err
    with Store.open(other) as store:
        assert store.words.entries() == [entry]


def test_search_finds_toneless_pinyin_and_says_so(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, err = run(capsys, "search", "an quan", "--db", str(tmp_path / "db.json"))
    assert code == 0
    assert "安全" in out and "(pinyin)" in out
    assert "by pinyin)" in err
    code, out, _ = run(capsys, "search", "anquan", "--json", "--db", str(tmp_path / "db.json"))
    hits = [hit for doc in json.loads(out)["documents"] for hit in doc["hits"]]
    assert hits and all(hit["pinyin"] is True for hit in hits)
    code, out, _ = run(capsys, "search", "Claude", "--json", "--db", str(tmp_path / "db.json"))
    hits = [hit for doc in json.loads(out)["documents"] for hit in doc["hits"]]
    assert hits and not any("pinyin" in hit for hit in hits)
