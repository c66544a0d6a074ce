"""What the review queue shows and does for one re-anchored annotation, as pure functions.

Re-anchoring (:mod:`kbtui.annotations.anchoring`) places an annotation whose
document changed wherever its quote and context fit best, and scores the
place; it never asks. The review queue asks about the doubtful ones
(:func:`needs_review`): the user sees the text the annotation was made on
beside a candidate passage of the current text, the differences marked
(:func:`differences`), and the score; may go through further candidates
(:func:`candidates`); and accepts one (:func:`accepted`), which makes the
annotation exact again. The session (:mod:`kbtui.session.review`) keeps the
queue and writes through the store.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from kbtui.annotations.anchoring import anchor
from kbtui.annotations.matching import Candidate, Search
from kbtui.annotations.model import AnchorState, Annotation
from kbtui.documents.model import source_hash

REVIEW_THRESHOLD = 0.9
"""Scores under this send a moved annotation to the review queue.

Chosen from the scores of :class:`~kbtui.annotations.matching.Candidate`
(quote 50, prefix 20, suffix 20, position 2, out of 92): a quote moved
intact with its context, or with one character in ten edited, scores 0.95 or
more and is not asked about; a fifth of the quote rewritten (0.89), or one
side of its context rewritten (about 0.78), is. Orphans are always asked about.
"""

MAX_CANDIDATES = 8
"""How many places :func:`candidates` offers, best first."""

_TOKEN = re.compile(r"[0-9A-Za-z\u00c0-\u024f]+|\s+|.", re.DOTALL)
"""A Latin word (or number) is one token; any other character, a CJK one included, is one."""


def needs_review(annotation: Annotation, threshold: float = REVIEW_THRESHOLD) -> bool:
    """Whether the user should confirm where ``annotation`` stands: an orphan, or moved
    with a score under ``threshold`` (an annotation moved before scores existed counts
    as doubtful)."""
    if annotation.anchor == AnchorState.ORPHAN:
        return True
    if annotation.anchor != AnchorState.MOVED:
        return False
    return annotation.score is None or annotation.score < threshold


@dataclass(frozen=True, slots=True)
class Passage:
    """A span of text with what stands either side of it, as the queue shows it."""

    prefix: str
    text: str
    suffix: str

    @classmethod
    def stored(cls, annotation: Annotation) -> Passage:
        """The text the annotation was made on (its quote selector)."""
        return cls(annotation.prefix, annotation.quote, annotation.suffix)

    @classmethod
    def at(cls, source: str, start: int, end: int, context: int) -> Passage:
        """``source[start:end]`` with ``context`` characters either side."""
        return cls(
            source[max(0, start - context) : start], source[start:end], source[end:][:context]
        )


@dataclass(frozen=True, slots=True)
class Placement:
    """A place the annotation could take in the current text, and how well it fits."""

    start: int
    end: int
    score: float
    passage: Passage


def candidates(before: Annotation, source: str, limit: int = MAX_CANDIDATES) -> list[Placement]:
    """Places for ``before`` (the annotation as made) in ``source``, best first.

    Every exact occurrence of the quote and the best approximate ones
    (:class:`~kbtui.annotations.matching.Search`, without its refusals: the
    user decides), none overlapping a better one. A bookmark, which quotes
    nothing, has at most the place its context gives it.
    """
    context = max(len(before.prefix), len(before.suffix))
    if not before.quote:
        result = anchor(before, source)
        if result.state == AnchorState.ORPHAN:
            return []
        passage = Passage.at(source, result.start, result.end, context)
        return [Placement(result.start, result.end, result.score, passage)]
    search = Search(before.quote, before.prefix, before.suffix, before.start, source)
    found = search.exact_candidates()
    if search.fuzzy_allowed:
        found += search.fuzzy_candidates()
    kept: list[Candidate] = []
    for c in sorted(found, key=lambda c: c.score, reverse=True):
        if not any(c.overlaps(k) for k in kept):
            kept.append(c)
    return [
        Placement(c.start, c.end, c.score, Passage.at(source, c.start, c.end, context))
        for c in kept[:limit]
    ]


def accepted(annotation: Annotation, source: str, start: int, end: int) -> Annotation:
    """``annotation`` placed at ``source[start:end]`` by the user: exact, score 1.

    The quote, prefix, suffix and text hash are taken from the current text,
    so the next re-anchoring finds it where it is; id, note, tags, colour and
    kind are kept.
    """
    fresh = Annotation.from_source(annotation.doc_id, source, start, end)
    return replace(
        annotation,
        start=start,
        end=end,
        quote=fresh.quote,
        prefix=fresh.prefix,
        suffix=fresh.suffix,
        text_hash=source_hash(source),
        anchor=AnchorState.EXACT,
        score=1.0,
    )


Piece = tuple[str, str]
"""A run of text and how it differs: ``"same"``, ``"gone"`` (only before) or ``"new"``
(only now)."""


def differences(before: str, now: str) -> tuple[list[Piece], list[Piece]]:
    """``before`` and ``now`` cut into pieces that are the same or differ.

    Compared token by token (:data:`_TOKEN`): a Chinese or Japanese text by
    character, as its words have no spaces between them, a Latin one by word,
    so a changed letter marks its word rather than a scatter of letters.
    """
    import difflib  # with the review screen, not at start-up

    old_tokens, new_tokens = _TOKEN.findall(before), _TOKEN.findall(now)
    matcher = difflib.SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
    old_pieces: list[Piece] = []
    new_pieces: list[Piece] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        old_text, new_text = "".join(old_tokens[i1:i2]), "".join(new_tokens[j1:j2])
        if tag == "equal":
            old_pieces.append(("same", old_text))
            new_pieces.append(("same", new_text))
            continue
        if old_text:
            old_pieces.append(("gone", old_text))
        if new_text:
            new_pieces.append(("new", new_text))
    return old_pieces, new_pieces
