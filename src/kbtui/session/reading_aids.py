"""The session's reading aids: the dictionary at a place in a text, pinyin search, the word list.

What the look-up panel, the word list screen, ``/`` and ``ctrl+f`` in the
app and ``kbtui lookup``, ``kbtui vocab`` and ``kbtui search`` share, so the
reader and the command line never disagree (issue 15). One
:class:`~kbtui.lookup.dictionary.Dictionary` per session, opened on the first
look-up (the app calls :meth:`ReadingAids.load` in a worker: building the
cache the first time takes seconds). Importing this module loads neither the
dictionary's data nor pypinyin.

The word list lives in the store (:mod:`kbtui.annotations.words`); an entry
made here keeps the sentence in the script the reader showed and the word's
source offsets, mapped back through the view's offset map as annotations are.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from kbtui.lookup.model import LookupResult
from kbtui.lookup.sentences import sentence_around
from kbtui.lookup.vocab import VocabEntry

if TYPE_CHECKING:
    from kbtui.annotations.store import Store
    from kbtui.documents.model import Document
    from kbtui.entities.mentions import MentionIndex
    from kbtui.lookup.dictionary import Dictionary, EntityHook
    from kbtui.search.scan import SpanFinder
    from kbtui.settings import Settings
    from kbtui.view.offsets import OffsetMap
    from kbtui.view.textview import TextView


class WordFormat(StrEnum):
    """What the word list exports to (``kbtui vocab export --format``)."""

    ANKI = "anki"
    """An Anki package (``.apkg``), written to a file."""
    CSV = "csv"
    """A CSV file Anki imports (and any spreadsheet reads)."""
    MARKDOWN = "markdown"


WORD_FILES = {
    WordFormat.ANKI: "kbtui-words.apkg",
    WordFormat.CSV: "kbtui-words.csv",
    WordFormat.MARKDOWN: "kbtui-words.md",
}
"""The file an export of each format writes when no name is given."""


class AidsHost(Protocol):
    """What the reading aids need of the session: its store and settings, opened lazily."""

    @property
    def store(self) -> Store:
        """The annotation store, which keeps the word list."""
        ...

    @property
    def settings(self) -> Settings:
        """The user's settings (``pinyin_search``)."""
        ...


class ReadingAids:
    """A session's dictionary, pinyin search and word list; see the module's docstring."""

    def __init__(self, host: AidsHost, dictionary: Dictionary | None = None) -> None:
        from kbtui.lookup.dictionary import Dictionary  # with the first use, not at start-up

        self._host = host
        self.dictionary = dictionary if dictionary is not None else Dictionary()
        """The CC-CEDICT dictionary (opened on first use)."""
        self._lock = threading.Lock()  # the entity hook is set for one look-up at a time

    # -- the dictionary --------------------------------------------------------

    @property
    def loaded(self) -> bool:
        """Whether a look-up now answers at once (else :meth:`load` first, in a worker)."""
        return self.dictionary.loaded

    def load(self) -> None:
        """Open the dictionary, building its cache the first time (seconds)."""
        self.dictionary.load()

    def lookup(self, word: str) -> LookupResult | None:
        """``word`` as a dictionary word, in either script (``kbtui lookup``)."""
        return self.dictionary.lookup(word)

    def lookup_at(self, text: str, pos: int, hook: EntityHook | None = None) -> LookupResult | None:
        """The longest word at ``text[pos]``; ``hook`` names the entities there."""
        return self._hooked(hook, lambda: self.dictionary.lookup_at(text, pos))

    def lookup_span(
        self, text: str, start: int, end: int, hook: EntityHook | None = None
    ) -> LookupResult | None:
        """A selection ``text[start:end]`` looked up as one word, else the word at its start."""
        found = self.lookup_at(text, start, hook)
        if found is not None and found.end == end:
            return found
        word = self.dictionary.lookup(text[start:end])
        if word is None:
            return found
        return LookupResult(word.text, start, end, word.entries, word.syllables, word.entity)

    def step(
        self, text: str, pos: int, forward: bool, hook: EntityHook | None = None
    ) -> LookupResult | None:
        """The word after the one at ``pos`` (or the last one before ``pos``), or None."""
        if forward:
            return self._hooked(hook, lambda: self.dictionary.next_word(text, pos))
        return self._hooked(hook, lambda: self.dictionary.previous_word(text, pos))

    def characters(self, result: LookupResult) -> tuple[LookupResult, ...]:
        """Each character of ``result`` looked up alone, read as in the word."""
        return self.dictionary.characters(result)

    def _hooked(
        self, hook: EntityHook | None, find: Callable[[], LookupResult | None]
    ) -> LookupResult | None:
        with self._lock:
            self.dictionary.entity_hook = hook
            try:
                return find()
            finally:
                self.dictionary.entity_hook = None

    # -- pinyin search ---------------------------------------------------------

    def pinyin_finder(self, query: str) -> SpanFinder | None:
        """What finds ``query`` read as toneless pinyin, when a search should look for it.

        None when the ``pinyin_search`` setting is off or the query is not
        pinyin enough (:func:`kbtui.lookup.pinyin_search.searches_by_pinyin`):
        then the search is the plain one, and costs what it always did.
        """
        from kbtui.lookup.pinyin_search import pinyin_pattern, searches_by_pinyin

        if not self._host.settings.pinyin_search or not searches_by_pinyin(query):
            return None
        pattern = pinyin_pattern(query)
        if pattern is None:
            return None
        return lambda text: [match.span() for match in pattern.finditer(text)]

    def pinyin_pending(self, query: str) -> bool:
        """Whether a search for ``query`` may look for pinyin whose readings are not loaded
        yet (half a second, once): the app then finds in a worker. Costs nothing."""
        from kbtui.lookup.pinyin_search import may_be_pinyin, pinyin_ready

        return self._host.settings.pinyin_search and may_be_pinyin(query) and not pinyin_ready()

    def find(self, text: str, query: str) -> list[tuple[int, int, bool]]:
        """Matches of ``query`` in ``text``, script-insensitively, and by pinyin (True)."""
        from kbtui.search.scan import find_all, with_pinyin  # the first find pays it, not start-up

        literal = find_all(text, query)
        finder = self.pinyin_finder(query)
        if finder is None:
            return [(start, end, False) for start, end in literal]
        return with_pinyin(literal, finder(text))

    # -- the word list -----------------------------------------------------------

    def words(self) -> list[VocabEntry]:
        """The word list, oldest first."""
        return self._host.store.words.entries()

    def add_word(self, entry: VocabEntry) -> VocabEntry | None:
        """Keep ``entry`` unless its word (with that reading) is listed: then that entry."""
        words = self._host.store.words
        kept = words.same_word(entry)
        if kept is None:
            words.add(entry)
        return kept

    def delete_word(self, entry_id: str) -> VocabEntry:
        """Remove an entry from the word list; ``KeyError`` if it is not there."""
        return self._host.store.words.delete(entry_id)

    def export_words(self, fmt: WordFormat, path: Path | None) -> tuple[str | None, int]:
        """The word list in ``fmt``: ``(text, count)``, or written to ``path`` ``(None, count)``.

        An Anki package needs a path (it is a zip file). Files are written
        atomically; ``OSError`` says why one could not be.
        """
        from kbtui.atomic import atomic_write_text
        from kbtui.exchange.anki import vocab_to_csv, vocab_to_markdown, write_apkg

        entries = self.words()
        if fmt is WordFormat.ANKI:
            if path is None:
                raise ValueError("an Anki package is a file: give it a path")
            return None, write_apkg(entries, path)
        text = vocab_to_csv(entries) if fmt is WordFormat.CSV else vocab_to_markdown(entries)
        if path is None:
            return text, len(entries)
        atomic_write_text(path, text)
        return None, len(entries)


def word_entry(result: LookupResult, view: TextView, doc: Document) -> VocabEntry:
    """What ``r`` keeps: ``result`` (found in ``view.text``) with its sentence as the
    view shows it and its source offsets in ``doc``."""
    start, end = sentence_around(view.text, result.start)
    source_start, source_end = view.map.range_to_source(result.start, result.end)
    return VocabEntry.from_result(
        result,
        sentence=view.text[start:end],
        doc_id=doc.id,
        title=doc.meta.title,
        start=source_start,
        end=source_end,
    )


def mention_hook(index: MentionIndex, doc_id: str, view_map: OffsetMap) -> EntityHook:
    """The dictionary's entity hook for a view of ``doc_id``: a mention starting there.

    The index is in source offsets and the look-up in view offsets, so both
    ways go through ``view_map``.
    """
    from kbtui.session.entities import name_of

    def hook(text: str, pos: int) -> tuple[int, str] | None:
        source = view_map.to_source(pos)
        mention = index.mention_at(doc_id, source)
        if mention is None or mention.start != source:
            return None
        _, end = view_map.range_to_view(mention.start, mention.end)
        return end, name_of(index, mention.entity_id)

    return hook
