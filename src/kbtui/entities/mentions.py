"""The mention index: where every document of a corpus names an entity, in source offsets.

:class:`MentionIndex` holds the mentions of every document and answers the
reader's questions (what is at this offset, which documents name this
entity, which entities does this document name). It is built in the
background with progress and cancel, and cached on disk per document
(:mod:`kbtui.entities.cache`), keyed by the file's size and mtime and by the
matcher's fingerprint (the set of name keys), so a second start reads the
cache instead of the corpus. A merge, which moves names between entities
without adding any, keeps it valid; a new name or alias (a rename adds one)
may be anywhere, so every document is matched again.

A mention of a shared name (``Amodei``) is resolved, per document when it
is first asked about, to the person the document last named unambiguously
(:mod:`kbtui.entities.coreference`; the facts of the text this needs are
found at matching and cached), or to whom the user said it is
(:meth:`MentionIndex.corrected`). Resolving costs no reading, so it runs
at query time: the registry and the corrections it depends on may change
without matching anything again.

The matching itself is :mod:`kbtui.entities.matcher`; what the mentions panel
and ``kbtui mentions`` show, with context lines, :mod:`kbtui.entities.passages`.
"""

from __future__ import annotations

import hashlib
from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass, replace
from itertools import compress, count
from pathlib import Path

from kbtui.documents.model import Document
from kbtui.entities.cache import DocHits, read_cache, write_cache
from kbtui.entities.coreference import Correction, by_document, resolve
from kbtui.entities.document_hits import DocumentMatcher
from kbtui.entities.indexing import Progress, matched
from kbtui.entities.matcher import Matcher
from kbtui.entities.model import Entity
from kbtui.entities.processes import SourceFile
from kbtui.entities.registry import EntityRegistry


@dataclass(frozen=True, slots=True)
class Mention:
    """One place a text names an entity: ``source[start:end]``.

    For a shared name resolved to one of its candidates, ``shared`` is the
    ambiguous entity the name matched and ``inferred`` says the text decided
    it (else the user did).
    """

    start: int
    end: int
    entity_id: str
    inferred: bool = False
    shared: str | None = None


@dataclass(frozen=True, slots=True)
class DocStamp:
    """A document to index, and what its cached mentions are keyed on."""

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


class MentionIndex:
    """The mentions of every document of a corpus, and lookups over them."""

    def __init__(
        self,
        registry: EntityRegistry,
        matcher: Matcher | None = None,
        corrections: Iterable[Correction] = (),
    ) -> None:
        self.registry = registry
        self.documents = DocumentMatcher(registry, matcher)
        self.matcher = self.documents.matcher
        self.corrections = tuple(corrections)
        """The user's corrections of shared names, oldest first (a later one wins)."""
        self._docs: dict[str, DocHits] = {}
        self._by_entity: dict[str, dict[str, int]] | None = None
        self._by_doc = by_document(self.corrections)
        self._resolved: dict[str, dict[int, Mention]] = {}

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
        files: Mapping[str, tuple[Path, int]] | None = None,
    ) -> MentionIndex:
        """Index the documents ``stamps`` lists, reading only those the cache
        does not already hold for the same size and mtime.

        Meant for a worker thread: documents are matched on threads, or on
        processes when ``files`` says where each one's file is and where its
        body starts, as the scan saw them, and there is much to read
        (:mod:`kbtui.entities.indexing`). ``progress(done, total)`` is called
        every :data:`~kbtui.entities.indexing.PROGRESS_EVERY` seconds and at the
        end; when ``cancelled()`` turns true the work done so far is cached and
        :class:`IndexCancelled` raised. An unreadable document is indexed as empty.
        """
        index = cls(registry)
        key = index._cache_key()
        cached = read_cache(cache_file, key, len(index.matcher.keys)) if cache_file else {}
        stale = [s for s in stamps if _fresh(cached, s) is None]
        if stale:  # a warm start builds no automaton (150 ms)
            index.matcher.prepare()
        changed = False
        reporter = Progress(progress, len(stamps))
        sources = None if files is None else [_source_file(s, files.get(s.id)) for s in stale]

        def work(stamp: DocStamp) -> DocHits:
            return index._doc_hits(stamp, safe_load(load, stamp.id))

        with closing(matched(stale, work, registry, sources)) as results:
            for done, stamp in enumerate(stamps):
                if cancelled is not None and cancelled():
                    if cache_file is not None and changed:
                        write_cache(cache_file, key, {**cached, **index._docs})
                    raise IndexCancelled(f"indexed {done} of {len(stamps)} documents")
                entry = _fresh(cached, stamp)
                if entry is None:
                    entry = next(results)
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
        index = MentionIndex(registry, matcher, self.corrections)
        if index.documents.shared_keys != self.documents.shared_keys:
            return None  # contexts were found for other shared names
        index._docs = dict(self._docs)
        return index

    def corrected(self, corrections: Iterable[Correction]) -> MentionIndex:
        """This index with the user's corrections ``corrections`` (all of them,
        oldest first) instead of its own; nothing is matched again."""
        index = MentionIndex(self.registry, self.matcher, corrections)
        index._docs = dict(self._docs)  # a copy: the live corpus updates one apart
        return index

    def update(
        self, doc_id: str, source: str | Document | None, stamp: DocStamp | None = None
    ) -> None:
        """(Re)index one document, e.g. one that changed on disk (``None``: one gone)."""
        if source is None:
            self._docs.pop(doc_id, None)
        else:
            self._docs[doc_id] = self._doc_hits(stamp or DocStamp(doc_id, -1, -1.0), source)
        self._by_entity = None
        self._resolved.pop(doc_id, None)

    def _doc_hits(self, stamp: DocStamp, source: str | Document) -> DocHits:
        text, offset = _body(source)
        return self.documents.hits(stamp.size, stamp.mtime, text, offset)

    def _mention(self, hits: array[int], i: int) -> Mention:
        last, index = hits[2 * i], hits[2 * i + 1]
        start = last + 1 - self.matcher.lengths[index]
        return Mention(start, last + 1, self.matcher.entity_ids[index])

    def _cache_key(self) -> str:
        """The matcher's fingerprint and the shared names contexts were found for."""
        shared = ",".join(map(str, sorted(self.documents.shared_keys))).encode()
        return f"{self.matcher.fingerprint}-{hashlib.sha256(shared).hexdigest()[:8]}"

    def _save(self, cache_file: Path | None, changed: bool) -> None:
        if cache_file is not None and changed:
            write_cache(cache_file, self._cache_key(), self._docs)

    # Coreference

    def _resolutions(self, doc_id: str, entry: DocHits) -> dict[int, Mention]:
        """The mentions of shared names resolved in one document, by mention number:
        inferred from the text, then the user's corrections on top."""
        found = self._resolved.get(doc_id)
        if found is not None:
            return found
        found = {}
        if not self.documents.shared_keys.isdisjoint(entry.hits[1::2]):
            ids = [self.matcher.entity_ids[k] for k in entry.hits[1::2]]
            if entry.contexts:
                for i, entity_id in resolve(ids, entry.contexts, self.documents.candidates).items():
                    mention = self._mention(entry.hits, i)
                    found[i] = replace(mention, entity_id=entity_id, inferred=True, shared=ids[i])
            for correction in self._by_doc.get(doc_id, ()):
                self._correct(found, entry, ids, correction)
        self._resolved[doc_id] = found
        return found

    def _correct(
        self, found: dict[int, Mention], entry: DocHits, ids: list[str], correction: Correction
    ) -> None:
        shared = self.registry.lookup(correction.shared)
        target = self.registry.lookup(correction.name)
        if shared is None or not shared.ambiguous or target is None or target.ambiguous:
            return  # the name is no longer shared, or the entity is gone
        for i, entity_id in enumerate(ids):
            if entity_id == shared.id:
                mention = self._mention(entry.hits, i)
                if correction.start is None or correction.start == mention.start:
                    found[i] = replace(mention, entity_id=target.id, shared=shared.id)

    def _entity_counts(self, doc_id: str, entry: DocHits) -> Counter[str]:
        """How often a document names each entity, shared names resolved."""
        ids, counts = self.matcher.entity_ids, Counter[str]()
        for key, times in Counter(entry.hits[1::2]).items():
            counts[ids[key]] += times
        resolved = self._resolutions(doc_id, entry)
        if not resolved:
            return counts  # every count at least 1: nothing to drop
        for mention in resolved.values():
            counts[mention.shared or ""] -= 1
            counts[mention.entity_id] += 1
        return +counts  # without the shared names resolved every time

    # Lookups

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._docs

    def mentions_in(self, doc_id: str) -> list[Mention]:
        """Every mention in a document, in order (for marking them in the reader)."""
        entry = self._docs.get(doc_id)
        if entry is None:
            return []
        resolved = self._resolutions(doc_id, entry)
        return [
            resolved.get(i) or self._mention(entry.hits, i) for i in range(len(entry.hits) // 2)
        ]

    def mention_at(self, doc_id: str, offset: int) -> Mention | None:
        """The mention covering source ``offset`` in a document, if any."""
        entry = self._docs.get(doc_id)
        if entry is None:
            return None
        i = bisect_left(entry.hits[0::2], offset)
        if i * 2 >= len(entry.hits):
            return None
        mention = self._resolutions(doc_id, entry).get(i) or self._mention(entry.hits, i)
        return mention if mention.start <= offset else None

    def entities_in(self, doc_id: str) -> list[tuple[Entity, int]]:
        """The entities a document names, with counts, most named first."""
        entry = self._docs.get(doc_id)
        if entry is None:
            return []
        counts = self._entity_counts(doc_id, entry)
        found = ((self.registry.get(eid), n) for eid, n in counts.most_common())
        return [(entity, n) for entity, n in found if entity is not None]

    def documents_for(self, entity_id: str) -> list[tuple[str, int]]:
        """The documents naming an entity, with counts, in corpus order."""
        return list(self._entity_docs().get(entity_id, {}).items())

    def passages(self, entity_id: str, doc_id: str) -> list[Mention]:
        """The mentions of an entity in one document, in order.

        Picked from the hits by their key (a C-level pass) before any
        :class:`Mention` is made: a document names many entities, and
        making them all to keep one's cost ``kbtui mentions ENTITY`` more
        than a second over the 100 MB bench corpus."""
        entry = self._docs.get(doc_id)
        if entry is None:
            return []
        resolved = self._resolutions(doc_id, entry)
        named = [self.matcher.entity_ids[k] == entity_id for k in range(len(self.matcher.keys))]
        plain = compress(count(), map(named.__getitem__, entry.hits[1::2]))
        chosen = [i for i in plain if i not in resolved]
        chosen += [i for i, mention in resolved.items() if mention.entity_id == entity_id]
        return [resolved.get(i) or self._mention(entry.hits, i) for i in sorted(chosen)]

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
            for doc_id, entry in self._docs.items():
                for entity_id, count in self._entity_counts(doc_id, entry).items():
                    by_entity.setdefault(entity_id, {})[doc_id] = count
            self._by_entity = by_entity
        return self._by_entity


def _fresh(cached: dict[str, DocHits], stamp: DocStamp) -> DocHits | None:
    """The cached entry of a document if it is for the file as it is now."""
    entry = cached.get(stamp.id)
    if entry is not None and (entry.size, entry.mtime) == (stamp.size, stamp.mtime):
        return entry
    return None


def _source_file(stamp: DocStamp, place: tuple[Path, int] | None) -> SourceFile | None:
    return None if place is None else SourceFile(place[0], stamp.size, stamp.mtime, place[1])


def _body(source: str | Document) -> tuple[str, int]:
    if isinstance(source, Document):
        return source.source[source.body_start :], source.body_start
    return source, 0


def safe_load(load: Loader, doc_id: str) -> str | Document:
    """The document's text, or nothing when it cannot be read: one bad file
    must not stop the index (the document list reports it)."""
    try:
        return load(doc_id)
    except (OSError, UnicodeError, ValueError, LookupError):
        return ""
