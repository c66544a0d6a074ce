"""The word list in W3C Web Annotation JSON: each word a ``describing`` annotation.

So the word list moves between machines with the annotations, in the same
file (issue 15). A word is an ``Annotation`` with motivation
``describing``:

* ``id`` is ``urn:kbtui:word:`` + the entry's id, percent-encoded;
* ``target.source`` is the document's IRI (:func:`~.vocabulary.doc_iri`),
  with a ``TextQuoteSelector`` (the word as the source writes it, with
  context when the document could be read) and a ``TextPositionSelector``
  over the source text;
* the body is a ``TextualBody`` (purpose ``describing``) holding the reading
  and the dictionary's senses, which any tool can show;
* ``created`` is when the word was added, and the rest of the entry (both
  scripts, the reading in every form, the senses, the sentence, the title)
  is the ``kbtui`` object's ``word``: an item with one is read back as a
  word, never as a highlight.

Import (:func:`word_from_w3c`) rejects a malformed word with its reason, as
the annotation import does, through the same field checks (:mod:`.fields`).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from kbtui.annotations.model import CONTEXT_CHARS
from kbtui.exchange.w3c.fields import (
    Rejected,
    checked_text,
    doc_id_of,
    motivation_of,
    selectors_of,
    target_of,
    time_of,
    unquoted,
)
from kbtui.exchange.w3c.vocabulary import CONTEXT, EXTENSION, doc_iri, parse_time
from kbtui.lookup.vocab import VocabEntry

WORD_PREFIX = "urn:kbtui:word:"
"""The IRI of a word-list entry: this + its id, percent-encoded."""

WORD = "word"
"""The key of the entry's own fields in the ``kbtui`` object."""

_FIELDS = ("simplified", "traditional", "pinyin", "numbered", "zhuyin", "sentence", "title")
"""What the ``word`` object carries beside the definitions (the rest is W3C's)."""


def word_to_w3c(entry: VocabEntry, source: str | None = None) -> dict[str, Any]:
    """``entry`` as a Web Annotation; ``source`` is its document's text, if it could be read."""
    anno: dict[str, Any] = {
        "@context": CONTEXT,
        "id": WORD_PREFIX + quote(entry.id, safe=""),
        "type": "Annotation",
        "motivation": "describing",
    }
    if parse_time(entry.added) is not None:
        anno["created"] = entry.added
    anno["body"] = {
        "type": "TextualBody",
        "purpose": "describing",
        "value": f"{entry.pinyin}: {'; '.join(entry.definitions)}",
        "format": "text/plain",
    }
    anno["target"] = {"source": doc_iri(entry.doc_id), "selector": _selectors(entry, source)}
    word: dict[str, Any] = {name: getattr(entry, name) for name in _FIELDS}
    word["definitions"] = list(entry.definitions)
    anno[EXTENSION] = {WORD: word}
    return anno


def _selectors(entry: VocabEntry, source: str | None) -> list[dict[str, Any]]:
    quote_selector: dict[str, Any] = {"type": "TextQuoteSelector", "exact": entry.simplified}
    if source is not None and entry.end <= len(source):
        start, end = entry.start, entry.end
        quote_selector.update(
            exact=source[start:end],
            prefix=source[max(0, start - CONTEXT_CHARS) : start],
            suffix=source[end : end + CONTEXT_CHARS],
        )
    position = {"type": "TextPositionSelector", "start": entry.start, "end": entry.end}
    return [quote_selector, position]


def is_word(item: object) -> bool:
    """Whether ``item`` is a word-list entry (``describing``, with a ``kbtui.word`` object)."""
    if not isinstance(item, dict) or motivation_of(item) != "describing":
        return False
    ext = item.get(EXTENSION)
    return isinstance(ext, dict) and WORD in ext


def word_from_w3c(item: dict[str, Any]) -> VocabEntry:
    """The entry an item :func:`is_word` holds, or :class:`~.fields.Rejected` saying why not."""
    word = item[EXTENSION][WORD]
    if not isinstance(word, dict):
        raise Rejected(f"{EXTENSION}.{WORD} is not an object")
    target = target_of(item.get("target"))
    _, position = selectors_of(target.get("selector"))
    if position is None:
        raise Rejected("a word needs a TextPositionSelector")
    data = {
        **{name: word.get(name) for name in _FIELDS},
        "definitions": word.get("definitions"),
        "doc_id": doc_id_of(checked_text(target.get("source"), "target.source")),
        "start": position[0],
        "end": position[1],
        "id": _entry_id(item),
        "added": time_of(item, "created"),
    }
    try:
        return VocabEntry.from_dict(data)
    except ValueError as exc:
        raise Rejected(str(exc)) from None


def _entry_id(item: dict[str, Any]) -> str:
    iri = checked_text(item.get("id"), "id")
    entry_id = unquoted(iri.removeprefix(WORD_PREFIX), "id") if iri.startswith(WORD_PREFIX) else iri
    if not entry_id:
        raise Rejected("id is empty")
    return entry_id
