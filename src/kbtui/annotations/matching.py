"""Finding one quote in one text: candidate places, their scores, and which one to take.

The counterpart of the Hypothesis client's ``match-quote.js``, for
:mod:`kbtui.annotations.anchoring`. Every exact occurrence of the quote is
a candidate; approximate occurrences (at most ``len(quote) / 2`` errors,
and no more than :data:`MAX_ERRORS`) join in when no exact one has context
that agrees: first in a window around the old position, then, if nothing
there is convincing, in the whole text.

Each candidate is scored like Hypothesis's: quote similarity (weight 50),
prefix and suffix similarity (20 each) and closeness to the old position
(2), divided by 92, so 1.0 is perfect. Unlike Hypothesis, kbtui may refuse
the best candidate (:meth:`Search.choose`), by these rules, whose constants
the tests justify:

- the score must reach :data:`MIN_SCORE`. An exact, unique occurrence of the
  quote passes on its own (50/92), so a quote that was not touched is found
  even if everything around it was rewritten;
- a candidate that is not exact must also have context that agrees (prefix
  or suffix similarity at least :data:`CONTEXT_AGREES`): a look-alike
  elsewhere, however close, is not the passage;
- a quote of :data:`SHORT_QUOTE` characters or fewer (``的``, ``AI``) is
  never matched approximately, and an exact occurrence must have part of
  its context exactly beside it (:data:`ADJACENT_CHARS` characters on one
  side), since such quotes occur everywhere and a shifted copy of the text
  around them looks similar;
- if a second, separate candidate scores within :data:`AMBIGUITY_MARGIN`
  and the best one's context is weak, kbtui cannot tell them apart, and does
  not guess.

Apart from the anchoring, which knows annotations, because this knows only
strings: a quote, what stood around it, a position hint and a text.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

QUOTE_WEIGHT = 50
PREFIX_WEIGHT = 20
SUFFIX_WEIGHT = 20
POSITION_WEIGHT = 2
_TOTAL_WEIGHT = QUOTE_WEIGHT + PREFIX_WEIGHT + SUFFIX_WEIGHT + POSITION_WEIGHT

MIN_SCORE = 0.54
"""Lowest normalised score that places an annotation.

Just under 50/92 = 0.5435, what an exact, unique quote scores with no context
and the worst closeness; a candidate that is not exact needs its context
too. ``test_anchoring.py::test_min_score_separates_true_from_false_places``
measures both sides.
"""

CONTEXT_AGREES = 0.5
"""Prefix or suffix similarity above which the context is taken to agree.

Text that is not the context scores about 0.1 (two unrelated 32-character
strings share a few characters); half of it intact scores 0.5 or more.
"""

SHORT_QUOTE = 3
"""Quotes this long or shorter are matched exactly, and only beside their context."""

ADJACENT_CHARS = 4
"""How much context must stand exactly beside a short quote."""

AMBIGUITY_MARGIN = 0.05
"""Score lead the best candidate needs over a rival when its context is weak."""

MAX_ERRORS = 256
"""Upper bound on errors in an approximate match (Hypothesis's)."""

WINDOW_CHARS = 512
"""Extra characters searched each side of the old position before the whole text."""

WIDE_SEARCH_CHARS = 200_000
"""At most this much text (around the old position) is searched approximately."""

MAX_EXACT_CANDIDATES = 2_000
"""Exact occurrences scored, the nearest to the old position first."""

FUZZY_PER_REGION = 3
"""Approximate candidates taken from each searched region, best first."""

REFINE_CHARS = 64
"""How far the ends of an approximate match may move in search of its best-scoring span."""


@dataclass(frozen=True, slots=True)
class Candidate:
    """A place the quote might be, with its similarities (each 0..1)."""

    start: int
    end: int
    quote: float
    prefix: float
    suffix: float
    position: float

    @property
    def score(self) -> float:
        """The weighted, normalised score."""
        raw = (
            QUOTE_WEIGHT * self.quote
            + PREFIX_WEIGHT * self.prefix
            + SUFFIX_WEIGHT * self.suffix
            + POSITION_WEIGHT * self.position
        )
        return raw / _TOTAL_WEIGHT

    @property
    def context(self) -> float:
        """How well the better side of the context agrees."""
        return max(self.prefix, self.suffix)

    @property
    def mean_context(self) -> float:
        """How well the context agrees on both sides together."""
        return (self.prefix + self.suffix) / 2

    def overlaps(self, other: Candidate) -> bool:
        """Whether the two spans share text (or are the same empty span)."""
        return (self.start < other.end and other.start < self.end) or self.start == other.start


class Search:
    """One quote looked for in one source, with what is known of its context.

    ``prefix`` or ``suffix`` of ``None`` means nothing is known on that side
    (it then counts as disagreeing); ``""`` means the quote stood at that end
    of the document.
    """

    def __init__(
        self, quote: str, prefix: str | None, suffix: str | None, hint: int, source: str
    ) -> None:
        self.quote = quote
        self.prefix = prefix
        self.suffix = suffix
        self.hint = hint
        self.source = source
        self.short = len(quote) <= SHORT_QUOTE
        self.fuzzy_allowed = not self.short and (prefix is not None or suffix is not None)
        self.max_errors = min(MAX_ERRORS, len(quote) // 2)

    def best(self) -> tuple[Candidate | None, float]:
        """The candidate to place the quote at (or ``None``), and the best score seen."""
        candidates = self.exact_candidates()
        top = max(candidates, key=_score, default=None)
        if self.fuzzy_allowed and (top is None or top.context < CONTEXT_AGREES):
            candidates += [c for c in self.fuzzy_candidates() if not _covered(c, candidates)]
        ranked = sorted(candidates, key=_score, reverse=True)
        best_score = ranked[0].score if ranked else 0.0
        return (self.choose(ranked), best_score)

    def choose(self, ranked: list[Candidate]) -> Candidate | None:
        """Apply the rules of the module docstring to candidates, best first."""
        if not ranked:
            return None
        best = ranked[0]
        if best.score < MIN_SCORE:
            return None
        if best.quote < 1.0 and best.context < CONTEXT_AGREES:
            return None
        if self.short and not self.adjacent(best):
            return None
        rival = next((c for c in ranked[1:] if not c.overlaps(best)), None)
        weak = best.mean_context < CONTEXT_AGREES
        if rival is not None and weak and best.score - rival.score < AMBIGUITY_MARGIN:
            return None
        return best

    # -- candidates ------------------------------------------------------------

    def exact_candidates(self) -> list[Candidate]:
        """Every exact occurrence (the nearest :data:`MAX_EXACT_CANDIDATES`)."""
        starts = list(_occurrences(self.source, self.quote))
        if len(starts) > MAX_EXACT_CANDIDATES:
            starts.sort(key=lambda s: abs(s - self.hint))
            starts = starts[:MAX_EXACT_CANDIDATES]
        return [self.candidate(s, s + len(self.quote), 1.0) for s in starts]

    def fuzzy_candidates(self) -> list[Candidate]:
        """Approximate occurrences near the old position, else in the wider text."""
        n = len(self.source)
        near = (self.hint - WINDOW_CHARS, self.hint + len(self.quote) + WINDOW_CHARS)
        found = self.fuzzy_in(*near)
        if any(c.score >= MIN_SCORE and c.context >= CONTEXT_AGREES for c in found):
            return found
        half = WIDE_SEARCH_CHARS // 2
        wide = (self.hint - half, self.hint + half) if n > WIDE_SEARCH_CHARS else (0, n)
        if max(wide[0], 0) > max(near[0], 0) or min(wide[1], n) > min(near[1], n):
            found += [c for c in self.fuzzy_in(*wide) if not _covered(c, found)]
        return found

    def fuzzy_in(self, lo: int, hi: int) -> list[Candidate]:
        """Up to :data:`FUZZY_PER_REGION` approximate matches in ``source[lo:hi]``."""
        lo, hi = max(0, lo), min(len(self.source), hi)
        text = self.source[lo:hi]
        mask = next(ch for ch in "\x00\x01\x02\ufffe" if ch not in self.quote)
        found: list[Candidate] = []
        for _ in range(FUZZY_PER_REGION):
            span = self.align(text)
            if span is None:
                break
            start, end = span
            best = self.refine(lo + start, lo + end)
            if best is not None:
                found.append(best)
            text = text[:start] + mask * (end - start) + text[end:]
        return found

    def align(self, text: str) -> tuple[int, int] | None:
        """The window of ``text`` of the quote's length that is most like it.

        rapidfuzz's ``partial_ratio_alignment`` finds it in C; :meth:`refine`
        then finds the match's real ends (insertions and deletions change
        its length).
        """
        length = len(self.quote)
        if len(text) <= length:
            return (0, len(text)) if text else None
        cutoff = max(0.0, 100.0 * (1 - self.max_errors / length) - 10)
        from rapidfuzz import fuzz  # here, not at the top: ~35 ms of start-up for moved quotes

        hit = fuzz.partial_ratio_alignment(self.quote, text, score_cutoff=cutoff)
        if hit is None or hit.dest_end <= hit.dest_start:
            return None
        return hit.dest_start, hit.dest_end

    def refine(self, start: int, end: int) -> Candidate | None:
        """The best-scoring span near ``[start, end)``, or ``None`` if none is close enough.

        Where the quote's first or last characters were edited, several
        spans are about as close to it, and the alignment may have strayed
        into the context; the context's own similarity, which peaks at the
        true ends, decides. Each end is moved in turn (end, start, end again)
        within the error budget (at most :data:`REFINE_CHARS`).
        """
        reach = min(self.max_errors, REFINE_CHARS) + 1
        best = self.scored(start, end)
        for move_end in (True, False, True):
            s, e = (best.start, best.end) if best is not None else (start, end)
            if move_end:
                spans = [(s, x) for x in range(max(s + 1, e - reach), e + reach + 1)]
            else:
                spans = [(x, e) for x in range(max(0, s - reach), min(e, s + reach + 1))]
            for c in filter(None, (self.scored(*span) for span in spans)):
                if best is None or c.score > best.score:
                    best = c
        return best

    def scored(self, start: int, end: int) -> Candidate | None:
        """The candidate ``[start, end)`` if it is within the error budget."""
        if not 0 <= start < end <= len(self.source):
            return None
        from rapidfuzz.distance import Levenshtein

        errors = Levenshtein.distance(
            self.quote, self.source[start:end], score_cutoff=self.max_errors
        )
        if errors > self.max_errors:
            return None
        return self.candidate(start, end, 1 - errors / len(self.quote))

    # -- scoring ---------------------------------------------------------------

    def candidate(self, start: int, end: int, quote_similarity: float) -> Candidate:
        """Score the span ``[start, end)`` of the source."""
        distance = abs(start - self.hint) / max(1, len(self.source))
        return Candidate(
            start=start,
            end=end,
            quote=quote_similarity,
            prefix=self.context_similarity(self.prefix, start, before=True),
            suffix=self.context_similarity(self.suffix, end, before=False),
            position=1.0 - min(1.0, distance),
        )

    def context_similarity(self, stored: str | None, at: int, *, before: bool) -> float:
        """How much the text beside ``at`` resembles the stored prefix or suffix."""
        if stored is None:
            return 0.0
        if not stored:  # the quote stood at the start (or end) of the document
            return 1.0 if at == (0 if before else len(self.source)) else 0.0
        if before:
            actual = self.source[max(0, at - len(stored)) : at]
        else:
            actual = self.source[at : at + len(stored)]
        from rapidfuzz import fuzz

        return fuzz.ratio(stored, actual) / 100.0

    def adjacent(self, c: Candidate) -> bool:
        """Whether some context stands exactly beside the candidate, on either side."""
        return self._adjacent(self.prefix, c.start, before=True) or self._adjacent(
            self.suffix, c.end, before=False
        )

    def _adjacent(self, stored: str | None, at: int, *, before: bool) -> bool:
        if stored is None:
            return False
        if not stored:
            return at == (0 if before else len(self.source))
        k = min(ADJACENT_CHARS, len(stored))
        if before:
            return at >= k and self.source[at - k : at] == stored[-k:]
        return self.source[at : at + k] == stored[:k]


def _score(c: Candidate) -> float:
    return c.score


def _covered(c: Candidate, others: list[Candidate]) -> bool:
    return any(c.overlaps(o) for o in others)


def _occurrences(text: str, needle: str) -> Iterator[int]:
    """Start offsets of ``needle`` in ``text``, overlapping ones included."""
    pos = text.find(needle)
    while pos >= 0:
        yield pos
        pos = text.find(needle, pos + 1)
