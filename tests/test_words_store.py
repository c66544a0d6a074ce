"""The word list in the store: kept across a reopen, merged by id, shared by two processes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from kbtui.annotations.store import DatabaseError, Store
from kbtui.annotations.words import WordCounts
from kbtui.lookup.vocab import VocabEntry


def word(simplified: str = "安全", start: int = 2, **changes: Any) -> VocabEntry:
    values: dict[str, Any] = {
        "simplified": simplified,
        "traditional": simplified,
        "pinyin": "ān quán",
        "numbered": "an1 quan2",
        "zhuyin": "ㄢ ㄑㄩㄢˊ",
        "definitions": ("safe; secure",),
        "sentence": f"很{simplified}。",
        "doc_id": "a.md",
        "title": "A",
        "start": start,
        "end": start + len(simplified),
        "added": f"2026-01-0{start % 9 + 1}T00:00:00+00:00",
    }
    return VocabEntry(**{**values, **changes})


@pytest.fixture(params=["memory", "file"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    s = Store.in_memory() if request.param == "memory" else Store.open(tmp_path / "kb.json")
    yield s
    s.close()


def test_words_are_listed_oldest_first_and_deleted(store: Store) -> None:
    late, early = word("软件", start=5), word(start=1)
    store.words.add(late)
    store.words.add(early)
    assert store.words.entries() == [early, late]
    assert store.words.get(late.id) == late
    with pytest.raises(ValueError, match="already exists"):
        store.words.add(late)
    assert store.words.delete(late.id) == late
    assert store.words.entries() == [early]
    with pytest.raises(KeyError):
        store.words.delete(late.id)


def test_the_same_word_with_the_same_reading_is_found(store: Store) -> None:
    kept = store.words.add(word())
    assert store.words.same_word(word(start=40)) == kept
    assert store.words.same_word(word(numbered="an1 quan5")) is None
    assert store.words.same_word(word("软件")) is None


def test_merge_adds_new_ids_and_keeps_known_ones(store: Store) -> None:
    kept = store.words.add(word())
    other = replace(kept, sentence="changed elsewhere")
    new = word("软件", start=5)
    assert store.words.merge([other, new, new]) == WordCounts(added=1, unchanged=1)
    assert store.words.entries() == [kept, new]
    assert store.words.get(kept.id) == kept


def test_words_survive_a_reopen_and_reach_the_file(tmp_path: Path) -> None:
    path = tmp_path / "kb.json"
    with Store.open(path) as store:
        entry = store.words.add(word())
    on_disk = json.loads(path.read_text(encoding="utf-8"))
    assert on_disk["vocab"][entry.id]["simplified"] == "安全"
    with Store.open(path) as store:
        assert store.words.entries() == [entry]
        assert store.schema_version() == 1


def test_two_stores_on_one_file_lose_no_word(tmp_path: Path) -> None:
    path = tmp_path / "kb.json"
    with Store.open(path) as one, Store.open(path) as two:
        first = one.words.add(word())
        second = two.words.add(word("软件"))
        assert {e.id for e in one.words.entries()} == {first.id, second.id}
    with Store.open(path) as store:
        assert len(store.words.entries()) == 2


def test_a_malformed_word_is_reported_and_the_file_kept(tmp_path: Path) -> None:
    path = tmp_path / "kb.json"
    with Store.open(path) as store:
        store.words.add(word())
    data = json.loads(path.read_text(encoding="utf-8"))
    (key,) = data["vocab"]
    data["vocab"][key]["start"] = -1
    text = json.dumps(data, ensure_ascii=False)
    path.write_text(text, encoding="utf-8")
    with Store.open(path) as store, pytest.raises(DatabaseError, match="malformed word"):
        store.words.entries()
    assert path.read_text(encoding="utf-8") == text
