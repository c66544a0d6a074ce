"""The live corpus: what the watcher saw change, applied to a session's corpus, index and notes.

The watcher (:mod:`kbtui.documents.watching`) hands over batches of changed
paths; :func:`apply_batch` reads again only those documents
(:meth:`~kbtui.documents.corpus.Corpus.refresh`), matches their entities
again into a new mention index (the old one answers the reader meanwhile),
re-anchors their annotations and makes their list rows. :func:`rescan` is
the fallback when the folder cannot be watched (or the user asks, ``ctrl+r``):
a full scan, which still reads only the files whose size or time changed,
turned into the same update. Both are slow work for a worker thread; the
app applies the :class:`LiveUpdate` on its own thread. The database is watched
too (:func:`store_filter`), so what another process writes there shows.

The search's full-text index, once built, is told which documents changed
(:meth:`~kbtui.session.searching.Searching.update`); the scan needs nothing,
as it reads the corpus's entries as they are at each search.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kbtui.documents.model import Document, Entry
from kbtui.documents.walk import walk
from kbtui.documents.watching import Batch, PathFilter
from kbtui.entities.entities_file import ENTITIES_FILE
from kbtui.session.rows import DocRow

if TYPE_CHECKING:
    from kbtui.annotations.model import Annotation
    from kbtui.entities.mentions import MentionIndex
    from kbtui.session.session import Session


@dataclass(frozen=True, slots=True)
class LiveUpdate:
    """What changed on disk, made ready for the app to show."""

    rows: list[DocRow] = field(default_factory=list)
    """The list rows of the documents added or changed."""
    removed: list[str] = field(default_factory=list)
    """The ids of the documents gone."""
    index: MentionIndex | None = None
    """The mention index with those documents matched again (None: no index yet,
    or :attr:`reindex`)."""
    reindex: bool = False
    """The registry changed (``entities.yaml``, or names in a document's
    frontmatter): the index must be built again, as after an entity edit."""
    orphans: dict[str, int] = field(default_factory=dict)
    """Changed documents where some annotations could not be placed again, with how many."""

    @property
    def changed(self) -> set[str]:
        """The ids of the documents added or changed."""
        return {row.id for row in self.rows}

    def __bool__(self) -> bool:
        return bool(self.rows or self.removed or self.reindex)


def watch_filter(session: Session) -> PathFilter:
    """The paths that matter to ``session``: its documents and ``entities.yaml``, never
    its database (which may live in the corpus folder)."""
    return PathFilter(session.corpus.root, files=[ENTITIES_FILE], ignore=[session.db_path])


def store_filter(session: Session) -> PathFilter:
    """The paths of ``session``'s database that another process writes: its main file
    and its journal (not its lock), in whatever folder they are."""
    path = session.db_path.absolute()  # watchfiles names paths under the root as given
    return PathFilter(path.parent, files=[path.name, path.name + ".journal"])


@dataclass(frozen=True, slots=True)
class StoreChange:
    """What another process changed in the database, made ready for the app to show."""

    rows: list[DocRow]
    """The list rows whose annotation count or tags are no longer what the list shows."""
    doc_id: str | None = None
    """The document open when it was read, whose annotations follow."""
    annotations: list[Annotation] = field(default_factory=list)
    """The open document's annotations as now stored, placed in its text."""


def store_change(
    session: Session, shown: Callable[[str], DocRow | None], doc: Document | None
) -> StoreChange | None:
    """Catch up with what another process wrote to the database (None: nothing was),
    given the list's rows (``shown``: one by id) and the open document. Slow at
    scale (every document's count, the open one placed again): a worker's job."""
    store = session.store
    if not store.reload():
        return None

    def differs(row: DocRow | None) -> bool:
        return row is not None and (row.annotations, row.doc_tags) != (
            store.count(row.id),
            list(store.doc_state(row.id).tags),
        )

    entries = [entry for entry in session.corpus.entries() if differs(shown(entry.id))]
    if doc is None:
        return StoreChange([session.row_for(entry) for entry in entries])
    placed = store.anchored_annotations(doc.id, doc.source)
    return StoreChange([session.row_for(entry) for entry in entries], doc.id, placed)


def apply_batch(session: Session, batch: Batch, index: MentionIndex | None) -> LiveUpdate:
    """Bring the session up to date with one batch of changes (``index``: the app's
    current mention index, left as it is). Nothing before the first scan is done:
    the scan finds the files as they are."""
    corpus = session.corpus
    if not corpus.scanned:
        return LiveUpdate()
    ids = set(batch.documents) | _folder_ids(session, batch.folders)
    before = {doc_id: corpus.get(doc_id) for doc_id in ids}
    changed, removed = corpus.refresh(ids)
    return _update(session, before, changed, removed, index, ENTITIES_FILE in batch.files)


def rescan(session: Session, index: MentionIndex | None) -> LiveUpdate:
    """Scan the whole corpus again and say what differs from the last scan.

    ``entities.yaml`` is read again too, so the index is built again (from
    its cache: only the changed documents are read).
    """
    before: dict[str, Entry | None] = {}
    if session.corpus.scanned:
        before = {entry.id: entry for entry in session.corpus.entries()}
    after = session.corpus.scan()
    changed = [entry for entry in after if _differs(before.get(entry.id), entry)]
    kept = {entry.id for entry in after}
    removed = [doc_id for doc_id in before if doc_id not in kept]
    return _update(session, before, changed, removed, index, entities_changed=True)


def _differs(old: Entry | None, new: Entry) -> bool:
    return old is None or (old.size, old.mtime_ns, old.problems) != (
        new.size,
        new.mtime_ns,
        new.problems,
    )


def _folder_ids(session: Session, folders: Iterable[str]) -> set[str]:
    """The documents a folder that came or went held: those listed under it, and
    those in it now."""
    corpus, ids = session.corpus, set[str]()
    for folder in folders:
        prefix = folder + "/"
        ids.update(entry.id for entry in corpus.entries() if entry.id.startswith(prefix))
        path = corpus.root / folder
        if path.is_dir() and not path.is_symlink():
            ids.update(prefix + found.id for found in walk(path)[0])
    return ids


def _update(
    session: Session,
    before: dict[str, Entry | None],
    changed: list[Entry],
    removed: list[str],
    index: MentionIndex | None,
    entities_changed: bool,
) -> LiveUpdate:
    """The update for documents already read again: rows, index, annotations."""
    session.searching.update([entry.id for entry in changed], removed)  # once it is built
    docs = {entry.id: session.corpus.load_text(entry.id) for entry in changed if entry.readable}
    reindex = entities_changed or _names_changed(before, changed, removed)
    return LiveUpdate(
        rows=[session.row_for(entry) for entry in changed],
        removed=removed,
        index=None if reindex or index is None else _reindexed(index, changed, docs, removed),
        reindex=reindex,
        orphans=_reanchor(session, docs.values()),
    )


def _names_changed(
    before: dict[str, Entry | None], changed: list[Entry], removed: list[str]
) -> bool:
    """Whether the frontmatter of a changed or removed document named other entities
    (they are in the registry: it must be made again)."""

    def names(doc_id: str) -> dict[str, list[str]]:
        old = before.get(doc_id)
        return old.meta.entities if old is not None else {}

    gone = any(names(doc_id) for doc_id in removed)
    return gone or any(names(entry.id) != entry.meta.entities for entry in changed)


def _reindexed(
    index: MentionIndex, changed: list[Entry], docs: dict[str, Document], removed: list[str]
) -> MentionIndex:
    from kbtui.entities.mentions import DocStamp

    fresh = index.corrected(index.corrections)  # a copy: the app's goes on answering
    for doc_id in removed:
        fresh.update(doc_id, None)
    for entry in changed:
        fresh.update(entry.id, docs.get(entry.id, ""), DocStamp(entry.id, entry.size, entry.mtime))
    return fresh


def _reanchor(session: Session, docs: Iterable[Document]) -> dict[str, int]:
    """Place the annotations of changed documents in their new text (the store
    keeps the outcome); the count of those that could not be placed, by document."""
    from kbtui.annotations.model import AnchorState
    from kbtui.session.review import review_queue  # keeps the text they were made on

    store, orphans = session.store, dict[str, int]()
    for doc in docs:
        if store.count(doc.id):
            placed = review_queue(session).reanchor(doc.id, doc.source)
            lost = sum(1 for a in placed if a.anchor == AnchorState.ORPHAN)
            if lost:
                orphans[doc.id] = lost
    return orphans
