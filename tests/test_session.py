"""The Session without the app: what it opens, and the plain data it answers."""

from __future__ import annotations

from pathlib import Path

from helpers import DOC_001

from kbtui.scripts.views import Variant
from kbtui.session import Session
from kbtui.settings import Settings, settings_path


def test_opening_reads_only_what_is_used(sample_corpus: Path, tmp_path: Path) -> None:
    settings_path().parent.mkdir(parents=True)
    settings_path().write_text("theme = 3", encoding="utf-8")  # broken
    db = tmp_path / "db.json"
    session = Session.open(sample_corpus, db)
    assert session.corpus.load(DOC_001).readable  # what `kbtui show` does
    assert not db.exists()  # no store opened
    assert session.warnings == []  # no settings read
    assert session.store.count(DOC_001) == 0
    assert db.exists()
    session.close()


def test_broken_settings_give_defaults_and_are_never_overwritten(
    sample_corpus: Path, tmp_path: Path
) -> None:
    settings_path().parent.mkdir(parents=True)
    settings_path().write_text("theme = 3", encoding="utf-8")
    session = Session.open(sample_corpus, tmp_path / "db.json")
    (warning,) = session.open_all()
    assert "settings.toml" in warning and warning.endswith("(using defaults; the file is kept)")
    assert session.settings == Settings()
    session.set_default_script(Variant.TRADITIONAL)
    assert settings_path().read_text(encoding="utf-8") == "theme = 3"
    session.close()


def test_search_groups_carry_titles_and_a_summary(sample_corpus: Path, tmp_path: Path) -> None:
    session = Session.open(sample_corpus, tmp_path / "db.json")
    groups, summary = session.search("達里奧")  # Traditional finds the Simplified text
    assert groups and all(group.passages for group in groups)
    titles = {e.id: e.meta.title for e in session.corpus.entries()}
    assert [g.title for g in groups] == [titles[g.doc_id] for g in groups]
    total = sum(group.total for group in groups)
    assert summary == f"{total} matches in {len(groups)} documents"


def test_entity_passages_are_shown_in_the_readers_script(
    sample_corpus: Path, tmp_path: Path
) -> None:
    session = Session.open(sample_corpus, tmp_path / "db.json")
    index = session.index_mentions(session.user_records()).index
    dario = index.registry.lookup("达里奥·阿莫代伊")
    assert dario is not None
    plain = session.entity_passages(index, dario.id)
    shown = session.entity_passages(index, dario.id, variant=Variant.TRADITIONAL)
    assert plain.name == shown.name == dario.name
    assert dario.name in plain.title and "passages in" in plain.title
    matches = {p.match for group in shown.groups for p in group.passages}
    assert "達里奧·阿莫代伊" in matches
    assert "达里奥·阿莫代伊" not in matches
    session.close()
