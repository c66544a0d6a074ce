"""The Session: one open corpus with its store, settings, entities and history.

Everything the command line and the app do with a corpus that is not drawing a screen: the
list's rows, a search, the mention index and the passages of an entity, saving an entity edit,
planning an export. The app's widgets and workers call it; ``kbtui`` calls it from each command.
It never imports Textual, and opens only what a caller uses: ``kbtui show`` never opens the
store, ``kbtui list`` never reads the settings.

Thread-safety is the core's: the app calls the row, search and passage
methods from worker threads while the UI thread uses the store.

The store, the entity index and the export pipeline are imported by the methods that use them:
``kbtui show`` needs none of them, and loading the store's database code, the entity matcher and
Jinja2 first would add about a third to its start-up. So is the script conversion (OpenCC and
the views' maps), which the app's first frame needs only when the default script converts titles.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kbtui.documents.corpus import Corpus, Entry
from kbtui.entities.entities_file import EntitiesFile, load_entities_file
from kbtui.entities.model import EntityRecord
from kbtui.scripts.chains import Backend, Variant, offers_chinese_views, parse_backend
from kbtui.scripts.locales import Locale, locale_for, parse_locale
from kbtui.session.entities import name_of, passages_title
from kbtui.session.history import History
from kbtui.session.opening import open_corpus
from kbtui.session.rows import DocRow
from kbtui.settings import Settings, SettingsError, load_settings, save_settings

if TYPE_CHECKING:
    from kbtui.annotations.store import Store
    from kbtui.documents.model import Document
    from kbtui.entities.mentions import MentionIndex
    from kbtui.exchange.pipeline import ExportRequest, PlannedExport
    from kbtui.search.scan import DocumentHits, SearchResult
    from kbtui.session.passages import EntityPassages
    from kbtui.session.reading_aids import ReadingAids
    from kbtui.session.searching import Searching, SearchPage


MAX_PASSAGES = 200
"""Passages per document the mentions panel lists (its count covers them all)."""

SEARCH_HITS = 2000
"""Hits of a corpus search in the app that get a context line (all are counted)."""

Progress = Callable[[int, int], None]
"""Told ``(done, total)`` as a long pass goes on."""


@dataclass(frozen=True, slots=True)
class IndexedMentions:
    """A mention index just built, and what was wrong in ``entities.yaml``."""

    index: MentionIndex
    problems: list[str]


class Session:
    """One corpus and what belongs to it; see the module's docstring."""

    def __init__(
        self,
        corpus: Corpus,
        entities_file: EntitiesFile,
        db_path: Path,
        *,
        read_only: bool = False,
    ) -> None:
        """``corpus`` should know the entity lists of ``entities_file``
        (:meth:`open` makes it so); the store at ``db_path`` opens on first use
        (``read_only``: never writing a file, as the CLI's reading commands)."""
        self.corpus = corpus
        self.entities_file = entities_file
        """``entities.yaml`` as read when the session opened (its problems included)."""
        self.db_path = db_path
        self.read_only = read_only
        self.write_failure: str | None = None
        """Why a write to the store failed (a full disk): the app then goes on
        read-only rather than losing more changes, and says so on quitting."""
        self.history = History()
        self.mention_index: MentionIndex | None = None
        """Every entity and where it is named; None until the app's first build is done."""
        self.settings_writable = True
        """False when the settings file could not be read: it is kept, never overwritten."""
        self.warnings: list[str] = []
        """Problems to show once (a broken settings file)."""
        self._store: Store | None = None
        self._settings: Settings | None = None
        self._aids: ReadingAids | None = None
        self._searching: Searching | None = None
        self._lock = threading.Lock()

    @classmethod
    def open(cls, corpus_root: str | Path, db_path: Path, *, read_only: bool = False) -> Session:
        """The session of the corpus at ``corpus_root``, the store at ``db_path``.

        Raises :class:`kbtui.documents.corpus.CorpusError` for a missing corpus;
        the store's :class:`~kbtui.annotations.storage.DatabaseError` comes
        when the store is first used (:meth:`open_all` opens it at once).
        """
        corpus, entities_file = open_corpus(corpus_root)
        return cls(corpus, entities_file, db_path, read_only=read_only)

    def open_all(self) -> list[str]:
        """Open the store and read the settings now (the app's first frame needs both)."""
        _ = self.store, self.settings
        return self.warnings

    @property
    def store(self) -> Store:
        """The annotation store, opened on first use (only the opening takes the lock:
        the list's rows ask for the store twice a document)."""
        if (store := self._store) is not None:
            return store
        from kbtui.annotations.store import Store

        with self._lock:
            if self._store is None:
                self._store = Store.open(self.db_path, read_only=self.read_only)
            return self._store

    @property
    def aids(self) -> ReadingAids:
        """The dictionary, pinyin search and the word list (:mod:`.reading_aids`)."""
        from kbtui.session.reading_aids import ReadingAids

        with self._lock:
            if self._aids is None:
                self._aids = ReadingAids(self)
            return self._aids

    def close(self) -> None:
        """Close the store if it was opened."""
        if self._store is not None:
            self._store.close()

    # -- settings ----------------------------------------------------------------

    @property
    def settings(self) -> Settings:
        """The user's settings, read on first use; the defaults if the file is broken."""
        if self._settings is None:
            try:
                self._settings = load_settings()
            except SettingsError as exc:
                self._settings, self.settings_writable = Settings(), False
                self.warnings.append(f"{exc} (using defaults; the file is kept)")
        return self._settings

    def save_settings(self) -> None:
        """Persist the settings, unless the file on disk was unreadable."""
        if self.settings_writable:
            save_settings(self.settings)

    def set_default_script(self, variant: Variant) -> None:
        """Make ``variant`` the script documents open in and the list's titles use."""
        self.settings.default_script = variant.value
        self.save_settings()

    @property
    def backend(self) -> Backend:
        """Whose conversion every view, title, passage and export shows (``conversion``)."""
        return parse_backend(self.settings.conversion)

    def set_backend(self, backend: Backend) -> None:
        """Convert with ``backend`` from now on, and remember it."""
        self.settings.conversion = backend.value
        self.save_settings()

    # -- a document's source locale ---------------------------------------------

    def locale_of(self, doc: Document | Entry) -> Locale | None:
        """What ``doc``'s views convert from: the locale the user set, else the one
        its frontmatter declares (``lang``), else the one its script implies.

        ``None`` reads it as mixed (or it has no Chinese). One rule, here, so
        the reader, the list's titles, passages, exports and ``kbtui show`` agree.
        """
        chosen = parse_locale(self.store.doc_state(doc.id).locale)
        return chosen if chosen is not None else locale_for(doc.script, doc.meta.lang)

    def offers_views(self, doc: Document | Entry) -> bool:
        """Whether ``doc`` has Simplified/Traditional views: not a Japanese one,
        unless the user set a Chinese locale on it (its detection was wrong)."""
        if self.store.doc_state(doc.id).locale is not None:
            return True
        return offers_chinese_views(doc.script, doc.meta.lang)

    def set_locale(self, doc_id: str, locale: Locale | None) -> None:
        """Remember the locale the user set on a document (``None``: its own again)."""
        self.store.set_locale(doc_id, None if locale is None else locale.value)

    # -- the document list -------------------------------------------------------

    def scan_rows(self, progress: Progress | None = None) -> list[DocRow]:
        """Scan the corpus and make every list row (slow on a first scan: a worker's job)."""
        from kbtui.annotations.batch import checked_once

        entries = self.corpus.scan(progress=progress)
        with checked_once(self.store):  # 10,000 rows: 40,000 stats of the database files
            return [self.row_for(entry) for entry in entries]

    def row_for(self, entry: Entry) -> DocRow:
        """The list row of a scanned document."""
        state = self.store.doc_state(entry.id)
        return DocRow(
            id=entry.id,
            meta=entry.meta,
            script=entry.script,
            problems=list(entry.problems),
            annotations=self.store.count(entry.id),
            doc_tags=list(state.tags),
            last_opened=state.last_opened,
            title=self.title_in_default_script(entry),
        )

    def update_row(self, row: DocRow) -> None:
        """Bring a row's annotation count and tags up to date with the store."""
        row.annotations = self.store.count(row.id)
        row.doc_tags = list(self.store.doc_state(row.id).tags)

    def retitle(self, rows: list[DocRow]) -> list[DocRow]:
        """``rows`` with their titles in the default script again (after it changed)."""
        for row in rows:
            entry = self.corpus.get(row.id)
            if entry is not None:
                row.title = self.title_in_default_script(entry)
        return rows

    def title_in_default_script(self, entry: Entry) -> str:
        """The title converted to the default script (as written if it cannot be, or
        if the document is Japanese)."""
        variant = Variant(self.settings.default_script)
        if variant is Variant.ORIGINAL or not self.offers_views(entry):
            return entry.meta.title
        from kbtui.scripts.views import ConversionError, text_converter

        try:
            return text_converter(variant, self.locale_of(entry), self.backend)(entry.meta.title)
        except ConversionError:
            return entry.meta.title

    def title_of(self, doc_id: str) -> str:
        """A document's title as written, or its id before the scan knows it."""
        entry = self.corpus.get(doc_id)
        return entry.meta.title if entry is not None else doc_id

    # -- search --------------------------------------------------------------------

    def prepare_search(self) -> None:
        """Build what a first search needs (the fold's inverse, and the regional phrase
        tables a Chinese query looks through: about half a second), so ``/`` does not
        wait for them; the reader calls it from a worker when the find box opens, not
        at start-up, where it took the GIL from the first paint and delayed the exit."""
        from kbtui.search.scan import compile_queries

        compile_queries("软件")  # a Chinese word with a Taiwan variant: every table loads
        self.searching.prepare()  # a big corpus's index, in its own thread

    def search_corpus(self, query: str, max_hits: int | None = 10_000) -> SearchResult:
        """Every match of ``query`` in every document: :meth:`stream_corpus`, collected."""
        pinyin = self.aids.pinyin_finder(query)
        return self.searching.search(query, max_hits=max_hits, pinyin=pinyin)

    def stream_corpus(self, query: str, max_hits: int | None = 10_000) -> Iterator[DocumentHits]:
        """Every match of ``query`` in every document, a document at a time in the corpus's
        order, script-insensitively and, when it reads as pinyin, by its reading (the scan,
        or the index for a big corpus: :mod:`.searching`; ``max_hits`` get a context line)."""
        pinyin = self.aids.pinyin_finder(query)
        return self.searching.stream(query, max_hits=max_hits, pinyin=pinyin)

    @property
    def searching(self) -> Searching:
        """The scan or the full-text index, whichever answers (:mod:`.searching`)."""
        from kbtui.session.searching import Searching

        with self._lock:
            if self._searching is None:
                self._searching = Searching(self.corpus)
            return self._searching

    def search(self, query: str) -> Iterator[SearchPage]:
        """A corpus search for the app: pages of passage groups, the first at once."""
        from kbtui.session.searching import search_pages

        stream = self.stream_corpus(query, max_hits=SEARCH_HITS)
        return search_pages(stream, self.title_of, SEARCH_HITS)

    # -- entities ------------------------------------------------------------------

    def user_records(self) -> list[EntityRecord]:
        """The user's entity records, oldest first (a later one wins), unusable ones skipped:
        light, as the app reads them on its UI thread (the index's modules load in its worker)."""
        records = (EntityRecord.from_dict(data) for data in self.store.list_user_entities())
        return [record for record in records if record is not None]

    def save_entity(self, record: EntityRecord) -> None:
        """Keep one entity edit as a user record (the index is built again by the caller)."""
        from kbtui.session.knowledge import save_record

        save_record(self.store, record)

    def index_mentions(
        self,
        user: list[EntityRecord],
        previous: MentionIndex | None = None,
        doc: Document | None = None,
        *,
        preview: Callable[[MentionIndex], None] | None = None,
        progress: Progress | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> IndexedMentions:
        """The registry from ``entities.yaml``, the frontmatter and ``user``, then its index.

        After an edit (``previous`` given) the old index is rekeyed when the
        edit added no name (a merge); otherwise it is built again, reading only
        what the cache lacks, and first ``preview`` is given an index of ``doc``
        alone (the open document), so its marks change at once. Raises
        :class:`kbtui.entities.mentions.IndexCancelled` when ``cancelled()`` turns true.
        """
        from kbtui.entities.mentions import MentionIndex
        from kbtui.session.coreference import mention_corrections
        from kbtui.session.knowledge import build_index, build_registry

        entities_file = load_entities_file(self.corpus.root)
        registry = build_registry(entities_file, self.corpus.entries(), user)
        index = previous.rekeyed(registry) if previous is not None else None
        if index is None:
            if previous is not None and doc is not None and preview is not None:
                preview(MentionIndex.from_documents(registry, [doc]))
            index = build_index(self.corpus, registry, progress=progress, cancelled=cancelled)
        corrected = index.corrected(mention_corrections(self.store))  # the user's word on names
        return IndexedMentions(corrected, entities_file.problems)

    def entity_passages(
        self,
        index: MentionIndex,
        entity_id: str,
        exclude: tuple[str, int] | None = None,
        variant: Variant = Variant.ORIGINAL,
    ) -> EntityPassages:
        """The passages naming an entity, their context lines in ``variant``
        (``exclude``: the mention the user is on). Reads documents: a worker's job."""
        from kbtui.entities.passages import entity_mentions
        from kbtui.session.passages import EntityPassages, mention_groups

        found = entity_mentions(
            index, entity_id, self.corpus.load_text, exclude=exclude, max_per_document=MAX_PASSAGES
        )
        groups = mention_groups(found, self.title_of, self.context_converter(variant))
        title = passages_title(found, lambda other: name_of(index, other), exclude is not None)
        return EntityPassages(found.entity.name, title, groups)

    def context_converter(self, variant: Variant) -> Callable[[str, str], str] | None:
        """Converts a context line of a document to ``variant`` (None: shown as written;
        so is a Japanese document's)."""
        if variant is Variant.ORIGINAL:
            return None
        from kbtui.scripts.views import ConversionError, text_converter

        converters: dict[Locale | None, Callable[[str], str]] = {}
        backend = self.backend

        def convert(doc_id: str, text: str) -> str:
            entry = self.corpus.get(doc_id)
            if entry is not None and not self.offers_views(entry):
                return text
            locale = self.locale_of(entry) if entry is not None else None
            if locale not in converters:
                converters[locale] = text_converter(variant, locale, backend)
            try:
                return converters[locale](text)
            except ConversionError:
                return text

        return convert

    # -- export ------------------------------------------------------------------

    def plan_export(self, request: ExportRequest) -> PlannedExport:
        """Collect, render and plan an export (:func:`kbtui.exchange.pipeline.plan_export`)."""
        from kbtui.exchange.pipeline import plan_export

        return plan_export(
            self.corpus, self.store, request, self.locale_of, self.backend, self.mention_index
        )
