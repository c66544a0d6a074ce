"""From a file's bytes to its source text.

The source text (see :mod:`kbtui.documents.model`) is what the file says, decoded,
with line endings normalised to ``\\n`` and a leading byte-order mark removed.
Nothing else is changed: control characters and terminal escape sequences stay
in the source, because every stored offset points into it; making them safe to
show is the display's job.

Chinese files come in UTF-8, UTF-16 (with a byte-order mark or, where the
NUL bytes of its ASCII give it away, without), GB18030 (and its subsets GBK
and GB2312) and Big5. Most Big5 files also decode as GB18030 without an error, so "the
first codec that does not raise" picks the wrong one; instead every legacy
codec that decodes is tried and the text that reads most like Chinese wins
(:func:`_chinese_score`). On the sample documents cut to 12-80 characters
this picks the right family every time but a few 12-character Big5
fragments, where charset-normalizer misses about a third.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from functools import cache

EMPTY = "empty file"
BINARY = "binary file"
UNDECODABLE = "undecodable: not UTF-8, UTF-16, GB18030 or Big5 text"

LEGACY_CODECS = ("gb18030", "big5", "cp950", "big5hkscs")
"""Tried when UTF-8 fails, in order of preference when they score the same."""

CONTROL_SHARE_LIMIT = 0.10
"""A decoded text with more control characters than this share is binary.
ESC is not counted, so text full of colour codes is still text."""

LEGACY_MIN_SCORE = 0.5
"""Below this share of common characters a legacy decoding is probably wrong."""

UTF16_MIN_SCORE = 0.9
"""A UTF-16 reading without a BOM needs this share of ordinary characters."""

SAMPLE_CHARS = 65_536
"""Scoring and the control-character check look at this much of the text."""

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# UTF-32 LE's BOM starts with UTF-16 LE's, so UTF-32 is checked first.

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f\x7f-\x9f]")
_C0_BYTES = bytes(b for b in range(0x80) if _CONTROL.match(chr(b)))
_UTF8 = ("utf-8", "utf-8-sig")

_ASCII = re.compile(r"[\x00-\x7f]+")


@dataclass(frozen=True, slots=True)
class Decoded:
    """The outcome of decoding a file.

    ``text`` is the source text ("" when there is none to show), ``encoding``
    the codec that produced it, and ``problem`` a short reason the text is
    missing or doubtful (``None`` when all is well).
    """

    text: str
    encoding: str | None
    problem: str | None = None


def decode(data: bytes) -> Decoded:
    """Decode a file's bytes into its source text, or say why not."""
    if not data:
        return Decoded("", None, EMPTY)
    decoded = _decode_with_bom(data)
    if decoded is None and b"\x00" in data:
        decoded = _utf16_without_bom(data)
        if decoded is None:
            return Decoded("", None, BINARY)
    elif decoded is None:
        decoded = _decode_without_bom(data)
    if not decoded.text:
        return Decoded("", decoded.encoding, decoded.problem or EMPTY)
    text = normalise_newlines(decoded.text)
    if _looks_binary(text, data if decoded.encoding in _UTF8 else None):
        return Decoded("", decoded.encoding, BINARY)
    problem = decoded.problem or (EMPTY if text.isspace() else None)
    return Decoded(text, decoded.encoding, problem)


def normalise_newlines(text: str) -> str:
    """Turn CRLF and lone CR into LF, the only line break of a source text."""
    if "\r" not in text:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _decode_with_bom(data: bytes) -> Decoded | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data[len(bom) :].decode(encoding), encoding)
            except UnicodeDecodeError:
                return Decoded("", encoding, f"undecodable: invalid {encoding} after its BOM")
    return None


def _utf16_without_bom(data: bytes) -> Decoded | None:
    """UTF-16 in the byte order whose text reads as text, if either does.

    A file with NUL bytes and no BOM is UTF-16 (its ASCII and line breaks
    hold the NULs) or binary; binary read as UTF-16 is a scatter of rare
    characters, far below :data:`UTF16_MIN_SCORE`.
    """
    if len(data) % 2:
        return None
    best: tuple[float, Decoded] | None = None
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        score = _text_score(text[:SAMPLE_CHARS])
        if score >= UTF16_MIN_SCORE and (best is None or score > best[0]):
            best = (score, Decoded(text, encoding))
    return None if best is None else best[1]


def _text_score(text: str) -> float:
    """The share of characters that are printable ASCII, line breaks or common Chinese."""
    if not text:
        return 0.0
    common = _common_chars()
    good = sum(1 for ch in text if ch in common or ("\x20" <= ch < "\x7f") or ch in "\t\n\r")
    return good / len(text)


def _decode_without_bom(data: bytes) -> Decoded:
    """UTF-8, else a legacy Chinese codec, else UTF-8 with a few bad bytes replaced.

    A legacy decoding that does not read like Chinese loses to UTF-8 with a
    handful of replaced bytes (a truncated or slightly damaged UTF-8 file)
    and to charset-normalizer's guess (Latin-1, Cyrillic, ...); what is
    guessed is flagged as uncertain.
    """
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    legacy = _best_legacy(data)
    if legacy is not None and legacy[0] >= LEGACY_MIN_SCORE:
        return legacy[1]
    lenient = _lenient_utf8(data)
    if lenient is not None:
        return lenient
    guess = _guess(data)
    if guess is None and legacy is not None:
        guess = legacy[1]
    if guess is None:
        return Decoded("", None, UNDECODABLE)
    return Decoded(guess.text, guess.encoding, f"encoding uncertain: read as {guess.encoding}")


def _best_legacy(data: bytes) -> tuple[float, Decoded] | None:
    """The Chinese legacy decoding that reads most like Chinese, with its score."""
    best: tuple[float, Decoded] | None = None
    for encoding in LEGACY_CODECS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        score = _chinese_score(text[:SAMPLE_CHARS])
        if best is None or score > best[0]:
            best = (score, Decoded(text, encoding))
    return best


def _chinese_score(text: str) -> float:
    """The share of non-ASCII characters that are common Chinese characters.

    Big5 read as GB18030 turns into kana, Greek, private-use and rare
    characters mixed with common ones; GB18030 read as Big5 falls largely in
    Big5's rarer second level. The right decoding scores near 1.
    """
    non_ascii = _ASCII.sub("", text)
    if not non_ascii:
        return 1.0
    return sum(map(_common_chars().__contains__, non_ascii)) / len(non_ascii)


@cache
def _common_chars() -> frozenset[str]:
    """GB2312's first level, Big5's first level, and CJK punctuation (about 10 ms)."""
    chars: set[str] = set()
    chars.update(_decode_grid("gb2312", range(0xB0, 0xD8), range(0xA1, 0xFF)))
    big5_trails = [*range(0x40, 0x7F), *range(0xA1, 0xFF)]
    chars.update(_decode_grid("big5", range(0xA4, 0xC7), big5_trails))
    chars.update(chr(cp) for cp in range(0x3000, 0x3040))
    chars.update(chr(cp) for cp in range(0xFF01, 0xFF5F))
    chars.update("“”‘’…—·")
    return frozenset(chars)


def _decode_grid(encoding: str, leads: range, trails: range | list[int]) -> list[str]:
    chars = []
    for lead in leads:
        for trail in trails:
            try:
                chars.append(bytes((lead, trail)).decode(encoding))
            except UnicodeDecodeError:
                continue
    return chars


def _lenient_utf8(data: bytes) -> Decoded | None:
    """UTF-8 with bad bytes replaced, when they are at most one in a thousand."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - data.decode("utf-8", errors="ignore").count("\ufffd")
    if bad > max(1, len(text) // 1000):
        return None
    return Decoded(text, "utf-8", _replaced(bad))


def _guess(data: bytes) -> Decoded | None:
    """What charset-normalizer makes of the bytes, if anything (imported only
    for the rare file no declared or common encoding reads)."""
    from charset_normalizer import from_bytes

    guess = from_bytes(data).best()
    if guess is None or guess.encoding is None:
        return None
    return Decoded(str(guess), guess.encoding)


def _replaced(count: int) -> str:
    noun = "byte" if count == 1 else "bytes"
    return f"invalid UTF-8: {count} {noun} shown as \ufffd"


def _looks_binary(text: str, utf8: bytes | None = None) -> bool:
    """Whether the sample of ``text`` holds too many control characters.

    Counting them is a third of decoding a UTF-8 file (a regular expression
    over every character); ``utf8``, the bytes ``text`` was decoded from as
    UTF-8, gives a bound in two byte-level passes that settles nearly every
    text without the count (:func:`_control_bound`)."""
    sample = text[:SAMPLE_CHARS]
    if not sample:
        return False
    limit = CONTROL_SHARE_LIMIT * len(sample)
    if utf8 is not None and _control_bound(utf8) <= limit:
        return False
    return len(_CONTROL.findall(sample)) > limit


def _control_bound(data: bytes) -> int:
    """At least the number of controls :data:`_CONTROL` finds in ``data``
    decoded as UTF-8: a C0 control or DEL is one byte there, and a C1
    control two bytes starting with 0xC2 (as do some other characters)."""
    return len(data) - len(data.translate(None, _C0_BYTES)) + data.count(b"\xc2")
