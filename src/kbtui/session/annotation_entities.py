"""The entities of the user's annotations, as the app shows them.

Which entities an annotation is about is :class:`kbtui.exchange.about.About`'s
answer (the index's mentions under the quote, the matcher over the note);
this module turns it into what the screens list: the names under a sidebar
entry, the spellings the notebook's ``e:`` filter matches, the highlights
the mentions panel lists above the passages, the entities the export dialog
offers. All of it is plain data, computed from the index in memory (no
document is read), so the UI thread may ask.

Before the app's first index is built there is no answer: every annotation
then names nobody, and the screens show nothing rather than wait.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from kbtui.annotations.model import AnchorState, Annotation
from kbtui.entities.mentions import MentionIndex
from kbtui.entities.model import Entity
from kbtui.exchange.about import About
from kbtui.scripts.hanzi import fold

EntitiesOf = Callable[[Annotation], Sequence[Entity]]
"""The entities one annotation is about."""

_NAME_PARTS = re.compile(r"[\s·・•\-]+")


def entities_of(index: MentionIndex | None) -> EntitiesOf:
    """What each annotation is about under ``index`` (nobody, without one yet)."""
    if index is None:
        return lambda _annotation: ()
    return About(index).entities


def entity_names(index: MentionIndex | None, annotations: Iterable[Annotation]) -> list[list[str]]:
    """Per annotation, the names of the entities it is about (the sidebar's dim line)."""
    about = entities_of(index)
    return [[e.name for e in about(a)] for a in annotations]


def spellings(entities: Iterable[Entity]) -> tuple[str, ...]:
    """Every spelling of ``entities`` and each word of it, folded (Traditional as
    Simplified, Latin lower case): what ``e:`` matches the beginning of, so
    ``e:dario``, ``e:達里`` and ``e:amodei`` all find Dario Amodei."""
    found: list[str] = []
    for entity in entities:
        for name in entity.names:
            folded = fold(name)
            found += [folded, *(part for part in _NAME_PARTS.split(folded) if part)]
    return tuple(dict.fromkeys(found))


@dataclass(frozen=True, slots=True)
class Highlight:
    """One annotation about an entity, as the mentions panel lists it."""

    doc_id: str
    start: int
    title: str
    """The document's title."""
    quote: str
    note: str
    colour: str
    orphan: bool


@dataclass(frozen=True, slots=True)
class Highlights:
    """The user's annotations about one entity, in corpus order."""

    name: str
    items: tuple[Highlight, ...]

    @property
    def heading(self) -> str:
        """The section's heading, plain text."""
        return f"Your highlights about {self.name}"


def highlights_about(
    index: MentionIndex,
    annotations: Iterable[Annotation],
    entity_id: str,
    title_of: Callable[[str], str],
) -> Highlights:
    """The annotations about the entity ``entity_id``, by document and place."""
    entity = index.registry.get(entity_id)
    chosen = About(index).about(sorted(annotations, key=_place), entity_id)
    items = tuple(
        Highlight(
            a.doc_id,
            a.start,
            title_of(a.doc_id),
            a.quote,
            a.note,
            str(a.colour),
            a.anchor == AnchorState.ORPHAN,
        )
        for a in chosen
    )
    return Highlights(entity.name if entity is not None else entity_id, items)


def _place(annotation: Annotation) -> tuple[str, int, int]:
    return annotation.doc_id, annotation.start, annotation.end


def marked_entities(
    index: MentionIndex | None, annotations: Iterable[Annotation]
) -> list[tuple[str, int]]:
    """The entities some annotation is about, with how many, most marked first (the
    export dialog's choice: an entity nothing is marked about would export nothing)."""
    about = entities_of(index)
    counts = Counter(e.name for a in annotations for e in about(a))
    return sorted(counts.items(), key=lambda pair: (-pair[1], fold(pair[0])))
