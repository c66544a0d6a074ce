"""Finding name-like words in one document: Latin proper nouns and jieba's proper-noun tags.

A document gives *occurrences* ``(start, end, kind)`` in source offsets,
whatever the registry knows: what is already a name is left out later
(:mod:`kbtui.entities.suggestions`), so the occurrences of a document can be
cached by its size and mtime alone.

* Latin: runs of capitalised words (``Iconiq Capital``, ``Chris Olah``,
  ``GPT-4``), without the common English words a sentence starts with and
  the acronyms every text uses (``AI``, ``CEO``).
* Chinese: jieba's ``posseg`` tags ``nr`` (person), ``nt`` (organisation)
  and ``nz`` (other proper noun), on the text folded to Simplified one
  character at a time (jieba learnt Simplified; one character for one keeps
  offsets). Places (``ns``) are left out: not what the user registers. Names
  written with a separator (达里奥·阿莫代伊, which jieba cuts into four) are
  put back together. jieba's dictionary tags many common words ``nr``
  (权衡, 道德, 明白): a word it found in its dictionary is kept only when it
  is rare there or written only in characters transliterations use.
* Code, URLs, link targets, HTML tags and shortcodes are blanked first.

jieba is imported on first use (half a second, and its dictionary another
0.7 s): starting kbtui never pays for it.
"""

from __future__ import annotations

import contextlib
import logging
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Protocol

from kbtui.entities.model import Kind
from kbtui.locations import cache_dir
from kbtui.scripts.hanzi import MIDDLE_DOT, tables

Occurrence = tuple[int, int, str]
"""``(start, end, kind)``: ``source[start:end]`` looks like a name of that kind."""

_MASKS = re.compile(
    r"```.*?```|`[^`\n]{0,500}`"  # code
    r"|(?:https?|ftp)://\S+|www\.\S+"  # addresses
    r"|(?<![\w.%+-])[\w.%+-]++@[\w-]++(?:\.[\w-]++)+"  # mail: each run tried once
    r"|\]\([^()\n]{0,1000}\)|<[^<>\n]{0,500}>|\{\{[^{}]{0,2000}\}\}",  # links, HTML, shortcodes
    re.DOTALL,
)
"""What is no prose. Every part is linear in the text: a long run with no end
(a base64 image, a line of Chinese with no space) must not be tried again from
each of its characters."""


MAX_LATIN_WORDS = 5
"""Words of the longest Latin name kept (``Lightspeed Venture Partners`` has three)."""


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_LATIN_WORD = r"(?:[A-Z][A-Za-z0-9]*(?:[-'][A-Za-z0-9]+)*)"
_LATIN_RUN = re.compile(rf"(?<![A-Za-z0-9_./\\-]){_LATIN_WORD}(?: {_LATIN_WORD})*(?![A-Za-z0-9_])")

LATIN_STOP = _words(
    """a an the this that these those there here it its i we you he she they my our your his her
    their in on at of for from to by with as and or but if so not no yes all any some each every
    what when where which who why how is are was were be been do does did have has had can could
    will would should may might must shall also then than just only very more most much many
    one two after before about over under into out up down now today
    hello hi dear thanks thank please ok okay mr mrs ms dr prof see note let read use get
    ai agi api apis ceo cfo cto coo cpo vp ipo vc pr hr it tv us usa uk eu un pc
    gpu gpus cpu tpu llm llms nlp ml rl sdk sql html css json pdf url faq qa b2b b2c saas
    am pm vs etc eg ie ps ad bc q a1 jan feb mar apr jun jul aug sep sept oct nov dec
    monday tuesday wednesday thursday friday saturday sunday january february march april
    june july august september october november december"""
)
"""Capitalised words that are no name alone (a sentence's first word, months, acronyms)."""

_ORG_WORDS = _words(
    """capital partners ventures labs lab inc corp corporation company co ltd llc group
    foundation institute university college school bank fund capital times news tv
    airlines motors systems technologies research"""
)

_PERSON_TAGS = frozenset({"nr", "nrt", "nrfg"})
_TAG_KINDS = {"nt": Kind.ORGANISATION, "nz": Kind.OTHER} | dict.fromkeys(_PERSON_TAGS, Kind.PERSON)

MAX_NATIVE_NAME = 3
"""A Chinese person's name is two or three characters; a longer ``nr`` word
(保持中立, 关键因素) is a phrase, unless it is a transliteration."""

RARE_IN_DICTIONARY = 50
"""A word jieba's dictionary counts fewer times than this is rare enough to be a name."""

COMMON_IN_DICTIONARY = 150
"""A word counted this often is a common word even in transliteration characters
(道德 3241, 勒索 184; 克里斯 94 and 普林斯顿 71 are names)."""

TRANSLITERATION_CHARS = frozenset(
    "阿埃艾爱安昂奥澳巴拔白拜班邦保鲍贝本比彼毕宾波伯博布查柴达戴黛丹道德迪蒂丁东杜敦多厄恩尔"
    "法凡菲费芬丰弗福夫盖甘冈高戈哥格根贡古瓜圭哈海汉豪赫亨洪胡华霍基吉加嘉贾杰捷金卡凯坎康"
    "考柯科克肯库夸奎昆拉莱赖兰朗劳勒雷蕾里理利莉丽连列林琳隆卢鲁路伦罗洛吕马玛迈麦曼芒茂梅"
    "门蒙米敏莫默姆穆纳娜奈南内尼妮涅宁纽努诺欧帕潘佩彭皮珀普奇齐恰乔切钦琴琼丘萨塞赛桑瑟森"
    "沙莎山珊尚舍圣施什史舒斯松苏索塔泰坦汤唐特提廷图托瓦万旺威维韦温沃乌西希锡夏谢辛休修雅"
    "亚娅扬耶伊因英尤于约扎泽詹兹佐祖茨翁薇琪露丝芙萝妲娃莲蒂科卜柏佛迦"
)
"""Characters Chinese transliterations of foreign names are made of (the usual table)."""

_lock = threading.Lock()


class SegmenterMissing(RuntimeError):
    """jieba is not installed, so Chinese names cannot be found."""


def occurrences(source: str) -> list[Occurrence]:
    """Every name-like word of a document's body (frontmatter already blanked), in order."""
    text = _masked(source)
    found = list(latin_names(text))
    if any("\u4e00" <= ch <= "\u9fff" for ch in text):
        found += han_names(simplified_chars(text))
    found.sort()
    return found


def _masked(source: str) -> str:
    """``source`` with code, addresses and markup blanked (offsets unchanged)."""
    return _MASKS.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), source)


def latin_names(text: str) -> Iterator[Occurrence]:
    """Runs of capitalised words, cut at every stop word (``DeepMind CEO Hassabis`` is two);
    a run longer than :data:`MAX_LATIN_WORDS` is a title in title case, no name."""
    for match in _LATIN_RUN.finditer(text):
        start = match.start()
        words: list[str] = []
        for word in [*match.group().split(" "), ""]:
            if word and word.lower() not in LATIN_STOP:
                words.append(word)
                continue
            if words and max(map(len, words)) > 1 and len(words) <= MAX_LATIN_WORDS:
                yield start, start + len(" ".join(words)), latin_kind(words)
            start += len(" ".join(words)) + (1 if words else 0) + len(word) + 1
            words = []


def latin_kind(words: list[str]) -> Kind:
    """A guess: an organisation by its last word, a product when it has a digit,
    a person when it is two or three words of letters, else other."""
    if words[-1].lower() in _ORG_WORDS and len(words) > 1:
        return Kind.ORGANISATION
    if any(ch.isdigit() for word in words for ch in word):
        return Kind.PRODUCT
    if 2 <= len(words) <= 3 and all(word.isalpha() and word[1:].islower() for word in words):
        return Kind.PERSON
    return Kind.OTHER


@cache
def _simplifying_table() -> dict[int, int]:
    """Traditional to Simplified and every name separator to ``·``, one character for one."""
    table = dict(tables().t2s)
    table.update(dict.fromkeys(map(ord, "・•‧･⋅∙"), ord(MIDDLE_DOT)))
    return table


def simplified_chars(text: str) -> str:
    """``text`` folded to Simplified a character at a time (its Latin kept as written)."""
    return text.translate(_simplifying_table())


def han_names(text: str) -> list[Occurrence]:
    """jieba's proper nouns in a Simplified text, with separated names put together."""
    tokens = _tagged(text)
    found: list[Occurrence] = []
    i = 0
    while i < len(tokens):
        joined = _joined_name(tokens, i)
        if joined is not None:
            i, start, end = joined
            found.append((start, end, Kind.PERSON))
            continue
        run = _person_run(tokens, i)
        if run > i + 1:
            last = tokens[run - 1]
            found.append((tokens[i][0], last[0] + len(last[1]), Kind.PERSON))
            i = run
            continue
        start, word, tag = tokens[i]
        if tag in _TAG_KINDS and _plausible(word, tag):
            found.append((start, start + len(word), _TAG_KINDS[tag]))
        i += 1
    return found


def _person_run(tokens: list[tuple[int, str, str]], i: int) -> int:
    """Where a run of person-tagged tokens from ``i`` ends, when it holds a
    single character (jieba cuts 丹妮拉 into 丹 and 妮拉, 贾里德 into 贾 and 里德):
    one name; so is a transliteration's last character jieba read as a word of its
    own (达里欧: 达里 and 欧, Europe). Otherwise ``i``: each token stands alone."""
    j = i
    while j < len(tokens) and tokens[j][2] in _PERSON_TAGS and _han(tokens[j][1]):
        j += 1
    if j > i and all(ch in TRANSLITERATION_CHARS for token in tokens[i:j] for ch in token[1]):
        while j < len(tokens) and _transliteration_tail(tokens[j]):
            j += 1
    return j if j - i > 1 and any(len(t[1]) == 1 for t in tokens[i:j]) else i


def _joined_name(tokens: list[tuple[int, str, str]], i: int) -> tuple[int, int, int] | None:
    """A name written with separators starting at token ``i`` (its person-tagged
    tokens, then ``·`` and a part, any number of times): ``(next token, start, end)``."""
    j = i
    while j < len(tokens) and tokens[j][2] in _PERSON_TAGS | {"x_han"}:
        j += 1
    if j == i or j + 1 >= len(tokens) or tokens[j][1] != MIDDLE_DOT or not _han(tokens[j + 1][1]):
        return None
    j += 2
    while j + 1 < len(tokens) and tokens[j][1] == MIDDLE_DOT and _han(tokens[j + 1][1]):
        j += 2
    while j < len(tokens) and tokens[j][2] in _PERSON_TAGS:
        j += 1
    last = tokens[j - 1]
    return j, tokens[i][0], last[0] + len(last[1])


_TAIL_TAGS = frozenset({"j", "n", "ng", "ns", "nz"} | _PERSON_TAGS)
"""Tags of a character that may end a transliteration (not a verb or a particle)."""


def _transliteration_tail(token: tuple[int, str, str]) -> bool:
    _, word, tag = token
    return len(word) == 1 and word in TRANSLITERATION_CHARS and tag in _TAIL_TAGS


def _han(word: str) -> bool:
    return bool(word) and all("\u4e00" <= ch <= "\u9fff" for ch in word)


def _plausible(word: str, tag: str) -> bool:
    """Whether a tagged word may be a name: two characters or more, and, when
    jieba's dictionary knows it, rare there or written in transliteration
    characters (see the module's docstring)."""
    if len(word) < 2 or not _han(word):
        return False
    if tag in _PERSON_TAGS and len(word) > MAX_NATIVE_NAME:
        return all(ch in TRANSLITERATION_CHARS for ch in word)
    frequency = _tokenizer().frequencies.get(word, 0)
    if frequency < RARE_IN_DICTIONARY:
        return True
    if frequency >= COMMON_IN_DICTIONARY or tag not in _PERSON_TAGS:
        return False
    return all(ch in TRANSLITERATION_CHARS for ch in word)


def _tagged(text: str) -> list[tuple[int, str, str]]:
    """``(start, word, tag)`` of every jieba token of ``text``; a Han token
    right before a separator is tagged ``x_han`` when jieba gave it no name tag."""
    tokens = []
    offset = 0
    for pair in _tokenizer().cut(text):
        word, tag = pair.word, pair.flag
        tokens.append((offset, word, tag))
        offset += len(word)
    for k in range(len(tokens) - 1):
        start, word, tag = tokens[k]
        if tokens[k + 1][1] == MIDDLE_DOT and _han(word) and tag not in _PERSON_TAGS:
            tokens[k] = (start, word, "x_han")
    return tokens


class _Pair(Protocol):
    """A token of ``jieba.posseg``: the word and its part-of-speech tag."""

    word: str
    flag: str


@dataclass(frozen=True, slots=True)
class _Jieba:
    """What is used of jieba: its tagging cut and its dictionary's word counts."""

    cut: Callable[[str], Iterable[_Pair]]
    frequencies: Mapping[str, int]


@cache
def _tokenizer() -> _Jieba:
    """jieba's part-of-speech tokenizer, its dictionary loaded (once, quietly)."""
    with _lock:
        try:
            import jieba  # type: ignore[import-untyped]  # jieba ships no type hints
            import jieba.posseg  # type: ignore[import-untyped]
        except ImportError as exc:
            raise SegmenterMissing("suggestions need jieba: pip install jieba") from exc

        jieba.setLogLevel(logging.WARNING)
        folder = cache_dir()
        with contextlib.suppress(OSError):  # then jieba only loads its dictionary more slowly
            folder.mkdir(parents=True, exist_ok=True)
        jieba.dt.tmp_dir = str(folder)
        jieba.dt.initialize()
        return _Jieba(jieba.posseg.dt.cut, jieba.dt.FREQ)
