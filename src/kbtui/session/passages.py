"""Passages grouped by document: what a corpus search and a mentions query answer.

Both are shown the same way (documents with counts, under each the context
lines of its passages) and lead to the same place (a document and a source
offset), so both are reshaped into :class:`PassageGroup` s (a search's in
:mod:`.searching`, a page at a time): plain data that the passages screen lists
and a test can compare.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kbtui.entities.passages import EntityMentions

Target = tuple[str, int]
"""A document id and a source offset."""


@dataclass(frozen=True, slots=True)
class Passage:
    """One passage: where it is and its keyword-in-context line."""

    start: int
    before: str
    match: str
    after: str
    pinyin: bool = False
    """Found by reading the query as pinyin (a search hit :attr:`~kbtui.search.scan.Hit.pinyin`)."""
    variant: str | None = None
    """The regional variant that found it (``軟體 (Taiwan)``, a search hit's ``variant``)."""
    inferred: bool = False
    """A shared name (a bare surname) taken for this entity from its context."""


@dataclass(frozen=True, slots=True)
class PassageGroup:
    """The passages of one document; ``total`` may exceed the passages listed."""

    doc_id: str
    title: str
    total: int
    passages: tuple[Passage, ...]


def mention_groups(
    found: EntityMentions,
    title_of: Callable[[str], str],
    convert: Callable[[str, str], str] | None = None,
) -> list[PassageGroup]:
    """The mentions of an entity as groups for the passages screen.

    ``convert(doc_id, text)``, when given, turns a context line into the
    script the reader shows, so the panel reads like the page.
    """

    def shown(doc_id: str, text: str) -> str:
        return convert(doc_id, text) if convert is not None and text else text

    return [
        PassageGroup(
            group.doc_id,
            title_of(group.doc_id),
            group.count,
            tuple(
                Passage(
                    p.start,
                    shown(group.doc_id, p.context.before),
                    shown(group.doc_id, p.context.match),
                    shown(group.doc_id, p.context.after),
                    inferred=p.inferred,
                )
                for p in group.distinct()
            ),
        )
        for group in found.documents
    ]


@dataclass(frozen=True, slots=True)
class EntityPassages:
    """The passages naming an entity, ready for the mentions panel."""

    name: str
    """The entity's name (for "No other passage names …")."""
    title: str
    """The panel's title, plain text (:func:`kbtui.session.entities.passages_title`)."""
    groups: list[PassageGroup]
