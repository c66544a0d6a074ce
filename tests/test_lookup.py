"""Dictionary look-ups: both scripts, longest match, polyphones in context, stepping, rendering."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from lookup_fixtures import CORRUPT, cache_file, dictionary

from kbtui.lookup.dictionary import Dictionary, EntityHook
from kbtui.lookup.render import result_json, result_lines

__all__ = ["cache_file", "dictionary"]


def test_anquan_reads_an_quan_and_means_safe(dictionary: Dictionary) -> None:
    result = dictionary.lookup("安全")
    assert result is not None
    assert (result.pinyin, result.numbered, result.zhuyin) == ("ān quán", "an1 quan2", "ㄢ ㄑㄩㄢˊ")
    assert result.tones == (1, 2)
    assert [s.text for s in result.syllables] == ["安", "全"]
    assert any("safe" in sense for sense in result.definitions)


def test_traditional_software_answers_with_both_headwords(dictionary: Dictionary) -> None:
    result = dictionary.lookup("軟體")
    assert result is not None
    assert (result.simplified, result.traditional) == ("软体", "軟體")
    assert result.pinyin == "ruǎn tǐ"
    assert any("software" in sense for sense in result.definitions)


def test_mixed_script_word_is_found_through_the_fold(dictionary: Dictionary) -> None:
    result = dictionary.lookup("软體")
    assert result is not None
    assert result.traditional == "軟體"


@pytest.mark.parametrize(
    ("word", "pinyin"),
    [("重要", "zhòng yào"), ("重庆", "Chóng qìng"), ("银行", "yín háng"), ("銀行", "yín háng")],
)
def test_polyphones_read_as_the_word_reads(dictionary: Dictionary, word: str, pinyin: str) -> None:
    result = dictionary.lookup(word)
    assert result is not None
    assert result.pinyin == pinyin


def test_a_single_character_reads_as_in_the_word_around_it(dictionary: Dictionary) -> None:
    text = "我去银行。他行不行？"
    at_bank = dictionary.lookup_at(text, 3)
    assert at_bank is not None and at_bank.text == "行"
    assert at_bank.pinyin == "háng"
    alone = dictionary.lookup_at(text, 6)
    assert alone is not None and alone.text == "行"
    assert alone.pinyin == "xíng"
    assert {entry.pinyin for entry in alone.entries} >= {"xíng", "háng"}


def test_common_reading_before_the_surname(dictionary: Dictionary) -> None:
    result = dictionary.lookup("国")
    assert result is not None
    assert result.pinyin == "guó"
    assert result.entries[0].definitions[0].startswith("country")


def test_longest_match_starting_at_the_cursor(dictionary: Dictionary) -> None:
    text = "中国银行行长说"
    found = [dictionary.lookup_at(text, i) for i in (0, 2, 4)]
    assert [r.text if r else None for r in found] == ["中国银行", "银行", "行长"]


@pytest.mark.parametrize("pos", [0, 5, 6, 10, 11, 99, -1])
def test_latin_space_and_punctuation_find_nothing(dictionary: Dictionary, pos: int) -> None:
    text = "Claude 很安全。 "
    assert dictionary.lookup_at(text, pos) is None


def test_a_word_with_latin_letters_is_found_from_its_first_letter(dictionary: Dictionary) -> None:
    result = dictionary.lookup_at("穿T恤", 1)
    assert result is not None
    assert result.text == "T恤"
    assert result.pinyin == "T xù"
    assert result.tones == (0, 4)


@pytest.mark.parametrize("word", ["Anthropic", "", "  ", "安全安全安全", "OK"])
def test_unknown_words_are_none(dictionary: Dictionary, word: str) -> None:
    assert dictionary.lookup(word) is None


def test_neutral_tone_and_u_umlaut(dictionary: Dictionary) -> None:
    de = dictionary.lookup_at("我的", 1)
    assert de is not None
    assert (de.pinyin, de.zhuyin, de.tones) == ("de", "˙ㄉㄜ", (5,))
    green = dictionary.lookup("绿")
    assert green is not None
    assert (green.pinyin, green.numbered, green.zhuyin) == ("lǜ", "lü4", "ㄌㄩˋ")


def test_stepping_forward_and_back_cuts_the_same_words(dictionary: Dictionary) -> None:
    text = "我们的安全研究很重要。Claude 也是。"
    words, found = [], dictionary.lookup_at(text, 0)
    while found is not None:
        words.append(found.text)
        found = dictionary.next_word(text, found.start)
    assert words == ["我们", "的", "安全", "研究", "很", "重要", "也", "是"]
    back, found = [], dictionary.previous_word(text, len(text))
    while found is not None:
        back.append(found.text)
        found = dictionary.previous_word(text, found.start)
    assert back == list(reversed(words))


def test_single_characters_keep_the_words_reading(dictionary: Dictionary) -> None:
    word = dictionary.lookup_at("去银行", 1)
    assert word is not None
    chars = dictionary.characters(word)
    assert [(c.text, c.start, c.pinyin) for c in chars] == [("银", 1, "yín"), ("行", 2, "háng")]
    assert chars[1].entries[0].definitions[0].startswith("row")


def _hook(names: dict[str, str]) -> EntityHook:
    def hook(text: str, pos: int) -> tuple[int, str] | None:
        for spelled, name in names.items():
            if text.startswith(spelled, pos):
                return pos + len(spelled), name
        return None

    return hook


def test_a_name_longer_than_any_word_is_looked_up_with_its_entity(dictionary: Dictionary) -> None:
    dictionary.entity_hook = _hook({"达里奥·阿莫代伊": "Dario Amodei", "重庆": "Chongqing"})
    name = dictionary.lookup_at("是达里奥·阿莫代伊说的", 1)
    assert name is not None
    assert (name.text, name.entity, name.entries) == ("达里奥·阿莫代伊", "Dario Amodei", ())
    assert name.pinyin.split()[:3] == ["dá", "lǐ", "ào"]
    assert name.syllables[3].tone == 0
    city = dictionary.lookup("重庆")
    assert city is not None and city.entity == "Chongqing" and city.entries


def test_a_name_shorter_than_the_word_does_not_cut_it(dictionary: Dictionary) -> None:
    dictionary.entity_hook = _hook({"中国": "China"})
    result = dictionary.lookup_at("中国银行", 0)
    assert result is not None
    assert (result.text, result.entity) == ("中国银行", None)


def test_lines_show_headwords_reading_and_senses(dictionary: Dictionary) -> None:
    result = dictionary.lookup("軟體")
    assert result is not None
    lines = result_lines(result)
    assert lines[:2] == ["软体 軟體", "ruǎn tǐ  ㄖㄨㄢˇ ㄊㄧˇ"]
    assert "  software (Tw)" in lines
    assert result_lines(result, zhuyin=False)[1] == "ruǎn tǐ"


def test_lines_give_each_reading_of_a_polyphone(dictionary: Dictionary) -> None:
    result = dictionary.lookup("行")
    assert result is not None
    lines = result_lines(result)
    assert "[xíng  ㄒㄧㄥˊ]" in lines and "[háng  ㄏㄤˊ]" in lines
    assert lines.index("[xíng  ㄒㄧㄥˊ]") < lines.index("[háng  ㄏㄤˊ]")


def test_lines_never_carry_terminal_controls(dictionary: Dictionary) -> None:
    dictionary.entity_hook = _hook({"安全": "Evil\x1b[2J\nName"})
    result = dictionary.lookup("安全")
    assert result is not None
    lines = result_lines(result)
    assert "entity: Evil␛[2J Name" in lines
    assert not any("\x1b" in line or "\n" in line for line in lines)


def test_json_holds_every_form(dictionary: Dictionary) -> None:
    result = dictionary.lookup("安全")
    assert result is not None
    data = json.loads(json.dumps(result_json(result), ensure_ascii=False))
    assert data["pinyin"] == "ān quán" and data["numbered"] == "an1 quan2"
    assert data["tones"] == [1, 2] and data["entity"] is None
    assert data["entries"][0]["definitions"][0] == "safe; secure"


def test_about_names_the_release_and_licence(dictionary: Dictionary) -> None:
    about = dictionary.about()
    assert about["date"].startswith("2023-11-07")
    assert int(about["entries"]) > 100_000
    assert "CC BY-SA 4.0" in about["licence"]


def test_a_corrupt_cache_was_rebuilt(cache_file: Path) -> None:
    assert cache_file.read_bytes()[:16] == b"SQLite format 3\x00"
    assert CORRUPT not in cache_file.read_bytes()


def test_the_default_cache_lives_in_the_cache_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kbtui.lookup.cache import default_path

    monkeypatch.setenv("KBTUI_CACHE_DIR", str(tmp_path))
    assert default_path().parent == tmp_path / "lookup"
    assert default_path().name.startswith("cedict-")


def test_a_fresh_dictionary_loads_nothing(cache_file: Path) -> None:
    fresh = Dictionary(cache_file)
    assert not fresh.loaded
    assert fresh.lookup("安全") is not None
    assert fresh.loaded


def test_importing_the_package_loads_no_dictionary() -> None:
    code = (
        "import sys\n"
        "import kbtui.lookup, kbtui.lookup.dictionary, kbtui.lookup.pinyin_search\n"
        "import kbtui.lookup.vocab, kbtui.lookup.render, kbtui.lookup.sentences\n"
        "heavy = ('pypinyin', 'sqlite3', 'gzip', 'genanki', 'textual')\n"
        "print(','.join(m for m in heavy if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == ""
