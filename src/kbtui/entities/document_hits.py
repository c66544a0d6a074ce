"""One document's hits: its mentions and the coreference facts its shared names need.

Apart from the index (:mod:`kbtui.entities.mentions`) because this is all a
build does per document, and a build may do it in worker processes
(:mod:`kbtui.entities.processes`), which need it without an index: the
matcher and which name keys the coreference rules look at, both derived from
the registry alone.
"""

from __future__ import annotations

from array import array
from itertools import compress, count

from kbtui.entities.cache import DocHits
from kbtui.entities.coreference import mention_contexts
from kbtui.entities.matcher import Matcher
from kbtui.entities.registry import EntityRegistry


class DocumentMatcher:
    """Turns one document's text into its :class:`DocHits`."""

    def __init__(self, registry: EntityRegistry, matcher: Matcher | None = None) -> None:
        self.matcher = matcher or Matcher.from_registry(registry)
        self.candidates = {e.id: e.candidates for e in registry.entities if e.ambiguous}
        """Every shared name's entity id, and the people it may stand for."""
        ids, keys = self.matcher.entity_ids, self.matcher.keys
        self.shared_keys = frozenset(i for i, e in enumerate(ids) if e in self.candidates)
        """The key indices of shared names: a document naming none needs no contexts."""
        named = {c for candidates in self.candidates.values() for c in candidates}
        self._coref_keys = [e in self.candidates or e in named for e in ids]
        self._plural_names = [keys[k] + "s" for k in self.shared_keys if keys[k][-1].isascii()]

    def hits(self, size: int, mtime: float, text: str, offset: int = 0) -> DocHits:
        """The hits of ``text``, the body of a file of ``size`` bytes and ``mtime``,
        which starts at source ``offset`` (offsets are moved by it)."""
        lowered = text.lower()
        hits = self.matcher.scan(text, lowered)
        keys, contexts = hits[1::2], array("i")
        if not self.shared_keys.isdisjoint(keys):
            lengths, lasts = self.matcher.lengths, hits[0::2]
            numbers = compress(count(), map(self._coref_keys.__getitem__, keys))
            relevant = ((n, lasts[n] + 1 - lengths[keys[n]], lasts[n] + 1) for n in numbers)
            contexts = mention_contexts(text, len(keys), relevant, self._plural_names, lowered)
        if offset:
            hits[0::2] = array("i", (last + offset for last in hits[0::2]))
        return DocHits(size, mtime, hits, contexts)
