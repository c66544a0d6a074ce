"""Annotations of a renamed, moved or deleted document: kept, listed, exported, reattached."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from helpers import SIZE, build, screen_text, settle

from kbtui.annotations.model import AnchorState, Annotation
from kbtui.annotations.store import Store
from kbtui.cli import main
from kbtui.documents.corpus import Corpus
from kbtui.exchange.markdown import MarkdownOptions, Scope, render_markdown, render_per_document
from kbtui.exchange.pipeline import collect
from kbtui.lookup.vocab import VocabEntry
from kbtui.session.housekeeping import (
    SAME_CONTENT,
    SAME_QUOTES,
    ReattachError,
    missing_documents,
    reattach,
)
from kbtui.ui.screens.notebook import NotebookScreen

DOC = "001_a7702332fec17ca5.txt"
GOLDEN = Path(__file__).parent / "golden"
NEEDLES = ("Anthropic", "AI")


@pytest.fixture
def corpus(sample_corpus: Path, tmp_path: Path) -> Path:
    """A copy of the sample corpus the test may rename files in."""
    root = tmp_path / "corpus"
    shutil.copytree(sample_corpus, root)
    return root


def annotate(store: Store, root: Path, doc_id: str = DOC) -> list[Annotation]:
    """Two annotations of ``doc_id``, made on its current text, and its tags."""
    source = (root / doc_id).read_text(encoding="utf-8")
    corpus = Corpus(root)
    text_hash = corpus.load(doc_id).text_hash
    made = []
    for needle in NEEDLES:
        start = source.index(needle)
        end = start + len(needle)
        made.append(
            store.add(Annotation.from_source(doc_id, source, start, end, text_hash=text_hash))
        )
    store.set_doc_tags(doc_id, ["kept"])
    return made


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(list(argv))
    out, err = capsys.readouterr()
    return int(exit_info.value.code or 0), out, err


def test_the_store_lists_and_moves_every_record_of_a_document(tmp_path: Path) -> None:
    store = Store.in_memory()
    a = store.add(Annotation("old.md", 0, 3, "abc", note="mine"))
    store.add(Annotation("new.md", 5, 6, "x"))
    store.set_doc_tags("old.md", ["a", "b"])
    store.set_doc_tags("new.md", ["b", "c"])
    store.set_position("new.md", 42)
    store.words.add(
        VocabEntry("书", "書", "shū", "shu1", "ㄕㄨ", ("book",), "一本书", "old.md", "Old", 0, 1)
    )
    kept = store.documents.documents()
    assert (kept["old.md"].annotations, kept["old.md"].words, kept["old.md"].state) == (1, 1, True)
    moved = store.documents.move("old.md", "new.md")
    assert (moved.annotations, moved.words, moved.state) == (1, 1, True)
    assert "old.md" not in store.documents.documents()
    moved_a = store.get(a.id)
    assert moved_a is not None and moved_a.doc_id == "new.md" and moved_a.note == "mine"
    assert store.count("new.md") == 2
    state = store.doc_state("new.md")
    assert state.tags == ("b", "c", "a") and state.position == 42  # new's own state stands
    assert [w.doc_id for w in store.words.entries()] == ["new.md"]
    with pytest.raises(KeyError):
        store.documents.move("old.md", "new.md")
    with pytest.raises(ValueError):
        store.documents.move("new.md", "new.md")


def test_a_renamed_file_is_suggested_by_its_content(corpus: Path, tmp_path: Path) -> None:
    store = Store.open(tmp_path / "db.json")
    annotate(store, corpus)
    (corpus / DOC).rename(corpus / "renamed.txt")
    [missing] = missing_documents(Corpus(corpus), store)
    assert (missing.doc_id, missing.suggestion, missing.reason) == (
        DOC,
        "renamed.txt",
        SAME_CONTENT,
    )
    assert missing.records.annotations == 2 and missing.records.state


def test_a_renamed_and_edited_file_is_suggested_by_its_quotes(corpus: Path, tmp_path: Path) -> None:
    store = Store.open(tmp_path / "db.json")
    annotate(store, corpus)
    text = (corpus / DOC).read_text(encoding="utf-8")
    (corpus / DOC).unlink()
    (corpus / "sub").mkdir()
    (corpus / "sub" / "moved.txt").write_text("A new first line.\n" + text, encoding="utf-8")
    [missing] = missing_documents(Corpus(corpus), store)
    assert (missing.suggestion, missing.reason) == ("sub/moved.txt", SAME_QUOTES)


def test_a_deleted_file_is_listed_without_a_suggestion(corpus: Path, tmp_path: Path) -> None:
    store = Store.open(tmp_path / "db.json")
    annotate(store, corpus)
    (corpus / DOC).unlink()
    [missing] = missing_documents(Corpus(corpus), store)
    assert missing.suggestion is None and missing.records.annotations == 2
    assert store.count(DOC) == 2  # listed, never dropped


def test_reattach_moves_and_re_anchors(corpus: Path, tmp_path: Path) -> None:
    store = Store.open(tmp_path / "db.json")
    made = annotate(store, corpus)
    text = (corpus / DOC).read_text(encoding="utf-8")
    (corpus / DOC).unlink()
    (corpus / "moved.txt").write_text("Inserted.\n" + text, encoding="utf-8")
    done = reattach(Corpus(corpus), store, DOC, "moved.txt")
    assert (done.moved.annotations, done.exact + done.shifted, done.orphaned) == (2, 2, 0)
    placed = {a.id: a for a in store.annotations_for("moved.txt")}
    assert set(placed) == {a.id for a in made}
    assert all(a.anchor is AnchorState.MOVED for a in placed.values())
    assert all(text.startswith(a.quote, a.start - len("Inserted.\n")) for a in placed.values())
    assert store.doc_state("moved.txt").tags == ("kept",)
    assert "moved 2 annotations" in done.summary() and "moved.txt" in done.summary()


def test_reattach_refuses_what_would_be_a_mistake(corpus: Path, tmp_path: Path) -> None:
    store = Store.open(tmp_path / "db.json")
    annotate(store, corpus)
    with pytest.raises(ReattachError, match="still in the corpus"):
        reattach(Corpus(corpus), store, DOC, "000_7aa956d427ec0c4c.txt")
    (corpus / DOC).rename(corpus / "renamed.txt")
    with pytest.raises(ReattachError, match="no document"):
        reattach(Corpus(corpus), store, DOC, "nowhere.txt")
    with pytest.raises(ReattachError, match="nothing is kept"):
        reattach(Corpus(corpus), store, "never.txt", "renamed.txt")
    assert store.count(DOC) == 2


def test_the_cli_lists_reattaches_and_exports_them(
    capsys: pytest.CaptureFixture[str], corpus: Path, tmp_path: Path
) -> None:
    db = tmp_path / "db.json"
    with Store.open(db) as store:
        made = annotate(store, corpus)
    (corpus / DOC).rename(corpus / "renamed.txt")
    where = ("--corpus", str(corpus), "--db", str(db))
    code, _, err = run(capsys, "list", *where)
    assert code == 0 and "kept for 1 document not in the corpus: 2 annotations, 1 state" in err
    code, out, _ = run(capsys, "list", "--missing", *where)
    assert code == 0 and f"kbtui reattach {DOC} renamed.txt" in out and SAME_CONTENT in out
    code, out, _ = run(capsys, "list", "--missing", "--json", *where)
    assert json.loads(out)[0] == {
        "id": DOC,
        "annotations": 2,
        "words": 0,
        "state": True,
        "suggestion": "renamed.txt",
        "reason": SAME_CONTENT,
    }
    code, out, err = run(capsys, "export", "--format", "json", *where)
    exported = [item for item in json.loads(out) if item.get("motivation") == "highlighting"]
    assert {item["id"].rpartition(":")[2] for item in exported} == {a.id for a in made}
    assert all(item["kbtui"]["documentMissing"] is True for item in exported)
    code, out, _ = run(capsys, "reattach", DOC, "renamed.txt", *where)
    assert code == 0 and out.startswith("moved 2 annotations, 0 words and the document's state")
    code, out, err = run(capsys, "list", "--missing", *where)
    assert (code, out) == (0, "") and "no document is missing" in err
    code, _, err = run(capsys, "reattach", DOC, "renamed.txt", *where)
    assert code == 1 and err.count("\n") == 1 and "nothing is kept" in err


def test_json_export_to_a_terminal_escapes_bidi_controls(
    capsys: pytest.CaptureFixture[str], corpus: Path, tmp_path: Path
) -> None:
    db = tmp_path / "db.json"
    source = (corpus / DOC).read_text(encoding="utf-8")
    with Store.open(db) as store:
        store.add(Annotation.from_source(DOC, source, 0, 5, note="evil \u202e\u0085 note"))
    code, out, _ = run(
        capsys, "export", "--format", "json", "--corpus", str(corpus), "--db", str(db)
    )
    assert code == 0 and "\u202e" not in out and "\u0085" not in out
    assert "\\u202e" in out
    [item] = [i for i in json.loads(out) if i.get("motivation") == "highlighting"]
    assert item["body"][0]["value"] == "evil \u202e\u0085 note"  # the same JSON


async def test_the_notebook_marks_a_missing_documents_annotations(
    corpus: Path, tmp_path: Path
) -> None:
    with Store.open(tmp_path / "db.json") as store:
        annotate(store, corpus)
    (corpus / DOC).unlink()
    app = build(corpus, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, NotebookScreen)
        assert screen_text(app).count("✗ missing") == 2
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, NotebookScreen)  # there is nothing to open
        assert any("kbtui reattach" in str(n.message) for n in app._notifications)


def test_a_backup_of_a_missing_documents_annotations_restores_into_an_empty_database(
    capsys: pytest.CaptureFixture[str], corpus: Path, tmp_path: Path
) -> None:
    db = tmp_path / "db.json"
    with Store.open(db) as store:
        annotate(store, corpus)
        store.add(Annotation("elsewhere.txt", 0, 1, "x", note="of a file never here"))
        before = sorted(
            [*store.annotations_for(DOC), *store.annotations_for("elsewhere.txt")],
            key=lambda a: a.id,
        )
    (corpus / DOC).rename(corpus / "renamed.txt")
    backup = tmp_path / "backup.json"
    where = ("--corpus", str(corpus))
    code, _, _ = run(
        capsys, "export", "--format", "json", "--out", str(backup), *where, "--db", str(db)
    )
    assert code == 0
    empty = ("--db", str(tmp_path / "empty.json"), *where)
    code, out, err = run(capsys, "import", str(backup), *empty)
    assert (code, err) == (0, "")
    assert out.strip() == (
        "added 3, updated 0, unchanged 0, orphaned 0, rejected 0; "
        "3 annotations of documents not in the corpus kept (kbtui list --missing)"
    )
    with Store.open(tmp_path / "empty.json") as restored:
        after = sorted(
            [*restored.annotations_for(DOC), *restored.annotations_for("elsewhere.txt")],
            key=lambda a: a.id,
        )
        restored_tags = restored.doc_state(DOC).tags
    assert after == before
    assert restored_tags == ("kept",)
    code, out, _ = run(capsys, "list", "--missing", *empty)
    assert f"kbtui reattach {DOC} renamed.txt" in out and "elsewhere.txt" in out
    code, out, _ = run(capsys, "reattach", DOC, "renamed.txt", *empty)
    assert code == 0 and out.startswith("moved 2 annotations")


def test_markdown_exports_a_missing_documents_annotations_in_a_section_of_its_own(
    capsys: pytest.CaptureFixture[str], corpus: Path, tmp_path: Path
) -> None:
    db = tmp_path / "db.json"
    with Store.open(db) as store:
        for minute, made in enumerate(annotate(Store.in_memory(), corpus)):
            store.add(replace(made, created=f"2026-01-10T08:0{minute}:00+00:00"))
        store.set_doc_tags(DOC, ["kept"])
        orphan = Annotation("gone/old.md", 0, 0, "", note="*mine*", anchor=AnchorState.ORPHAN)
        store.add(orphan)
        other = Corpus(corpus).load("000_7aa956d427ec0c4c.txt")
        start = other.source.index("Anthropic")
        placed = Annotation.from_source(
            other.id, other.source, start, start + 9, text_hash=other.text_hash
        )
        store.add(placed)
    (corpus / DOC).rename(corpus / "renamed.txt")
    with Store.open(db) as store:
        items = collect(Corpus(corpus), store, Scope())
        tagged = collect(Corpus(corpus), store, Scope(tag="kept"))
    assert [(i.document.id, i.missing) for i in items] == [
        ("000_7aa956d427ec0c4c.txt", False),
        (DOC, True),
        ("gone/old.md", True),
    ]
    assert [i.document.id for i in tagged] == [DOC]  # a missing document's tags select it
    options = MarkdownOptions(exported="2026-02-01T12:00:00+00:00")
    text = render_markdown(items, options)
    assert text == (GOLDEN / "missing.md").read_text(encoding="utf-8")
    names = [name for name, _ in render_per_document(items, options)]
    assert len(names) == 3 and names[1].startswith("001_a7702332fec17ca5")
    out = tmp_path / "notes"
    where = ("--corpus", str(corpus), "--db", str(db))
    code, _, printed = run(capsys, "export", "--out", f"{out}/", *where)
    assert code == 0 and printed.startswith("exported 4 annotations to")
    assert len(list(out.iterdir())) == 3
    assert (
        sum("## Annotations of the missing document" in p.read_text() for p in out.iterdir()) == 2
    )


def test_plain_list_names_what_is_kept_of_missing_documents(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A document kept only for its tags is not "0 annotations of 1 document"."""
    db = tmp_path / "db.json"
    with Store.open(db) as store:
        store.set_doc_tags("tags-only.txt", ["kept"])
    where = ("--corpus", str(corpus), "--db", str(db))
    code, _, err = run(capsys, "list", *where)
    assert code == 0
    assert err.strip() == (
        "kbtui: kept for 1 document not in the corpus: 1 state (kbtui list --missing)"
    )
    with Store.open(db) as store:
        annotate(store, corpus)
    (corpus / DOC).unlink()
    code, _, err = run(capsys, "list", *where)
    assert err.strip() == (
        "kbtui: kept for 2 documents not in the corpus: 2 annotations, 2 states "
        "(kbtui list --missing)"
    )
