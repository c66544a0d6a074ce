"""Finding an annotation's place again after its document changed.

An annotation remembers its source offsets, the quoted text with up to
:data:`~kbtui.annotations.model.CONTEXT_CHARS` characters of prefix and suffix, and
a hash of the source it was made on. :func:`anchor` places it in the current
source, following the Hypothesis client:

1. the document is unchanged (same hash) and the quote is at its offsets:
   done, :attr:`~kbtui.annotations.model.AnchorState.EXACT`;
2. otherwise the quote is looked for, exactly and then approximately, and
   the best candidate is taken if it is convincing
   (:mod:`kbtui.annotations.matching` has the scores and the rules);
3. a bookmark, which quotes nothing, is placed by its context alone.

An annotation that cannot be placed confidently is an orphan, shown apart
and never attached to the wrong text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from kbtui.annotations.matching import Candidate, Search
from kbtui.annotations.model import AnchorState, Annotation
from kbtui.documents.model import source_hash


@dataclass(frozen=True, slots=True)
class AnchorResult:
    """Where an annotation stands in the current source.

    An orphan keeps its stored offsets. ``score`` is the normalised score of
    the chosen candidate (1.0 when the document is unchanged), or of the
    best rejected one for an orphan (0.0 when there was none).
    """

    start: int
    end: int
    state: AnchorState
    score: float


def anchor(annotation: Annotation, source: str, *, text_hash: str | None = None) -> AnchorResult:
    """Place ``annotation`` in ``source`` (pass ``text_hash`` if already known)."""
    a = annotation
    if text_hash is None:
        text_hash = source_hash(source)
    unchanged = a.text_hash == text_hash and 0 <= a.start <= a.end <= len(source)
    if unchanged and source[a.start : a.end] == a.quote:
        return AnchorResult(a.start, a.end, AnchorState.EXACT, 1.0)
    if not a.quote:
        return _anchor_point(a, source)
    best = Search(a.quote, a.prefix, a.suffix, a.start, source).best()
    return _result(a, best)


def anchor_all(
    annotations: Iterable[Annotation], source: str, *, text_hash: str | None = None
) -> list[AnchorResult]:
    """Place each annotation of one document (hashing the source once, if at all)."""
    if text_hash is None:
        text_hash = source_hash(source)
    return [anchor(a, source, text_hash=text_hash) for a in annotations]


def _result(a: Annotation, found: tuple[Candidate | None, float]) -> AnchorResult:
    chosen, score = found
    if chosen is None:
        return AnchorResult(a.start, a.end, AnchorState.ORPHAN, score)
    same = (chosen.start, chosen.end) == (a.start, a.end)
    state = AnchorState.EXACT if same and chosen.quote == 1.0 else AnchorState.MOVED
    return AnchorResult(chosen.start, chosen.end, state, chosen.score)


def _anchor_point(a: Annotation, source: str) -> AnchorResult:
    """Place an annotation with no quote (a bookmark between two characters).

    Its context is the evidence: first the prefix and suffix together,
    exactly; then the prefix as a quote with the suffix as its context (the
    point is where the match ends); then the suffix with the prefix as its
    context (the point is where it starts).
    """
    before = a.start - len(a.prefix)
    attempts: tuple[tuple[Search, Callable[[Candidate], int], bool], ...] = (
        (
            Search(a.prefix + a.suffix, None, None, before, source),
            lambda c: c.start + len(a.prefix),
            True,
        ),
        (Search(a.prefix, None, a.suffix, before, source), lambda c: c.end, False),
        (Search(a.suffix, a.prefix, None, a.start, source), lambda c: c.start, False),
    )
    best_rejected = 0.0
    for search, point_of, exact_only in attempts:
        if not search.quote:
            continue
        chosen, score = search.best()
        if chosen is None or (exact_only and chosen.quote < 1.0):
            best_rejected = max(best_rejected, score)
            continue
        point = point_of(chosen)
        state = AnchorState.EXACT if point == a.start else AnchorState.MOVED
        return AnchorResult(point, point, state, chosen.score)
    return AnchorResult(a.start, a.end, AnchorState.ORPHAN, best_rejected)


def placed(a: Annotation, result: AnchorResult, source: str, text_hash: str) -> Annotation:
    """``a`` as it stands after :func:`anchor` gave ``result`` in ``source``."""
    if result.state == AnchorState.ORPHAN:
        return replace(a, anchor=AnchorState.ORPHAN, score=result.score)
    if a.text_hash == text_hash and (result.start, result.end) == (a.start, a.end):
        if a.anchor != AnchorState.ORPHAN:
            return a  # unchanged document: nothing to record
        return replace(a, anchor=result.state, score=result.score)  # its text came back
    fresh = Annotation.from_source(a.doc_id, source, result.start, result.end)
    return replace(
        a,
        start=result.start,
        end=result.end,
        quote=fresh.quote,
        prefix=fresh.prefix,
        suffix=fresh.suffix,
        text_hash=text_hash,
        anchor=result.state,
        score=result.score,
    )
