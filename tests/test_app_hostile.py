"""The app under hostile files: a dangling link opened with ``--open``."""

from __future__ import annotations

import shutil
from pathlib import Path

from helpers import SIZE, build, settle


async def test_open_on_a_dangling_link_is_a_message(sample_corpus: Path, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(sample_corpus, corpus)
    (corpus / "gone.md").symlink_to(corpus / "missing.md")
    app = build(corpus, tmp_path, open_target="gone.md#5")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.is_running
        notices = [n.message for n in app._notifications]
        assert notices == ["gone.md: unreadable: no such file or directory"]
        await pilot.press("j")
        await settle(app, pilot)
        assert app.is_running
