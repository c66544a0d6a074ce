"""Re-anchoring: examples of each rule, the threshold's justification, and properties.

The properties edit random mixed-script text at random and follow where the
quote went; an annotation must land exactly there, or on an identical copy
the test put in, or be an orphan. Never anywhere else.
"""

from __future__ import annotations

import os
import random
import string
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from kbtui.annotations.anchoring import AnchorResult, anchor, anchor_all
from kbtui.annotations.matching import MIN_SCORE, SHORT_QUOTE, Search
from kbtui.annotations.model import AnchorState, Annotation, Kind
from kbtui.documents.model import source_hash

CJK = [chr(c) for c in range(0x4E00, 0x9FA6)]
LATIN = list(string.ascii_letters + string.digits + " ,.;:'()-")
PUNCTUATION = list("，。、！？「」：；（）\n")


def random_text(rng: random.Random, n: int) -> str:
    """Mixed text: mostly Han characters, some Latin, some punctuation."""
    out = []
    for _ in range(n):
        r = rng.random()
        pool = CJK if r < 0.65 else LATIN if r < 0.92 else PUNCTUATION
        out.append(rng.choice(pool))
    return "".join(out)


def annotate(source: str, start: int, end: int, **kw: object) -> Annotation:
    return Annotation.from_source("d", source, start, end, text_hash=source_hash(source), **kw)


def place(a: Annotation, source: str) -> tuple[int, int, AnchorState]:
    r = anchor(a, source)
    return r.start, r.end, r.state


TEXT = random_text(random.Random(7), 600)


# -- examples --------------------------------------------------------------------


def test_unchanged_document_is_exact_with_full_score() -> None:
    a = annotate(TEXT, 100, 120)
    assert anchor(a, TEXT) == AnchorResult(100, 120, AnchorState.EXACT, 1.0)


def test_quote_at_its_offsets_after_an_edit_elsewhere_is_exact() -> None:
    a = annotate(TEXT, 100, 120)
    edited = TEXT[:400] + "新加的一句话。" + TEXT[400:]
    assert place(a, edited) == (100, 120, AnchorState.EXACT)


def test_text_inserted_before_moves_the_annotation() -> None:
    a = annotate(TEXT, 100, 120)
    edited = "前言：这是新加的一段。\n" * 3 + TEXT
    shift = len("前言：这是新加的一段。\n") * 3
    assert place(a, edited) == (100 + shift, 120 + shift, AnchorState.MOVED)


def test_edit_inside_the_quote_is_found_approximately() -> None:
    a = annotate(TEXT, 100, 140)
    edited = TEXT[:110] + "改动" + TEXT[113:]
    r = anchor(a, edited)
    assert (r.start, r.end, r.state) == (100, 139, AnchorState.MOVED)
    assert MIN_SCORE <= r.score < 1.0


def test_deleted_quote_is_an_orphan_that_keeps_its_offsets() -> None:
    a = annotate(TEXT, 100, 140)
    r = anchor(a, TEXT[:100] + TEXT[140:])
    assert (r.start, r.end, r.state) == (100, 140, AnchorState.ORPHAN)


def test_empty_document_orphans_everything() -> None:
    assert anchor(annotate(TEXT, 5, 9), "").state == AnchorState.ORPHAN


def test_duplicate_quote_goes_where_its_context_is_not_where_it_is_nearest() -> None:
    quote = "Anthropic 的使命"
    source = "甲" * 50 + quote + "乙" * 50 + quote + "丙" * 50
    second = 50 + len(quote) + 50
    a = annotate(source, second, second + len(quote))
    shift = second - 50
    edited = "丁" * shift + source  # now the first copy stands where the second was
    assert edited[second : second + len(quote)] == quote
    r = anchor(a, edited)
    assert (r.start, r.state) == (second + shift, AnchorState.MOVED)


def test_identical_copies_without_context_are_not_guessed_between() -> None:
    quote = "同样的一句话出现了两次"
    source = random_text(random.Random(1), 100) + quote + random_text(random.Random(2), 100)
    a = annotate(source, 100, 100 + len(quote))
    fresh = random_text(random.Random(3), 300)
    edited = fresh[:80] + quote + fresh[80:200] + quote + fresh[200:]
    assert anchor(a, edited).state == AnchorState.ORPHAN


def test_look_alike_elsewhere_without_context_is_not_taken() -> None:
    quote = TEXT[100:140]
    a = annotate(TEXT, 100, 140)
    look_alike = quote[:18] + "不" + quote[19:]  # one character different
    rest = random_text(random.Random(11), 600)
    r = anchor(a, rest[:300] + look_alike + rest[300:])
    assert r.state == AnchorState.ORPHAN


def test_edited_original_beats_an_exact_copy_with_foreign_context() -> None:
    a = annotate(TEXT, 100, 140)
    quote = TEXT[100:140]
    edited = TEXT[:110] + "X" + TEXT[111:500] + quote + TEXT[500:]
    r = anchor(a, edited)
    assert (r.start, r.end) == (100, 140)
    assert r.state == AnchorState.MOVED  # not exact: one character changed


def test_untouched_quote_is_found_even_when_all_its_context_changed() -> None:
    a = annotate(TEXT, 100, 130)
    other = random_text(random.Random(5), 600)
    edited = other[:250] + TEXT[100:130] + other[250:]
    assert place(a, edited) == (250, 280, AnchorState.MOVED)


@pytest.mark.parametrize("quote", ["的", "AI", "公司"])
def test_short_quote_follows_its_context(quote: str) -> None:
    source = "这是" + "，".join(["另一个" + quote + "例子"] * 5) + "。开头" + quote + "结尾。"
    start = source.index("开头") + 2
    a = annotate(source, start, start + len(quote))
    edited = "插入" + source
    assert place(a, edited) == (start + 2, start + 2 + len(quote), AnchorState.MOVED)


def test_short_quote_without_its_context_is_an_orphan() -> None:
    source = "甲乙丙丁的戊己庚辛" + "的" * 3
    a = annotate(source, 4, 5)
    edited = "子丑寅卯" + "的" + "辰巳午未" + "的" * 3
    assert anchor(a, edited).state == AnchorState.ORPHAN


def test_short_quote_never_matches_approximately() -> None:
    source = "前文前文前文的后文后文后文"
    a = annotate(source, 6, 7)
    assert anchor(a, source.replace("的", "地")).state == AnchorState.ORPHAN


def test_bookmark_between_characters_moves_with_the_text() -> None:
    a = annotate(TEXT, 200, 200, kind=Kind.BOOKMARK)
    assert a.quote == ""
    assert anchor(a, TEXT) == AnchorResult(200, 200, AnchorState.EXACT, 1.0)
    assert place(a, "新" * 7 + TEXT) == (207, 207, AnchorState.MOVED)
    edited = "新" * 7 + TEXT[:195] + "改" + TEXT[196:]  # its prefix touched
    assert place(a, edited) == (207, 207, AnchorState.MOVED)
    assert anchor(a, random_text(random.Random(9), 600)).state == AnchorState.ORPHAN


def test_anchor_all_hashes_once_and_keeps_order() -> None:
    annotations = [annotate(TEXT, s, s + 10) for s in (300, 10, 150)]
    results = anchor_all(annotations, "前" + TEXT)
    assert [r.start for r in results] == [301, 11, 151]


def test_imported_annotation_with_no_position_is_found_by_its_quote() -> None:
    a = Annotation(doc_id="d", start=0, end=0, quote=TEXT[300:320], anchor=AnchorState.ORPHAN)
    assert place(a, TEXT) == (300, 320, AnchorState.MOVED)


# -- the threshold -----------------------------------------------------------------


def test_min_score_separates_true_from_false_places() -> None:
    """MIN_SCORE sits between what kbtui must accept and what it must not.

    Must accept: an untouched quote whose whole context was rewritten (the
    weakest true placement: 50/92 plus closeness), and an edited quote with
    its context. Must not: the best approximate "match" of a quote that is
    not in the text at all, which is all a random place can offer.
    """
    rng = random.Random(2024)
    true_scores, false_scores = [], []
    for _ in range(150):
        text = random_text(rng, 2000)
        n = rng.randint(4, 60)
        at = rng.randint(200, 1700)
        quote = text[at : at + n]
        a = annotate(text, at, at + n)
        rewritten = random_text(rng, at) + quote + random_text(rng, 2000 - at - n)
        true_scores.append(_chosen_score(a, rewritten, (at, at + n)))
        errors = max(1, n // 4)
        edited = list(text)
        for i in rng.sample(range(at, at + n), errors):
            edited[i] = rng.choice(CJK)
        true_scores.append(_chosen_score(a, "".join(edited), (at, at + n)))
        stranger = random_text(rng, n)
        _, best = Search(stranger, a.prefix, a.suffix, at, text).best()
        false_scores.append(best)
    assert max(false_scores) < MIN_SCORE <= min(true_scores)


def _chosen_score(a: Annotation, source: str, expected: tuple[int, int]) -> float:
    r = anchor(a, source)
    assert (r.start, r.end) == expected, r
    return r.score


# -- properties --------------------------------------------------------------------


@dataclass
class Tracked:
    """A text being edited and where the quote went, edit by edit."""

    text: str
    start: int
    end: int
    touched: bool = False

    def insert(self, at: int, new: str) -> None:
        self.text = self.text[:at] + new + self.text[at:]
        if at <= self.start:
            self.start += len(new)
            self.end += len(new)
        elif at < self.end:
            self.end += len(new)
            self.touched = True

    def delete(self, lo: int, hi: int) -> None:
        self.text = self.text[:lo] + self.text[hi:]
        before = max(0, min(hi, self.start) - lo)
        inside = max(0, min(hi, self.end) - max(lo, self.start))
        self.touched = self.touched or inside > 0
        self.start -= before
        self.end -= before + inside

    def replace(self, lo: int, hi: int, new: str) -> None:
        overlaps = lo < self.end and self.start < hi
        self.delete(lo, hi)
        if overlaps and self.start <= lo <= self.end:
            self.text = self.text[:lo] + new + self.text[lo:]
            self.end += len(new)
            self.touched = True
        else:
            self.insert(lo, new)


@st.composite
def edits(draw: st.DrawFn, *, inside: bool) -> list[tuple[str, str, int, int, int]]:
    """Abstract edits: (kind, where, distance or offset, length, text seed)."""
    where = st.sampled_from(["before", "after", "inside"] if inside else ["before", "after"])
    one = st.tuples(
        st.sampled_from(["insert", "delete", "replace"]),
        where,
        st.one_of(st.integers(0, 40), st.integers(0, 5000)),  # near the quote, or anywhere
        st.one_of(st.integers(1, 12), st.integers(1, 400)),
        st.integers(0, 2**32 - 1),
    )
    return draw(st.lists(one, min_size=1, max_size=6))


def apply(t: Tracked, edit: tuple[str, str, int, int, int], quote: str) -> None:
    """Apply one abstract edit; its new text has none of the quote's characters,
    so an edit does not make a second copy of the quote (that has its own test)."""
    kind, where, offset, length, seed = edit
    new = "".join(c for c in random_text(random.Random(seed), length) if c not in quote)
    n = len(t.text)
    if where == "inside":
        if t.end - t.start < 1:
            return
        lo = t.start + offset % (t.end - t.start)
        if kind == "insert":
            if lo == t.start:
                return  # that would be before the quote, not in it
            t.insert(lo, new)
        else:
            hi = min(n, lo + max(1, length % 8))
            (t.delete(lo, hi) if kind == "delete" else t.replace(lo, hi, new))
    elif where == "before":
        hi = max(0, t.start - offset % (t.start + 1))
        lo = max(0, hi - length)
        t.insert(hi, new) if kind == "insert" else _cut(t, kind, lo, hi, new)
    else:
        lo = min(n, t.end + offset % (n - t.end + 1))
        hi = min(n, lo + length)
        t.insert(lo, new) if kind == "insert" else _cut(t, kind, lo, hi, new)


def _cut(t: Tracked, kind: str, lo: int, hi: int, new: str) -> None:
    if hi > lo:
        t.delete(lo, hi) if kind == "delete" else t.replace(lo, hi, new)


@st.composite
def scenarios(draw: st.DrawFn, *, inside: bool) -> tuple[Annotation, Tracked]:
    rng = random.Random(draw(st.integers(0, 2**32 - 1)))
    source = random_text(rng, draw(st.integers(10, 3000)))
    length = draw(st.integers(1, min(80, len(source))))
    start = draw(st.integers(0, len(source) - length))
    end = start + length
    # If the character after the quote is its first (or the one before it its
    # last), deleting the quote cannot be told from deleting the same text one
    # place on: both leave the same string, so there is no one true place.
    assume(source[end : end + 1] != source[start] and source[start - 1 : start] != source[end - 1])
    # Edits inside the quote may delete it and leave another copy of it where
    # it stood, with the same context: nothing can tell that copy from it.
    assume(not inside or _count(source, source[start:end]) == 1)
    a = annotate(source, start, end)
    tracked = Tracked(source, start, end)
    for edit in draw(edits(inside=inside)):
        apply(tracked, edit, a.quote)
    assume(_count(tracked.text, a.quote) <= _count(source, a.quote))  # a deletion joined one
    return a, tracked


def _count(text: str, needle: str) -> int:
    return sum(1 for i in range(len(text)) if text.startswith(needle, i))


PROPERTY_SETTINGS = settings(
    max_examples=int(os.environ.get("KBTUI_PROPERTY_EXAMPLES", "300")),  # more for a deep run
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@PROPERTY_SETTINGS
@given(scenarios(inside=False))
def test_edits_elsewhere_never_misplace_and_keep_untouched_quotes(
    case: tuple[Annotation, Tracked],
) -> None:
    a, t = case
    assert not t.touched
    r = anchor(a, t.text)
    if r.state == AnchorState.ORPHAN:
        assert len(a.quote) <= SHORT_QUOTE, "an untouched quote must be found"
        assert (r.start, r.end) == (a.start, a.end)
        return
    assert (r.start, r.end) == (t.start, t.end)
    assert t.text[r.start : r.end] == a.quote
    expected = AnchorState.EXACT if (r.start, r.end) == (a.start, a.end) else AnchorState.MOVED
    assert r.state == expected


@PROPERTY_SETTINGS
@given(scenarios(inside=True))
def test_edits_inside_the_quote_never_misplace(case: tuple[Annotation, Tracked]) -> None:
    a, t = case
    r = anchor(a, t.text)
    if r.state == AnchorState.ORPHAN:
        assert (r.start, r.end) == (a.start, a.end)
        return
    if not t.touched:
        assert (r.start, r.end) == (t.start, t.end)
        return
    assert t.end > t.start, "nothing is left of the quote, so there is nowhere to be"
    assert r.start < t.end and t.start < r.end, "must overlap where the quote went"
    slack = len(a.quote) // 2 + 1  # an edit at its edge may or may not belong to it
    assert t.start - slack <= r.start and r.end <= t.end + slack, "must stay within it"
    assert r.state == AnchorState.MOVED or t.text[r.start : r.end] == a.quote


@PROPERTY_SETTINGS
@given(scenarios(inside=True), st.integers(0, 10**9), st.integers(0, 2**32 - 1))
def test_a_copy_of_the_quote_elsewhere_is_the_only_other_place_allowed(
    case: tuple[Annotation, Tracked], where: int, seed: int
) -> None:
    a, t = case
    at = where % (len(t.text) + 1)
    if t.start < at < t.end:
        at = t.end
    pad = [c for c in random_text(random.Random(seed), 12) if c not in a.quote]
    assume(len(pad) >= 6)
    copy = "".join(pad[:3]) + a.quote + "".join(pad[3:6])
    t.insert(at, copy)
    copy_span = (at + 3, at + 3 + len(a.quote))
    r = anchor(a, t.text)
    if r.state == AnchorState.ORPHAN or (r.start, r.end) == copy_span:
        return
    if not t.touched:
        assert (r.start, r.end) == (t.start, t.end)
    else:
        assert r.start < t.end and t.start < r.end
