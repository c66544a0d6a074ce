"""The Session without the app: what it opens, and the plain data it answers."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from helpers import DOC_001

from kbtui.documents.model import Entry
from kbtui.scripts.chains import Backend
from kbtui.scripts.locales import Locale
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
    pages = list(session.search("達里奧"))  # Traditional finds the Simplified text
    assert [page.done for page in pages] == [False] * (len(pages) - 1) + [True]
    groups, summary = [g for page in pages for g in page.groups], pages[-1].summary
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


def test_a_documents_locale_is_the_users_then_the_frontmatters_then_detected(
    tmp_path: Path,
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "tw.md").write_text("---\nlang: zh-TW\n---\n軟體與資訊", encoding="utf-8")
    (corpus / "hant.md").write_text("軟體與資訊，這裡說的是什麼", encoding="utf-8")
    (corpus / "ja.md").write_text("東京で会議を行いました。", encoding="utf-8")
    session = Session.open(corpus, tmp_path / "db.json")
    entries = {entry.id: entry for entry in session.corpus.scan()}
    assert session.locale_of(entries["tw.md"]) is Locale.TW  # frontmatter
    assert session.locale_of(entries["hant.md"]) is Locale.HANT  # detected
    session.set_locale("tw.md", Locale.HK)
    assert session.locale_of(entries["tw.md"]) is Locale.HK  # the user's choice wins
    session.set_locale("tw.md", None)
    assert session.locale_of(entries["tw.md"]) is Locale.TW
    assert not session.offers_views(entries["ja.md"])
    session.set_locale("ja.md", Locale.HANT)  # the user says it is Chinese after all
    assert session.offers_views(entries["ja.md"])
    converted = session.context_converter(Variant.SIMPLIFIED)
    assert converted is not None and converted("tw.md", "矽谷的軟體") == "硅谷的软件"  # tw2sp
    assert converted("hant.md", "矽谷的軟體") == "矽谷的软体"  # t2s
    session.set_locale("ja.md", None)
    assert converted("ja.md", "東京會議") == "東京會議"  # Japanese: no Chinese views
    session.set_default_script(Variant.SIMPLIFIED)
    assert session.title_in_default_script(entries["hant.md"]).startswith("软体与资讯")
    ja = entries["ja.md"]
    japanese = Entry(ja.id, ja.path, ja.row, replace(ja.meta, title="東京會議"))
    assert session.title_in_default_script(japanese) == "東京會議"
    session.close()


def test_the_backend_comes_from_the_settings_and_is_saved(
    sample_corpus: Path, tmp_path: Path
) -> None:
    session = Session.open(sample_corpus, tmp_path / "db.json")
    assert session.backend is Backend.OPENCC
    session.set_backend(Backend.REIMPLEMENTED)
    assert 'conversion = "opencc-python-reimplemented"' in settings_path().read_text("utf-8")
    assert Session.open(sample_corpus, tmp_path / "db.json").backend is Backend.REIMPLEMENTED
    session.close()
