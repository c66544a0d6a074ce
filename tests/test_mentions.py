"""Mentions: matching rules, the fast way against the plain one, the index and its cache."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import kbtui.entities.indexing as indexing_module
import kbtui.entities.matcher as mentions_module
import kbtui.entities.variants as variants_module
from kbtui.documents.model import Document, Metadata
from kbtui.entities.entities_file import load_entities_file
from kbtui.entities.matcher import Matcher
from kbtui.entities.mentions import DocStamp, IndexCancelled, Mention, MentionIndex
from kbtui.entities.model import EntityRecord, Kind, merge_record
from kbtui.entities.passages import entity_mentions, mentions_report
from kbtui.entities.registry import EntityRegistry
from kbtui.scripts.hanzi import fold

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


@pytest.fixture(scope="module")
def registry() -> EntityRegistry:
    """The sample corpus's entities."""
    return EntityRegistry.for_corpus(load_entities_file(CORPUS))


@pytest.fixture(scope="module")
def matcher(registry: EntityRegistry) -> Matcher:
    """The matcher for the sample entities."""
    return Matcher.from_registry(registry)


@pytest.fixture
def corpus_texts() -> dict[str, str]:
    """The five sample documents by id."""
    return {p.name: p.read_text("utf-8") for p in sorted(CORPUS.glob("*.txt"))}


def _named(matcher: Matcher, text: str) -> list[tuple[str, str]]:
    ids = matcher.entity_ids
    return [(text[start:end], ids[index]) for start, end, index in matcher.find(text)]


def test_latin_names_need_word_boundaries(matcher: Matcher) -> None:
    assert _named(matcher, "Claudette and Claude") == [("Claude", "claude")]
    assert _named(matcher, "Claude天下第一") == [("Claude", "claude")]
    assert _named(matcher, "用Claude写代码") == [("Claude", "claude")]
    assert _named(matcher, "metadata Meta2 META") == [("META", "meta")]
    assert _named(matcher, "GPT-35 GPT-3。") == [("GPT-3", "gpt-3")]


def test_cjk_names_match_anywhere_longest_first(matcher: Matcher) -> None:
    text = "她的兄长达里奥·阿莫代伊和达里奥"
    assert _named(matcher, text) == [
        ("达里奥·阿莫代伊", "dario amodei"),
        ("达里奥", "dario amodei"),
    ]
    assert _named(matcher, "Claude Code和Claude Codex") == [
        ("Claude Code", "claude code"),
        ("Claude", "claude"),
    ]


def test_matching_ignores_script_case_and_separator(matcher: Matcher) -> None:
    for spelling in ("達里奧·阿莫代伊", "达里奥・阿莫代伊", "DARIO AMODEI", "dario amodei"):
        assert _named(matcher, f"（{spelling}）") == [(spelling, "dario amodei")]
    assert _named(matcher, "英偉達與輝達") == [("英偉達", "nvidia"), ("輝達", "nvidia")]


def test_rare_forms_fall_back_to_folding_and_still_match(matcher: Matcher) -> None:
    text = "Ｃｌａｕｄｅ和Dario\u2003Amodei、ΑΣ"
    assert _named(matcher, text) == [
        ("Ｃｌａｕｄｅ", "claude"),
        ("Dario\u2003Amodei", "dario amodei"),
    ]
    assert matcher.find(text) == matcher.find_folded(text)


def test_bare_surname_is_an_ambiguous_mention(matcher: Matcher, registry: EntityRegistry) -> None:
    found = _named(matcher, "Amodei表示，Riccardo Amodei是他的父亲")
    assert [entity_id for _, entity_id in found] == ["?amodei", "riccardo amodei"]
    ambiguous = registry.get("?amodei")
    assert ambiguous is not None and ambiguous.kind is Kind.AMBIGUOUS


def test_fast_way_equals_plain_way_on_the_corpus(
    matcher: Matcher, corpus_texts: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = "\n".join(corpus_texts.values())
    expected = matcher.find_folded(whole)
    assert matcher.find(whole) == expected
    monkeypatch.setattr(mentions_module, "CHUNK_CHARS", 97)  # chunks cut through names
    assert matcher.find(whole) == expected


def _generated(count: int) -> list[str]:
    """Documents made like bench/index.py's: the samples' lines taken
    round-robin from a different start each, so every one differs."""
    samples = sorted(CORPUS.glob("*.txt"))
    lines = [line for path in samples for line in path.read_text("utf-8").splitlines(True)]
    return ["".join(lines[(n * 7 + i) % len(lines)] for i in range(40)) for n in range(count)]


def test_fast_way_equals_plain_way_on_a_generated_corpus(matcher: Matcher) -> None:
    texts = _generated(60)
    # Latin names run into a word after them, or before them:
    glued = [text.replace(" ", "x ") for text in texts] + [t.replace(" ", " x") for t in texts]
    for text in texts + glued:
        assert matcher.find(text) == matcher.find_folded(text)
    found = sum(map(len, map(matcher.find, texts)))
    assert found > sum(map(len, map(matcher.find, glued[: len(texts)])))
    assert found > sum(map(len, map(matcher.find, glued[len(texts) :])))


def test_dfa_and_nfa_find_the_same(
    matcher: Matcher,
    registry: EntityRegistry,
    corpus_texts: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(variants_module, "DFA_MAX_SPELLINGS", 0)
    nfa = Matcher.from_registry(registry)
    whole = "\n".join(corpus_texts.values())
    assert nfa.find(whole) == matcher.find(whole) != []


def test_a_rare_form_after_a_missing_boundary_is_still_folded(matcher: Matcher) -> None:
    text = "Claudette用ＣＬＡＵＤＥ写"  # the boundary fails first, then the full-width form
    assert _named(matcher, text) == [("ＣＬＡＵＤＥ", "claude")]
    assert matcher.find(text) == matcher.find_folded(text)


def test_hits_after_wide_characters_are_in_characters(matcher: Matcher) -> None:
    text = "达里奥·阿莫代伊 (Dario Amodei) 😀 用Claude写"  # 3-, 2- and 4-byte characters
    assert _named(matcher, text) == [
        ("达里奥·阿莫代伊", "dario amodei"),
        ("Dario Amodei", "dario amodei"),
        ("Claude", "claude"),
    ]
    assert matcher.find(text) == matcher.find_folded(text)


def test_lone_surrogate_text_is_matched_the_slow_way(matcher: Matcher) -> None:
    text = "用Claude写\ud800達里奧·阿莫代伊說"
    assert matcher.find(text) == matcher.find_folded(text)
    assert [name for name, _ in _named(matcher, text)] == ["Claude", "達里奧·阿莫代伊"]


def test_build_in_batches_equals_one_document_at_a_time(
    registry: EntityRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = {f"{n:02d}.md": text for n, text in enumerate(_generated(50))}
    stamps = [DocStamp(doc_id, len(text), 1.0) for doc_id, text in texts.items()]
    monkeypatch.setattr(indexing_module, "BATCH_DOCS", 3)  # 17 batches, the last short
    built = MentionIndex.build(registry, stamps, texts.__getitem__)
    alone = MentionIndex.from_documents(registry, texts.items())
    for doc_id in texts:
        assert built.mentions_in(doc_id) == alone.mentions_in(doc_id) != []


def test_hostile_text_is_only_text(matcher: Matcher) -> None:
    text = (
        "\x1b[31m Claude\x1b[0m [bold]Anthropic[/] [@click=app.quit]OpenAI\x00\ud800"
        + "x" * 10_000
        + "\x1b[31mMeta"  # the m of the escape sequence is a letter: no boundary
    )
    assert [eid for _, eid in _named(matcher, text)] == ["claude", "anthropic", "openai"]
    assert matcher.find("") == [] and Matcher({}).find("Claude") == []


def test_done_when_dario_in_001_leads_to_all_five_documents(
    registry: EntityRegistry, corpus_texts: dict[str, str]
) -> None:
    index = MentionIndex.from_documents(registry, corpus_texts.items())
    doc_001 = next(doc_id for doc_id in corpus_texts if doc_id.startswith("001"))
    at = corpus_texts[doc_001].index("达里奥·阿莫代伊")
    mention = index.mention_at(doc_001, at + 3)
    assert mention == Mention(at, at + 8, "dario amodei")
    report = entity_mentions(index, mention.entity_id, corpus_texts.__getitem__)
    assert len(report.documents) == 5
    for group in report.documents:
        text = corpus_texts[group.doc_id]
        spellings = {fold(text[p.start : p.end]) for p in group.passages if not p.inferred}
        assert spellings <= {"dario amodei", "达里奥·阿莫代伊", "达里奥", "dario"}
        inferred = {fold(text[p.start : p.end]) for p in group.passages if p.inferred}
        assert inferred <= {"amodei", "阿莫代伊"}  # the shared surname, resolved in context
        assert all(p.context.match == text[p.start : p.end] for p in group.passages)
    by_doc = {group.doc_id[:3]: group for group in report.documents}
    assert any("達" in corpus_texts[g.doc_id] for g in by_doc.values())  # a Traditional one


def test_index_lookups(registry: EntityRegistry, corpus_texts: dict[str, str]) -> None:
    index = MentionIndex.from_documents(registry, corpus_texts.items())
    doc = next(iter(corpus_texts))
    names = [entity.id for entity, _count in index.entities_in(doc)]
    assert names[0] == "anthropic" and "daniela amodei" in names
    counts = dict(index.documents_for("anthropic"))
    assert set(counts) == set(corpus_texts) and all(n > 0 for n in counts.values())
    stats = index.stats()
    assert stats["dario amodei"].documents == 5 and stats["elena engel"].documents == 1
    passages = index.passages("anthropic", doc)
    assert len(passages) == counts[doc]
    for doc_id in corpus_texts:  # the resolved shared names too (004 names three Amodeis)
        for entity in registry.entities:
            named = [m for m in index.mentions_in(doc_id) if m.entity_id == entity.id]
            assert index.passages(entity.id, doc_id) == named
    assert index.mention_at(doc, passages[0].start - 1) is None or passages[0].start == 0
    report = entity_mentions(
        index, "anthropic", corpus_texts.__getitem__, exclude=(doc, passages[0].start)
    )
    assert sum(g.count for g in report.documents) == sum(counts.values()) - 1


def test_documents_are_indexed_from_their_body(registry: EntityRegistry) -> None:
    source = "---\npeople: [Claude]\n---\nAnthropic和Claude"
    doc = Document("x.md", Path("x.md"), source, Metadata("t"), body_start=source.index("Anth"))
    index = MentionIndex.from_documents(registry, [doc])
    assert [(m.start, m.entity_id) for m in index.mentions_in("x.md")] == [
        (doc.body_start, "anthropic"),
        (doc.body_start + 10, "claude"),
    ]


def test_mentions_report_shape(registry: EntityRegistry, corpus_texts: dict[str, str]) -> None:
    index = MentionIndex.from_documents(registry, corpus_texts.items())
    report = mentions_report(index, corpus_texts.__getitem__, "達里奧", max_per_document=1)
    data = json.loads(json.dumps([entity.to_json() for entity in report]))
    entity = data[0]
    assert (entity["name"], entity["kind"]) == ("Dario Amodei", "person")
    assert "达里奥·阿莫代伊" in entity["aliases"] and len(entity["documents"]) == 5
    first = entity["documents"][0]
    assert set(first) == {"doc", "count", "contexts"} and len(first["contexts"]) == 1
    assert set(first["contexts"][0]) == {"start", "end", "context"}
    everything = mentions_report(index, corpus_texts.__getitem__)
    assert everything[0].entity.id == "anthropic"
    assert all(item.count for item in everything)
    with pytest.raises(LookupError):
        mentions_report(index, corpus_texts.__getitem__, "nobody at all")


class _Files:
    """A corpus on disk and a loader that counts what it reads."""

    def __init__(self, root: Path, texts: dict[str, str]) -> None:
        self.root, self.loads = root, []
        for doc_id, text in texts.items():
            (root / doc_id).write_text(text, "utf-8")

    def stamps(self) -> list[DocStamp]:
        return [
            DocStamp(p.name, p.stat().st_size, p.stat().st_mtime)
            for p in sorted(self.root.iterdir())
        ]

    def load(self, doc_id: str) -> str:
        self.loads.append(doc_id)
        return (self.root / doc_id).read_text("utf-8")


def test_cache_is_used_then_invalidated(
    tmp_path: Path, registry: EntityRegistry, corpus_texts: dict[str, str]
) -> None:
    (tmp_path / "docs").mkdir()
    files, cache = _Files(tmp_path / "docs", corpus_texts), tmp_path / "cache" / "m.json"
    first = MentionIndex.build(registry, files.stamps(), files.load, cache_file=cache)
    assert len(files.loads) == 5 and cache.exists()
    files.loads.clear()
    second = MentionIndex.build(registry, files.stamps(), files.load, cache_file=cache)
    assert files.loads == []
    doc = next(iter(corpus_texts))
    assert second.mentions_in(doc) == first.mentions_in(doc)

    (files.root / doc).write_text(corpus_texts[doc] + "\nClaude", "utf-8")
    MentionIndex.build(registry, files.stamps(), files.load, cache_file=cache)
    assert files.loads == [doc]

    files.loads.clear()
    merged = EntityRegistry.for_corpus(
        load_entities_file(CORPUS),
        user=[merge_record(registry.get("anthropic"), registry.get("claude"))],
    )
    after_merge = MentionIndex.build(merged, files.stamps(), files.load, cache_file=cache)
    assert files.loads == []  # names moved between entities, none added: the cache holds
    assert after_merge.mentions_in(doc)[-1].entity_id == "anthropic"

    more = EntityRegistry.for_corpus(
        load_entities_file(CORPUS), user=[EntityRecord("Hertz", Kind.OTHER)]
    )
    MentionIndex.build(more, files.stamps(), files.load, cache_file=cache)
    assert len(files.loads) == 5  # a new name: everything is matched again
    left = sorted(p.name for p in cache.parent.iterdir() if not p.name.startswith("entities-"))
    assert left == ["m.json"]  # no temporary files left (the entities file's cache is beside it)


def test_broken_cache_is_rebuilt(
    tmp_path: Path, registry: EntityRegistry, corpus_texts: dict[str, str]
) -> None:
    (tmp_path / "docs").mkdir()
    files, cache = _Files(tmp_path / "docs", corpus_texts), tmp_path / "m.json"
    for junk in (b"\x00garbage", b"[]", b'{"version": 1, "matcher": "x", "docs": {}}'):
        cache.write_bytes(junk)
        files.loads.clear()
        MentionIndex.build(registry, files.stamps(), files.load, cache_file=cache)
        assert len(files.loads) == 5
    payload = json.loads(cache.read_text())
    doc = next(iter(payload["docs"]))
    payload["docs"][doc][2] = "!!not base64"
    cache.write_text(json.dumps(payload))
    files.loads.clear()
    MentionIndex.build(registry, files.stamps(), files.load, cache_file=cache)
    assert files.loads == [doc]


def test_build_reports_progress_and_can_be_cancelled(
    tmp_path: Path, registry: EntityRegistry, corpus_texts: dict[str, str]
) -> None:
    (tmp_path / "docs").mkdir()
    files, cache = _Files(tmp_path / "docs", corpus_texts), tmp_path / "m.json"
    reports: list[tuple[int, int]] = []
    MentionIndex.build(
        registry, files.stamps(), files.load, progress=lambda d, t: reports.append((d, t))
    )
    assert reports[-1] == (5, 5)
    calls = iter(range(100))
    with pytest.raises(IndexCancelled):
        MentionIndex.build(
            registry,
            files.stamps(),
            files.load,
            cache_file=cache,
            cancelled=lambda: next(calls) >= 2,
        )
    files.loads.clear()
    MentionIndex.build(registry, files.stamps(), files.load, cache_file=cache)
    assert len(files.loads) == 3  # the two done before the cancel were kept


def test_unreadable_document_is_indexed_empty(registry: EntityRegistry) -> None:
    def load(doc_id: str) -> str:
        raise OSError("gone")

    index = MentionIndex.build(registry, [DocStamp("gone.md", 1, 1.0)], load)
    assert index.mentions_in("gone.md") == [] and "gone.md" in index


def test_rekeyed_index_follows_a_merge_but_not_a_new_name(
    registry: EntityRegistry, corpus_texts: dict[str, str]
) -> None:
    index = MentionIndex.from_documents(registry, corpus_texts.items())
    google, brain = registry.get("google"), registry.get("google brain")
    merged = EntityRegistry.for_corpus(
        load_entities_file(CORPUS), user=[merge_record(google, brain)]
    )
    rekeyed = index.rekeyed(merged)
    assert rekeyed is not None
    assert rekeyed.stats()["google"].mentions == (
        index.stats()["google"].mentions + index.stats()["google brain"].mentions
    )
    grown = EntityRegistry.for_corpus(
        load_entities_file(CORPUS), user=[EntityRecord("Hertz", Kind.OTHER)]
    )
    assert index.rekeyed(grown) is None


def test_cancel_keeps_what_the_cache_already_held(
    tmp_path: Path, registry: EntityRegistry, corpus_texts: dict[str, str]
) -> None:
    (tmp_path / "docs").mkdir()
    files, cache = _Files(tmp_path / "docs", corpus_texts), tmp_path / "m.json"
    MentionIndex.build(registry, files.stamps(), files.load, cache_file=cache)
    first = next(iter(corpus_texts))
    (files.root / first).write_text("Claude", "utf-8")
    calls = iter(range(100))
    with pytest.raises(IndexCancelled):
        MentionIndex.build(
            registry,
            files.stamps(),
            files.load,
            cache_file=cache,
            cancelled=lambda: next(calls) >= 1,
        )
    files.loads.clear()
    MentionIndex.build(registry, files.stamps(), files.load, cache_file=cache)
    assert files.loads == []
