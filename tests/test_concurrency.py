"""Nothing is lost: a stale copy never reverts another process's newer edit (two kbtui
processes on one database), an import never beats a local edit, a full disk loses no setting."""

from __future__ import annotations

import errno
import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from helpers import DOC_001, SIZE, build, open_doc, settle
from test_app_live import _shown_note, _touch, _until

from kbtui.annotations import storage
from kbtui.annotations.journal import Journal
from kbtui.annotations.model import Annotation, Colour
from kbtui.annotations.store import StaleAnnotation, Store
from kbtui.exchange.w3c import loads, to_w3c
from kbtui.scripts.chains import Backend
from kbtui.scripts.views import Variant
from kbtui.settings import settings_path
from kbtui.ui.messages import ConversionChosen, DefaultScriptChosen
from kbtui.ui.screens.dialogs import NoteEditorScreen

DOC = "a.md"


def no_space(*_args: object, **_kw: object) -> None:
    """A write on a full disk."""
    raise OSError(errno.ENOSPC, "No space left on device")


def two_stores(tmp_path: Path) -> tuple[Store, Store, Annotation]:
    """Two stores on one file (as two processes have), and an annotation both have read."""
    db = tmp_path / "db.json"
    first = Store.open(db)
    first.add(Annotation(DOC, 0, 3, "abc", note="first note", tags=["t"]))
    second = Store.open(db)
    [mine] = first.annotations_for(DOC)
    [theirs] = second.annotations_for(DOC)
    assert mine.id == theirs.id
    return first, second, mine


def test_a_stale_copy_keeps_the_other_processes_change(tmp_path: Path) -> None:
    first, second, mine = two_stores(tmp_path)
    [theirs] = second.annotations_for(DOC)
    second.update(replace(theirs, note="their newer note"))
    mine.colour = Colour.BLUE  # the app changes its copy in place, as on ``c``
    stored = first.update(mine)
    assert (stored.note, stored.colour) == ("their newer note", Colour.BLUE)
    assert Store.open(tmp_path / "db.json", read_only=True).get(mine.id) == stored


def test_the_same_field_changed_twice_is_refused_and_the_newer_kept(tmp_path: Path) -> None:
    first, second, mine = two_stores(tmp_path)
    [theirs] = second.annotations_for(DOC)
    second.update(replace(theirs, note="theirs"))
    mine.note = "mine"
    with pytest.raises(StaleAnnotation, match="another kbtui"):
        first.update(mine)
    assert first.get(mine.id) == second.get(mine.id)
    assert second.annotations_for(DOC)[0].note == "theirs"
    [fresh] = first.annotations_for(DOC)  # what the app shows after the refusal
    fresh.note = "mine, on what is there now"
    assert first.update(fresh).note == "mine, on what is there now"


def test_a_refused_note_saved_again_wins(tmp_path: Path) -> None:
    first, second, mine = two_stores(tmp_path)
    [theirs] = second.annotations_for(DOC)
    second.update(replace(theirs, note="theirs"))
    mine.note = "kept in its editor"
    with pytest.raises(StaleAnnotation, match="save again"):
        first.update(mine)
    assert first.update(mine).note == "kept in its editor"  # ctrl+s again, same copy
    [later] = second.annotations_for(DOC)
    second.update(replace(later, note="theirs again"))
    mine.note = "and once more"
    with pytest.raises(StaleAnnotation):  # a new change elsewhere: asked again
        first.update(mine)


def test_a_delete_of_a_changed_annotation_asks_once(tmp_path: Path) -> None:
    first, second, mine = two_stores(tmp_path)
    [theirs] = second.annotations_for(DOC)
    second.update(replace(theirs, tags=["added elsewhere"]))
    with pytest.raises(StaleAnnotation, match="delete again"):
        first.delete(mine.id)
    assert first.get(mine.id) is not None
    assert first.delete(mine.id).tags == ["added elsewhere"]
    assert second.annotations_for(DOC) == []


def within_one_second(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Store, Store, Annotation]:
    """Two stores on one file, whose every write is stamped in the same second, and this
    one's copy of the annotation the other has just given the note "theirs"."""
    stamp = "2030-01-01T00:00:00+00:00"
    monkeypatch.setattr("kbtui.annotations.store.now_iso", lambda: stamp)
    first = Store.open(tmp_path / "db.json")
    first.add(Annotation(DOC, 0, 3, "abc", note="first", updated=stamp))
    second = Store.open(tmp_path / "db.json")
    [mine], [theirs] = first.annotations_for(DOC), second.annotations_for(DOC)
    second.update(replace(theirs, note="theirs"))  # the same second: the same ``updated``
    return first, second, mine


def test_edits_within_one_second_are_told_apart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second, mine = within_one_second(tmp_path, monkeypatch)
    assert second.annotations_for(DOC)[0].updated == mine.updated
    mine.tags = ["mine"]
    stored = first.update(mine)
    assert (stored.note, stored.tags) == ("theirs", ["mine"])


def test_a_newer_version_read_within_the_same_second_is_not_taken_for_the_copys(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app's database watcher reads the other window's note (stamped in the second the
    editor's copy was): the copy still started from the older one, so its note is refused."""
    first, second, mine = within_one_second(tmp_path, monkeypatch)
    assert first.reload()
    [shown] = first.annotations_for(DOC)  # the newer one, as the watcher hands it to the pane
    assert (shown.note, shown.updated) == ("theirs", mine.updated)
    mine.note = "mine"
    with pytest.raises(StaleAnnotation, match="its note differs"):
        first.update(mine)
    assert first.get(mine.id) == second.get(mine.id)
    assert first.update(mine).note == "mine"  # saved again: the user was told, and insists
    shown.colour = Colour.BLUE  # the pane's copy of the version now stored
    stored = first.update(shown)
    assert (stored.note, stored.colour) == ("mine", Colour.BLUE)


def test_an_import_without_modified_never_beats_a_local_edit(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "db.json")
    a = store.add(Annotation(DOC, 0, 3, "abc", note="old", created="2020-01-01T00:00:00+00:00"))
    store.update(replace(a, note="edited here"))
    item = to_w3c(replace(a, note="from another tool"))
    del item["modified"]
    new = to_w3c(Annotation(DOC, 4, 5, "d", created="2021-01-01T00:00:00+00:00"))
    del new["modified"]
    result = loads(json.dumps([item, new]))
    counts = store.merge_import(result.annotations)
    assert (counts.added, counts.updated, counts.unchanged) == (1, 0, 1)
    assert [x.note for x in store.annotations_for(DOC) if x.id == a.id] == ["edited here"]
    added = [x for x in store.annotations_for(DOC) if x.id != a.id]
    assert added[0].updated == "2021-01-01T00:00:00+00:00"  # modified when created


CHILD = """
import sys
from dataclasses import replace
from kbtui.annotations.store import Store
store = Store.open(sys.argv[1])
[a] = store.annotations_for("a.md")
store.update(replace(a, note="written by the other process"))
for i in range(int(sys.argv[2])):
    from kbtui.annotations.model import Annotation
    store.add(Annotation("b.md", i, i + 1, "x"))
store.close()
"""


def test_two_processes_lose_nothing(tmp_path: Path) -> None:
    first, _second, mine = two_stores(tmp_path)
    src = str(Path(__file__).parents[1] / "src")
    children = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD, str(tmp_path / "db.json"), "20"],
            env={"PYTHONPATH": src, "PATH": "/usr/bin:/bin"},
        )
        for _ in range(2)
    ]
    for i in range(20):
        first.add(Annotation("c.md", i, i + 1, "y"))
    assert [child.wait(timeout=60) for child in children] == [0, 0]
    mine.colour = Colour.RED
    stored = first.update(mine)
    assert (stored.note, stored.colour) == ("written by the other process", Colour.RED)
    first.close()
    after = Store.open(tmp_path / "db.json", read_only=True)
    assert (after.count("b.md"), after.count("c.md")) == (40, 20)


async def test_the_apps_recolour_keeps_a_note_written_meanwhile(
    sample_corpus: Path, tmp_path: Path
) -> None:
    app = build(sample_corpus, tmp_path)
    source = (sample_corpus / DOC_001).read_text(encoding="utf-8")
    start = source.index("Anthropic")
    a = app.session.store.add(Annotation.from_source(DOC_001, source, start, start + 9))
    async with app.run_test(size=SIZE) as pilot:
        await open_doc(app, pilot, DOC_001)
        app.pane.reader.move_to_source(start + 1)
        await pilot.pause()
        assert app.pane.annotation_at_cursor() is not None
        other = Store.open(tmp_path / "db.json")
        theirs = other.get(a.id)
        assert theirs is not None
        other.update(replace(theirs, note="typed in another window"))
        await pilot.press("c")
        await settle(app, pilot)
        stored = Store.open(tmp_path / "db.json", read_only=True).get(a.id)
        assert stored is not None
        assert (stored.note, stored.colour) == ("typed in another window", Colour.GREEN)


async def test_the_apps_note_over_a_newer_one_is_refused_once_then_saved(
    sample_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The other window's note is stamped in the second the editor's copy was, and the
    database watcher shows it in the pane before ``ctrl+s`` (CI's runs met both)."""
    stamp = "2030-01-01T00:00:00+00:00"
    monkeypatch.setattr("kbtui.annotations.store.now_iso", lambda: stamp)
    app, db = build(sample_corpus, tmp_path), tmp_path / "db.json"
    source = (sample_corpus / DOC_001).read_text(encoding="utf-8")
    start = source.index("Anthropic")
    mark = Annotation.from_source(DOC_001, source, start, start + 9, updated=stamp)
    a = app.session.store.add(mark)
    async with app.run_test(size=SIZE) as pilot:
        await open_doc(app, pilot, DOC_001)
        app.pane.reader.move_to_source(start + 1)
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, NoteEditorScreen)
        other = Store.open(db)
        theirs = other.get(a.id)
        assert theirs is not None
        other.update(replace(theirs, note="typed in another window"))
        await _until(
            pilot,
            lambda: _shown_note(app, a.id) == "typed in another window",
            "the pane to show the other window's note",
            lambda: _touch(db),
        )
        await pilot.press(*"mine", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, NoteEditorScreen)  # refused: the note stays in its editor
        assert any("another kbtui" in str(n.message) for n in app._notifications)
        kept = Store.open(db, read_only=True).get(a.id)
        assert kept is not None and kept.note == "typed in another window"
        await pilot.press("ctrl+s")  # told, and saving again
        await pilot.pause()
        assert not isinstance(app.screen, NoteEditorScreen)
        stored = Store.open(db, read_only=True).get(a.id)
        assert stored is not None and stored.note == "mine"


async def test_settings_on_a_full_disk_are_one_message_and_still_apply(
    sample_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = build(sample_corpus, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        monkeypatch.setattr("kbtui.settings.atomic_write_text", no_space)
        app.post_message(DefaultScriptChosen(Variant.SIMPLIFIED))
        app.post_message(ConversionChosen(Backend.REIMPLEMENTED))
        await settle(app, pilot)
        assert app.is_running
        said = [str(n.message) for n in app._notifications if "not saved" in str(n.message)]
        assert len(said) == 2 and all("No space left on device" in m for m in said), said
        assert str(settings_path()) in said[0] and "Errno" not in said[0]
        assert app.session.settings.default_script == "simplified"  # applied, kept in memory
    assert not settings_path().exists()


async def test_a_read_only_session_writes_again_when_the_disk_has_room(
    sample_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = build(sample_corpus, tmp_path)
    source = (sample_corpus / DOC_001).read_text(encoding="utf-8")
    start = source.index("Anthropic")
    a = app.session.store.add(Annotation.from_source(DOC_001, source, start, start + 9))
    async with app.run_test(size=SIZE) as pilot:
        await open_doc(app, pilot, DOC_001)
        app.pane.reader.move_to_source(start + 1)
        await pilot.pause()
        monkeypatch.setattr(Journal, "append", no_space)
        monkeypatch.setattr(storage, "atomic_write_bytes", no_space)
        await pilot.press("c")  # yellow -> green: refused
        await pilot.pause()
        assert "READ-ONLY" in app.sub_title
        await pilot.press("d")  # refused too, and the annotation stays
        await pilot.pause()
        monkeypatch.undo()  # room again
        await pilot.press("c")  # the retry goes through
        await settle(app, pilot)
        assert app.sub_title == "" and app.session.write_failure is None
        assert any("Saving again" in str(n.message) for n in app._notifications)
        await pilot.press("q")
    assert app.return_code == 0
    stored = Store.open(tmp_path / "db.json", read_only=True).get(a.id)
    assert stored is not None and stored.colour == Colour.GREEN


def test_an_undo_that_fails_can_be_undone_later(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store.open(tmp_path / "db.json")
    a = store.add(Annotation(DOC, 0, 3, "abc"))
    monkeypatch.setattr(Journal, "append", no_space)
    with pytest.raises(OSError):
        store.undo()
    monkeypatch.undo()
    assert store.can_undo and store.undo() == "add highlight"
    assert store.get(a.id) is None
