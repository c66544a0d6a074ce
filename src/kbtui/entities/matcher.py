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
    mathematical Latin letters, a few others: the *triggers*); such a text,
    and any text when a name has too many variants, is folded and matched
    the plain way. Tests check both ways give the same mentions. The
    variants and their leftmost-longest pass in Rust (ahocorasick-rs: about
    three times pyahocorasick's speed here, twice that as a DFA, and without
    the GIL, so the index matches documents on every core) are :mod:`kbtui.entities.variants`;
    pyahocorasick keeps the passes that need every overlapping hit.

Apart from the index because it knows nothing of documents or the cache:
it turns a text into ``(offset, key index)`` pairs, and its
:attr:`Matcher.fingerprint` says when two matchers find the same.
"""

from __future__ import annotations

import hashlib
from array import array
from collections.abc import Iterable, Mapping
from functools import cached_property
from itertools import chain

import ahocorasick

from kbtui.entities.registry import EntityRegistry
from kbtui.entities.variants import WORD_CHARS, Miss, Variants, is_word_char
from kbtui.search.scan import fold_table

MATCHER_VERSION = 1
"""Bump when matching rules change, so cached mentions are recomputed."""

MIN_KEY_CHARS = 2
"""Shorter names are not matched: a one-letter name (``X``) or one character
(一) would be found everywhere."""

CHUNK_CHARS = 1 << 20
"""Texts longer than this are matched a chunk at a time (see :meth:`Matcher._longest`)."""


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

    def scan(self, text: str, lowered: str | None = None) -> array[int]:
        """Every mention in ``text`` as flat ``(last, key index)`` pairs, in
        order, where ``last`` is the offset of its last character (its start
        is ``last + 1 - lengths[key index]``). The index stores this form.
        ``lowered`` is ``text.lower()`` when the caller has it already.

        The automaton's own leftmost-longest search is the answer unless a
        hit lacks a word boundary (``Claude`` in ``Claudette``); then every
        overlapping hit is looked at (:meth:`_select`).
        """
        if not self.keys:
            return array("i")
        lowered, variants = text.lower() if lowered is None else lowered, self._variants
        if variants.automaton is not None and len(lowered) == len(text):
            found = variants.longest(lowered)
            if isinstance(found, array):
                return found
            if found is Miss.UNBOUNDED:
                return self._selected(variants.automaton, lowered)
        folded = fold_table().fold(text)
        hits = self._longest(self._plain, folded)
        if not self._violates_boundary(hits, folded):
            return array("i", chain.from_iterable(hits))
        return self._selected(self._plain, folded)

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

    @cached_property
    def _plain(self) -> ahocorasick.Automaton:
        automaton = ahocorasick.Automaton()
        for index, key in enumerate(self.keys):
            automaton.add_word(key, index)
        automaton.make_automaton()
        return automaton

    @cached_property
    def _variants(self) -> Variants:
        return Variants.build(self.keys)

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

    def _selected(self, automaton: ahocorasick.Automaton, text: str) -> array[int]:
        """:meth:`scan`'s answer from every overlapping hit."""
        exact = self._select(automaton.iter(text), text)
        return array("i", chain.from_iterable((end - 1, index) for _, end, index in exact))

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
