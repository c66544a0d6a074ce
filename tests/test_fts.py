"""The full-text index answers every search exactly as the scan does.

Over the sample corpus and a generated one (bench/make_corpus.py, with its
GB18030, Big5, UTF-16, CRLF and broken files), for queries drawn from the
texts; kept up to date as files change, rebuilt when its file is damaged.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sqlite3
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kbtui.documents.corpus import Corpus
from kbtui.search import chars
from kbtui.search.fts import FullTextIndex, IndexedText, SearchIndexError, default_index_file
from kbtui.search.indexed import FIRST_CHUNK
from kbtui.search.scan import DocumentHits, search
from kbtui.search.tier import (
    INDEX_FROM_DOCS,
    CorpusIndex,
    Tier,
    chosen_tier,
    stamp_of,
    wants_index,
)
from kbtui.session.knowledge import searchable_texts
from kbtui.session.searching import FIRST_PAGE, Searching, search_pages

REPO = Path(__file__).resolve().parents[1]

PROPERTY = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _make_corpus_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_corpus", REPO / "bench" / "make_corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("make_corpus", module)  # its dataclass looks itself up there
    spec.loader.exec_module(module)
    return module


def _indexed(root: Path, index_file: Path) -> tuple[CorpusIndex, list[tuple[str, str]]]:
    corpus = Corpus(root)
    corpus.scan()
    index = CorpusIndex(corpus, FullTextIndex.open(index_file))
    assert index.sync()
    return index, list(searchable_texts(corpus))


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[CorpusIndex, list[tuple[str, str]]]:
    """The sample corpus, indexed once for the module."""
    return _indexed(REPO / "corpus", tmp_path_factory.mktemp("fts") / "sample.sqlite")


@pytest.fixture(scope="module")
def generated(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[CorpusIndex, list[tuple[str, str]]]:
    """A generated corpus of 120 documents in every encoding and shape, indexed once."""
    root = tmp_path_factory.mktemp("generated") / "corpus"
    _make_corpus_module().build(120, root, 1.5, 3)
    return _indexed(root, root.parent / "generated.sqlite")


def _same(index: CorpusIndex, texts: list[tuple[str, str]], query: str, limit: int | None) -> None:
    expected = search(texts, query, max_hits=limit)
    found = index.search(query, max_hits=limit)
    assert found == expected
    assert found.to_json() == expected.to_json()


def _drawn(texts: list[tuple[str, str]]) -> st.SearchStrategy[str]:
    """A piece of one of the texts (1 to 8 characters), possibly recased."""
    bodies = [text for _, text in texts if text.strip()]

    @st.composite
    def piece(draw: st.DrawFn) -> str:
        text = draw(st.sampled_from(bodies))
        start = draw(st.integers(0, len(text) - 1))
        found = text[start : start + draw(st.integers(1, 8))]
        return found.upper() if draw(st.booleans()) else found

    return piece()


def test_fixed_queries_match_the_scan(sample: tuple[CorpusIndex, list[tuple[str, str]]]) -> None:
    index, texts = sample
    queries = ["安全", "創始人", "CLAUDE", "的", "软件", "人工智能", "Dario Amodei", "no such"]
    for query in queries:
        for limit in (None, 10_000, 7, 0):
            _same(index, texts, query, limit)
    assert index.search("創始人").total > 0


@given(query=st.data())
@PROPERTY
def test_drawn_queries_match_the_scan_on_the_samples(
    sample: tuple[CorpusIndex, list[tuple[str, str]]], query: st.DataObject
) -> None:
    index, texts = sample
    _same(index, texts, query.draw(_drawn(texts)), query.draw(st.sampled_from([None, 3, 50])))


@given(query=st.data())
@settings(PROPERTY, max_examples=25)
def test_drawn_queries_match_the_scan_on_a_generated_corpus(
    generated: tuple[CorpusIndex, list[tuple[str, str]]], query: st.DataObject
) -> None:
    index, texts = generated
    _same(index, texts, query.draw(_drawn(texts)), query.draw(st.sampled_from([200, 5])))


def _write(root: Path, name: str, text: str) -> None:
    path = root / name
    path.write_text(text, encoding="utf-8")


def test_awkward_texts_match_the_scan(tmp_path: Path) -> None:
    """Self-overlapping needles, regional variants, astral characters, full width."""
    root = tmp_path / "c"
    root.mkdir()
    _write(root, "a.txt", "aaaa aaa 軟體 软件 𝐀𝐁 AB ＣＬＡＵＤＥ claude 軟件\n")
    _write(root, "b.md", "---\ntitle: 安全\n---\n安全 安全安全\n")
    index, texts = _indexed(root, tmp_path / "i.sqlite")
    queries = ["aa", "aaa", "a", "软件", "軟體", "ab", "𝐀", "claude", "安全", "title", "a\x00b"]
    for query in queries:
        for limit in (None, 1):
            _same(index, texts, query, limit)
    assert index.search("title").total == 0  # frontmatter is not searched


def test_changes_are_indexed_incrementally(tmp_path: Path) -> None:
    root = tmp_path / "c"
    root.mkdir()
    for n in range(5):
        _write(root, f"d{n}.txt", f"文档{n} 安全\n")
    index, _ = _indexed(root, tmp_path / "i.sqlite")
    _write(root, "d1.txt", "完全不同的内容 新词\n")
    os.utime(root / "d1.txt", ns=(1, 1))
    (root / "d2.txt").unlink()
    _write(root, "d9.txt", "新词 again\n")
    index.corpus.scan()
    texts = list(searchable_texts(index.corpus))
    _same(index, texts, "新词", None)  # before the update: the changed files are scanned
    _same(index, texts, "完全不同", None)  # though the index's trigrams do not name them
    assert index.search("完全不同").total == 1
    assert index.stale() == (["d1.txt", "d9.txt"], ["d2.txt"])
    changed, removed = index.stale()
    index.update(changed, removed)
    assert index.stale() == ([], [])
    _same(index, texts, "新词", None)
    _same(index, texts, "安全", None)
    assert [group.doc_id for group in index.search("新词").documents] == ["d1.txt", "d9.txt"]


def test_a_damaged_index_is_made_again(tmp_path: Path) -> None:
    path = tmp_path / "i.sqlite"
    path.write_bytes(b"not a database at all" * 100)
    index, texts = _indexed(REPO / "corpus", path)
    _same(index, texts, "安全", None)


def test_an_index_damaged_while_open_is_dropped_and_the_scan_answers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KBTUI_SEARCH", "index")
    corpus = Corpus(REPO / "corpus")
    searching = Searching(corpus)
    assert searching.ensure_index()
    expected = search(searchable_texts(corpus), "安全")

    def broken(*_: object) -> None:
        raise SearchIndexError("disk image is malformed")

    monkeypatch.setattr(FullTextIndex, "candidates", broken)
    assert searching.search("安全") == expected
    assert not searching.index_ready
    assert not default_index_file(corpus.root).exists()


def test_the_app_path_scans_until_the_background_build_is_done(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KBTUI_SEARCH", "index")
    corpus = Corpus(REPO / "corpus")
    searching = Searching(corpus)
    release = threading.Event()
    sync = CorpusIndex.sync

    def slow_sync(self: CorpusIndex, *args: object) -> bool:
        release.wait(10)
        return sync(self)

    monkeypatch.setattr(CorpusIndex, "sync", slow_sync)
    expected = search(searchable_texts(corpus), "安全")
    assert searching.search("安全") == expected  # answered by the scan
    assert not searching.index_ready
    release.set()
    builder = searching._builder
    assert builder is not None
    builder.join(10)
    assert searching.index_ready
    assert searching.search("安全") == expected


def test_the_tier(monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = Corpus(REPO / "corpus")
    entries = corpus.scan()
    assert not wants_index(entries, Tier.AUTO)
    assert wants_index(entries, Tier.INDEX)
    assert not wants_index(entries * INDEX_FROM_DOCS, Tier.SCAN)
    assert wants_index(entries * INDEX_FROM_DOCS, Tier.AUTO)
    assert chosen_tier({"KBTUI_SEARCH": "Index"}) is Tier.INDEX
    assert chosen_tier({"KBTUI_SEARCH": "nonsense"}) is Tier.AUTO
    monkeypatch.setenv("KBTUI_SEARCH", "scan")
    assert not Searching(corpus).ensure_index()


def test_the_index_file_is_per_corpus(tmp_path: Path) -> None:
    other = tmp_path / "copy"
    shutil.copytree(REPO / "corpus", other)
    assert default_index_file(other) != default_index_file(REPO / "corpus")


def test_opening_the_find_box_starts_the_build_once_the_corpus_is_scanned(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KBTUI_SEARCH", "index")
    corpus = Corpus(REPO / "corpus")
    searching = Searching(corpus)
    searching.prepare()
    assert searching._builder is None  # before the scan: nothing to index yet
    corpus.scan()
    searching.prepare()
    builder = searching._builder
    assert builder is not None
    builder.join(10)
    assert searching.index_ready


def test_the_cli_says_once_that_it_indexes_a_big_corpus(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from kbtui.cli import main

    root = tmp_path / "c"
    root.mkdir()
    for n in range(1001):
        _write(root, f"d{n:04}.txt", f"文档{n}\n")
    with pytest.raises(SystemExit, match="0"):
        main(["search", "文档1000", "--corpus", str(root)])
    first = capsys.readouterr()
    assert first.err.count("indexing 1001 documents") == 1
    assert "d1000.txt" in first.out
    with pytest.raises(SystemExit, match="0"):
        main(["search", "文档1000", "--corpus", str(root)])
    assert "indexing" not in capsys.readouterr().err


def test_counting_in_sqlite_is_str_count(tmp_path: Path) -> None:
    """Without overlaps, past NUL characters, in any script (the count after the context
    lines are given is SQLite's)."""
    index = FullTextIndex.open(tmp_path / "i.sqlite")
    texts = {"a": "aaaa aaa", "b": "x\x00安全\x00安全 𝐀安全", "c": ""}
    index.write([IndexedText(doc, (1, 1), text) for doc, text in texts.items()])
    rows = index.held((doc, (1, 1)) for doc in texts)
    assert None not in rows
    for needle in ("aa", "a", "安全", "𝐀", "zz"):  # a needle with a NUL is counted in Python
        expected = {row: text.count(needle) for row, text in zip(rows, texts.values(), strict=True)}
        assert index.counts([row for row in rows if row is not None], needle) == expected


def test_an_index_locked_by_another_process_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KBTUI_SEARCH", "index")
    corpus = Corpus(REPO / "corpus")
    searching = Searching(corpus)
    assert searching.ensure_index()

    def locked(*_: object) -> None:
        raise SearchIndexError("database is locked", busy=True)

    with monkeypatch.context() as patch:
        patch.setattr(FullTextIndex, "candidates", locked)
        assert searching.search("安全") == search(searchable_texts(corpus), "安全")
    assert searching.index_ready
    assert default_index_file(corpus.root).exists()


def _many(tmp_path: Path, count: int = 40) -> tuple[CorpusIndex, list[tuple[str, str]]]:
    """``count`` documents, each holding 安全 twice, indexed."""
    root = tmp_path / "many"
    root.mkdir()
    for n in range(count):
        _write(root, f"d{n:03}.txt", f"文档{n} 安全，又是安全。\n")
    return _indexed(root, tmp_path / "many.sqlite")


def test_a_stream_stopped_early_reads_only_its_first_chunk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index, texts = _many(tmp_path)
    asked: list[int] = []
    folded = FullTextIndex.folded

    def counted(self: FullTextIndex, rows: list[int]) -> dict[int, str]:
        asked.append(len(rows))
        return folded(self, rows)

    monkeypatch.setattr(FullTextIndex, "folded", counted)
    stream = index.iter_search("安全", max_hits=None)
    first = next(stream)
    assert first.doc_id == texts[0][0]
    assert asked == [FIRST_CHUNK]  # not the 40 documents: the first screenful is cheap
    assert [first, *stream] == search(texts, "安全", max_hits=None).documents


def test_an_index_failing_half_way_is_finished_by_the_scan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The documents the index gave are kept, the scan goes on after the last of them,
    with what is left of the context lines: the result is still the scan's."""
    index, texts = _many(tmp_path)
    monkeypatch.setenv("KBTUI_SEARCH", "index")
    searching = Searching(index.corpus)
    searching._index, searching._ready = index, True
    calls = 0
    folded = FullTextIndex.folded

    def failing(self: FullTextIndex, rows: list[int]) -> dict[int, str]:
        nonlocal calls
        calls += 1
        if calls > 1:
            raise SearchIndexError("disk I/O error")
        return folded(self, rows)

    monkeypatch.setattr(FullTextIndex, "folded", failing)
    assert searching.search("安全", max_hits=50) == search(texts, "安全", max_hits=50)
    assert calls == 2
    assert not searching.index_ready


def test_pages_give_the_first_screenful_then_the_rest(tmp_path: Path) -> None:
    index, texts = _many(tmp_path, FIRST_PAGE + 5)
    pages = list(search_pages(index.iter_search("安全", 7), str.upper, 7))
    assert len(pages[0].groups) == FIRST_PAGE and not pages[0].done
    assert pages[0].summary == f"{2 * FIRST_PAGE} matches in {FIRST_PAGE} documents so far…"
    assert pages[-1].done and [page.done for page in pages].count(True) == 1
    groups = [group for page in pages for group in page.groups]
    expected = search(texts, "安全", max_hits=7)
    assert [(g.doc_id, g.title, g.total) for g in groups] == [
        (d.doc_id, d.doc_id.upper(), d.total) for d in expected.documents
    ]
    assert sum(len(g.passages) for g in groups) == 7
    count = len(expected.documents)
    assert pages[-1].summary == f"{2 * count} matches in {count} documents (first 7 shown)"


def test_the_cli_prints_each_document_as_it_is_found(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from kbtui.cli import main
    from kbtui.session.session import Session

    printed: list[tuple[str, str]] = []
    stream = Session.stream_corpus

    def watched(self: Session, query: str, max_hits: int | None = 10_000) -> Iterator[DocumentHits]:
        for group in stream(self, query, max_hits):
            yield group  # the CLI prints it, then asks for the next
            printed.append((group.doc_id, capsys.readouterr().out))

    monkeypatch.setattr(Session, "stream_corpus", watched)
    with pytest.raises(SystemExit, match="0"):
        main(["search", "安全", "--corpus", str(REPO / "corpus")])
    assert len(printed) > 1
    for doc_id, out in printed:
        assert out.startswith(f"{doc_id}  (")
    assert "matches in" in capsys.readouterr().err


def test_a_rare_character_has_only_its_documents_as_candidates(tmp_path: Path) -> None:
    index, texts = _many(tmp_path)
    _write(index.corpus.root, "rare.txt", "只有这里有龘字。\n")
    index.corpus.scan()
    assert index.sync()
    texts = list(searchable_texts(index.corpus))
    (rare,) = index.index.held([("rare.txt", stamp_of(index.corpus.get("rare.txt")))])
    assert index.index.candidates(["龘"]) == {rare}
    assert index.index.candidates(["龘字"]) == {rare}
    assert len(index.index.candidates(["安"]) or ()) == len(texts) - 1  # not rare.txt
    assert index.index.candidates([" ,"]) is None  # no character FTS5 keeps as a token
    for query in ("龘", "安", "安全", "龘字", "A"):
        _same(index, texts, query, 5)


def test_an_older_file_gets_its_characters_indexed_by_the_sync(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file made before the character table is filled a batch at a time; documents
    changed and removed half-way are taken out of it only once they were put in."""
    index, _ = _many(tmp_path, 12)
    path = index.index.path
    index.index.close()
    with sqlite3.connect(path) as conn:
        conn.execute("DROP TABLE chars")
        conn.execute("DELETE FROM meta WHERE key LIKE 'chars_%'")
    older = CorpusIndex(index.corpus, FullTextIndex.open(path))
    assert not older.index.chars_complete
    assert older.index.candidates(["安"]) is None  # every document, as before
    monkeypatch.setattr(chars, "FILL_BATCH", 4)
    older.index.fill_chars()  # rows 1-4 filled, 5-12 not yet
    root = older.corpus.root
    for name in ("d001.txt", "d009.txt"):
        _write(root, name, "改过了，没有那个词\n")
        os.utime(root / name, ns=(5, 5))
    (root / "d002.txt").unlink()
    (root / "d010.txt").unlink()
    (root / "d011.txt").unlink()  # the last row: documents written next get such numbers
    _write(root, "new.txt", "新来的，安\n")
    older.corpus.scan()
    assert older.sync()
    assert not older.index.chars_complete  # the index answers meanwhile
    _same(older, list(searchable_texts(older.corpus)), "安", 3)
    assert older.fill_chars()
    assert older.index.chars_complete
    texts = list(searchable_texts(older.corpus))
    for query in ("安", "改", "词", "安全", "新"):
        _same(older, texts, query, None)
    assert len(older.index.candidates(["安"]) or ()) == len(texts) - 2
    (rewritten,) = older.index.held([("d001.txt", stamp_of(older.corpus.get("d001.txt")))])
    assert rewritten is not None and rewritten <= 12  # a number the filling had still to reach
    older.index.close()
    with sqlite3.connect(path) as conn:  # and the table's structure is sound
        conn.execute("INSERT INTO chars(chars) VALUES ('integrity-check')")
