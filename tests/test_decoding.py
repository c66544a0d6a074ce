"""Bytes to source text: encodings, line endings, and inputs that are not text."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kbtui.documents import decoding
from kbtui.documents.decoding import BINARY, EMPTY, UNDECODABLE, decode, normalise_newlines
from kbtui.locations import bundled_corpus

CORPUS = bundled_corpus()


def sample(prefix: str) -> str:
    return next(CORPUS.glob(f"{prefix}_*")).read_text(encoding="utf-8")


def big5_text(prefix: str) -> str:
    """The sample's lines that Big5 can encode (a few Simplified forms cannot)."""
    lines = []
    for line in sample(prefix).split("\n"):
        try:
            line.encode("big5")
        except UnicodeEncodeError:
            continue
        lines.append(line)
    return "\n".join(lines)


def test_utf8_is_decoded_unchanged() -> None:
    text = sample("000")
    assert decode(text.encode("utf-8")) == decode(text.encode("utf-8"))
    result = decode(text.encode("utf-8"))
    assert (result.text, result.encoding, result.problem) == (text, "utf-8", None)


def test_utf8_bom_is_removed() -> None:
    result = decode(codecs.BOM_UTF8 + "标题\n正文".encode())
    assert result.text == "标题\n正文"
    assert result.encoding == "utf-8-sig"


@pytest.mark.parametrize(
    ("bom", "codec"),
    [(codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")],
)
def test_utf16_with_bom(bom: bytes, codec: str) -> None:
    text = sample("002")
    result = decode(bom + text.replace("\n", "\r\n").encode(codec))
    assert result.text == text
    assert result.encoding == codec
    assert result.problem is None


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("name", ["002", "003"])
def test_utf16_without_bom(codec: str, name: str) -> None:
    text = sample(name)
    for piece in (text, text[:40] + "\n", "hello, world\n"):
        result = decode(piece.encode(codec))
        assert (result.text, result.encoding, result.problem) == (piece, codec, None)


def test_binary_is_not_read_as_utf16() -> None:
    for data in (bytes(range(256)) * 4, b"\x00\x00\x00\x01" * 500, b"ELF\x00" + bytes(999)):
        assert decode(data).problem == BINARY


def test_utf16_with_odd_length_is_undecodable() -> None:
    result = decode(codecs.BOM_UTF16_LE + "中文".encode("utf-16-le") + b"\x00")
    assert result.text == ""
    assert result.problem is not None and result.problem.startswith("undecodable")


@pytest.mark.parametrize("prefix", ["000", "001", "003"])
def test_gb18030(prefix: str) -> None:
    text = sample(prefix)
    result = decode(text.encode("gb18030"))
    assert result.encoding == "gb18030"
    assert result.text == text


def test_gbk_file_reads_as_gb18030() -> None:
    text = sample("001")
    assert decode(text.encode("gbk")).text == text


@pytest.mark.parametrize("prefix", ["002", "004"])
def test_big5_traditional_text_is_not_mistaken_for_gb18030(prefix: str) -> None:
    text = big5_text(prefix)
    data = text.encode("big5")
    data.decode("gb18030")  # the trap: Big5 bytes are valid GB18030 too
    result = decode(data)
    assert result.encoding in ("big5", "cp950", "big5hkscs")
    assert result.text == text
    assert result.problem is None


@pytest.mark.parametrize("length", [12, 30, 80])
def test_short_big5_and_gb_fragments(length: int) -> None:
    trad = next(line for line in big5_text("004").split("\n") if len(line) > 80)[:length]
    simp = next(line for line in sample("000").split("\n") if len(line) > 80)[:length]
    assert decode(trad.encode("big5")).text == trad
    assert decode(simp.encode("gb18030")).text == simp


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_line_endings_are_normalised(newline: str) -> None:
    result = decode(newline.join(["第一行", "第二行", ""]).encode("utf-8"))
    assert result.text == "第一行\n第二行\n"


def test_normalise_newlines_mixed() -> None:
    assert normalise_newlines("a\r\nb\rc\nd\r\r\n") == "a\nb\nc\nd\n\n"


def test_control_characters_and_escapes_stay_in_the_source() -> None:
    text = "标题\x1b[31m红\x1b[0m\t[bold]x[/]\x07\n"
    assert decode(text.encode("utf-8")).text == text


def test_empty_file() -> None:
    assert decode(b"") == decode(b"")
    assert decode(b"").problem == EMPTY
    assert decode(codecs.BOM_UTF8).problem == EMPTY


def test_blank_file_keeps_its_text() -> None:
    result = decode(b" \r\n\t\n")
    assert result.text == " \n\t\n"
    assert result.problem == EMPTY


def test_nul_bytes_mean_binary() -> None:
    result = decode(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    assert (result.text, result.problem) == ("", BINARY)


def test_many_control_characters_mean_binary() -> None:
    result = decode(bytes(range(1, 32)) * 50 + "中文".encode())
    assert result.problem == BINARY


_CONTROLS_AND_NEIGHBOURS = st.sampled_from(
    [chr(c) for c in (*range(0x20), 0x7F, *range(0x80, 0xA0))]
    + ["a", " ", "\xa0", "¢", "«", "中", "文", "\U0001d400"]
)


@given(st.text(_CONTROLS_AND_NEIGHBOURS, max_size=200), st.integers(1, 200))
def test_utf8_bytes_never_change_what_looks_binary(text: str, sample_chars: int) -> None:
    """The byte-level bound settles a UTF-8 text without counting, and must
    agree with the count on every text (C1 controls share 0xC2 with ¢ and «)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(decoding, "SAMPLE_CHARS", sample_chars)
        counted = decoding._looks_binary(text)
        assert decoding._looks_binary(text, text.encode("utf-8")) == counted


def test_colour_codes_are_not_binary() -> None:
    line = "\x1b[1;31m错误\x1b[0m: 文件\x1b[32m已保存\x1b[0m\n"
    assert decode((line * 100).encode()).problem is None


def test_a_few_bad_utf8_bytes_are_replaced_and_reported() -> None:
    good = sample("003").encode("utf-8")
    cut = good.index(b"\n", 300)
    result = decode(good[:cut] + b"\xff" + good[cut:])
    assert result.encoding == "utf-8"
    assert result.text.count("\ufffd") == 1
    assert result.problem is not None and "1 byte" in result.problem


def test_random_bytes_are_undecodable() -> None:
    data = bytes((i * 7919 + 13) % 255 + 1 for i in range(3000))
    result = decode(data)
    assert result.problem in (UNDECODABLE, BINARY) or result.problem.startswith("encoding")


def test_other_legacy_text_is_guessed_and_flagged() -> None:
    result = decode("Привет, как дела? Это тест кодировки.".encode("cp1251") * 10)
    assert result.text.startswith("Привет")
    assert result.problem is not None and result.problem.startswith("encoding uncertain")


_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufeff")
    | st.sampled_from("\n\r\t"),
    min_size=1,
)


@given(_TEXT)
def test_any_utf8_text_round_trips(text: str) -> None:
    result = decode(text.encode("utf-8"))
    if text.strip():
        assert result.text == normalise_newlines(text)
        assert result.problem is None


@given(_TEXT)
def test_any_utf16_text_round_trips(text: str) -> None:
    result = decode(codecs.BOM_UTF16_BE + text.encode("utf-16-be"))
    assert result.text == normalise_newlines(text)
