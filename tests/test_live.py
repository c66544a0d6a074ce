"""The live corpus in the core: which changed paths matter, and the incremental updates
of the metadata (and its cache), the mention index, the search and the annotations."""

from __future__ import annotations

import os
import shutil
import threading
import time
from pathlib import Path

import pytest

from kbtui.annotations.model import AnchorState, Annotation
from kbtui.documents.cache import EntryCache
from kbtui.documents.corpus import Corpus
from kbtui.documents.model import ROW_FIELDS, source_hash
from kbtui.documents.watching import Batch, PathFilter, WatchUnavailable, batches
from kbtui.entities.mentions import MentionIndex
from kbtui.search.tier import CorpusIndex
from kbtui.session import Session
from kbtui.session.knowledge import build_index, build_registry
from kbtui.session.live import apply_batch, rescan, watch_filter

SAMPLE = Path(__file__).resolve().parents[1] / "corpus"


def _write(path: Path, text: str) -> None:
    """Write ``text`` with a modification time surely unlike the file's last one
    (two writes in one clock tick would otherwise look like no change)."""
    old = path.stat().st_mtime_ns if path.exists() else 0
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(old + 10**9, old + 10**9))


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    """A copy of the sample corpus that the tests may change."""
    root = tmp_path / "corpus"
    shutil.copytree(SAMPLE, root)
    return root


@pytest.fixture
def session(corpus_dir: Path, tmp_path: Path) -> Session:
    """A session over the copy, scanned, with its store in ``tmp_path``."""
    opened = Session.open(corpus_dir, tmp_path / "db.json")
    opened.corpus.scan()
    return opened


# -- which paths matter --------------------------------------------------------


def test_filter_keeps_documents_folders_and_named_files(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "image.png").write_bytes(b"png")
    check = PathFilter(tmp_path, files=["entities.yaml"], ignore=[tmp_path / "db.json"])
    batch = check.batch(
        str(tmp_path / name)
        for name in (
            "a.md",
            "sub/B.TXT",
            "c.markdown",
            "sub",  # a folder that came
            "gone",  # one that went (or a file without a suffix)
            "entities.yaml",
            "sub/entities.yaml",  # only the root's counts
            "image.png",
        )
    )
    assert batch == Batch(
        documents=frozenset({"a.md", "sub/B.TXT", "c.markdown"}),
        folders=frozenset({"sub", "gone"}),
        files=frozenset({"entities.yaml"}),
    )


@pytest.mark.parametrize(
    "name",
    [
        ".a.md.swp",  # vim
        "a.md~",  # emacs, gedit backups
        "#a.md#",  # emacs autosave
        ".#a.md",  # emacs lock
        "4913",  # vim's probe
        "a.md.tmp",
        "a.md.part",
        "a.md___jb_tmp___",  # JetBrains safe write
        ".hidden/a.md",
        "db.json",
        "db.json.journal",
        "db.json.lock",
    ],
)
def test_filter_ignores_temporary_hidden_and_database_files(tmp_path: Path, name: str) -> None:
    check = PathFilter(tmp_path, ignore=[tmp_path / "db.json"])
    assert check.classify(str(tmp_path / name)) is None
    assert not check(None, str(tmp_path / name))
    assert check.classify(str(tmp_path.parent / "elsewhere.md")) is None


def test_watcher_batches_a_burst_of_writes(tmp_path: Path) -> None:
    """Ten files written at once arrive in few batches, each well within a second."""
    stop, got, ready = threading.Event(), [], threading.Event()

    def run() -> None:
        ready.set()
        got.extend(batches(PathFilter(tmp_path), stop))

    thread = threading.Thread(target=run)
    thread.start()
    ready.wait()
    time.sleep(0.3)  # the watch is set up
    written = {f"doc{i}.md" for i in range(10)}
    for name in written:
        (tmp_path / name).write_text("正文")
    (tmp_path / "a.md.swp").write_text("swap")
    deadline = time.monotonic() + 5
    while {d for b in got for d in b.documents} != written and time.monotonic() < deadline:
        time.sleep(0.02)
    stop.set()
    thread.join(5)
    assert {d for b in got for d in b.documents} == written
    assert 1 <= len(got) <= 3


def test_watcher_says_when_changes_stop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One empty batch after a quiet spell that follows changes (the time to write caches)."""
    monkeypatch.setattr("kbtui.documents.watching.QUIET_MS", 300)
    stop, got = threading.Event(), []

    def run() -> None:
        for batch in batches(PathFilter(tmp_path), stop):
            got.append(batch)
            if not batch:
                stop.set()

    thread = threading.Thread(target=run)
    thread.start()
    deadline = time.monotonic() + 5
    while not got and time.monotonic() < deadline:
        (tmp_path / "a.md").write_text(str(time.monotonic()))  # until the watch is set up
        time.sleep(0.2)
    thread.join(5)
    stop.set()
    assert got and got[0] and not got[-1]
    assert [bool(b) for b in got].count(False) == 1


def test_watching_a_missing_folder_says_why(tmp_path: Path) -> None:
    with pytest.raises(WatchUnavailable):
        next(batches(PathFilter(tmp_path / "nowhere"), threading.Event()))


# -- the metadata and its cache ------------------------------------------------


def test_refresh_reads_only_the_changed_files(corpus_dir: Path) -> None:
    corpus = Corpus(corpus_dir)
    entries = {e.id: e for e in corpus.scan()}
    _write(corpus_dir / "new.md", "---\ntitle: 新文件\n---\n正文")
    _write(corpus_dir / "000_7aa956d427ec0c4c.txt", "改过的标题\n\n正文")
    (corpus_dir / "001_a7702332fec17ca5.txt").unlink()
    changed, removed = corpus.refresh(
        [
            "new.md",
            "000_7aa956d427ec0c4c.txt",
            "001_a7702332fec17ca5.txt",
            "003_0b861dc1db151f35.txt",
        ]
    )
    assert sorted(e.id for e in changed) == ["000_7aa956d427ec0c4c.txt", "new.md"]
    assert removed == ["001_a7702332fec17ca5.txt"]
    now = {e.id: e for e in corpus.entries()}
    assert list(now) == sorted(now)  # still in id order
    assert now["new.md"].meta.title == "新文件"
    assert now["000_7aa956d427ec0c4c.txt"].meta.title == "改过的标题"
    assert now["003_0b861dc1db151f35.txt"] is entries["003_0b861dc1db151f35.txt"]  # not read
    cache = EntryCache(corpus.root, corpus.entity_lists)
    assert "new.md" not in cache.read()  # not rewritten for each change
    corpus.save_cache()
    records = cache.read()
    assert set(records) == set(now)
    title = ROW_FIELDS.index("title")
    assert records["new.md"][title] == "新文件"
    assert records["003_0b861dc1db151f35.txt"][title] == now["003_0b861dc1db151f35.txt"].meta.title


def test_refresh_before_a_scan_does_nothing(corpus_dir: Path) -> None:
    corpus = Corpus(corpus_dir)
    assert corpus.refresh(["000_7aa956d427ec0c4c.txt"]) == ([], [])
    assert not corpus.scanned


def test_refresh_refuses_what_is_no_document(corpus_dir: Path, tmp_path: Path) -> None:
    corpus = Corpus(corpus_dir)
    corpus.scan()
    (tmp_path / "secret.md").write_text("outside")
    (corpus_dir / "link.md").symlink_to(tmp_path / "secret.md")
    (corpus_dir / "folder.md").mkdir()
    assert corpus.refresh(["link.md", "folder.md", "../secret.md", ".hidden.md"]) == ([], [])
    assert len(corpus.entries()) == 5


# -- the session's update -------------------------------------------------------


def _index(session: Session) -> MentionIndex:
    registry = build_registry(session.entities_file, session.corpus.entries(), [])
    return build_index(session.corpus, registry, cache=False)


def test_batch_updates_rows_index_and_search(session: Session, corpus_dir: Path) -> None:
    index = _index(session)
    assert session.search_corpus("独一无二的词").total == 0
    _write(corpus_dir / "sub" / "new.md", "# 新\n\nDario Amodei 说了独一无二的词。")
    (corpus_dir / "002_be2c72276a634b9f.txt").unlink()
    batch = watch_filter(session).batch(
        [str(corpus_dir / "sub"), str(corpus_dir / "002_be2c72276a634b9f.txt")]
    )
    update = apply_batch(session, batch, index)
    assert update.changed == {"sub/new.md"}
    assert update.removed == ["002_be2c72276a634b9f.txt"]
    assert not update.reindex
    assert update.index is not None and update.index is not index
    assert [m.entity_id for m in update.index.mentions_in("sub/new.md")] == ["dario amodei"]
    assert "002_be2c72276a634b9f.txt" not in update.index
    assert "002_be2c72276a634b9f.txt" in index  # the old one is left as it was
    unchanged = "000_7aa956d427ec0c4c.txt"
    assert update.index.mentions_in(unchanged) == index.mentions_in(unchanged)
    found = session.search_corpus("独一无二的词")
    assert [d.doc_id for d in found.documents] == ["sub/new.md"]


def test_batch_updates_the_full_text_index(
    session: Session, corpus_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KBTUI_SEARCH", "index")
    assert session.searching.ensure_index()
    doc = corpus_dir / "000_7aa956d427ec0c4c.txt"
    _write(doc, doc.read_text("utf-8") + "\n独一无二的词\n")
    (corpus_dir / "003_0b861dc1db151f35.txt").unlink()
    check = watch_filter(session)
    apply_batch(
        session, check.batch([str(doc), str(corpus_dir / "003_0b861dc1db151f35.txt")]), None
    )
    assert session.searching.index_ready
    stored = CorpusIndex.open(session.corpus)  # the index file, as the next start reads it
    assert stored.stale() == ([], [])
    stored.index.close()
    found = session.search_corpus("独一无二的词")
    assert [d.doc_id for d in found.documents] == ["000_7aa956d427ec0c4c.txt"]
    assert "003_0b861dc1db151f35.txt" not in {
        d.doc_id for d in session.search_corpus("Anthropic").documents
    }


def test_frontmatter_names_and_entities_yaml_ask_for_a_new_registry(
    session: Session, corpus_dir: Path
) -> None:
    check = watch_filter(session)
    _write(corpus_dir / "named.md", "---\npeople: [某某人]\n---\n某某人来了")
    assert apply_batch(session, check.batch([str(corpus_dir / "named.md")]), None).reindex
    yaml = corpus_dir / "entities.yaml"
    _write(yaml, yaml.read_text("utf-8") + "\n")
    update = apply_batch(session, check.batch([str(yaml)]), None)
    assert update.reindex and update and not update.rows


def test_annotations_of_a_changed_document_are_reanchored(
    session: Session, corpus_dir: Path
) -> None:
    doc_id = "000_7aa956d427ec0c4c.txt"
    path = corpus_dir / doc_id
    source = session.corpus.load(doc_id).source
    start = source.index("Anthropic")
    kept = Annotation.from_source(doc_id, source, start, start + 9, text_hash=source_hash(source))
    lost = Annotation.from_source(doc_id, source, 0, 40, text_hash=source_hash(source))
    session.store.add(kept)
    session.store.add(lost)
    _write(path, "新的开头。\n" + source[40:])
    update = apply_batch(session, watch_filter(session).batch([str(path)]), None)
    assert update.orphans == {doc_id: 1}
    by_id = {a.id: a for a in session.store.annotations_for(doc_id)}
    moved = by_id[kept.id]
    new_source = path.read_text("utf-8")
    assert new_source[moved.start : moved.end] == "Anthropic"
    assert by_id[lost.id].anchor == AnchorState.ORPHAN


def test_rescan_finds_what_changed_since_the_last_scan(session: Session, corpus_dir: Path) -> None:
    _write(corpus_dir / "added.txt", "加的")
    (corpus_dir / "004_6b75a25af0571ee2.txt").unlink()
    update = rescan(session, None)
    assert update.changed == {"added.txt"}
    assert update.removed == ["004_6b75a25af0571ee2.txt"]
    assert update.reindex  # entities.yaml is read again
    assert not rescan(session, None).rows
