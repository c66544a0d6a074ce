"""The dictionary: the longest CC-CEDICT word at a place in a text, in either script.

Nothing is read until the first look-up (or :meth:`Dictionary.load`, which a
UI may call in a worker to have the cache built before the user asks).

Polyphones are read from context as far as the data allows. A word of two
or more characters carries its own reading (重要 *zhòng yào*, 重庆 *Chóng
qìng*, 银行 *yín háng*). A single character whose entries read differently
takes the syllable it has in the longest dictionary word around it (the 行 of
银行 reads *háng* even when the cursor is on 行), and otherwise pypinyin's
reading (:mod:`.cache`); the entry with that reading comes first.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from kbtui.lookup.model import DictEntry, LookupResult, is_han
from kbtui.lookup.syllables import Syllable, SyllableTable, same_reading

if TYPE_CHECKING:
    import sqlite3

EntityHook = Callable[[str, int], tuple[int, str] | None]
"""``hook(text, pos)``: the entity mention that starts at ``pos`` as ``(end, name)``, or None.

A name longer than the dictionary word there (达里奥·阿莫代伊) becomes the
word looked up; one of the same length names the word's entity."""

SCAN_LIMIT = 2000
"""How many characters :meth:`Dictionary.next_word` and ``previous_word`` look across."""

RUN_LIMIT = 64
"""How far back :meth:`Dictionary.previous_word` looks for the start of a run of Han
characters, from which it cuts words the way stepping forward does."""

_VARIANT = re.compile(r"(\w+ )?variant of ")
"""A sense that only points at another form (乹: *old variant of 乾[qian2]*)."""

COVER = 6
"""The longest word looked for around a single character to read it in context."""


class _Row(NamedTuple):
    id: int
    traditional: str
    simplified: str
    pinyin: str
    definitions: str


class _Store:
    """The open cache: entries by key, preferred readings, the syllable table."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._db = connection
        self.meta = dict(connection.execute("SELECT name, value FROM meta"))
        self.max_key = int(self.meta["max_key"])
        self.syllables = SyllableTable(
            {n: (m, z) for n, m, z in connection.execute("SELECT * FROM syllable")}
        )
        self._fold = {ord(t): ord(s) for t, s in connection.execute("SELECT * FROM fold")}

    def fold(self, text: str) -> str:
        """``text`` with each Traditional character as its Simplified one, one for one."""
        return text.translate(self._fold)

    def rows(self, keys: Iterable[str]) -> dict[str, list[_Row]]:
        """The entries under each of ``keys`` that has any, in dictionary order."""
        wanted = list(dict.fromkeys(keys))
        found: dict[str, list[_Row]] = {}
        if not wanted:
            return found
        query = (
            "SELECT h.key, e.id, e.traditional, e.simplified, e.pinyin, e.definitions"
            " FROM headword h JOIN entry e ON e.id = h.entry"
            f" WHERE h.key IN ({','.join('?' * len(wanted))}) ORDER BY e.id"
        )
        for key, *row in self._db.execute(query, wanted):
            found.setdefault(key, []).append(_Row(*row))
        return found

    def preferred(self, keys: Sequence[str]) -> str | None:
        """pypinyin's reading of the first of ``keys`` it settled, if any."""
        marks = ",".join("?" * len(keys))
        query = f"SELECT key, pinyin FROM preferred WHERE key IN ({marks})"
        found = dict(self._db.execute(query, list(keys)))
        return next((found[key] for key in keys if key in found), None)


class Dictionary:
    """CC-CEDICT looked up in text of either script, opened on first use."""

    def __init__(self, path: Path | None = None, entity_hook: EntityHook | None = None) -> None:
        self._path = path
        self.entity_hook = entity_hook
        """Names known to the entity registry (see :data:`EntityHook`); the caller's to set."""
        self._lock = threading.Lock()
        self._store: _Store | None = None

    @property
    def loaded(self) -> bool:
        """Whether the cache is open (look-ups then cost about a millisecond)."""
        return self._store is not None

    def load(self) -> None:
        """Open the cache, building it first if needed; safe to call from any thread."""
        self._open()

    def about(self) -> dict[str, str]:
        """The dictionary's release date, entry count and licence, for an About line."""
        from kbtui.lookup.cedict import LICENCE

        meta = self._open().meta
        return {
            "date": meta.get("date", ""),
            "entries": meta.get("entries", ""),
            "licence": LICENCE,
        }

    def lookup(self, word: str) -> LookupResult | None:
        """``word`` itself as a dictionary word (or a known name), in either script."""
        word = word.strip()
        if not word:
            return None
        found = self._at(word, 0, exact=True)
        return found if found is not None and found.end == len(word) else None

    def lookup_at(self, text: str, pos: int) -> LookupResult | None:
        """The longest word starting at ``pos`` that holds a Han character, or None.

        None at punctuation, white space, Latin text and characters the
        dictionary lacks (unless the entity hook knows a name there).
        """
        if not 0 <= pos < len(text):
            return None
        return self._at(text, pos, exact=False)

    def next_word(self, text: str, pos: int) -> LookupResult | None:
        """The first word after the one at ``pos`` (or after ``pos`` when there is none)."""
        current = self.lookup_at(text, pos)
        start = current.end if current is not None else pos + 1
        for at in range(max(start, 0), min(len(text), start + SCAN_LIMIT)):
            if is_han(text[at]) and (found := self.lookup_at(text, at)) is not None:
                return found
        return None

    def previous_word(self, text: str, pos: int) -> LookupResult | None:
        """The last word starting before ``pos``, cut as :meth:`next_word` would cut its run."""
        last = min(pos, len(text)) - 1
        floor = max(0, last - SCAN_LIMIT)
        while last >= floor and not is_han(text[last]):
            last -= 1
        if last < floor:
            return None
        at = last
        while at > max(0, last - RUN_LIMIT) and is_han(text[at - 1]):
            at -= 1
        found = None
        while at <= last:
            word = self.lookup_at(text, at)
            if word is not None:
                found = word
            at = word.end if word is not None else at + 1
        return found

    def characters(self, result: LookupResult) -> tuple[LookupResult, ...]:
        """Each Han character of ``result`` looked up alone, read as it is in the word."""
        store = self._open()
        chars = [(i, ch) for i, ch in enumerate(result.text) if is_han(ch)]
        rows = store.rows(key for _, ch in chars for key in (ch, store.fold(ch)))
        readings = result.syllables if len(result.syllables) == len(result.text) else ()
        found = []
        for i, ch in chars:
            matched = _merged(rows.get(ch, []), rows.get(store.fold(ch), []))
            if matched:
                context = readings[i].numbered if readings else None
                start = result.start + i
                found.append(self._result(ch, start, matched, context))
        return tuple(found)

    def _open(self) -> _Store:
        with self._lock:
            if self._store is None:
                # Deferred: sqlite3 and the cache's own imports are for the first look-up.
                from kbtui.lookup.cache import default_path, open_cache

                self._store = _Store(open_cache(self._path or default_path()))
            return self._store

    def _at(self, text: str, pos: int, *, exact: bool) -> LookupResult | None:
        store = self._open()
        window = _window(text, pos, len(text) - pos if exact else store.max_key)
        if not window:
            return None
        candidates = [window] if exact else [window[:n] for n in range(1, len(window) + 1)]
        rows = store.rows(key for word in candidates for key in (word, store.fold(word)))
        word = next((w for w in reversed(candidates) if w in rows or store.fold(w) in rows), "")
        if word and not any(map(is_han, word)):
            word = ""
        found = None
        if word:
            matched = _merged(rows.get(word, []), rows.get(store.fold(word), []))
            context = self._context(text, pos, word, matched)
            found = self._result(word, pos, matched, context)
        return self._with_entity(text, pos, found)

    def _context(self, text: str, pos: int, word: str, rows: list[_Row]) -> str | None:
        """The reading the context gives ``word`` when its entries read differently."""
        if len({row.pinyin.lower() for row in rows}) < 2:
            return None
        around = self._covering(text, pos) if len(word) == 1 else None
        store = self._open()
        return around or store.preferred([word, store.fold(word)])

    def _covering(self, text: str, pos: int) -> str | None:
        """The syllable of ``text[pos]`` in the longest word around it that starts before it."""
        spans = {
            text[start:end]: start
            for start in range(max(0, pos - COVER + 1), pos)
            for end in range(pos + 1, min(len(text), start + COVER) + 1)
        }
        store = self._open()
        rows = store.rows(key for span in spans for key in (span, store.fold(span)))
        found = [span for span in spans if span in rows or store.fold(span) in rows]
        if not found:
            return None
        best = max(found, key=lambda span: (len(span), -spans[span]))
        tokens = (rows.get(best) or rows[store.fold(best)])[0].pinyin.split()
        return tokens[pos - spans[best]] if len(tokens) == len(best) else None

    def _result(self, word: str, start: int, rows: list[_Row], context: str | None) -> LookupResult:
        def rank(row: _Row) -> tuple[bool, bool, bool, bool, int]:
            written = word in (row.traditional, row.simplified)
            fits = context is not None and same_reading(row.pinyin, context)
            variant = all(map(_VARIANT.match, row.definitions.split("\n")))
            return (not written, not fits, variant, row.pinyin[:1].isupper(), row.id)

        table = self._open().syllables
        entries = tuple(
            DictEntry(
                row.traditional,
                row.simplified,
                table.reading(row.pinyin, word),
                tuple(row.definitions.split("\n")),
            )
            for row in sorted(rows, key=rank)
        )
        return LookupResult(word, start, start + len(word), entries, entries[0].syllables)

    def _with_entity(self, text: str, pos: int, found: LookupResult | None) -> LookupResult | None:
        hit = self.entity_hook(text, pos) if self.entity_hook is not None else None
        if hit is None:
            return found
        end, name = hit
        if end <= pos or (found is not None and end < found.end):
            return found
        if found is not None and end == found.end:
            return found.with_entity(name)
        name_text = text[pos:end]
        return LookupResult(name_text, pos, end, (), self._spelled(name_text), name)

    def _spelled(self, text: str) -> tuple[Syllable, ...]:
        """A reading for text the dictionary lacks as a word: each character's first reading."""
        store = self._open()
        rows = store.rows(key for ch in text for key in (ch, store.fold(ch)))
        spelled = []
        for ch in text:
            matched = rows.get(ch) or rows.get(store.fold(ch))
            if matched and is_han(ch):
                context = store.preferred([ch, store.fold(ch)])
                spelled.append(self._result(ch, 0, matched, context).syllables[0])
            else:
                spelled.append(Syllable(ch, ch, ch, ch, 0))
        return tuple(spelled)


def _window(text: str, pos: int, size: int) -> str:
    """Up to ``size`` characters from ``pos``, stopping at white space (no key holds any)."""
    window = text[pos : pos + size]
    for i, ch in enumerate(window):
        if ch.isspace():
            return window[:i]
    return window


def _merged(exact: list[_Row], folded: list[_Row]) -> list[_Row]:
    """Rows under the word as written and under its fold, each once."""
    seen = {row.id for row in exact}
    return exact + [row for row in folded if row.id not in seen]
