"""Coreference of shared names: who a bare ``Amodei`` means, from the document around it.

A name the registry gives to several entities (a surname shared by Dario,
Daniela and Riccardo Amodei) is an *ambiguous* entity. Within one document
a writer names a person in full, then by the surname alone, so a mention
of a shared name goes to the candidate the document last named
*unambiguously* before it (by a full name or a unique alias). The rules,
in order, for one mention of a shared name:

1. **Plural.** Directly followed by a plural word (``Amodei兄妹``, ``the
   Amodei siblings``), it means several people: it stays ambiguous.
2. **No antecedent.** Before any candidate is named, it stays ambiguous.
3. **Named together.** The candidate named last is *X*. When another
   candidate was also named in X's paragraph (before X), several were named
   together and the mention stays ambiguous, until one candidate is named
   in a paragraph of its own. A *paragraph* ends at a blank line or at a
   line break right after a sentence end (``。`` ``!`` ``?`` ``.`` ``」`` …),
   so hard-wrapped lines of one paragraph stay one paragraph.
4. **A plural reference since.** A plural word (:data:`PLURAL_WORDS`: ``the
   sisters``, ``兄妹``, ``两人``, or the name with a plural s, ``the Amodeis``) between X's
   naming and the mention means several: it stays ambiguous, until the
   next naming.
5. Otherwise it is X, marked *inferred*.

A candidate named through a kinship word (``父親Riccardo Amodei``,
``Amodei的妹妹Daniela``, ``his sister Daniela``) is introduced as someone's
relative: the surname keeps meaning the person the text is about, so such
a naming is no antecedent (and takes no part in rule 3). That is what
makes an article about Dario that mentions his father and his sister give
Dario the surname throughout.

Resolution needs a few facts of the text around each mention (its
paragraph, kinship and plural words); they are found when a document is
matched (:func:`mention_contexts`) and cached with its mentions, so
resolving itself (:func:`resolve`) reads no text and runs per document when
the index is asked, with the user's corrections (:class:`Correction`),
which beat inference. Finding them costs nothing measurable: on the
100 MB bench corpus (10,000 documents, 2,010 naming ``Amodei``) the index
built in 7-8 s before and after; the first count over the whole corpus
(:meth:`kbtui.entities.mentions.MentionIndex.stats`), which resolves every
such document, takes 0.3-0.8 s more (2 shared cores, noisy).
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache

import ahocorasick_rs


def _alternatives(words: str) -> str:
    """A regular expression alternation of space-separated words."""
    return "|".join(map(re.escape, words.split()))


KIN = 1
"""Context flag: a kinship word stands right before the mention (``父親`` + name)."""
PLURAL_AFTER = 2
"""Context flag: a plural word follows the mention right away (``Amodei兄妹``)."""
CUE_BEFORE = 4
"""Context flag: a plural word stands between the previous mention and this one."""
RELEVANT = 8
"""Context flag: set on every context found, so a mention without one is ``0``."""
FLAG_BITS = 4
"""A context is ``paragraph << FLAG_BITS | flags``."""
MAX_PARAGRAPH = (1 << (31 - FLAG_BITS)) - 1
"""Paragraphs start at offsets up to this (a 32-bit context); later ones share it."""

_KIN_HAN = (
    "父亲 父親 母亲 母親 爸爸 妈妈 媽媽 妹妹 姐姐 姊姊 哥哥 弟弟 兄长 兄長 "
    "胞妹 胞弟 胞兄 胞姐 妻子 丈夫 太太 儿子 兒子 女儿 女兒"
)
_KIN_LATIN = (
    "father mother sister brother wife husband son daughter dad mom mum sibling cousin uncle aunt"
)
KINSHIP = re.compile(
    rf"(?:{_alternatives(_KIN_HAN)}|\b(?:{_alternatives(_KIN_LATIN)}))[\s,，、:：]{{0,2}}\Z",
    re.IGNORECASE,
)
"""A kinship word at the end of the text before a mention."""

_PLURAL_HAN = "兄妹 姐弟 兄弟 姐妹 姊妹 夫妇 夫婦 夫妻 两人 兩人 二人 俩 倆 一家人"
_PLURAL_LATIN = "siblings sisters brothers couple"
PLURAL_WORDS = (
    *_PLURAL_HAN.split(),
    *_PLURAL_LATIN.split(),
    *("the pair", "the duo", "the two", "the family", "both of them"),
)
"""Words that refer to several people at once: after one, a shared name stays
ambiguous. Latin ones are lower case and need word boundaries; a shared Latin
name with a plural ``s`` (``the Amodeis``) is one too (``plural_names``)."""

PLURAL_NEXT = re.compile(
    rf"[ \u00a0\u3000]?(?:{_alternatives(_PLURAL_HAN)}|(?:{_alternatives(_PLURAL_LATIN)})\b)",
    re.IGNORECASE,
)
"""A plural word right after a mention (``Amodei兄妹``, ``Amodei siblings``)."""
KIN_BEFORE_CHARS = 12
"""How much text before a mention :data:`KINSHIP` looks at."""

SENTENCE_ENDS = frozenset("。！？!?.…」』”\"'")
"""After one of these, a line break ends a paragraph (else only a blank line does)."""
_BLANKS = " \t\u3000\r"


def mention_contexts(
    text: str,
    count: int,
    mentions: Iterable[tuple[int, int, int]],
    plural_names: Iterable[str] = (),
    lowered: str | None = None,
) -> array[int]:
    """One context per mention of ``text`` (``count`` of them), in order:
    its paragraph (the offset where it starts) and the flags :data:`KIN`,
    :data:`PLURAL_AFTER`, :data:`CUE_BEFORE` (see the module docstring).

    Only the ``mentions`` given, ``(number, start, end)`` in order, get one
    (the relevant ones: shared names and their candidates), the others ``0``:
    resolving looks at no other, and this runs as documents are matched,
    where every mention's regular expressions would cost as much as
    matching. ``CUE_BEFORE`` is then about the text since the previous
    relevant mention. ``lowered`` is ``text.lower()`` if the caller has it.
    """
    cues = _plural_cues(text, plural_names, lowered)
    contexts = array("i", bytes(4 * count))
    previous_start = previous_end = paragraph = 0
    for n, start, end in mentions:
        flags = RELEVANT
        if KINSHIP.search(text, max(0, start - KIN_BEFORE_CHARS), start):
            flags |= KIN
        if PLURAL_NEXT.match(text, end):
            flags |= PLURAL_AFTER
        i = bisect_left(cues, previous_end)
        if i < len(cues) and cues[i] < start:
            flags |= CUE_BEFORE
        paragraph = paragraph_start(text, start, previous_start, paragraph)
        contexts[n] = paragraph << FLAG_BITS | flags
        previous_start, previous_end = start, end
    return contexts


def paragraph_start(text: str, offset: int, since: int = 0, known: int = 0) -> int:
    """Where the paragraph holding ``offset`` starts: after a blank line, or
    after a line break that follows a sentence end (a hard-wrapped line is
    not a paragraph of its own). ``known`` is the answer for offset
    ``since``, an earlier one: only the line breaks between are looked at,
    so a document's mentions, asked in order, cost one pass back over it."""
    at = offset
    while (newline := text.rfind("\n", since, at)) >= 0:
        last = newline - 1
        while last >= 0 and text[last] in _BLANKS:
            last -= 1
        if last < 0 or text[last] in SENTENCE_ENDS or text[last] == "\n":
            return min(newline + 1, MAX_PARAGRAPH)
        at = newline
    return known


def _plural_cues(text: str, plural_names: Iterable[str], lowered: str | None = None) -> list[int]:
    """Where :data:`PLURAL_WORDS` and ``plural_names`` occur in ``text``, in order."""
    # İ (U+0130) is the one letter whose lower case is two characters: offsets would move
    if lowered is None or "\u0130" in text:
        lowered = text.replace("\u0130", "i").lower()
    found = [start for start, end in _plural_words(lowered) if _bounded(lowered, start, end)]
    for name in plural_names:
        at = lowered.find(name)
        while at >= 0:
            if _bounded(lowered, at, at + len(name)):
                found.append(at)
            at = lowered.find(name, at + 1)
    return sorted(found)


def _plural_words(lowered: str) -> list[tuple[int, int]]:
    """Every occurrence of :data:`PLURAL_WORDS` in ``lowered``, overlapping
    ones too, as character offsets. Matched as UTF-8 bytes (for a text,
    ahocorasick-rs makes a table of every byte's character offset: twice
    the time of the pass), the few hits' byte offsets then counted in
    characters; a lone surrogate passes as its three bytes, never a word's."""
    data = lowered.encode("utf-8", "surrogatepass")
    found = _plural_automaton().find_matches_as_indexes(data, overlapping=True)
    if len(data) == len(lowered):
        return [(start, end) for _, start, end in found]
    chars, at, spans = 0, 0, []
    for start, word in sorted((start, word) for word, start, _ in found):
        chars += len(data[at:start].decode("utf-8", "surrogatepass"))
        at = start
        spans.append((chars, chars + len(PLURAL_WORDS[word])))
    return spans


def _bounded(text: str, start: int, end: int) -> bool:
    """Whether a Latin word at ``text[start:end]`` stands alone (a CJK one always does)."""
    if not text[start].isascii():
        return True
    return not (start and text[start - 1].isalnum()) and not (
        end < len(text) and text[end].isalnum()
    )


@cache
def _plural_automaton() -> ahocorasick_rs.BytesAhoCorasick:
    words = [word.encode("utf-8") for word in PLURAL_WORDS]
    return ahocorasick_rs.BytesAhoCorasick(words, implementation=ahocorasick_rs.Implementation.DFA)


def resolve(
    entity_ids: Sequence[str],
    contexts: Sequence[int],
    candidates: Mapping[str, Sequence[str]],
) -> dict[int, str]:
    """The candidate each mention of a shared name stands for, by mention number.

    ``entity_ids`` are a document's mentions in order (as the matcher found
    them), ``contexts`` their :func:`mention_contexts`, ``candidates`` the
    candidates of every ambiguous entity. A mention left out stays as it is:
    unambiguous ones always, shared ones when the rules keep them ambiguous.
    """
    named: dict[str, tuple[int, int]] = {}  # candidate id -> (mention number, paragraph)
    last_cue = -1
    found: dict[int, str] = {}
    for i, (entity_id, context) in enumerate(zip(entity_ids, contexts, strict=True)):
        if not context:
            continue  # neither a shared name nor a candidate
        if context & CUE_BEFORE:
            last_cue = i
        shared = candidates.get(entity_id)
        if shared is None:
            if not context & KIN:
                named[entity_id] = (i, context >> FLAG_BITS)
        elif not context & PLURAL_AFTER:
            antecedent = _antecedent(shared, named, last_cue)
            if antecedent is not None:
                found[i] = antecedent
    return found


def _antecedent(
    shared: Sequence[str], named: Mapping[str, tuple[int, int]], last_cue: int
) -> str | None:
    """The candidate last named, unless none was, several were named in its
    paragraph, or a plural word came after it."""
    seen = [(named[c], c) for c in shared if c in named]
    if not seen:
        return None
    (at, paragraph), last = max(seen)
    if last_cue > at or any(p == paragraph and c != last for (_, p), c in seen):
        return None
    return last


@dataclass(frozen=True, slots=True)
class Correction:
    """The user's word on a shared name in one document: "this is …".

    Names, not ids, are kept (ids change when an entity is renamed; its old
    name stays an alias): ``shared`` is the shared name as the mention read,
    ``name`` the entity it stands for. ``start`` is the one mention meant, or
    ``None`` for every mention of the shared name in the document.
    """

    doc_id: str
    shared: str
    name: str
    start: int | None = None

    def to_record(self) -> dict[str, object]:
        """The record the store keeps."""
        return {"doc": self.doc_id, "shared": self.shared, "name": self.name, "start": self.start}

    @classmethod
    def from_record(cls, record: Mapping[str, object]) -> Correction | None:
        """A correction from a stored record, or ``None`` when it is not one."""
        doc, shared, name, start = (record.get(k) for k in ("doc", "shared", "name", "start"))
        if not (isinstance(doc, str) and isinstance(shared, str) and isinstance(name, str)):
            return None
        if start is not None and (not isinstance(start, int) or isinstance(start, bool)):
            return None
        return cls(doc, shared, name, start)


def by_document(corrections: Iterable[Correction]) -> dict[str, list[Correction]]:
    """Corrections grouped by document, each group in the order they were made."""
    grouped: dict[str, list[Correction]] = {}
    for correction in corrections:
        grouped.setdefault(correction.doc_id, []).append(correction)
    return grouped
