"""Records whose document is gone: finding them, guessing where it went, moving them there.

A document's id is its path, so a renamed, moved or deleted file leaves its
annotations under an id the corpus lacks. The store keeps them
(:mod:`kbtui.annotations.relocation`); this module says which they are
(``kbtui list --missing``, the notebook's marker), suggests the file they
belong to now (one with the content hash they were made on, else one that
holds every quote), and moves them there (``kbtui reattach OLD NEW``),
re-anchoring them in the new file's text. Apart from the session because
none of it is part of reading.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from kbtui.annotations.model import AnchorState, Annotation
from kbtui.annotations.relocation import DocumentRecords
from kbtui.annotations.store import Store
from kbtui.documents.corpus import Corpus
from kbtui.documents.model import Document
from kbtui.wording import plural


class ReattachError(Exception):
    """Why records cannot be moved (the message names the document)."""


SAME_CONTENT = "same content"
"""Why a file is suggested: its text hashes as the annotations' text did (a pure rename)."""
SAME_QUOTES = "same quotes"
"""Why a file is suggested: it holds every quote (renamed and edited)."""


@dataclass(frozen=True, slots=True)
class MissingDocument:
    """A document id the database keeps records for and the corpus lacks."""

    records: DocumentRecords
    suggestion: str | None = None
    """A corpus document these records probably belong to now."""
    reason: str = ""
    """Why it is suggested: :data:`SAME_CONTENT` or :data:`SAME_QUOTES`."""

    @property
    def doc_id(self) -> str:
        """The id the records are kept under."""
        return self.records.doc_id


def missing_ids(corpus: Corpus, doc_ids: Iterable[str]) -> frozenset[str]:
    """Those of ``doc_ids`` the corpus lacks; none before a scan has completed
    (until then every document would look missing)."""
    if not corpus.scanned:
        return frozenset()
    return frozenset(doc_id for doc_id in doc_ids if corpus.get(doc_id) is None)


def missing_documents(
    corpus: Corpus, store: Store, *, suggest: bool = True
) -> list[MissingDocument]:
    """Every document id with records the corpus lacks, by id, with a suggestion each.

    Suggestions read the corpus documents that have no records of their own
    (a renamed file is new to the database), and only when something is
    missing: ``suggest=False`` reads none.
    """
    corpus.entries()  # a scan, so ``get`` knows every document
    kept = store.documents.documents()
    missing = [
        records
        for doc_id, records in sorted(kept.items())
        if not records.empty and corpus.get(doc_id) is None
    ]
    if not suggest or not missing:
        return [MissingDocument(records) for records in missing]
    finder = _Finder(corpus, [entry.id for entry in corpus.entries() if entry.id not in kept])
    return [finder.suggest(records, store.annotations_for(records.doc_id)) for records in missing]


class _Finder:
    """Reads each candidate document once, however many missing ones it is compared with."""

    def __init__(self, corpus: Corpus, candidates: list[str]) -> None:
        self._corpus = corpus
        self._candidates = candidates
        self._docs: dict[str, Document | None] = {}

    def suggest(self, records: DocumentRecords, annotations: list[Annotation]) -> MissingDocument:
        """The candidate with the annotations' text hash, else the one candidate holding
        every quote in its context (two such: no suggestion, the user knows better)."""
        hashes = {a.text_hash for a in annotations if a.text_hash}
        quotes = [_in_context(a) for a in annotations if a.quote]
        by_quotes = []
        for doc_id in self._candidates:
            doc = self._doc(doc_id)
            if doc is None:
                continue
            if doc.text_hash in hashes:
                return MissingDocument(records, doc_id, SAME_CONTENT)
            if quotes and all(q in doc.source for q in quotes):
                by_quotes.append(doc_id)
        if len(by_quotes) != 1:
            return MissingDocument(records)
        return MissingDocument(records, by_quotes[0], SAME_QUOTES)

    def _doc(self, doc_id: str) -> Document | None:
        if doc_id not in self._docs:
            doc = self._corpus.load(doc_id)
            self._docs[doc_id] = doc if doc.readable else None
        return self._docs[doc_id]


QUOTE_CONTEXT = 8
"""Characters of its prefix and suffix a quote is looked for with: a short quote
("AI") alone is in most documents of a corpus about AI."""


def _in_context(a: Annotation) -> str:
    return a.prefix[len(a.prefix) - QUOTE_CONTEXT :] + a.quote + a.suffix[:QUOTE_CONTEXT]


@dataclass(frozen=True, slots=True)
class Reattached:
    """What :func:`reattach` did."""

    moved: DocumentRecords
    """What was kept under the old id (and is now under :attr:`new`)."""
    new: str
    exact: int = 0
    """Annotations found where they were."""
    shifted: int = 0
    """Annotations found elsewhere in the new text."""
    orphaned: int = 0
    """Annotations not found (kept, shown apart, as any orphan)."""

    def summary(self) -> str:
        """One line: what moved where, and how the annotations were placed."""
        moved = self.moved
        parts = [plural(moved.annotations, "annotation"), plural(moved.words, "word")]
        what = ", ".join(parts) + (" and the document's state" if moved.state else "")
        line = f"moved {what} from {moved.doc_id} to {self.new}"
        if moved.annotations:
            line += f"; placed {self.exact} exactly, {self.shifted} moved, {self.orphaned} orphaned"
        return line


def reattach(corpus: Corpus, store: Store, old: str, new: str) -> Reattached:
    """Move every record of ``old`` (a document the corpus lacks) to ``new`` (one it has)
    and re-anchor the annotations in ``new``'s text.

    Raises :class:`ReattachError` when ``new`` is not in the corpus, ``old``
    still is (its records are where they belong), or nothing is kept for ``old``.
    """
    corpus.entries()
    if corpus.get(new) is None:
        raise ReattachError(f"no document {new!r} in {corpus.root}")
    if corpus.get(old) is not None:
        raise ReattachError(f"{old!r} is still in the corpus: its records are where they belong")
    ids = {a.id for a in store.annotations_for(old)}
    try:
        moved = store.documents.move(old, new)
    except KeyError:
        raise ReattachError(f"nothing is kept for {old!r}") from None
    doc = corpus.load(new)
    placed = store.anchored_annotations(new, doc.source) if doc.readable else []
    states = [a.anchor for a in placed if a.id in ids]
    return Reattached(
        moved,
        new,
        exact=states.count(AnchorState.EXACT),
        shifted=states.count(AnchorState.MOVED),
        orphaned=states.count(AnchorState.ORPHAN),
    )
