"""A corpus's entities and their mentions, assembled once for the app and ``kbtui mentions``.

The registry has three sources (the corpus's ``entities.yaml``, the
frontmatter entity lists of its documents, the user's records in the store)
and the mention index is built from the registry and the documents. The app
and the command line must assemble them the same way, or the reader and
``kbtui mentions`` would disagree about who is named where; so the assembly
lives here, in the core, without Textual.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from kbtui.annotations.store import Store
from kbtui.documents.corpus import Corpus, Entry
from kbtui.entities.cache import default_cache_file
from kbtui.entities.entities_file import EntitiesFile
from kbtui.entities.mentions import DocStamp, Loader, MentionIndex
from kbtui.entities.model import EntityRecord
from kbtui.entities.registry import EntityRegistry
from kbtui.search.scan import body_only


def save_record(store: Store, record: EntityRecord) -> None:
    """Keep one edit (a new entity, an alias, a rename, a merge) as a user record."""
    store.save_user_entity(record.name, str(record.kind), record.aliases)


def build_registry(
    entities_file: EntitiesFile, entries: Iterable[Entry], user: Iterable[EntityRecord]
) -> EntityRegistry:
    """Every entity: curated, then from frontmatter, then the user's (later wins)."""
    return EntityRegistry.for_corpus(entities_file, (e.meta.entities for e in entries), user)


def doc_stamps(entries: Iterable[Entry]) -> list[DocStamp]:
    """What the index cache checks a document against: its size and mtime at the scan."""
    return [DocStamp(entry.id, entry.size, entry.mtime) for entry in entries]


def text_loader(corpus: Corpus) -> Loader:
    """How the index and its context lines read documents: :meth:`Corpus.load_text`."""
    return corpus.load_text


def searchable_texts(corpus: Corpus) -> Iterator[tuple[str, str]]:
    """``(doc id, text)`` of every readable document for a search: read as the
    index reads them (:meth:`Corpus.load_text`), frontmatter blanked (:func:`body_only`)."""
    for entry in corpus.entries():
        if entry.readable:
            doc = corpus.load_text(entry.id)
            yield entry.id, body_only(doc.source, doc.body_start)


def build_index(
    corpus: Corpus,
    registry: EntityRegistry,
    *,
    cache: bool = True,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> MentionIndex:
    """The mention index of every scanned document (scanning first if needed).

    With ``cache``, documents unchanged since the last build are read from
    the cache (:func:`kbtui.entities.cache.default_cache_file`), so a second start
    reads no document. Raises :class:`kbtui.entities.mentions.IndexCancelled` when
    ``cancelled()`` turns true; the work done so far is cached.
    """
    return MentionIndex.build(
        registry,
        doc_stamps(corpus.entries()),
        text_loader(corpus),
        cache_file=default_cache_file(corpus.root) if cache else None,
        progress=progress,
        cancelled=cancelled,
        files={e.id: (e.path, e.body_start) for e in corpus.entries() if e.readable},
    )
