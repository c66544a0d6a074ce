"""The spellings of the matcher's names: every name written every way that folds to it.

Folding a text costs ten times more than reading it, so the matcher runs
over the merely lower-cased text an automaton of every *variant* of every
name (達里奧 for 达里奥, see :mod:`kbtui.entities.matcher`). This module
builds those variants, knows which characters they cannot stand for (the
*triggers*: a text holding one is folded), and runs the leftmost-longest
pass in Rust (ahocorasick-rs), where the BMP triggers are patterns too, so
one pass finds the names and tells whether the text needed folding.

Apart from the matcher because it is its fast path only: the matcher's
rules (what a key is, leftmost-longest, word boundaries) are defined there
and this follows them.
"""

from __future__ import annotations

import re
from array import array
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum, IntEnum
from functools import cache
from itertools import accumulate, chain, product
from typing import NamedTuple

import ahocorasick
import ahocorasick_rs

from kbtui.search.scan import char_class, fold_table, holds_astral

MAX_VARIANTS = 4096
"""A name with more spellings than this makes the matcher fold every text."""

DFA_MAX_SPELLINGS = 20_000
"""Up to this many spellings the Rust automaton is a DFA (faster, and about
3 KB a spelling); more, and it is the default NFA, which stays small."""

_SPACE_VARIANTS = frozenset(" \u00a0\u3000")
"""The spaces a name's space may be written as without making a text slow:
no-break and ideographic spaces are common in scraped Chinese pages. The
other Unicode spaces fold to a space too; a text holding one is folded."""


WORD_CHARS: frozenset[str] = frozenset(
    ch for ch in map(chr, chain(range(0x530), range(0x1E00, 0x2000))) if ch.isalnum()
)
"""Characters that continue a Latin word: the letters and digits of the
Latin, Greek and Cyrillic blocks. Everything else (CJK, kana, punctuation,
spaces) is a word boundary."""


def is_word_char(ch: str) -> bool:
    """Whether ``ch`` continues a Latin word (see :data:`WORD_CHARS`)."""
    return ch in WORD_CHARS


class Miss(Enum):
    """Why :meth:`Variants.longest` has no answer for a text."""

    UNBOUNDED = "a hit lacks a word boundary: look at every overlapping hit"
    UNCOVERED = "the variants do not cover the text: fold it"


class Edge(IntEnum):
    """Which word boundaries a key needs; the Rust automaton's patterns are
    in this order, so one comparison of a pattern number tells."""

    NONE = 0
    BOTH = 1
    LEFT = 2
    RIGHT = 3


class Bounds(NamedTuple):
    """Where each :class:`Edge` of the Rust automaton's patterns ends (the
    pattern numbers from ``right`` on are trigger characters)."""

    none: int = 0
    both: int = 0
    left: int = 0
    right: int = 0


@dataclass(slots=True)
class Variants:
    """The automaton of every spelling of every key, over lower-cased text.

    ``triggers`` are the lower-case characters that this automaton cannot
    stand for: a text holding one is folded and matched the plain way.
    """

    automaton: ahocorasick.Automaton | None
    """Every spelling, for the passes that need every overlapping hit."""
    triggers: re.Pattern[str]
    astral_triggers: frozenset[str]
    fast: ahocorasick_rs.AhoCorasick | None = None
    """The same spellings, leftmost-longest, in ahocorasick-rs."""
    key_of: list[int] = field(default_factory=list)
    """The key index of each of :attr:`fast`'s spellings (a list: its items
    are ready ints, where an array would make one per hit)."""
    bounds: Bounds = field(default_factory=Bounds)
    """Which of :attr:`fast`'s patterns need which boundary, or are triggers."""
    finds_triggers: bool = False
    """Whether :attr:`fast` holds the BMP triggers as patterns (none of the
    spellings holds one, so a match never hides one)."""

    @property
    def usable(self) -> bool:
        return self.automaton is not None

    def triggered(self, lowered: str) -> bool:
        """Whether ``lowered`` holds a character the variants do not cover."""
        return bool(self.triggers.search(lowered)) or holds_astral(lowered, self.astral_triggers)

    def longest(self, lowered: str) -> array[int] | Miss:
        """The leftmost-longest hits in ``lowered`` as :meth:`Matcher.scan`
        gives them, or why not (a lone surrogate is not UTF-8, so not for
        Rust: it is folded too).

        One loop checks the boundaries and builds the pairs: a corpus has
        about twenty hits per thousand characters (three in four of a Latin
        name, which needs its boundaries checked), and this loop is most of
        the Python an index build runs, so each hit costs one comparison of
        its pattern number (:class:`Edge`) and at most two look-ups."""
        if self.fast is None or holds_astral(lowered, self.astral_triggers):
            return Miss.UNCOVERED
        if not self.finds_triggers and self.triggers.search(lowered):
            return Miss.UNCOVERED
        try:
            found = self.fast.find_matches_as_indexes(lowered)
        except UnicodeEncodeError:
            return Miss.UNCOVERED
        none, both, left, right = self.bounds
        key_of, words = self.key_of, WORD_CHARS
        padded = lowered + " "  # [start - 1] at 0 and [end] at the end read no word character
        flat: list[int] = []
        append = flat.append
        for pattern, start, end in found:
            if pattern >= none:
                if pattern >= right:
                    return Miss.UNCOVERED  # a trigger
                if (pattern < left and padded[start - 1] in words) or (
                    (pattern < both or pattern >= left) and padded[end] in words
                ):
                    return Miss.UNCOVERED if self.triggered(lowered) else Miss.UNBOUNDED
            append(end - 1)
            append(key_of[pattern])
        return array("i", flat)

    @classmethod
    def build(cls, keys: Sequence[str]) -> Variants:
        allowed, bmp, triggers, astral = _variant_tables()
        automaton = ahocorasick.Automaton()
        spellings: dict[str, int] = {}  # as the automaton keeps them: the last key wins
        for index, key in enumerate(keys):
            choices = [allowed.get(ch, (ch,)) for ch in key]
            if _count(choices) > MAX_VARIANTS:
                return cls(None, triggers, astral)
            for spelling in map("".join, product(*choices)):
                automaton.add_word(spelling, index)
                spellings[spelling] = index
        automaton.make_automaton()
        if not spellings:
            return cls(automaton, triggers, astral)
        finds = not any(ch in bmp for spelling in spellings for ch in spelling)
        fast = _fast_automaton(spellings, sorted(bmp) if finds else [], keys)
        return cls(automaton, triggers, astral, *fast, finds_triggers=finds)


def _fast_automaton(
    spellings: Mapping[str, int], triggers: Sequence[str], keys: Sequence[str]
) -> tuple[ahocorasick_rs.AhoCorasick, list[int], Bounds]:
    """The Rust automaton of ``spellings`` (spelling to key index) then
    ``triggers``, the key index of each spelling, and where each
    :class:`Edge` ends. A DFA when it stays small: it runs twice as fast as
    the default NFA here (8,000 spellings: 85 ms to build, 25 MB)."""
    edges = {spelling: _edge(keys[index]) for spelling, index in spellings.items()}
    ordered = sorted(spellings, key=edges.__getitem__)
    patterns = [*ordered, *triggers]
    kind = ahocorasick_rs.MatchKind.LeftmostLongest
    dfa = ahocorasick_rs.Implementation.DFA if len(patterns) <= DFA_MAX_SPELLINGS else None
    fast = ahocorasick_rs.AhoCorasick(patterns, matchkind=kind, implementation=dfa)
    counts = Counter(edges.values())
    bounds = Bounds(*accumulate(counts[edge] for edge in Edge))
    return fast, [spellings[spelling] for spelling in ordered], bounds


def _edge(key: str) -> Edge:
    left, right = is_word_char(key[0]), is_word_char(key[-1])
    if left and right:
        return Edge.BOTH
    return Edge.LEFT if left else Edge.RIGHT if right else Edge.NONE


@cache
def _variant_tables() -> tuple[
    dict[str, tuple[str, ...]], frozenset[str], re.Pattern[str], frozenset[str]
]:
    """The spellings of each folded character, and the trigger characters
    (those in the basic plane as a set and as a pattern, the others as a
    set); computed once per process (about 20 ms)."""
    table = fold_table()
    allowed = _allowed_variants(table.inverse)
    bmp, astral = _split_astral(_triggers(table.forward, allowed))
    triggers = re.compile(char_class(frozenset(bmp)) if bmp else "(?!)")
    return allowed, frozenset(bmp), triggers, frozenset(astral)


def _allowed_variants(inverse: Mapping[str, frozenset[str]]) -> dict[str, tuple[str, ...]]:
    """For each folded character, the lower-case characters the automaton
    spells it with: all that fold to it, except for Latin letters and digits
    (only themselves: their other forms are rare and would multiply the
    variants of every Latin name) and spaces (only the common three)."""
    allowed = {}
    for target, members in inverse.items():
        if target.isascii() and target.isalnum():
            continue
        if target == " ":
            members = members & _SPACE_VARIANTS
        lower = sorted(ch for ch in members if ch.lower() == ch)
        if len(lower) > 1:
            allowed[target] = tuple(lower)
    return allowed


def _triggers(forward: Mapping[int, int], allowed: Mapping[str, tuple[str, ...]]) -> set[str]:
    """Lower-case characters that fold to something the variants do not
    spell them as, or where lower-casing and folding disagree."""
    covered = {ch for spellings in allowed.values() for ch in spellings}
    found = {"ς"}  # lower-casing a final Σ gives ς, folding gives σ
    for code, target in forward.items():
        ch = chr(code)
        lower = ch.lower()
        if len(lower) != 1:
            continue
        folded_lower = chr(forward.get(ord(lower), ord(lower)))
        spelled = folded_lower if lower in covered else lower
        if spelled != chr(target) or is_word_char(lower) != is_word_char(spelled):
            found.add(lower)
    return found


def _split_astral(chars: set[str]) -> tuple[set[str], set[str]]:
    astral = {ch for ch in chars if ch > "\uffff"}
    return chars - astral, astral


def _count(choices: Sequence[Sequence[str]]) -> int:
    total = 1
    for options in choices:
        total *= len(options)
        if total > MAX_VARIANTS:
            break
    return total
