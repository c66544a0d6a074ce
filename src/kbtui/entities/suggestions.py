"""Suggested entities: names the corpus uses that nobody registered, most used first.

On a new corpus every name must otherwise be registered by hand, although
the texts name people, companies and products the same way in every
document. The name-like words of each document (:mod:`.suggestions_scan`)
are gathered here across the corpus:

* an occurrence inside a known mention is no candidate (``Google`` in
  ``Google Brain``, ``阿莫`` in 达里奥·阿莫代伊), nor is a known name or alias,
  nor one the user ignored;
* spellings are merged by their name key (达里奥 = 達里奧, ``Iconiq`` in any
  case), the most used spelling shown;
* a candidate named fewer than :data:`MIN_MENTIONS` times, or in the small
  stop list, is noise;
* the rest is ranked by the number of documents naming it, then by count;
* a candidate that is probably a known entity's other spelling carries that
  entity (:mod:`.suggestions_alias`), to be offered as its alias.

Measured on the sample corpus without its ``entities.yaml``: see
``tests/test_suggestions.py`` for the table of the top 30 and the precision.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field

from kbtui.entities.mentions import Mention
from kbtui.entities.model import Kind
from kbtui.entities.names import name_key
from kbtui.entities.registry import EntityRegistry
from kbtui.entities.suggestions_alias import AliasFinder, AliasGuess
from kbtui.entities.suggestions_scan import Occurrence
from kbtui.search.context import context

MIN_MENTIONS = 2
"""A name used once is more often a tagging accident than an entity (except a
run of capitalised Latin words: :func:`_latin_words`)."""

CONTEXTS = 3
"""Snippets kept per candidate (the first ones met, in corpus order)."""

CONTEXT_CHARS = 30
"""Characters of text on each side of a snippet's name."""

STOP_WORDS = frozenset(["简体中文", "繁体中文", "正文", "大佬", "多云", "黑盒子", "安全措施"])
"""Folded words jieba tags as proper nouns in the sample corpus that never are."""


@dataclass(frozen=True, slots=True)
class Context:
    """One place a candidate is named: ``text`` is the line around it, the name at
    ``text[cut_start:cut_end]`` (for marking it)."""

    doc_id: str
    start: int
    text: str
    cut_start: int
    cut_end: int

    def to_json(self) -> dict[str, object]:
        """The context as plain data (for ``kbtui entities --suggest --json``)."""
        return {"doc": self.doc_id, "offset": self.start, "text": self.text}


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A name nobody registered, how much the corpus uses it, and what it may be."""

    key: str
    """Its name key (:func:`kbtui.entities.names.name_key`): what ignoring it remembers."""
    name: str
    """The spelling used most."""
    kind: Kind
    """A guess: the kind most of its occurrences were tagged with."""
    documents: int
    mentions: int
    spellings: tuple[str, ...] = ()
    """Every spelling seen, most used first."""
    alias_of: AliasGuess | None = None
    """The known entity it is probably another spelling of."""
    contexts: tuple[Context, ...] = ()

    def to_json(self) -> dict[str, object]:
        """The suggestion as plain data (for ``kbtui entities --suggest --json``)."""
        alias = self.alias_of
        return {
            "name": self.name,
            "key": self.key,
            "kind": str(self.kind),
            "documents": self.documents,
            "mentions": self.mentions,
            "spellings": list(self.spellings),
            "alias_of": None
            if alias is None
            else {"id": alias.entity.id, "name": alias.entity.name, "similarity": alias.similarity},
            "contexts": [context.to_json() for context in self.contexts],
        }


@dataclass(slots=True)
class _Tally:
    spellings: Counter[str] = field(default_factory=Counter)
    kinds: Counter[str] = field(default_factory=Counter)
    documents: set[str] = field(default_factory=set)
    contexts: list[Context] = field(default_factory=list)


class SuggestionBuilder:
    """Gathers the candidates of each document in turn, then ranks them."""

    def __init__(self, registry: EntityRegistry, ignored: Collection[str] = ()) -> None:
        self.registry = registry
        self._known = set(registry.name_keys())
        self._ignored = set(ignored)
        self._tallies: dict[str, _Tally] = {}

    def add_document(
        self, doc_id: str, text: str, found: Iterable[Occurrence], known: Sequence[Mention]
    ) -> None:
        """Count one document's occurrences, leaving out those inside ``known`` mentions."""
        starts = [mention.start for mention in known]
        for start, end, kind in found:
            i = bisect_right(starts, start) - 1
            if (i >= 0 and known[i].end > start) or (i + 1 < len(known) and starts[i + 1] < end):
                continue
            surface = text[start:end]
            key = name_key(surface)
            if key in self._known or key in self._ignored or key in STOP_WORDS:
                continue
            tally = self._tallies.setdefault(key, _Tally())
            tally.spellings[surface] += 1
            tally.kinds[kind] += 1
            tally.documents.add(doc_id)
            if len(tally.contexts) < CONTEXTS:
                tally.contexts.append(_context(doc_id, text, start, end))

    def suggestions(self, min_mentions: int = MIN_MENTIONS) -> list[Suggestion]:
        """Every candidate named at least ``min_mentions`` times, most documents first."""
        finder = AliasFinder(self.registry)
        found = [
            _suggestion(key, tally, finder)
            for key, tally in self._tallies.items()
            if len(key) > 1 and (tally.spellings.total() >= min_mentions or _latin_words(key))
        ]
        found.sort(key=lambda s: (-s.documents, -s.mentions, s.key))
        return found


def _latin_words(key: str) -> bool:
    """Whether a name is several capitalised Latin words (``Iconiq Capital``): rarely
    an accident, so one use is enough."""
    return " " in key and key.isascii()


def _suggestion(key: str, tally: _Tally, finder: AliasFinder) -> Suggestion:
    spellings = [spelling for spelling, _ in tally.spellings.most_common()]
    return Suggestion(
        key=key,
        name=spellings[0],
        kind=Kind(tally.kinds.most_common(1)[0][0]),
        documents=len(tally.documents),
        mentions=tally.spellings.total(),
        spellings=tuple(spellings),
        alias_of=finder.guess(key),
        contexts=tuple(tally.contexts),
    )


def _context(doc_id: str, text: str, start: int, end: int) -> Context:
    """The snippet around ``text[start:end]``: its sentence as the reader shows it."""
    line = context(text, start, end, CONTEXT_CHARS)
    return Context(doc_id, start, str(line), len(line.before), len(line.before) + len(line.match))
