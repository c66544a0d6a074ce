"""Matching rules on small made-up matchers: any names against brute force, and the triggers."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

import kbtui.entities.variants as variants_module
from kbtui.entities.matcher import Matcher, is_word_char
from kbtui.scripts.hanzi import fold


def test_a_name_spelled_with_a_trigger_keeps_the_trigger_search() -> None:
    keys = ["ας", "ab"]  # ς folds to itself but lower-casing Σ gives it: a trigger
    assert variants_module.Variants.build(keys).finds_triggers is False
    assert variants_module.Variants.build(["ab"]).finds_triggers is True
    small = Matcher({key: key for key in keys})
    for text in ("ας ab", "ab ΑΣ", "abc ab"):
        assert small.find(text) == small.find_folded(text)
    assert [small.keys[i] for _, _, i in small.find("ας ab")] == ["ας", "ab"]


def test_letters_lower_casing_changes_are_matched_lower_cased() -> None:
    # É, Cyrillic capitals and the Kelvin sign (a word character once lower-cased)
    small = Matcher({"éclair": "e", "дарио": "d", "ab": "ab"})
    assert small._variants.finds_triggers is True  # the fast way, not folding
    text = "ÉCLAIR和ДАРИО, ab\u212a ab"
    assert [text[start:end] for start, end, _ in small.find(text)] == ["ÉCLAIR", "ДАРИО", "ab"]
    assert small.find(text) == small.find_folded(text)


_KEYS = ["ab", "abc", "b c", "bc", "达里", "达里奥", "里奥·x", "c-1", "奥a", "x达"]
_ALPHABET = "abcABCＡ 1-·・达達里裏奥奧xéÉ\u2003ςΣ\u212a"


def _oracle(keys: list[str], text: str) -> list[tuple[int, int, str]]:
    """Leftmost-longest over every valid occurrence, by brute force."""
    folded, found, at = fold(text), [], 0
    while at < len(folded):
        best = None
        for key in keys:
            end = at + len(key)
            if folded.startswith(key, at) and _bounded_ok(folded, at, end, key):
                best = key if best is None or len(key) > len(best) else best
        if best:
            found.append((at, at + len(best), best))
            at += len(best)
        else:
            at += 1
    return found


def _bounded_ok(folded: str, start: int, end: int, key: str) -> bool:
    if is_word_char(key[0]) and start > 0 and is_word_char(folded[start - 1]):
        return False
    return not (is_word_char(key[-1]) and end < len(folded) and is_word_char(folded[end]))


_SMALL = Matcher({key: key for key in _KEYS})


@settings(max_examples=400, deadline=None)
@given(st.text(_ALPHABET, max_size=40))
def test_matcher_equals_brute_force(text: str) -> None:
    got = [(s, e, _SMALL.keys[i]) for s, e, i in _SMALL.find(text)]
    assert got == _oracle(_KEYS, text)
    assert _SMALL.find(text) == _SMALL.find_folded(text)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.text(_ALPHABET, min_size=1, max_size=4), min_size=1, max_size=6),
    st.text(_ALPHABET, max_size=40),
)
def test_any_names_are_found_as_brute_force_finds_them(names: list[str], text: str) -> None:
    matcher = Matcher({name: name for name in names})
    got = [(s, e, matcher.keys[i]) for s, e, i in matcher.find(text)]
    assert got == _oracle(matcher.keys, text)
    assert matcher.find(text) == matcher.find_folded(text)
