"""Suggested entities: precision on the samples, merging across scripts, aliases, ignoring.

Precision is measured on the sample corpus as a new user meets it: without
its ``entities.yaml`` (only the frontmatter lists are known). A suggestion
is right when the curated ``entities.yaml`` has it as a name or an alias, or
when it is one of :data:`ALSO_RIGHT` (names checked by hand that the curated
list leaves out). Measured top 30 (2026-12-02; R right, W wrong):

====  ============================  =====  ====  ========================================
rank  name                          docs   uses  judged
====  ============================  =====  ====  ========================================
1     谷歌                          3      10    R (Google)
2     Dario Amodei                  3      6     R
3     亚马逊                        3      6     R (Amazon)
4     Meta                          3      5     R
5     Dario                         2      38    R
6     丹妮拉                        2      32    R (offered as alias of 丹妮拉·阿莫代伊)
7     达里奥                        2      12    R
8     Scaling Law                   2      9     R
9     Jack Clark                    2      8     R
10    Daniela                       2      6     R
11    Chris Olah                    2      5     R
12    GPT                           2      5     W (a family, left out on purpose)
13    RLHF                          2      4     R
14    輝瑞                          2      3     R (Pfizer)
15    Agent                         2      2     W
16    DeepSeek                      2      2     R
17    DNA                           2      2     W
18    达里奥·阿莫代伊               2      2     R
19    Amodei                        1      53    R (the shared surname)
20    RSP                           1      11    R
21    Jack                          1      6     R
22    ChatGPT                       1      5     R
23    Chris                         1      5     R
24    Jared Kaplan                  1      4     R
25    Tom Brown                     1      4     R
26    Daniela Amodei                1      3     R
27    Google                        1      3     R
28    華盛                          1      3     R (004's publisher, by hand)
29    黃仁勛                        1      3     R (Jensen Huang)
30    DeepMind                      1      2     R
====  ============================  =====  ====  ========================================

Precision 27/30 = 0.90. Further down: Iconiq Capital, Lightspeed Venture
Partners, Paul Christiano (one use each, kept as runs of capitalised words).
"""

from __future__ import annotations

import json
import shutil
import sys
from functools import cache
from pathlib import Path

import pytest

from kbtui.cli import main
from kbtui.documents.corpus import Corpus
from kbtui.entities import suggestions_scan
from kbtui.entities.entities_file import load_entities_file
from kbtui.entities.mentions import MentionIndex
from kbtui.entities.model import EntityRecord, Kind
from kbtui.entities.registry import EntityRegistry
from kbtui.entities.suggestions import Suggestion, SuggestionBuilder
from kbtui.entities.suggestions_alias import ALIAS_SIMILARITY, reading_similarity
from kbtui.entities.suggestions_scan import latin_names, occurrences
from kbtui.session.suggestions import (
    corpus_suggestions,
    ignore_name,
    ignored_file,
    read_ignored,
)

SAMPLES = Path(__file__).resolve().parents[1] / "corpus"

ALSO_RIGHT = frozenset({"華盛"})
"""Right suggestions the curated list leaves out (checked by reading the samples)."""

PRECISION = 0.85
"""The top 30 measured 0.90 (see the module's table); a little room for jieba's moods."""


def _suggest(root: Path, ignored: set[str] = frozenset(), cache: bool = False) -> list[Suggestion]:
    corpus = Corpus(root)
    corpus.scan()
    registry = EntityRegistry.for_corpus(
        load_entities_file(root), (e.meta.entities for e in corpus.entries())
    )
    index = MentionIndex.from_documents(
        registry, (corpus.load_text(e.id) for e in corpus.entries())
    )
    return corpus_suggestions(corpus, index, set(ignored), cache=cache)


@cache
def _fresh_samples(folder: str) -> list[Suggestion]:
    """The samples' suggestions without ``entities.yaml`` (computed once: jieba is slow)."""
    root = Path(folder)
    if not root.exists():
        root.mkdir(parents=True)
        for doc in SAMPLES.glob("*.txt"):
            shutil.copy(doc, root)
    return _suggest(root)


@pytest.fixture
def fresh(tmp_path_factory: pytest.TempPathFactory) -> list[Suggestion]:
    return _fresh_samples(str(tmp_path_factory.getbasetemp() / "fresh-samples"))


def _right(suggestion: Suggestion, curated: EntityRegistry) -> bool:
    return suggestion.name in ALSO_RIGHT or curated.lookup(suggestion.name) is not None


def test_precision_of_the_top_30_on_the_samples(fresh: list[Suggestion]) -> None:
    curated = EntityRegistry.build(load_entities_file(SAMPLES).entities)
    top = fresh[:30]
    assert len(top) == 30
    right = [s.name for s in top if _right(s, curated)]
    assert len(right) / len(top) >= PRECISION, [s.name for s in top if s.name not in right]


def test_the_must_have_names_are_suggested(fresh: list[Suggestion]) -> None:
    names = {s.name for s in fresh}
    assert {"Iconiq Capital", "Chris Olah", "Lightspeed Venture Partners", "黃仁勛"} <= names
    assert {"Anthropic", "OpenAI", "丹妮拉·阿莫代伊"}.isdisjoint(names)  # in frontmatter lists
    ranks = [s.documents for s in fresh]
    assert ranks == sorted(ranks, reverse=True)


def test_a_given_name_of_a_known_person_is_offered_as_its_alias(fresh: list[Suggestion]) -> None:
    by_name = {s.name: s for s in fresh}
    alias = by_name["丹妮拉"].alias_of
    assert alias is not None and alias.entity.name == "丹妮拉·阿莫代伊"
    assert by_name["Google"].alias_of is None  # a part of Google Brain, which is no person


def _corpus(tmp_path: Path, docs: dict[str, str]) -> Path:
    root = tmp_path / "corpus"
    root.mkdir()
    for name, text in docs.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


def test_spellings_in_both_scripts_are_one_suggestion(tmp_path: Path) -> None:
    root = _corpus(
        tmp_path,
        {
            "a.md": "達里奧說，達里奧認為安全很重要。Iconiq Capital 投資了。",
            "b.md": "达里奥说，达里奥认为安全很重要。ICONIQ Capital 也来了。",
        },
    )
    by_key = {s.key: s for s in _suggest(root)}
    dario = by_key["达里奥"]
    assert dario.documents == 2 and dario.mentions == 4
    assert set(dario.spellings) == {"達里奧", "达里奥"}
    assert by_key["iconiq capital"].documents == 2
    assert by_key["iconiq capital"].kind is Kind.ORGANISATION


def test_transliteration_variants_are_offered_as_aliases() -> None:
    registry = EntityRegistry.build(
        [EntityRecord("Dario Amodei", Kind.PERSON, ("达里奥·阿莫代伊",))]
    )
    builder = SuggestionBuilder(registry)
    text = "Dario说。Dario说。达里欧来了，达里欧走了。達利歐也在，達利歐笑了。"
    builder.add_document("a", text, occurrences(text), [])
    by_key = {s.key: s for s in builder.suggestions()}
    aliases = {key: by_key[key].alias_of for key in ("dario", "达里欧", "达利欧")}
    assert {key: a and (a.entity.name, a.similarity) for key, a in aliases.items()} == {
        "dario": ("Dario Amodei", 1.0),
        "达里欧": ("Dario Amodei", 0.83),
        "达利欧": ("Dario Amodei", 0.83),
    }
    assert reading_similarity("达里欧", "达里奥") >= ALIAS_SIMILARITY
    assert reading_similarity("克里斯", "克里格") < ALIAS_SIMILARITY
    assert reading_similarity("达里奥", "丹妮拉") == 0.0  # another first character


def test_known_names_and_words_inside_them_are_not_suggested() -> None:
    registry = EntityRegistry.build([EntityRecord("Google Brain", Kind.ORGANISATION)])
    index = MentionIndex.from_documents(
        registry, [("a", "Google Brain 和 Google Brain 合作，Jeff Dean 说。")]
    )
    builder = SuggestionBuilder(registry)
    text = "Google Brain 和 Google Brain 合作，Jeff Dean 说。"
    builder.add_document("a", text, occurrences(text), index.mentions_in("a"))
    assert [s.name for s in builder.suggestions()] == ["Jeff Dean"]


def test_code_addresses_and_common_words_are_skipped() -> None:
    text = (
        "See https://Example.com/Foo_Bar and `Iconiq Capital` here.\n"
        "```\nClass Name\n```\n"
        "The CEO of AI Labs met Chris Olah. In March, DeepMind CEO Hassabis spoke."
    )
    found = {text[a:b] for a, b, _ in occurrences(text)}
    assert found == {"Labs", "Chris Olah", "DeepMind", "Hassabis"}  # an acronym cuts a run
    title = "The New York Times"
    assert [title[a:b] for a, b, _ in latin_names(title)] == ["New York Times"]


def test_ignored_names_stay_ignored_after_a_restart(tmp_path: Path) -> None:
    root = _corpus(tmp_path, {"a.md": "Iconiq Capital 和 Jeff Dean 见面。Jeff Dean 说。"})
    db = tmp_path / "data" / "kbtui.json"
    db.parent.mkdir(parents=True, exist_ok=True)
    ignore_name(ignored_file(db), "ICONIQ  Capital")
    assert read_ignored(ignored_file(db)) == {"iconiq capital"}
    names = [s.name for s in _suggest(root, read_ignored(ignored_file(db)))]
    assert names == ["Jeff Dean"]
    code, out = _run(["entities", "--suggest", "--json", "--corpus", str(root), "--db", str(db)])
    assert code == 0 and [s["name"] for s in json.loads(out)] == ["Jeff Dean"]


def test_a_second_pass_reads_the_candidate_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _corpus(tmp_path, {"a.md": "Jeff Dean 说。Jeff Dean 笑。"})
    first = _suggest(root, cache=True)

    def no_cutting(text: str) -> list[tuple[int, int, str]]:
        raise AssertionError("the document was cut again")

    monkeypatch.setattr("kbtui.session.suggestions.occurrences", no_cutting)
    assert _suggest(root, cache=True) == first
    (root / "a.md").write_text("Jeff Dean 又说。", encoding="utf-8")
    with pytest.raises(AssertionError, match="cut again"):
        _suggest(root, cache=True)


def _run(argv: list[str]) -> tuple[int, str]:
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit) as exit_info:
        main(argv)
    return int(exit_info.value.code or 0), out.getvalue()


def test_cli_json_shape(tmp_path: Path) -> None:
    root = _corpus(tmp_path, {"a.md": "Iconiq Capital 和 Jeff Dean 见面。Jeff Dean 说。"})
    code, out = _run(["entities", "--suggest", "--json", "--corpus", str(root)])
    assert code == 0
    records = json.loads(out)
    assert records[0] == {
        "name": "Jeff Dean",
        "key": "jeff dean",
        "kind": "person",
        "documents": 1,
        "mentions": 2,
        "spellings": ["Jeff Dean"],
        "alias_of": None,
        "contexts": [
            {
                "doc": "a.md",
                "offset": 17,
                "text": "Iconiq Capital 和 Jeff Dean 见面。",
            },
            {
                "doc": "a.md",
                "offset": 30,
                "text": "Jeff Dean 说。",
            },
        ],
    }
    assert records[1]["name"] == "Iconiq Capital" and records[1]["kind"] == "organisation"


def test_cli_plain_and_a_broken_ignored_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _corpus(tmp_path, {"a.md": "Iconiq Capital 投资。"})
    db = tmp_path / "db.json"
    code, out = _run(["entities", "--suggest", "--corpus", str(root), "--db", str(db)])
    assert code == 0 and out.startswith(
        "Iconiq Capital  (organisation?)  1 mentions in 1 documents"
    )
    ignored_file(db).write_text("{not json", encoding="utf-8")
    code, _ = _run(["entities", "--suggest", "--corpus", str(root), "--db", str(db)])
    assert code == 1
    assert "cannot read the ignored names" in capsys.readouterr().err


def test_cli_lists_the_registered_entities(sample_corpus: Path) -> None:
    code, out = _run(["entities", "--json", "--corpus", str(sample_corpus)])
    assert code == 0
    rows = {row["name"]: row for row in json.loads(out)}
    assert rows["Iconiq Capital"]["kind"] == "organisation"
    assert rows["Iconiq Capital"]["documents"] == 1 and rows["Iconiq Capital"]["mentions"] >= 1
    code, out = _run(["entities", "--corpus", str(sample_corpus)])
    assert code == 0 and out.startswith("Anthropic  (organisation)  ")


def test_without_jieba_the_error_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _corpus(tmp_path, {"a.md": "达里奥说。"})
    monkeypatch.setitem(sys.modules, "jieba", None)  # import jieba raises ImportError
    monkeypatch.setattr(suggestions_scan, "_tokenizer", suggestions_scan._tokenizer.__wrapped__)
    code, _ = _run(["entities", "--suggest", "--corpus", str(root)])
    assert code == 1
    assert capsys.readouterr().err == "kbtui: suggestions need jieba: pip install jieba\n"


def test_a_pass_reports_its_progress(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _corpus(tmp_path, {f"{n}.md": "Jeff Dean 说。Jeff Dean 笑。" for n in range(3)})
    monkeypatch.setattr("kbtui.session.suggestions.PROGRESS_EVERY", 0.0)
    corpus = Corpus(root)
    corpus.scan()
    index = MentionIndex.from_documents(EntityRegistry.build(), [])
    told: list[tuple[int, int]] = []
    found = corpus_suggestions(corpus, index, set(), progress=lambda d, t: told.append((d, t)))
    assert told == [(0, 3), (1, 3), (2, 3)]
    assert found[0].documents == 3


def test_long_runs_are_linear_and_long_title_case_runs_are_no_names() -> None:
    import time

    started = time.perf_counter()
    for text in ("a" * 100_000, "中文" * 100_000, "](" * 100_000, "<" * 100_000):
        assert occurrences(text) == [] or text.startswith("中")
    assert time.perf_counter() - started < 10  # quadratic patterns took minutes
    title = "Building Large Models Quickly Everywhere Carefully Together"
    assert list(latin_names(title)) == []
