"""The matcher: every name of the registry found in a text in one pass, in source offsets.

Matching
    Every name key of the registry is a pattern of one Aho-Corasick automaton
    (pyahocorasick), so one pass over a text finds every name. A text is
    matched *as folded* (:func:`kbtui.scripts.hanzi.fold`: Traditional to Simplified,
    one name separator, Latin lower-cased, one character to one character, so
    offsets are source offsets). Matches are chosen leftmost-longest
    (达里奥·阿莫代伊 wins over 达里奥). A name that begins or ends with a Latin
    letter or digit must have a boundary there: ``Claude`` is not found in
    ``Claudette`` but is in ``用Claude写``; CJK names match anywhere.

Speed
    Folding a text costs ten times more than reading it (``str.translate``
    runs at about 50 MB/s). So the automaton also holds every *variant* of a
    name, each character replaced by the characters that fold to it
    (達里奧 for 达里奥), and runs over ``text.lower()``, which is nearly free.
    That is exactly matching the folded text, except for a text holding a
    character that lower-casing does not fold the same way (full-width or
    mathematical Latin letters, a few others: ``_Variants.triggers``); such
    a text, and any text when a name has too many variants, is folded and
    matched the plain way. Tests check both ways give the same mentions.
    The variants' leftmost-longest pass runs on ahocorasick-rs (Rust, about
    three times pyahocorasick's speed here, and without the GIL, so the
    index matches documents on every core); pyahocorasick keeps the passes
    that need every overlapping hit.

Apart from the index because it knows nothing of documents or the cache:
it turns a text into ``(offset, key index)`` pairs, and its
:attr:`Matcher.fingerprint` says when two matchers find the same.
"""

from __future__ import annotations

import hashlib
import re
from array import array
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from itertools import chain, product

import ahocorasick
import ahocorasick_rs

from kbtui.entities.registry import EntityRegistry
from kbtui.search.scan import char_class, fold_table, holds_astral

MATCHER_VERSION = 1
"""Bump when matching rules change, so cached mentions are recomputed."""

MIN_KEY_CHARS = 2
"""Shorter names are not matched: a one-letter name (``X``) or one character
(一) would be found everywhere."""

MAX_VARIANTS = 4096
"""A name with more spellings than this makes the matcher fold every text."""

DFA_MAX_SPELLINGS = 20_000
"""Up to this many spellings the Rust automaton is a DFA (faster, and about
3 KB a spelling); more, and it is the default NFA, which stays small."""

CHUNK_CHARS = 1 << 20
"""Texts longer than this are matched a chunk at a time (see :meth:`Matcher._longest`)."""

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


class Matcher:
    """Finds every name of a registry in a text, in one pass.

    ``patterns`` maps folded name keys to entity ids. A match is reported
    with the index of its key in :attr:`keys` (a fixed order, so the cache
    can store indices) and turned into an entity id through
    :attr:`entity_ids`. Keys that need a word boundary come first, so one
    comparison tells whether a hit needs checking.
    """

    def __init__(self, patterns: Mapping[str, str]) -> None:
        table = fold_table()
        usable = {table.fold(key): eid for key, eid in patterns.items()}
        keys = [key for key in usable if len(key) >= MIN_KEY_CHARS]
        keys.sort(key=lambda key: (not _bounded(key), key))
        self.keys: list[str] = keys
        self.entity_ids: list[str] = [usable[key] for key in keys]
        self.lengths: list[int] = [len(key) for key in keys]
        self._left = [is_word_char(key[0]) for key in keys]
        self._right = [is_word_char(key[-1]) for key in keys]
        self._bounded = sum(map(_bounded, keys))

    @classmethod
    def from_registry(cls, registry: EntityRegistry) -> Matcher:
        """The matcher for every name of ``registry``."""
        return cls(registry.name_keys())

    @cached_property
    def fingerprint(self) -> str:
        """A hash of the rules and the keys: equal fingerprints find equal matches."""
        digest = hashlib.sha256(f"kbtui-matcher-{MATCHER_VERSION}\n".encode())
        for key in self.keys:
            digest.update(key.encode("utf-8", "surrogatepass") + b"\n")
        return digest.hexdigest()[:24]

    def scan(self, text: str) -> array[int]:
        """Every mention in ``text`` as flat ``(last, key index)`` pairs, in
        order, where ``last`` is the offset of its last character (its start
        is ``last + 1 - lengths[key index]``). The index stores this form.

        The automaton's own leftmost-longest search is the answer unless a
        hit lacks a word boundary (``Claude`` in ``Claudette``); then every
        overlapping hit is looked at (:meth:`_select`).
        """
        if not self.keys:
            return array("i")
        subject, automaton = self._subject(text)
        if automaton is self._variants.automaton:
            pairs = self._variants.longest(subject)
        else:
            hits = self._longest(automaton, subject)
            bounded = not self._violates_boundary(hits, subject)
            pairs = array("i", chain.from_iterable(hits)) if bounded else None
        if pairs is not None:
            return pairs
        exact = self._select(automaton.iter(subject), subject)
        return array("i", chain.from_iterable((end - 1, index) for _, end, index in exact))

    def find(self, text: str) -> list[tuple[int, int, int]]:
        """Every mention in ``text`` as ``(start, end, key index)``, in order."""
        pairs, lengths = self.scan(text), self.lengths
        return [
            (last + 1 - lengths[index], last + 1, index)
            for last, index in zip(pairs[0::2], pairs[1::2], strict=True)
        ]

    def find_folded(self, text: str) -> list[tuple[int, int, int]]:
        """:meth:`find` done the plain way: fold ``text``, take every hit of
        the plain automaton, choose. The reference the fast way is tested against."""
        folded = fold_table().fold(text)
        return self._select(self._plain.iter(folded), folded) if self.keys else []

    def prepare(self) -> None:
        """Build the automata now, before threads share the matcher."""
        _ = self._plain, self._variants

    def _longest(self, automaton: ahocorasick.Automaton, text: str) -> list[tuple[int, int]]:
        """The plain automaton's leftmost-longest hits, a chunk at a time:
        pyahocorasick's C loop holds the GIL, and a 5 MB text in one go would
        freeze the UI thread for a tenth of a second. A chunk's window reaches
        one key length past it, and hits starting beyond the chunk wait for
        the next."""
        if len(text) <= CHUNK_CHARS:
            return list(automaton.iter_long(text))
        hits: list[tuple[int, int]] = []
        start, size, reach = 0, len(text), max(self.lengths) - 1
        while start < size:
            stop = min(size, start + CHUNK_CHARS)
            for last, index in automaton.iter_long(text, start, min(size, stop + reach)):
                if last + 1 - self.lengths[index] >= stop:
                    break
                hits.append((last, index))
            start = max(stop, hits[-1][0] + 1) if hits else stop
        return hits

    def _subject(self, text: str) -> tuple[str, ahocorasick.Automaton]:
        """The text to run an automaton over, and the automaton: the lower-cased
        text and the automaton of variants when they cover it, else the
        folded text and the plain automaton."""
        lowered = text.lower()
        variants = self._variants
        if variants.usable and len(lowered) == len(text) and not variants.triggered(lowered):
            return lowered, variants.automaton
        return fold_table().fold(text), self._plain

    @cached_property
    def _plain(self) -> ahocorasick.Automaton:
        automaton = ahocorasick.Automaton()
        for index, key in enumerate(self.keys):
            automaton.add_word(key, index)
        automaton.make_automaton()
        return automaton

    @cached_property
    def _variants(self) -> _Variants:
        return _Variants.build(self.keys)

    def _violates_boundary(self, hits: list[tuple[int, int]], text: str) -> bool:
        bounded, lengths, left, right = self._bounded, self.lengths, self._left, self._right
        size = len(text)
        for last, index in hits:
            if index >= bounded:
                continue
            start = last + 1 - lengths[index]
            if left[index] and start and text[start - 1] in WORD_CHARS:
                return True
            if right[index] and last + 1 < size and text[last + 1] in WORD_CHARS:
                return True
        return False

    def _select(self, hits: Iterable[tuple[int, int]], text: str) -> list[tuple[int, int, int]]:
        """Keep the hits with word boundaries, then choose leftmost-longest.

        The automaton reports hits by end position, every overlapping one;
        when none overlap they are already the answer.
        """
        lengths, left, right = self.lengths, self._left, self._right
        size = len(text)
        found: list[tuple[int, int, int]] = []
        overlap = False
        last_end = 0
        for last, index in hits:
            start = last + 1 - lengths[index]
            if left[index] and start > 0 and text[start - 1] in WORD_CHARS:
                continue
            if right[index] and last + 1 < size and text[last + 1] in WORD_CHARS:
                continue
            overlap = overlap or start < last_end
            last_end = max(last_end, last + 1)
            found.append((start, last + 1, index))
        return _leftmost_longest(found) if overlap else found


def _bounded(key: str) -> bool:
    """Whether a key needs a word boundary at either end (it starts or ends Latin)."""
    return is_word_char(key[0]) or is_word_char(key[-1])


def _leftmost_longest(hits: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    chosen: list[tuple[int, int, int]] = []
    position = 0
    for start, negative_end, index in sorted((s, -e, i) for s, e, i in hits):
        if start >= position:
            chosen.append((start, -negative_end, index))
            position = -negative_end
    return chosen


@dataclass(slots=True)
class _Variants:
    """The automaton of every spelling of every key, over lower-cased text.

    ``triggers`` are the lower-case characters that this automaton cannot
    stand for: a text holding one is folded and matched the plain way.
    """

    automaton: ahocorasick.Automaton | None
    triggers: re.Pattern[str]
    astral_triggers: frozenset[str]
    fast: ahocorasick_rs.AhoCorasick | None = None
    """The same spellings, leftmost-longest, in ahocorasick-rs."""
    key_of: array[int] = field(default_factory=lambda: array("i"))
    """The key index of each of :attr:`fast`'s patterns."""
    left_of: list[bool] = field(default_factory=list)
    """Whether each of :attr:`fast`'s patterns needs a word boundary before it."""
    right_of: list[bool] = field(default_factory=list)
    """Whether each of :attr:`fast`'s patterns needs a word boundary after it."""

    @property
    def usable(self) -> bool:
        return self.automaton is not None

    def triggered(self, lowered: str) -> bool:
        """Whether ``lowered`` holds a character the variants do not cover."""
        return bool(self.triggers.search(lowered)) or holds_astral(lowered, self.astral_triggers)

    def longest(self, lowered: str) -> array[int] | None:
        """The leftmost-longest hits in ``lowered`` as :meth:`Matcher.scan`
        gives them, or ``None`` when a hit lacks a word boundary (or the text
        holds a lone surrogate, which is not UTF-8 and so not for Rust): then
        every overlapping hit must be looked at.

        One loop checks the boundaries and builds the pairs: a corpus has
        about twenty hits per thousand characters, and this loop is most of the Python
        an index build runs."""
        if self.fast is None:
            return None
        try:
            found = self.fast.find_matches_as_indexes(lowered)
        except UnicodeEncodeError:
            return None
        key_of, left, right, size = self.key_of, self.left_of, self.right_of, len(lowered)
        flat: list[int] = []
        append = flat.append
        for pattern, start, end in found:
            if left[pattern] and start and lowered[start - 1] in WORD_CHARS:
                return None
            if right[pattern] and end < size and lowered[end] in WORD_CHARS:
                return None
            append(end - 1)
            append(key_of[pattern])
        return array("i", flat)

    @classmethod
    def build(cls, keys: Sequence[str]) -> _Variants:
        allowed, triggers, astral = _variant_tables()
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
        return cls(automaton, triggers, astral, *_fast_automaton(spellings, keys))


def _fast_automaton(
    spellings: Mapping[str, int], keys: Sequence[str]
) -> tuple[ahocorasick_rs.AhoCorasick, array[int], list[bool], list[bool]]:
    """The Rust automaton of ``spellings`` (spelling to key index), and the
    key index and boundary needs of each of its patterns. A DFA when it
    stays small: it runs twice as fast as the default NFA here (8,000
    spellings: 85 ms to build, 25 MB)."""
    kind = ahocorasick_rs.MatchKind.LeftmostLongest
    dfa = ahocorasick_rs.Implementation.DFA if len(spellings) <= DFA_MAX_SPELLINGS else None
    fast = ahocorasick_rs.AhoCorasick(list(spellings), matchkind=kind, implementation=dfa)
    key_of = array("i", spellings.values())
    left = [is_word_char(keys[index][0]) for index in key_of]
    right = [is_word_char(keys[index][-1]) for index in key_of]
    return fast, key_of, left, right


@cache
def _variant_tables() -> tuple[dict[str, tuple[str, ...]], re.Pattern[str], frozenset[str]]:
    """The spellings of each folded character, and the trigger characters
    (as a pattern for those in the basic plane, a set for the others);
    computed once per process (about 20 ms)."""
    table = fold_table()
    allowed = _allowed_variants(table.inverse)
    bmp, astral = _split_astral(_triggers(table.forward, allowed))
    triggers = re.compile(char_class(frozenset(bmp)) if bmp else "(?!)")
    return allowed, triggers, frozenset(astral)


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
