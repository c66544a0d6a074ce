"""The review queue's core: what goes in it after an edit, and accept, next, delete, undo."""

from __future__ import annotations

import itertools
import random
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kbtui.annotations.anchoring import anchor
from kbtui.annotations.model import AnchorState, Annotation, Colour
from kbtui.annotations.review import (
    REVIEW_THRESHOLD,
    Passage,
    accepted,
    candidates,
    differences,
    needs_review,
)
from kbtui.documents.model import source_hash
from kbtui.session.live import apply_batch, watch_filter
from kbtui.session.review import ReviewQueue, review_queue
from kbtui.session.session import Session
from kbtui.settings import Settings, SettingsError, load_settings

DOC = "000_7aa956d427ec0c4c.txt"
EDITED = "他们意识到，AI的巨大潜力需要坚实的安全护栏作为支撑"
"""Rewritten by :data:`EDIT`: found again approximately, with a low score."""
EDIT = "他们认识到，人工智能的巨大潜力需要牢固的护栏支撑"
REMOVED = "这种安全优先的理念，需要一个完全契合的组织架构来承载"
"""Taken out of the document: an orphan."""
AFTER_EDITED = "因此决定从零开始"
"""Right after :data:`EDITED`: the edit rewrites its prefix."""
UNTOUCHED = "资源匮乏下的"
"""Far from the edits: stays where it was, not asked about."""


def annotate(source: str, quote: str, **kw: object) -> Annotation:
    start = source.index(quote)
    return Annotation.from_source(
        DOC, source, start, start + len(quote), text_hash=source_hash(source), **kw
    )


@pytest.fixture
def session(sample_corpus: Path, tmp_path: Path) -> Session:
    """A session over a copy of one sample document, annotated three times."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(sample_corpus / DOC, corpus / DOC)
    session = Session.open(corpus, tmp_path / "db.json")
    source = session.corpus.load(DOC).source
    session.store.add(annotate(source, EDITED, note="my note", tags=["t"], colour=Colour.RED))
    session.store.add(annotate(source, REMOVED))
    session.store.add(annotate(source, UNTOUCHED))
    return session


def edit_file(session: Session) -> str:
    """Rewrite the document on disk (one passage changed, one removed); the new source."""
    path = session.corpus.root / DOC
    text = path.read_text(encoding="utf-8").replace(EDITED, EDIT).replace(REMOVED, "")
    path.write_text(text, encoding="utf-8")
    return session.corpus.load(DOC).source


def queue_after_edit(session: Session) -> tuple[ReviewQueue, str]:
    queue = ReviewQueue(session)
    source = edit_file(session)
    queue.refresh()
    return queue, source


def test_the_queue_holds_the_weak_move_and_the_orphan_not_the_untouched(session: Session) -> None:
    queue, _ = queue_after_edit(session)
    by_quote = {item.before.quote: item for item in queue.items()}
    assert set(by_quote) >= {EDITED, REMOVED}
    assert UNTOUCHED not in by_quote
    moved, orphan = by_quote[EDITED], by_quote[REMOVED]
    assert moved.annotation.anchor == AnchorState.MOVED
    assert moved.annotation.score is not None and moved.annotation.score < REVIEW_THRESHOLD
    assert moved.annotation.quote == EDIT  # where it stands now
    assert moved.old.text == EDITED and moved.known_before  # what it was made on
    assert orphan.annotation.anchor == AnchorState.ORPHAN and orphan.known_before
    assert queue.count() == len(queue.items())


def test_an_untouched_document_has_an_empty_queue(session: Session) -> None:
    queue = ReviewQueue(session)
    assert queue.refresh() == [] and queue.count() == 0


def test_an_annotation_made_after_the_first_look_keeps_its_text_too(session: Session) -> None:
    """The reader re-anchors through the queue as it opens a document; an annotation
    made afterwards (shown exact) is kept as made, for when the text changes next."""
    queue = review_queue(session)
    source = session.corpus.load(DOC).source
    queue.reanchor(DOC, source)  # the reader opens the document
    made = session.store.add(annotate(source, AFTER_EDITED))
    queue.take(DOC, session.store.anchored_annotations(DOC, source))  # and shows it
    assert EDITED in made.prefix
    queue.reanchor(DOC, edit_file(session))
    [item] = [i for i in queue.items() if i.annotation.id == made.id]
    assert item.annotation.anchor == AnchorState.MOVED  # its prefix was rewritten
    assert item.known_before and item.old == Passage.stored(made)


def test_accept_stores_an_exact_anchor_with_score_one(session: Session) -> None:
    queue, source = queue_after_edit(session)
    [item] = [i for i in queue.items() if i.before.quote == EDITED]
    first = queue.candidates(item)[0]
    assert first.passage.text == EDIT  # where re-anchoring put it comes first
    queue.accept(item, first.start, first.end)
    stored = session.store.get(item.annotation.id)
    assert stored is not None
    assert (stored.anchor, stored.score) == (AnchorState.EXACT, 1.0)
    assert stored.quote == source[first.start : first.end] == EDIT
    assert stored.text_hash == source_hash(source)
    assert (stored.note, stored.tags, stored.colour) == ("my note", ["t"], Colour.RED)
    assert anchor(stored, source).state == AnchorState.EXACT
    assert item.annotation.id not in {i.annotation.id for i in queue.items()}
    queue.refresh()  # and it stays out of the queue
    assert item.annotation.id not in {i.annotation.id for i in queue.items()}


def test_delete_then_undo(session: Session) -> None:
    queue, _ = queue_after_edit(session)
    [orphan] = [i for i in queue.items() if i.before.quote == REMOVED]
    before = queue.count()
    queue.delete(orphan)
    assert session.store.get(orphan.annotation.id) is None
    assert queue.count() == before - 1
    assert queue.undo() == "delete highlight"
    assert session.store.get(orphan.annotation.id) is not None
    assert queue.count() == before


def test_a_deleted_document_leaves_the_queue(session: Session) -> None:
    queue, _ = queue_after_edit(session)
    assert queue.count()
    (session.corpus.root / DOC).unlink()
    assert queue.refresh() == [] and queue.count() == 0


def test_a_changed_document_reanchored_through_the_session_queue(session: Session) -> None:
    """What the live corpus does when a file changes: the queue keeps the old text."""
    queue = review_queue(session)
    assert review_queue(session) is queue and queue.threshold == REVIEW_THRESHOLD
    source = edit_file(session)
    placed = queue.reanchor(DOC, source)
    assert placed == session.store.anchored_annotations(DOC, source)
    [item] = [i for i in queue.items() if i.annotation.quote == EDIT]
    assert item.known_before and item.old.text == EDITED
    assert queue.count() == 2  # and the orphan


def test_the_live_corpus_keeps_the_text_of_a_document_changed_while_it_runs(
    session: Session,
) -> None:
    session.corpus.scan()
    source = edit_file(session)
    update = apply_batch(
        session, watch_filter(session).batch([str(session.corpus.root / DOC)]), None
    )
    assert update.orphans == {DOC: 1}
    [item] = [i for i in review_queue(session).items() if i.annotation.quote == EDIT]
    assert item.known_before and item.old.text == EDITED
    assert item.annotation == session.store.get(item.annotation.id)
    assert source.count(EDIT) == 1


# -- candidates and differences ------------------------------------------------------


def test_candidates_come_best_first_and_never_overlap() -> None:
    quote = "安全护栏作为支撑"
    made_on = f"甲乙丙丁戊己庚辛{quote}壬癸子丑寅卯辰巳"
    a = Annotation.from_source("d", made_on, 8, 8 + len(quote), text_hash=source_hash(made_on))
    now = f"别的文字{quote}别的文字。其他其他甲乙丙丁戊己庚辛安全护栏做为支撑壬癸子丑寅卯辰巳"
    found = candidates(a, now)
    scores = [p.score for p in found]
    assert scores == sorted(scores, reverse=True) and len(found) >= 2
    assert found[0].passage.text == "安全护栏做为支撑"  # the context agrees: it wins
    assert found[1].passage.text == quote  # the exact copy elsewhere is next
    spans = sorted((p.start, p.end) for p in found)
    assert all(e <= s for (_, e), (s, _) in itertools.pairwise(spans))


def test_differences_by_character_in_chinese_by_word_in_latin() -> None:
    old, new = differences("达里奥说Dario said", "达里欧说Darío said")
    assert old == [("same", "达里"), ("gone", "奥"), ("same", "说"), ("gone", "Dario"),
                   ("same", " said")]  # fmt: skip
    assert new == [("same", "达里"), ("new", "欧"), ("same", "说"), ("new", "Darío"),
                   ("same", " said")]  # fmt: skip
    assert differences("同", "同") == ([("same", "同")], [("same", "同")])


def test_needs_review() -> None:
    a = Annotation("d", 0, 1, "x")
    assert not needs_review(a)
    a.anchor, a.score = AnchorState.MOVED, 0.95
    assert not needs_review(a)
    a.score = 0.8
    assert needs_review(a) and not needs_review(a, threshold=0.7)
    a.anchor = AnchorState.ORPHAN
    assert needs_review(a, threshold=0.0)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    cut=st.integers(0, 40),
    insert=st.text(alphabet="，的了是安全AIx ", max_size=12),
)
def test_accepting_a_candidate_places_exactly_the_text_shown(
    seed: int, cut: int, insert: str
) -> None:
    """Whatever the edit, accepting a candidate puts the annotation on the very text the
    queue showed for it, exactly, and it is then found there unchanged."""
    rng = random.Random(seed)
    made_on = "".join(rng.choice("安全的模型AI是了一个公司，。ab ") for _ in range(300))
    start = rng.randrange(0, 250)
    a = Annotation.from_source(
        "d", made_on, start, start + 30, text_hash=source_hash(made_on), note="n"
    )
    at = rng.randrange(0, 300)
    now = made_on[:at] + insert + made_on[at + cut :]
    for placement in candidates(a, now):
        shown = placement.passage
        done = accepted(a, now, placement.start, placement.end)
        assert done.quote == shown.text == now[done.start : done.end]
        assert now[: done.start].endswith(shown.prefix) and now[done.end :].startswith(shown.suffix)
        assert anchor(done, now).state == AnchorState.EXACT and done.score == 1.0
        assert (done.id, done.note) == (a.id, "n")


def test_a_passage_is_cut_at_the_text_ends() -> None:
    assert Passage.at("abcdef", 1, 3, 32) == Passage("a", "bc", "def")


def test_the_threshold_is_a_setting(tmp_path: Path) -> None:
    assert Settings().review_threshold == REVIEW_THRESHOLD
    path = tmp_path / "settings.toml"
    path.write_text("review_threshold = 0.75\n", encoding="utf-8")
    assert load_settings(path).review_threshold == 0.75
    for bad in ("1.5", "true", '"high"'):
        path.write_text(f"review_threshold = {bad}\n", encoding="utf-8")
        with pytest.raises(SettingsError, match="review_threshold"):
            load_settings(path)


def test_the_first_reanchor_reads_the_annotations_once(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It keeps the stored versions and places them: one read, not two (each built all of
    a document's annotations, 2 s apiece with 146,000 of them)."""
    store = session.store
    reads: list[str] = []
    real = store.annotations_for
    monkeypatch.setattr(store, "annotations_for", lambda doc: (reads.append(doc), real(doc))[1])
    queue = ReviewQueue(session)
    source = edit_file(session)
    placed = queue.reanchor(DOC, source)
    assert reads == [DOC]
    assert {a.quote for a in placed} >= {EDIT, UNTOUCHED}
    assert {item.before.quote for item in queue.items()} >= {EDITED, REMOVED}
