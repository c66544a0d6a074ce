"""Coreference of shared names: a bare surname goes to the person the document last named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kbtui.annotations.store import Store
from kbtui.entities.cache import read_cache
from kbtui.entities.coreference import (
    CUE_BEFORE,
    FLAG_BITS,
    KIN,
    PLURAL_AFTER,
    PLURAL_WORDS,
    RELEVANT,
    Correction,
    _plural_cues,
    mention_contexts,
    paragraph_start,
    resolve,
)
from kbtui.entities.entities_file import load_entities_file
from kbtui.entities.mentions import DocStamp, Mention, MentionIndex
from kbtui.entities.passages import entity_mentions
from kbtui.entities.registry import EntityRegistry
from kbtui.session.coreference import mention_corrections, save_correction

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
DOC_004 = "004_6b75a25af0571ee2.txt"
DARIO, DANIELA, RICCARDO, SHARED = "dario amodei", "daniela amodei", "riccardo amodei", "?amodei"


@pytest.fixture(scope="module")
def registry() -> EntityRegistry:
    """The sample corpus's entities: Amodei is shared by Dario, Daniela and Riccardo."""
    return EntityRegistry.for_corpus(load_entities_file(CORPUS))


def _who(registry: EntityRegistry, text: str) -> list[tuple[str, str, bool]]:
    """``(spelling, entity id, inferred)`` of every mention in ``text``."""
    index = MentionIndex.from_documents(registry, [("doc", text)])
    return [(text[m.start : m.end], m.entity_id, m.inferred) for m in index.mentions_in("doc")]


def _surnames(registry: EntityRegistry, text: str) -> list[str]:
    """Who each bare ``Amodei`` of ``text`` is."""
    return [eid for spelling, eid, _ in _who(registry, text) if spelling == "Amodei"]


def test_004_gives_dario_his_surname(registry: EntityRegistry) -> None:
    text = (CORPUS / DOC_004).read_text("utf-8")
    index = MentionIndex.from_documents(registry, [(DOC_004, text)])
    found = entity_mentions(index, DARIO, {DOC_004: text}.__getitem__)
    [group] = found.documents
    assert group.count >= 45 and group.inferred == group.count - 2  # two full names
    assert all(text[p.start : p.end] == "Amodei" for p in group.passages if p.inferred)
    # Riccardo is named twice as "the father", Daniela once as "the sister": no antecedents
    assert dict(index.documents_for(RICCARDO)) == {DOC_004: 2}
    assert dict(index.documents_for(DANIELA)) == {DOC_004: 1}
    assert index.documents_for(SHARED) == []


def test_surname_goes_to_the_last_one_named(registry: EntityRegistry) -> None:
    text = (
        "Dario Amodei创立了Anthropic。Amodei说道。\n\n"
        "Daniela Amodei负责运营。\n\nAmodei表示同意。\n\n达里奥认为不然。Amodei很坚定。"
    )
    assert _surnames(registry, text) == [DARIO, DANIELA, DARIO]
    assert all(inferred for spelling, _, inferred in _who(registry, text) if spelling == "Amodei")
    assert not any(
        inferred for spelling, _, inferred in _who(registry, text) if "Amodei " in spelling
    )


def test_surname_before_any_full_name_stays_ambiguous(registry: EntityRegistry) -> None:
    text = "Amodei接受了采访。\n\nDario Amodei是CEO。Amodei说。"
    assert _surnames(registry, text) == [SHARED, DARIO]


def test_two_amodeis_named_in_one_paragraph_leave_it_ambiguous(registry: EntityRegistry) -> None:
    text = (
        "Dario Amodei and Daniela Amodei left OpenAI in 2020. Amodei said it was time.\n\n"
        "Amodei still says so.\n\nDaniela runs the company. Amodei agrees."
    )
    assert _surnames(registry, text) == [SHARED, SHARED, DANIELA]


def test_a_paragraph_is_not_a_hard_wrapped_line(registry: EntityRegistry) -> None:
    text = "Dario Amodei and his co-founder\nDaniela Amodei left OpenAI. Amodei said so."
    assert _surnames(registry, text) == [SHARED]


def test_surname_after_the_sisters_stays_ambiguous(registry: EntityRegistry) -> None:
    text = (
        "Dario Amodei joined OpenAI in 2016.\n\n"
        "The sisters and brothers of the lab followed. Amodei said nothing.\n\n"
        "Dario Amodei spoke later. Amodei smiled."
    )
    assert _surnames(registry, text) == [SHARED, DARIO]


@pytest.mark.parametrize(
    "text",
    [
        "Dario Amodei创业了。Amodei兄妹一起离开了OpenAI。",
        "Dario Amodei创业了。两人一起离开了OpenAI，Amodei说。",
        "Dario Amodei left. The Amodeis founded Anthropic; Amodei said so.",
        "Dario Amodei left. The Amodei siblings founded Anthropic.",
    ],
)
def test_plural_context_stays_ambiguous(registry: EntityRegistry, text: str) -> None:
    assert _surnames(registry, text) == [SHARED]


def test_a_relative_is_no_antecedent(registry: EntityRegistry) -> None:
    text = "Dario Amodei生于旧金山。父亲Riccardo Amodei是皮匠。Amodei的妹妹Daniela也在。Amodei说。"
    assert _surnames(registry, text) == [DARIO, DARIO]
    assert [eid for _, eid, _ in _who(registry, text)][1] == RICCARDO


def test_contexts_carry_paragraph_and_flags() -> None:
    text = "父亲Riccardo Amodei\n\n两人说Amodei兄妹"
    at = text.rindex("Amodei")
    mentions = [(0, 2, 17), (1, at, at + 6)]
    first, second = mention_contexts(text, 2, mentions)
    assert first == RELEVANT | KIN  # paragraph 0
    assert second >> FLAG_BITS == text.index("两") and second & CUE_BEFORE and second & PLURAL_AFTER
    assert mention_contexts(text, 2, mentions[1:])[0] == 0  # only relevant ones
    assert mention_contexts(text, 2, mentions, lowered=text.lower()) == mention_contexts(
        text, 2, mentions
    )


def test_paragraphs_end_at_blank_lines_and_sentence_ends() -> None:
    text = "One line\nwrapped.\nNext one\n\n  Third"
    assert paragraph_start(text, text.index("wrapped")) == 0
    assert paragraph_start(text, text.index("Next")) == text.index("Next")
    assert paragraph_start(text, text.index("Third")) == text.index("  Third")


def _paragraph_start_alone(text: str, offset: int) -> int:
    """The paragraph start by looking back from ``offset`` to the text's start."""
    for newline in range(min(offset, len(text)) - 1, -1, -1):
        if text[newline] == "\n":
            before = text[:newline].rstrip(" \t\u3000\r")
            if not before or before[-1] in "。！？!?.…」』”\"'\n":
                return newline + 1
    return 0


@settings(max_examples=300, deadline=None)
@given(st.text(" \t\r\n。a.", max_size=40), st.lists(st.integers(0, 40), max_size=6))
def test_paragraphs_asked_in_order_equal_paragraphs_asked_alone(
    text: str, offsets: list[int]
) -> None:
    since = known = 0
    for offset in sorted(min(o, len(text)) for o in offsets):
        known = paragraph_start(text, offset, since, known)
        assert known == _paragraph_start_alone(text, offset) == paragraph_start(text, offset)
        since = offset


_WORDS = ["兄妹", "两人", "siblings", "the pair", "俩"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([*_WORDS, "x", " ", "達", "😀", "\ud800", "é", "人"]), max_size=12))
def test_plural_cues_are_every_bounded_occurrence(parts: list[str]) -> None:
    text = "".join(parts)
    expected = sorted(
        at
        for word in PLURAL_WORDS
        for at in range(len(text))
        if text.startswith(word, at)
        and (not word.isascii() or not (at and text[at - 1].isalnum()))
        and (not word.isascii() or not text[at + len(word) : at + len(word) + 1].isalnum())
    )
    assert _plural_cues(text, []) == expected


mention_ids = st.sampled_from([DARIO, DANIELA, RICCARDO, SHARED, "?other", "anthropic"])


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(mention_ids, st.integers(0, 3), st.integers(0, 7)), max_size=40),
)
def test_resolution_picks_a_candidate_and_leaves_the_rest(
    mentions: list[tuple[str, int, int]],
) -> None:
    candidates = {SHARED: (DANIELA, DARIO, RICCARDO), "?other": ("anthropic",)}
    ids = [eid for eid, _, _ in mentions]
    contexts = [
        p << FLAG_BITS | flags | RELEVANT for _, p, flags in sorted(mentions, key=lambda m: m[1])
    ]
    found = resolve(ids, contexts, candidates)
    for i, entity_id in found.items():
        assert ids[i] in candidates  # an unambiguous mention never changes
        assert entity_id in candidates[ids[i]]
        assert not contexts[i] & PLURAL_AFTER
        earlier = [ids[j] for j in range(i) if not contexts[j] & KIN]
        assert entity_id in earlier  # named before it


def test_corrections_beat_inference_for_one_mention_or_the_document(
    registry: EntityRegistry,
) -> None:
    text = "Dario Amodei创立了Anthropic。Amodei说。Amodei又说。"
    index = MentionIndex.from_documents(registry, [("doc", text)])
    first, _ = (m for m in index.mentions_in("doc") if m.shared == SHARED)
    assert (first.entity_id, first.inferred) == (DARIO, True)
    one = index.corrected([Correction("doc", "Amodei", "Daniela Amodei", first.start)])
    assert [(m.entity_id, m.inferred) for m in one.mentions_in("doc")[2:]] == [
        (DANIELA, False),
        (DARIO, True),
    ]
    assert one.mention_at("doc", first.start) == Mention(
        first.start, first.end, DANIELA, False, SHARED
    )
    every = one.corrected([*one.corrections, Correction("doc", "阿莫代伊", "Riccardo Amodei")])
    assert [m.entity_id for m in every.mentions_in("doc") if m.shared] == [RICCARDO, RICCARDO]
    assert dict(every.documents_for(RICCARDO)) == {"doc": 2}
    assert index.mentions_in("doc")[2].entity_id == DARIO  # the old index is unchanged
    for each in (index, one, every):
        for entity_id in (DARIO, DANIELA, RICCARDO, SHARED, "anthropic", "nobody"):
            named = [m for m in each.mentions_in("doc") if m.entity_id == entity_id]
            assert each.passages(entity_id, "doc") == named


def test_a_correction_to_a_name_no_longer_shared_is_ignored(registry: EntityRegistry) -> None:
    text = "Dario Amodei说。Amodei说。"
    index = MentionIndex.from_documents(registry, [("doc", text)])
    stale = [Correction("doc", "Dario", "Daniela Amodei"), Correction("doc", "Amodei", "Nobody")]
    assert index.corrected(stale).mentions_in("doc") == index.mentions_in("doc")


def test_cache_keeps_contexts_and_refuses_version_1(
    registry: EntityRegistry, tmp_path: Path
) -> None:
    text = (CORPUS / DOC_004).read_text("utf-8")
    cache = tmp_path / "mentions.json"
    stamp = DocStamp(DOC_004, 1, 2.0)
    built = MentionIndex.build(registry, [stamp], lambda _: text, cache_file=cache)
    payload = json.loads(cache.read_text())
    assert payload["version"] == 2 and len(payload["docs"][DOC_004]) == 4
    again = MentionIndex.build(registry, [stamp], lambda _: "", cache_file=cache)
    assert again.mentions_in(DOC_004) == built.mentions_in(DOC_004)  # read from the cache
    payload["version"] = 1
    payload["docs"][DOC_004] = payload["docs"][DOC_004][:3]
    cache.write_text(json.dumps(payload))
    assert read_cache(cache, payload["matcher"], len(built.matcher.keys)) == {}


def test_the_store_keeps_corrections_in_order_and_refuses_bad_ones() -> None:
    store = Store.in_memory()
    save_correction(store, Correction("doc", "Amodei", "Daniela Amodei", 7))
    save_correction(store, Correction("doc", "Amodei", "Dario Amodei"))
    assert mention_corrections(store) == [
        Correction("doc", "Amodei", "Daniela Amodei", 7),
        Correction("doc", "Amodei", "Dario Amodei", None),
    ]
    for bad in (("", "Amodei", "X", None), ("doc", "Amodei", "X", -1), ("doc", "A", "X", True)):
        with pytest.raises(ValueError):
            store.coreference.add(*bad)  # an empty name, a negative offset, a bool
    assert len(store.coreference.records()) == 2
    assert Correction.from_record({"doc": "d", "shared": "s", "name": 3}) is None


def test_plural_cues_keep_their_offsets_after_a_dotted_capital_i() -> None:
    """İ lower-cases to two characters; a cue after it must not move."""
    text = "İstanbul: the sisters 兄妹 and the Amodeis"
    cues = _plural_cues(text, ["amodeis"])
    assert [text[c : c + 2] for c in cues] == ["si", "兄妹", "Am"]
