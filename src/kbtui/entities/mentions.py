"""Mentions: where the text names an entity, in source offsets, and the index over a corpus.

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
    matched the slow, plain way. Tests check both ways give the same mentions.

The index
    :class:`MentionIndex` holds the mentions of every document and answers
    the reader's questions (what is at this offset, which documents name this
    entity, which entities does this document name). It is built in the
    background with progress and cancel, and cached on disk per document,
    keyed by the file's size and mtime and by the matcher's fingerprint (the
    set of name keys), so a second start reads the cache instead of the
    corpus. A merge, which moves names between entities without adding any,
    keeps it valid; a new name or alias (a rename adds one) may be anywhere,
    so every document is matched again.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import re
import sys
import time
from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from itertools import chain, product
from pathlib import Path

import ahocorasick

from kbtui.atomic import atomic_write_bytes
from kbtui.documents.model import Document
from kbtui.entities.model import Entity
from kbtui.entities.registry import EntityRegistry
from kbtui.locations import cache_dir
from kbtui.search.scan import Context, char_class, context, fold_table, holds_astral

MATCHER_VERSION = 1
"""Bump when matching rules change, so cached mentions are recomputed."""

CACHE_VERSION = 1
"""Bump when the cache file layout changes."""

MIN_KEY_CHARS = 2
"""Shorter names are not matched: a one-letter name (``X``) or one character
(一) would be found everywhere."""

MAX_VARIANTS = 4096
"""A name with more spellings than this makes the matcher fold every text."""

CHUNK_CHARS = 1 << 20
"""Texts longer than this are matched a chunk at a time (see :meth:`Matcher._longest`)."""

PROGRESS_EVERY = 0.1
"""Seconds between progress reports while the index builds."""

_SPACE_VARIANTS = frozenset(" \u00a0\u3000")
"""The spaces a name's space may be written as without making a text slow:
no-break and ideographic spaces are common in scraped Chinese pages. The
other Unicode spaces fold to a space too; a text holding one is folded."""


@dataclass(frozen=True, slots=True)
class Mention:
    """One place a text names an entity: ``source[start:end]``."""

    start: int
    end: int
    entity_id: str


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

    def scan(self, text: str) -> array:
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
        hits = self._longest(automaton, subject)
        if not self._violates_boundary(hits, subject):
            return array("i", chain.from_iterable(hits))
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

    def _longest(self, automaton: ahocorasick.Automaton, text: str) -> list[tuple[int, int]]:
        """The automaton's leftmost-longest hits, a chunk at a time: the C
        loop holds the GIL, and a 5 MB text in one go would freeze the UI
        thread for a tenth of a second. A chunk's window reaches one key
        length past it, and hits starting beyond the chunk wait for the next."""
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

    @property
    def usable(self) -> bool:
        return self.automaton is not None

    def triggered(self, lowered: str) -> bool:
        """Whether ``lowered`` holds a character the variants do not cover."""
        return bool(self.triggers.search(lowered)) or holds_astral(lowered, self.astral_triggers)

    @classmethod
    def build(cls, keys: Sequence[str]) -> _Variants:
        allowed, triggers, astral = _variant_tables()
        automaton = ahocorasick.Automaton()
        for index, key in enumerate(keys):
            choices = [allowed.get(ch, (ch,)) for ch in key]
            if _count(choices) > MAX_VARIANTS:
                return cls(None, triggers, astral)
            for spelling in product(*choices):
                automaton.add_word("".join(spelling), index)
        automaton.make_automaton()
        return cls(automaton, triggers, astral)


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


# The index ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DocStamp:
    """What the cache keys a document's mentions on."""

    id: str
    size: int
    mtime: float


Loader = Callable[[str], "str | Document"]
"""Gives a document's source text (or the :class:`Document`, whose body is
indexed: frontmatter is left out) by id."""


class IndexCancelled(Exception):
    """The build was cancelled; what was indexed so far is in the cache."""


@dataclass(frozen=True, slots=True)
class EntityStats:
    """How often an entity is named: in how many documents, how many times."""

    documents: int
    mentions: int


@dataclass(slots=True)
class _Entry:
    stamp: DocStamp
    hits: array
    """Flat ``(last, key index)`` pairs, 32-bit (see :meth:`Matcher.scan`)."""


class MentionIndex:
    """The mentions of every document of a corpus, and lookups over them."""

    def __init__(self, registry: EntityRegistry, matcher: Matcher | None = None) -> None:
        self.registry = registry
        self.matcher = matcher or Matcher.from_registry(registry)
        self._docs: dict[str, _Entry] = {}
        self._by_entity: dict[str, dict[str, int]] | None = None

    # Building

    @classmethod
    def build(
        cls,
        registry: EntityRegistry,
        stamps: Sequence[DocStamp],
        load: Loader,
        *,
        cache_file: Path | None = None,
        progress: Callable[[int, int], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> MentionIndex:
        """Index the documents ``stamps`` lists, reading only those the cache
        does not already hold for the same size and mtime.

        Meant for a worker thread: ``progress(done, total)`` is called every
        :data:`PROGRESS_EVERY` seconds and at the end; when ``cancelled()``
        turns true the work done so far is cached and :class:`IndexCancelled`
        raised. A document that cannot be loaded is indexed as empty.
        """
        index = cls(registry)
        cached = _read_cache(cache_file, index.matcher) if cache_file else {}
        changed = False
        reporter = _Progress(progress, len(stamps))
        for done, stamp in enumerate(stamps):
            if cancelled is not None and cancelled():
                if cache_file is not None and changed:
                    _write_cache(cache_file, index.matcher.fingerprint, {**cached, **index._docs})
                raise IndexCancelled(f"indexed {done} of {len(stamps)} documents")
            entry = cached.get(stamp.id)
            if entry is None or entry.stamp != stamp:
                entry = _Entry(stamp, index._index_text(_safe_load(load, stamp.id)))
                changed = True
            index._docs[stamp.id] = entry
            reporter.tick(done + 1)
        reporter.finish()
        index._save(cache_file, changed or len(cached) != len(index._docs))
        return index

    @classmethod
    def from_documents(
        cls, registry: EntityRegistry, documents: Iterable[Document | tuple[str, str]]
    ) -> MentionIndex:
        """Index documents already in memory (no cache)."""
        index = cls(registry)
        for document in documents:
            doc_id = document.id if isinstance(document, Document) else document[0]
            index.update(doc_id, document if isinstance(document, Document) else document[1])
        return index

    def rekeyed(self, registry: EntityRegistry) -> MentionIndex | None:
        """This index for an edited registry, without matching anything again,
        when the edit only moved names between entities (a merge, a change of
        kind); ``None`` when it added or removed a name, which may occur in any
        document: then :meth:`build` again, in the background."""
        matcher = Matcher.from_registry(registry)
        if matcher.fingerprint != self.matcher.fingerprint:
            return None
        index = MentionIndex(registry, matcher)
        index._docs = dict(self._docs)
        return index

    def update(self, doc_id: str, source: str | Document, stamp: DocStamp | None = None) -> None:
        """(Re)index one document, e.g. one that changed on disk."""
        stamp = stamp or DocStamp(doc_id, -1, -1.0)
        self._docs[doc_id] = _Entry(stamp, self._index_text(source))
        self._by_entity = None

    def _index_text(self, source: str | Document) -> array:
        text, offset = _body(source)
        hits = self.matcher.scan(text)
        if offset:
            hits[0::2] = array("i", (last + offset for last in hits[0::2]))
        return hits

    def _mention(self, hits: array, i: int) -> Mention:
        last, index = hits[2 * i], hits[2 * i + 1]
        start = last + 1 - self.matcher.lengths[index]
        return Mention(start, last + 1, self.matcher.entity_ids[index])

    def _save(self, cache_file: Path | None, changed: bool) -> None:
        if cache_file is not None and changed:
            _write_cache(cache_file, self.matcher.fingerprint, self._docs)

    # Lookups

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._docs

    def mentions_in(self, doc_id: str) -> list[Mention]:
        """Every mention in a document, in order (for marking them in the reader)."""
        entry = self._docs.get(doc_id)
        if entry is None:
            return []
        return [self._mention(entry.hits, i) for i in range(len(entry.hits) // 2)]

    def mention_at(self, doc_id: str, offset: int) -> Mention | None:
        """The mention covering source ``offset`` in a document, if any."""
        entry = self._docs.get(doc_id)
        if entry is None:
            return None
        i = bisect_left(entry.hits[0::2], offset)
        if i * 2 >= len(entry.hits):
            return None
        mention = self._mention(entry.hits, i)
        return mention if mention.start <= offset else None

    def entities_in(self, doc_id: str) -> list[tuple[Entity, int]]:
        """The entities a document names, with counts, most named first."""
        entry = self._docs.get(doc_id)
        if entry is None:
            return []
        ids = self.matcher.entity_ids
        counts = Counter(ids[index] for index in entry.hits[1::2])
        found = ((self.registry.get(eid), n) for eid, n in counts.most_common())
        return [(entity, n) for entity, n in found if entity is not None]

    def documents_for(self, entity_id: str) -> list[tuple[str, int]]:
        """The documents naming an entity, with counts, in corpus order."""
        return list(self._entity_docs().get(entity_id, {}).items())

    def passages(self, entity_id: str, doc_id: str) -> list[Mention]:
        """The mentions of an entity in one document."""
        return [m for m in self.mentions_in(doc_id) if m.entity_id == entity_id]

    def stats(self) -> dict[str, EntityStats]:
        """For every entity of the registry, how many documents and mentions name it."""
        by_entity = self._entity_docs()
        result = {}
        for entity in self.registry.entities:
            docs = by_entity.get(entity.id, {})
            result[entity.id] = EntityStats(len(docs), sum(docs.values()))
        return result

    def _entity_docs(self) -> dict[str, dict[str, int]]:
        if self._by_entity is None:
            by_entity: dict[str, dict[str, int]] = {}
            ids = self.matcher.entity_ids
            for doc_id, entry in self._docs.items():
                for entity_id, count in Counter(ids[i] for i in entry.hits[1::2]).items():
                    by_entity.setdefault(entity_id, {})[doc_id] = count
            self._by_entity = by_entity
        return self._by_entity


def _body(source: str | Document) -> tuple[str, int]:
    if isinstance(source, Document):
        return source.source[source.body_start :], source.body_start
    return source, 0


def _safe_load(load: Loader, doc_id: str) -> str | Document:
    """The document's text, or nothing when it cannot be read: one bad file
    must not stop the index (the document list reports it)."""
    try:
        return load(doc_id)
    except (OSError, UnicodeError, ValueError, LookupError):
        return ""


class _Progress:
    """Calls back at most every :data:`PROGRESS_EVERY` seconds."""

    def __init__(self, callback: Callable[[int, int], None] | None, total: int) -> None:
        self.callback, self.total = callback, total
        self.next_at = time.monotonic() + PROGRESS_EVERY
        self.done = 0

    def tick(self, done: int) -> None:
        self.done = done
        if self.callback is not None and time.monotonic() >= self.next_at:
            self.callback(done, self.total)
            self.next_at = time.monotonic() + PROGRESS_EVERY

    def finish(self) -> None:
        if self.callback is not None:
            self.callback(self.done, self.total)


# The cache file ---------------------------------------------------------------


def default_cache_file(corpus_root: Path) -> Path:
    """Where the mention index of a corpus is cached (one file per corpus)."""
    digest = hashlib.sha256(str(corpus_root.resolve()).encode("utf-8", "surrogatepass"))
    return cache_dir() / f"mentions-{digest.hexdigest()[:16]}.json"


def _write_cache(path: Path, fingerprint: str, docs: Mapping[str, _Entry]) -> None:
    payload = {
        "version": CACHE_VERSION,
        "matcher": fingerprint,
        "docs": {
            doc_id: [entry.stamp.size, entry.stamp.mtime, _pack(entry.hits)]
            for doc_id, entry in docs.items()
        },
    }
    # A cache that cannot be written only costs the next start its time.
    with contextlib.suppress(OSError):
        # ASCII JSON: a file name that is not valid UTF-8 (a lone surrogate) survives.
        atomic_write_bytes(path, json.dumps(payload).encode("ascii"))


def _read_cache(path: Path, matcher: Matcher) -> dict[str, _Entry]:
    """The cached entries, or none when the file is missing, unreadable, from
    another version or for other names. Never raises: the cache is only a cache."""
    try:
        payload = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return {}
    if not isinstance(payload, dict) or payload.get("version") != CACHE_VERSION:
        return {}
    if payload.get("matcher") != matcher.fingerprint or not isinstance(payload.get("docs"), dict):
        return {}
    entries = {}
    for doc_id, value in payload["docs"].items():
        entry = _entry_from_json(doc_id, value, len(matcher.keys))
        if entry is not None:
            entries[doc_id] = entry
    return entries


def _entry_from_json(doc_id: str, value: object, key_count: int) -> _Entry | None:
    try:
        size, mtime, packed = value  # type: ignore[misc]
        hits = _unpack(packed)
        stamp = DocStamp(doc_id, int(size), float(mtime))
    except (TypeError, ValueError):
        return None
    if len(hits) % 2 or (hits and not 0 <= min(hits[1::2]) <= max(hits[1::2]) < key_count):
        return None
    return _Entry(stamp, hits)


def _pack(hits: array) -> str:
    data = hits if sys.byteorder == "little" else _swapped(hits)
    return base64.b64encode(data.tobytes()).decode("ascii")


def _unpack(packed: str) -> array:
    hits = array("i")
    hits.frombytes(base64.b64decode(packed.encode("ascii"), validate=True))
    return hits if sys.byteorder == "little" else _swapped(hits)


def _swapped(hits: array) -> array:
    copy = array("i", hits)
    copy.byteswap()
    return copy


# Reports: plain data for the mentions panel and ``kbtui mentions`` --------------


@dataclass(frozen=True, slots=True)
class Passage:
    """One mention with its context line."""

    start: int
    end: int
    context: Context

    def to_json(self) -> dict[str, object]:
        """One context of ``kbtui mentions --json``."""
        return {"start": self.start, "end": self.end, "context": str(self.context)}


@dataclass(slots=True)
class DocumentPassages:
    """The passages of one document naming an entity; ``count`` counts them all."""

    doc_id: str
    count: int
    passages: list[Passage] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        """One document of an entity in ``kbtui mentions --json``."""
        return {
            "doc": self.doc_id,
            "count": self.count,
            "contexts": [passage.to_json() for passage in self.passages],
        }


@dataclass(slots=True)
class EntityMentions:
    """An entity and every passage naming it, grouped by document."""

    entity: Entity
    documents: list[DocumentPassages]

    @property
    def count(self) -> int:
        """How many mentions in all."""
        return sum(group.count for group in self.documents)

    def to_json(self) -> dict[str, object]:
        """The shape ``kbtui mentions --json`` prints for one entity."""
        return {
            **self.entity.to_json(),
            "count": self.count,
            "documents": [group.to_json() for group in self.documents],
        }


def entity_mentions(
    index: MentionIndex,
    entity_id: str,
    load: Loader,
    *,
    exclude: tuple[str, int] | None = None,
    max_per_document: int | None = None,
) -> EntityMentions:
    """Every passage naming an entity, grouped by document, with context lines.

    ``exclude`` is ``(doc_id, start)`` of the mention the user stands on, left
    out of the list. Each document's text is loaded once, for its contexts.
    """
    entity = index.registry.get(entity_id)
    if entity is None:
        raise KeyError(entity_id)
    groups = []
    for doc_id, _count in index.documents_for(entity_id):
        mentions = index.passages(entity_id, doc_id)
        if exclude is not None and exclude[0] == doc_id:
            mentions = [m for m in mentions if m.start != exclude[1]]
        if mentions:
            groups.append(_document_passages(doc_id, mentions, load, max_per_document))
    return EntityMentions(entity, groups)


def _document_passages(
    doc_id: str, mentions: list[Mention], load: Loader, limit: int | None
) -> DocumentPassages:
    source = _safe_load(load, doc_id)
    text = source.source if isinstance(source, Document) else source
    shown = mentions if limit is None else mentions[:limit]
    passages = [Passage(m.start, m.end, context(text, m.start, m.end)) for m in shown]
    return DocumentPassages(doc_id, len(mentions), passages)


def mentions_report(
    index: MentionIndex,
    load: Loader,
    entity: str | None = None,
    *,
    max_per_document: int | None = None,
) -> list[EntityMentions]:
    """What ``kbtui mentions [ENTITY]`` prints: one entity (named by any
    spelling), or every entity the corpus names, most named first.

    Raises :class:`LookupError` with a message for an unknown name.
    """
    if entity is not None:
        found = index.registry.lookup(entity)
        if found is None:
            raise LookupError(f"no entity is called {entity!r}")
        return [entity_mentions(index, found.id, load, max_per_document=max_per_document)]
    stats = index.stats()
    named = [e for e in index.registry.entities if stats[e.id].mentions]
    named.sort(key=_by_count(stats))
    return [entity_mentions(index, e.id, load, max_per_document=max_per_document) for e in named]


def _by_count(stats: Mapping[str, EntityStats]) -> Callable[[Entity], tuple[int, int, str]]:
    return lambda e: (-stats[e.id].documents, -stats[e.id].mentions, e.name.casefold())
