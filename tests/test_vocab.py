"""The word list: entries round-trip for the store, filter, and export to Anki, CSV, Markdown."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import zipfile
from pathlib import Path
from typing import Any

import pytest
from lookup_fixtures import cache_file, dictionary

from kbtui.exchange.anki import CSV_COLUMNS, vocab_to_csv, vocab_to_markdown, write_apkg
from kbtui.lookup.dictionary import Dictionary
from kbtui.lookup.sentences import sentence_around
from kbtui.lookup.vocab import VocabEntry, filter_entries

__all__ = ["cache_file", "dictionary"]


def _entry(**changes: Any) -> VocabEntry:
    values: dict[str, Any] = {
        "simplified": "软件",
        "traditional": "軟件",
        "pinyin": "ruǎn jiàn",
        "numbered": "ruan3 jian4",
        "zhuyin": "ㄖㄨㄢˇ ㄐㄧㄢˋ",
        "definitions": ("(computer) software",),
        "sentence": "这个软件很好用。",
        "doc_id": "000_x.txt",
        "title": "A title",
        "start": 2,
        "end": 4,
        "id": "e1",
        "added": "2026-01-02T03:04:05+00:00",
    }
    return VocabEntry(**{**values, **changes})


def _added_from_sample(dictionary: Dictionary, sample_corpus: Path) -> VocabEntry:
    """What the reader's ``r`` does: look up 安全 in sample 003 and keep its sentence."""
    path = next(sample_corpus.glob("003_*.txt"))
    text = path.read_text(encoding="utf-8")
    places = (i for i in range(len(text)) if text.startswith("安全", i))
    pos = next(i for i in places if getattr(dictionary.lookup_at(text, i), "text", "") == "安全")
    result = dictionary.lookup_at(text, pos)
    assert result is not None
    start, end = sentence_around(text, pos)
    return VocabEntry.from_result(
        result,
        sentence=text[start:end],
        doc_id=path.name,
        title="Sample 003",
        start=result.start,
        end=result.end,
    )


def test_an_entry_survives_the_store_round_trip() -> None:
    entry = _entry()
    stored = json.loads(json.dumps(entry.to_dict(), ensure_ascii=False))
    assert stored["definitions"] == ["(computer) software"]
    assert VocabEntry.from_dict(stored) == entry


def test_unknown_keys_from_a_newer_kbtui_are_ignored() -> None:
    assert VocabEntry.from_dict({**_entry().to_dict(), "colour": "red"}) == _entry()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"sentence": None}, "'sentence' must be text"),
        ({"id": 7}, "'id' must be text"),
        ({"definitions": "safe"}, "'definitions' must be a list"),
        ({"definitions": [1]}, "'definitions' must be a list"),
        ({"start": -1}, "offsets"),
        ({"start": 5, "end": 4}, "offsets"),
        ({"end": True}, "offsets"),
        ({"simplified": "", "traditional": ""}, "no word"),
    ],
)
def test_malformed_entries_are_refused(change: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        VocabEntry.from_dict({**_entry().to_dict(), **change})


def test_a_missing_field_is_refused() -> None:
    data = _entry().to_dict()
    del data["doc_id"]
    with pytest.raises(ValueError, match="'doc_id'"):
        VocabEntry.from_dict(data)


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("軟件", True),
        ("软", True),
        ("ruanjian", True),
        ("ruan jian", True),
        ("SOFTWARE", True),
        ("title", True),
        ("", True),
        ("anquan", False),
        ("硬件", False),
    ],
)
def test_filter(query: str, found: bool) -> None:
    other = _entry(simplified="安全", traditional="安全", numbered="an1 quan2", pinyin="ān quán")
    kept = filter_entries([_entry(), other], query)
    assert (_entry() in kept) is found


def test_new_entries_get_their_own_id_and_time(dictionary: Dictionary, sample_corpus: Path) -> None:
    first = _added_from_sample(dictionary, sample_corpus)
    second = _added_from_sample(dictionary, sample_corpus)
    assert first.id != second.id
    assert first.added.endswith("+00:00")
    assert (first.simplified, first.pinyin, first.zhuyin) == ("安全", "ān quán", "ㄢ ㄑㄩㄢˊ")
    assert "安全" in first.sentence


def _csv_rows(text: str) -> list[list[str]]:
    body = [line for line in text.splitlines(keepends=True) if not line.startswith("#")]
    return list(csv.reader(io.StringIO("".join(body))))


def test_csv_has_anki_headers_and_every_field() -> None:
    tricky = _entry(sentence='他说："好, 就这样"\n下一行', definitions=("a", "b, c"))
    text = vocab_to_csv([_entry(), tricky])
    assert text.splitlines()[:3] == [
        "#separator:comma",
        "#html:false",
        "#columns:" + ",".join(CSV_COLUMNS),
    ]
    rows = _csv_rows(text)
    assert rows[0] == [
        "软件", "軟件", "ruǎn jiàn", "ruan3 jian4", "ㄖㄨㄢˇ ㄐㄧㄢˋ",
        "(computer) software", "这个软件很好用。", "A title",
    ]  # fmt: skip
    assert rows[1][5] == "a; b, c"
    assert rows[1][6] == '他说："好, 就这样"\n下一行'


def test_markdown_escapes_what_it_quotes() -> None:
    text = vocab_to_markdown([_entry(sentence="# not a heading\x1b[31m", title="T")])
    assert "- **软件 軟件** ruǎn jiàn (ㄖㄨㄢˇ ㄐㄧㄢˋ): (computer) software" in text
    assert "  > \\# not a heading␛[31m (T)" in text
    assert "\x1b" not in text
    assert "CC BY-SA 4.0" in text


def _apkg_notes(path: Path) -> list[tuple[str, list[str]]]:
    with zipfile.ZipFile(path) as archive:
        assert set(archive.namelist()) == {"collection.anki2", "media"}
        database = path.parent / "collection.anki2"
        database.write_bytes(archive.read("collection.anki2"))
    connection = sqlite3.connect(database)
    try:
        rows = connection.execute("SELECT guid, flds FROM notes ORDER BY id").fetchall()
        models = json.loads(connection.execute("SELECT models FROM col").fetchone()[0])
    finally:
        connection.close()
    (model,) = models.values()
    assert [field["name"] for field in model["flds"]] == list(CSV_COLUMNS)
    return [(guid, fields.split("\x1f")) for guid, fields in rows]


def test_a_word_added_from_a_sample_is_in_the_anki_deck(
    dictionary: Dictionary, sample_corpus: Path, tmp_path: Path
) -> None:
    entry = _added_from_sample(dictionary, sample_corpus)
    path = tmp_path / "out" / "words.apkg"
    assert write_apkg([entry, _entry(sentence="<script>x</script>软件")], path) == 2
    (guid, fields), (_, other) = _apkg_notes(path)
    assert fields[0] == "安全" and fields[1] == ""
    assert fields[2] == '<span class="tone1">ān</span> <span class="tone2">quán</span>'
    assert fields[3:5] == ["an1 quan2", "ㄢ ㄑㄩㄢˊ"]
    assert "safe; secure" in fields[5]
    assert "<b>安全</b>" in fields[6]
    assert other[6] == "&lt;script&gt;x&lt;/script&gt;<b>软件</b>"
    write_apkg([entry], path)
    assert _apkg_notes(path)[0][0] == guid
