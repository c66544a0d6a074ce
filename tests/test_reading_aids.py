"""The session's reading aids without a screen: pinyin search rules, look-ups, the entity hook."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from lookup_fixtures import cache_file, dictionary

from kbtui.lookup.dictionary import Dictionary
from kbtui.lookup.pinyin_search import _SHAPE, searches_by_pinyin
from kbtui.search.scan import with_pinyin
from kbtui.session import Session
from kbtui.session.reading_aids import ReadingAids, mention_hook, word_entry
from kbtui.settings import SettingsError, load_settings
from kbtui.view.markdown import render

__all__ = ["cache_file", "dictionary"]

DOC_001 = "001_a7702332fec17ca5.txt"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("anquan", True),
        ("an quan", True),
        ("An'Quan", True),
        ("xian", True),  # four letters, though one syllable may read it
        ("ee", True),  # two syllables
        ("he", False),  # every 和
        ("a", False),
        ("ren", False),
        ("Claude", False),
        ("hello", False),
        ("创立", False),
        ("", False),
    ],
)
def test_a_search_reads_a_query_as_pinyin_only_when_it_is_long_enough(
    query: str, expected: bool
) -> None:
    assert searches_by_pinyin(query) is expected


def test_the_shape_check_lets_every_syllable_through() -> None:
    from kbtui.lookup.readings import known_syllables

    assert [s for s in known_syllables() if not _SHAPE.fullmatch(s)] == []


def test_pinyin_hits_overlapping_a_literal_one_are_left_out() -> None:
    literal = [(0, 2), (10, 12)]
    extra = [(0, 2), (1, 3), (5, 7), (11, 13), (12, 14)]
    assert with_pinyin(literal, extra) == [
        (0, 2, False),
        (5, 7, True),
        (10, 12, False),
        (12, 14, True),
    ]


def test_the_setting_turns_pinyin_search_off(sample_corpus: Path, tmp_path: Path) -> None:
    session = Session.open(sample_corpus, tmp_path / "db.json")
    assert session.settings.pinyin_search
    found = session.search_corpus("anquan")
    assert found.total > 0
    assert all(hit.pinyin for group in found.documents for hit in group.hits)
    session.settings.pinyin_search = False
    assert session.search_corpus("anquan").total == 0
    assert session.aids.find("安全 anquan", "anquan") == [(3, 9, False)]


def test_the_reading_settings_are_read_and_checked(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    assert (load_settings(path).zhuyin, load_settings(path).pinyin_search) == (False, True)
    path.write_text("zhuyin = true\npinyin_search = false\n", encoding="utf-8")
    assert (load_settings(path).zhuyin, load_settings(path).pinyin_search) == (True, False)
    path.write_text('zhuyin = "yes"\n', encoding="utf-8")
    with pytest.raises(SettingsError, match="zhuyin must be true or false"):
        load_settings(path)


def test_find_marks_the_matches_made_by_pinyin(sample_corpus: Path, tmp_path: Path) -> None:
    aids = Session.open(sample_corpus, tmp_path / "db.json").aids
    text = "安全 anquan 安全性"
    assert aids.find(text, "anquan") == [(0, 2, True), (3, 9, False), (10, 12, True)]
    assert aids.find(text, "安全") == [(0, 2, False), (10, 12, False)]


def test_a_selection_is_looked_up_as_one_word(dictionary: Dictionary, tmp_path: Path) -> None:
    aids = ReadingAids(Session.open(tmp_path, tmp_path / "db.json"), dictionary)
    text = "我们的安全性很好"
    inside = aids.lookup_span(text, 3, 5)  # 安全 selected inside 安全性: the selection
    assert inside is not None and (inside.text, inside.start, inside.end) == ("安全", 3, 5)
    over = aids.lookup_span(text, 3, 7)  # 安全性很 is no word: the word at its start
    assert over is not None and (over.text, over.start, over.end) == ("安全性", 3, 6)
    step = aids.step(text, 3, forward=True)
    assert step is not None and step.text in ("很", "很好")
    back = aids.step(text, 6, forward=False)
    assert back is not None and back.text == "安全性"


def test_names_the_index_knows_are_looked_up_whole(
    dictionary: Dictionary, sample_corpus: Path, tmp_path: Path
) -> None:
    session = Session.open(sample_corpus, tmp_path / "db.json")
    index = session.index_mentions(session.user_records()).index
    doc = session.corpus.load(DOC_001)
    view = render(doc.source, doc.body_start)
    aids = ReadingAids(session, dictionary)
    pos = view.text.index("丹妮拉·阿莫代伊")
    hook = mention_hook(index, DOC_001, view.map)
    found = aids.lookup_at(view.text, pos, hook)
    assert found is not None
    assert (found.text, found.entity) == ("丹妮拉·阿莫代伊", "Daniela Amodei")
    plain = aids.lookup_at(view.text, pos)  # no hook: the dictionary's word, no entity
    assert plain is not None and plain.entity is None
    entry = word_entry(found, view, doc)
    assert doc.source[entry.start : entry.end] == "丹妮拉·阿莫代伊"
    assert "丹妮拉·阿莫代伊" in entry.sentence and "\n" not in entry.sentence


def test_the_app_starts_without_the_dictionary_or_pypinyin() -> None:
    code = (
        "import sys\n"
        "import kbtui.ui.app\n"
        "heavy = ('pypinyin', 'sqlite3', 'genanki', 'kbtui.lookup.dictionary',"
        " 'kbtui.lookup.cache', 'kbtui.lookup.readings', 'kbtui.exchange.anki')\n"
        "print(','.join(m for m in heavy if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == ""
