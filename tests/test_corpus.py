"""The corpus: listing, bad files, loading, and the entry cache."""

from __future__ import annotations

import json
import math
import os
import shutil
import threading
from pathlib import Path

import pytest

from kbtui.documents import corpus as corpus_module
from kbtui.documents import reading as reading_module
from kbtui.documents.corpus import Corpus, CorpusError, DocumentNotFound, Entry
from kbtui.documents.decoding import BINARY, EMPTY
from kbtui.documents.model import ROW_FIELDS, Document
from kbtui.locations import bundled_corpus
from kbtui.scripts.hanzi import Script

SAMPLE_IDS = sorted(p.name for p in bundled_corpus().iterdir() if p.suffix == ".txt")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A copy of the sample corpus, so tests may change it."""
    path = tmp_path / "corpus"
    shutil.copytree(bundled_corpus(), path)
    return path


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The ids of the files the corpus actually reads."""
    seen: list[str] = []
    real = reading_module.read_document

    def counting(
        path: Path, doc_id: str, entity_lists: tuple[str, ...]
    ) -> tuple[Document, os.stat_result | None]:
        seen.append(doc_id)
        return real(path, doc_id, entity_lists)

    monkeypatch.setattr(reading_module, "read_document", counting)
    return seen


def by_id(entries: list[Entry]) -> dict[str, Entry]:
    return {entry.id: entry for entry in entries}


# Listing


def test_sample_corpus_is_listed_sorted_with_metadata(root: Path) -> None:
    entries = Corpus(root).scan()
    assert [e.id for e in entries] == SAMPLE_IDS
    first = entries[0]
    assert first.meta.title == "Anthropic的诞生与安全愿景：AGI概念的重新审视"
    assert first.script == Script.SIMPLIFIED
    assert first.encoding == "utf-8"
    assert first.problems == ()
    assert first.size == (root / first.id).stat().st_size
    assert first.chars == len((root / first.id).read_text(encoding="utf-8"))
    assert [e.script for e in entries][2] == Script.TRADITIONAL
    assert entries[4].meta.date == "2025-07-30"


def test_missing_root_is_a_corpus_error(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="not found"):
        Corpus(tmp_path / "nope")


def test_file_root_is_a_corpus_error(tmp_path: Path) -> None:
    (tmp_path / "f.md").write_text("x")
    with pytest.raises(CorpusError, match="not a folder"):
        Corpus(tmp_path / "f.md")


def test_walk_is_recursive_and_skips_hidden_and_other_files(tmp_path: Path) -> None:
    for name in ["a.md", "b/c.MARKDOWN", "b/d/e.txt", ".git/x.md", "b/.hidden.md", "f.pdf"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("正文")
    (tmp_path / "b" / "entities.yaml").write_text("entities: []")
    assert [e.id for e in Corpus(tmp_path).scan()] == ["a.md", "b/c.MARKDOWN", "b/d/e.txt"]


def test_names_that_are_not_utf8_are_reported_not_listed(tmp_path: Path) -> None:
    """A GBK file name unzipped on Linux: its id could be neither stored nor printed."""
    (tmp_path / "a.md").write_text("正文")
    os.makedirs(os.fsencode(tmp_path) + b"/\xb9\xfe", exist_ok=True)
    for name in (b"\xd6\xd0\xce\xc4.md", b"\xb9\xfe/b.md", b"\xff.pdf"):
        with open(os.fsencode(tmp_path) + b"/" + name, "wb") as file:
            file.write("正文".encode())
    corpus = Corpus(tmp_path)
    assert [e.id for e in corpus.scan()] == ["a.md"]
    assert corpus.folder_problems == [
        "\\xb9\\xfe: name is not valid UTF-8 (rename it to read it)",
        "\\xd6\\xd0\\xce\\xc4.md: name is not valid UTF-8 (rename it to read it)",
    ]
    assert [e.id for e in Corpus(tmp_path).scan()] == ["a.md"]  # from the cache


def test_folder_links_are_not_followed(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("正文")
    (tmp_path / "loop").symlink_to(tmp_path)
    assert [e.id for e in Corpus(tmp_path).scan()] == ["a.md"]


# Bad files


def test_bad_files_are_entries_with_problems(tmp_path: Path) -> None:
    (tmp_path / "good.md").write_text("# 好\n正文")
    (tmp_path / "binary.md").write_bytes(b"\x00\x01\x02PK\x03\x04" * 100)
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "broken.md").write_text("---\ntitle: [x\n---\n正文\n")
    entries = by_id(Corpus(tmp_path).scan())
    assert entries["good.md"].problems == ()
    assert entries["binary.md"].problems == (BINARY,)
    assert entries["empty.txt"].problems == (EMPTY,)
    assert "YAML error" in entries["broken.md"].problems[0]
    assert entries["broken.md"].readable
    assert not entries["binary.md"].readable
    assert entries["binary.md"].meta.title == "binary"


def test_too_large_file_is_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reading_module, "MAX_FILE_BYTES", 1024 * 1024)
    (tmp_path / "huge.txt").write_bytes(b"x" * (2 * 1024 * 1024))
    (entry,) = Corpus(tmp_path).scan()
    assert entry.problems == ("too large: 2 MB (limit 1 MB)",)
    assert entry.size == 2 * 1024 * 1024


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "secret.md").write_text("正文")

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(reading_module, "open", refuse, raising=False)
    (entry,) = Corpus(tmp_path).scan()
    assert entry.problems == ("unreadable: permission denied",)
    assert entry.meta.title == "secret"


def test_unreadable_by_permissions(tmp_path: Path) -> None:
    path = tmp_path / "locked.md"
    path.write_text("正文")
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("running as a user who can read anything")
        (entry,) = Corpus(tmp_path).scan()
        assert entry.problems == ("unreadable: permission denied",)
    finally:
        path.chmod(0o644)


def test_special_files_are_not_opened(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.md")  # opening it would block forever
    (tmp_path / "link.txt").symlink_to(tmp_path / "missing")
    entries = by_id(Corpus(tmp_path).scan())
    assert entries["pipe.md"].problems == ("unreadable: not a regular file",)
    assert entries["link.txt"].problems[0].startswith("unreadable: no such file")


def test_folder_named_like_a_document(tmp_path: Path) -> None:
    (tmp_path / "x.md").mkdir()
    (tmp_path / "x.md" / "inner.md").write_text("正文")
    corpus = Corpus(tmp_path)
    assert [e.id for e in corpus.scan()] == ["x.md/inner.md"]
    doc = corpus.load("x.md")
    assert doc.problems == ["unreadable: not a regular file"]
    assert doc.source == ""


def test_encodings_in_a_corpus(tmp_path: Path) -> None:
    (tmp_path / "gb.txt").write_bytes("标题\r\n简体中文的正文。\r\n".encode("gb18030"))
    (tmp_path / "b5.txt").write_bytes("標題\n繁體中文的內容，這裡說明。\n".encode("big5"))
    (tmp_path / "u16.txt").write_bytes("\ufeff标题\n正文".encode("utf-16-le"))
    entries = by_id(Corpus(tmp_path).scan())
    assert entries["gb.txt"].encoding == "gb18030"
    assert entries["gb.txt"].meta.title == "标题"
    assert entries["b5.txt"].encoding == "big5"
    assert entries["b5.txt"].script == Script.TRADITIONAL
    assert entries["u16.txt"].encoding == "utf-16-le"


def test_a_file_deleted_during_the_scan_is_an_entry_titled_by_its_name(tmp_path: Path) -> None:
    gone = tmp_path / "gone.md"
    gone.write_text("正文")

    def delete_it() -> bool:  # polled after the walk found the file, before it is read
        gone.unlink(missing_ok=True)
        return False

    (entry,) = Corpus(tmp_path).scan(cancel=delete_it)
    assert entry.problems == ("unreadable: no such file or directory",)
    assert entry.meta.title == "gone"


# Loading


def test_load_returns_the_full_document(root: Path) -> None:
    corpus = Corpus(root)
    doc = corpus.load(SAMPLE_IDS[0])
    assert isinstance(doc, Document)
    assert doc.source == (root / SAMPLE_IDS[0]).read_text(encoding="utf-8")
    assert doc.source[doc.body_start :].startswith("### Anthropic")
    assert doc.meta.entities["people"] == ["丹妮拉·阿莫代伊"]


def test_load_keeps_recent_documents_and_notices_changes(root: Path) -> None:
    corpus = Corpus(root)
    doc_id = SAMPLE_IDS[3]
    first = corpus.load(doc_id)
    assert corpus.load(doc_id) is first
    (root / doc_id).write_text("# 改过了\n", encoding="utf-8")
    changed = corpus.load(doc_id)
    assert changed.meta.title == "改过了"


def test_load_evicts_old_documents(tmp_path: Path) -> None:
    for i in range(corpus_module.LOADED_DOCUMENTS + 2):
        (tmp_path / f"{i:02}.md").write_text(f"文档 {i}")
    corpus = Corpus(tmp_path)
    first = corpus.load("00.md")
    for i in range(1, corpus_module.LOADED_DOCUMENTS + 2):
        corpus.load(f"{i:02}.md")
    assert corpus.load("00.md") is not first


@pytest.mark.parametrize(
    "doc_id", ["../etc/passwd.md", "/etc/x.md", "a/../../x.md", ".git/x.md", "x.pdf", "", "a\\b.md"]
)
def test_load_refuses_ids_that_are_not_documents(root: Path, doc_id: str) -> None:
    with pytest.raises(DocumentNotFound):
        Corpus(root).load(doc_id)


def test_load_missing_document(root: Path) -> None:
    with pytest.raises(DocumentNotFound, match=r"no such document: nope\.md") as caught:
        Corpus(root).load("nope.md")
    assert isinstance(caught.value, KeyError)
    assert str(caught.value) == "no such document: nope.md"


# Cache


def test_second_scan_reads_nothing(root: Path, reads: list[str]) -> None:
    first = Corpus(root).scan()
    assert len(reads) == len(SAMPLE_IDS)
    reads.clear()
    second = Corpus(root).scan()
    assert reads == []
    assert second == first


def test_the_cache_keeps_a_declared_language(root: Path, reads: list[str]) -> None:
    (root / "tw.md").write_text("---\ntitle: 軟體\nlang: zh-TW\n---\n軟體", encoding="utf-8")
    assert by_id(Corpus(root).scan())["tw.md"].meta.lang == "zh-TW"
    reads.clear()
    assert by_id(Corpus(root).scan())["tw.md"].meta.lang == "zh-TW"
    assert reads == []  # from the cache


def test_cache_is_not_rewritten_when_nothing_changed(root: Path) -> None:
    corpus = Corpus(root)
    corpus.scan()
    before = corpus.cache_path.stat().st_mtime_ns
    Corpus(root).scan()
    assert corpus.cache_path.stat().st_mtime_ns == before


def test_changed_size_or_mtime_rereads_that_file(root: Path, reads: list[str]) -> None:
    Corpus(root).scan()
    reads.clear()
    (root / SAMPLE_IDS[1]).write_text("新的第一行\n内容", encoding="utf-8")
    st = (root / SAMPLE_IDS[2]).stat()
    os.utime(root / SAMPLE_IDS[2], ns=(st.st_atime_ns, st.st_mtime_ns + 1))
    entries = by_id(Corpus(root).scan())
    assert sorted(reads) == SAMPLE_IDS[1:3]
    assert entries[SAMPLE_IDS[1]].meta.title == "新的第一行"


def test_added_and_deleted_files(root: Path, reads: list[str]) -> None:
    Corpus(root).scan()
    reads.clear()
    (root / SAMPLE_IDS[0]).unlink()
    (root / "new.md").write_text("# 新文档")
    ids = [e.id for e in Corpus(root).scan()]
    assert ids == [*SAMPLE_IDS[1:], "new.md"]
    assert reads == ["new.md"]
    cached = json.loads(Corpus(root).cache_path.read_text(encoding="utf-8"))
    assert SAMPLE_IDS[0] not in cached["entries"]


@pytest.mark.parametrize(
    "garbage",
    [b"", b"{not json", b"[]", b'{"version": 1, "root": 5}', b"\xff\xfe\x00", None],
)
def test_corrupt_cache_is_ignored_and_rebuilt(
    root: Path, reads: list[str], garbage: bytes | None
) -> None:
    corpus = Corpus(root)
    corpus.scan()
    if garbage is None:  # right shape, broken records
        data = json.loads(corpus.cache_path.read_text(encoding="utf-8"))
        data["entries"] = {key: {"size": "x"} for key in data["entries"]}
        corpus.cache_path.write_text(json.dumps(data), encoding="utf-8")
    else:
        corpus.cache_path.write_bytes(garbage)
    reads.clear()
    entries = Corpus(root).scan()
    assert [e.id for e in entries] == SAMPLE_IDS
    assert len(reads) == len(SAMPLE_IDS)
    reads.clear()
    Corpus(root).scan()
    assert reads == []


def test_a_row_of_the_wrong_shape_is_read_again(root: Path, reads: list[str]) -> None:
    corpus = Corpus(root)
    corpus.scan()
    data = json.loads(corpus.cache_path.read_text(encoding="utf-8"))
    title = ROW_FIELDS.index("title")
    broken = {SAMPLE_IDS[0]: title, SAMPLE_IDS[1]: ROW_FIELDS.index("tags")}
    for doc_id, field in broken.items():
        data["entries"][doc_id][field] = 7  # a title, a tag list that is a number
    data["entries"][SAMPLE_IDS[2]].append("one field too many")
    corpus.cache_path.write_text(json.dumps(data), encoding="utf-8")
    reads.clear()
    entries = by_id(Corpus(root).scan())
    assert sorted(reads) == SAMPLE_IDS[:3]
    assert isinstance(entries[SAMPLE_IDS[0]].meta.title, str)


def test_an_entry_from_the_cache_is_the_entry_read(root: Path, reads: list[str]) -> None:
    read = Corpus(root).scan()
    reads.clear()
    cached = Corpus(root).scan()
    assert reads == []
    assert cached == read
    assert [e.meta for e in cached] == [e.meta for e in read]
    shown = [(e.title, list(e.tags), e.date, e.source_url, e.author) for e in cached]
    meta = [e.meta for e in read]
    assert shown == [(m.title, m.tags, m.date, m.source_url, m.author) for m in meta]
    assert [(e.path, e.mtime, e.script, e.problems) for e in cached] == [
        (e.path, e.mtime, e.script, e.problems) for e in read
    ]


@pytest.mark.parametrize("oddity", [10**30, "\ud800 a lone surrogate", math.nan])
def test_a_cache_only_the_standard_decoder_reads_is_still_read(
    root: Path, reads: list[str], oddity: object
) -> None:
    # what a faster decoder refuses (a number past 64 bits, a lone surrogate's escape,
    # NaN) the standard one takes, as it always did: the cache is still used
    corpus = Corpus(root)
    corpus.scan()
    data = json.loads(corpus.cache_path.read_text(encoding="utf-8"))
    data["odd"] = oddity
    corpus.cache_path.write_text(json.dumps(data), encoding="utf-8")
    reads.clear()
    assert [e.id for e in Corpus(root).scan()] == SAMPLE_IDS
    assert reads == []


def test_cache_nested_too_deeply_for_json_is_ignored(root: Path, reads: list[str]) -> None:
    corpus = Corpus(root)
    corpus.scan()
    corpus.cache_path.write_bytes(b"[" * 100_000)
    reads.clear()
    assert [e.id for e in Corpus(root).scan()] == SAMPLE_IDS
    assert len(reads) == len(SAMPLE_IDS)


def test_cache_write_leaves_no_temporary_files(root: Path) -> None:
    corpus = Corpus(root)
    corpus.scan()
    assert [p.name for p in corpus.cache_path.parent.iterdir()] == [corpus.cache_path.name]


def test_unwritable_cache_does_not_stop_the_scan(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    monkeypatch.setenv("KBTUI_CACHE_DIR", str(blocker))
    assert len(Corpus(root).scan()) == len(SAMPLE_IDS)


def test_entity_lists_change_invalidates_the_cache(root: Path, reads: list[str]) -> None:
    Corpus(root).scan()
    reads.clear()
    Corpus(root, entity_lists=["media_books"]).scan()
    assert len(reads) == len(SAMPLE_IDS)


def test_caches_are_per_root(root: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    other.mkdir()
    (other / "x.md").write_text("正文")
    assert Corpus(root).cache_path != Corpus(other).cache_path
    assert [e.id for e in Corpus(other).scan()] == ["x.md"]


def test_without_cache(root: Path, reads: list[str]) -> None:
    corpus = Corpus(root, use_cache=False)
    corpus.scan()
    corpus.scan()
    assert len(reads) == 2 * len(SAMPLE_IDS)
    assert not corpus.cache_path.exists()


# Progress, cancelling, threads


def test_progress_reports_start_and_end(root: Path) -> None:
    calls: list[tuple[int, int]] = []
    Corpus(root).scan(progress=lambda done, total: calls.append((done, total)))
    assert calls[0] == (0, len(SAMPLE_IDS))
    assert calls[-1] == (len(SAMPLE_IDS), len(SAMPLE_IDS))
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


def test_cancel_returns_a_prefix_and_keeps_the_work(root: Path, reads: list[str]) -> None:
    corpus = Corpus(root)
    entries = corpus.scan(cancel=lambda: len(reads) >= 2)
    assert [e.id for e in entries] == SAMPLE_IDS[:2]
    assert not corpus.scanned
    reads.clear()
    assert [e.id for e in corpus.scan()] == SAMPLE_IDS
    assert reads == SAMPLE_IDS[2:]
    assert corpus.scanned


def test_a_warm_scan_reads_only_what_changed_and_yields_the_rest_in_order(
    root: Path, reads: list[str]
) -> None:
    first = Corpus(root).scan()
    for doc_id in (SAMPLE_IDS[1], SAMPLE_IDS[-1]):
        (root / doc_id).write_text("changed\n", encoding="utf-8")
    reads.clear()
    polls: list[int] = []

    def poll() -> bool:
        polls.append(len(reads))
        return False

    again = list(Corpus(root).iter_scan(cancel=poll))
    assert reads == [SAMPLE_IDS[1], SAMPLE_IDS[-1]]
    assert [e.id for e in again] == [e.id for e in first] == SAMPLE_IDS
    assert [e.title for e in again if e.id in reads] == ["changed", "changed"]
    assert [e == f for e, f in zip(again, first, strict=True)].count(False) == 2
    assert polls[:3] == [0, 0, 1]  # before the cache's run, before each read


def test_cancel_in_a_warm_scan_stops_before_the_next_read(root: Path, reads: list[str]) -> None:
    Corpus(root).scan()
    (root / SAMPLE_IDS[2]).write_text("changed\n", encoding="utf-8")
    reads.clear()
    corpus = Corpus(root)
    entries = corpus.scan(cancel=lambda: len(reads) >= 1)
    assert [e.id for e in entries] == SAMPLE_IDS[:3] and reads == [SAMPLE_IDS[2]]
    assert not corpus.scanned


def test_closing_iter_scan_early_keeps_the_work(root: Path, reads: list[str]) -> None:
    corpus = Corpus(root)
    scan = corpus.iter_scan()
    assert next(scan).id == SAMPLE_IDS[0]
    scan.close()
    reads.clear()
    corpus.scan()
    assert reads == SAMPLE_IDS[1:]


def test_entries_and_get(root: Path) -> None:
    corpus = Corpus(root)
    assert corpus.get(SAMPLE_IDS[0]) is None
    entries = corpus.entries()
    assert corpus.get(SAMPLE_IDS[0]) == entries[0]
    assert corpus.entries() == entries


def test_scan_in_a_thread_while_loading(root: Path) -> None:
    corpus = Corpus(root)
    results: list[list[Entry]] = []
    worker = threading.Thread(target=lambda: results.append(corpus.scan()))
    worker.start()
    docs = [corpus.load(doc_id) for doc_id in SAMPLE_IDS]
    worker.join(timeout=10)
    assert [e.id for e in results[0]] == [d.id for d in docs]
