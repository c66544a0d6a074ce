"""The app in small terminals and the rough edges a demanding user runs into."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_app import DOC_003, build, open_doc

from kbtui.ui.reader import Reader
from kbtui.ui.sidebar import Sidebar


@pytest.mark.parametrize(("width", "height"), [(80, 24), (60, 24)])
async def test_reader_keeps_half_the_width_in_a_small_terminal(
    sample_corpus: Path, tmp_path: Path, width: int, height: int
) -> None:
    app = build(sample_corpus, tmp_path)
    async with app.run_test(size=(width, height)) as pilot:
        await open_doc(app, pilot, DOC_003)
        reader = app.query_one(Reader)
        assert reader.size.width >= width // 2 - 4
        assert app.doc_list.size.width >= 12
        assert app.query_one(Sidebar).size.width >= 12
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert app.query_one(Sidebar).outer_size.width == 34
