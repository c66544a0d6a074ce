"""The reader's reading view in the app: a clipping's folds open with z, a transcript's
lines come back with w (remembered per document), kbtui show --full prints everything."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import SIZE, build, open_doc, settle

from kbtui.annotations.store import Store
from kbtui.cli import main
from kbtui.ui.reader import Reader

DOC_001 = "001_a7702332fec17ca5.txt"
DOC_004 = "004_6b75a25af0571ee2.txt"


async def test_z_unfolds_the_site_chrome_and_offsets_stay_source_offsets(
    sample_corpus: Path, tmp_path: Path
) -> None:
    source = (sample_corpus / DOC_004).read_text(encoding="utf-8")
    app = build(sample_corpus, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_doc(app, pilot, DOC_004)
        await settle(app, pilot)
        assert app.pane.view is not None
        assert app.pane.view.text.startswith("⋯ 4 lines of site navigation")
        title = source.index("炮轟黃仁勛")
        app.query_one(Reader).move_to_source(title)
        await pilot.press("z")
        await settle(app, pilot)
        assert app.pane.view.text.startswith("繁體")
        assert app.query_one(Reader).cursor_source == title
        await pilot.press("z")
        await settle(app, pilot)
        assert app.pane.view.text.startswith("⋯ 4 lines")


async def test_w_shows_a_transcripts_lines_and_is_remembered(
    sample_corpus: Path, tmp_path: Path
) -> None:
    app = build(sample_corpus, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_doc(app, pilot, DOC_001)
        await settle(app, pilot)
        assert app.pane.view is not None
        assert app.pane.view.text.startswith("大家好，这里是最佳拍档 Anthropic")
        await pilot.press("w")
        await settle(app, pilot)
        assert app.pane.view.text.startswith("大家好，这里是最佳拍档\nAnthropic")
        assert app.session.store.doc_state(DOC_001).lines is True
        await open_doc(app, pilot, DOC_004)
        await open_doc(app, pilot, DOC_001)
        await settle(app, pilot)
        assert app.pane.view.text.startswith("大家好，这里是最佳拍档\nAnthropic")
    with Store.open(tmp_path / "db.json") as store:
        assert store.doc_state(DOC_001).lines is True


def test_show_prints_the_reading_view_and_full_prints_everything(
    capsys: pytest.CaptureFixture[str], sample_corpus: Path
) -> None:
    with pytest.raises(SystemExit):
        main(["show", DOC_004, "--corpus", str(sample_corpus)])
    shown = capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["show", DOC_004, "--corpus", str(sample_corpus), "--full"])
    full = capsys.readouterr().out
    assert shown.startswith("⋯ 4 lines of site navigation") and "免責" not in shown
    assert full.startswith("繁體") and "風險及免責提示" in full
