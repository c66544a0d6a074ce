"""What the app tests share: building the app, waiting on it, opening documents, reading the screen.

Waits are on conditions, never on the clock: a fixed pause is either too short
on a loaded machine (the test flakes) or longer than needed everywhere else.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path
from time import monotonic
from typing import Any

from textual.command import Command, CommandList, CommandPalette
from textual.pilot import Pilot

from kbtui.ui.app import KbtuiApp, make_app

SIZE = (120, 40)
"""The terminal the app tests run in, unless a test is about size."""

DOC_000 = "000_7aa956d427ec0c4c.txt"  # Simplified
DOC_001 = "001_a7702332fec17ca5.txt"
DOC_002 = "002_be2c72276a634b9f.txt"  # Traditional
DOC_003 = "003_0b861dc1db151f35.txt"
DOC_004 = "004_6b75a25af0571ee2.txt"
ALL_DOCS = {DOC_000, DOC_001, DOC_002, DOC_003, DOC_004}
"""The documents of the sample corpus (``corpus/``)."""

TIMEOUT = 10.0
"""Seconds a wait allows before failing: generous, since it only runs out on a bug."""


def build(corpus: Path, tmp_path: Path, open_target: str | None = None) -> KbtuiApp:
    """The app as the CLI makes it, over ``corpus`` with its database in ``tmp_path``."""
    app, warnings = make_app(corpus, tmp_path / "db.json", open_target=open_target)
    assert warnings == []
    return app


async def wait_for(
    pilot: Pilot[Any], condition: Callable[[], object], what: str, timeout: float = TIMEOUT
) -> None:
    """Let the app run until ``condition()`` holds; fail saying ``what`` was awaited otherwise."""
    deadline = monotonic() + timeout
    while not condition():
        if monotonic() > deadline:
            raise AssertionError(f"waited {timeout:g} s for {what}")
        await pilot.pause(0.01)
    await pilot.pause()


async def settle(app: KbtuiApp, pilot: Pilot[Any]) -> None:
    """Wait for scans, loads and conversions to finish and the screen to update."""
    await app.workers.wait_for_complete()
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def open_doc(app: KbtuiApp, pilot: Pilot[Any], doc_id: str) -> None:
    """Put the list's cursor on ``doc_id`` and press enter on it, as a user would.

    Waits until the reader shows it: on a loaded machine the load worker may
    start only after a first round of waiting.
    """
    await settle(app, pilot)
    app.doc_list.table.focus()
    app.doc_list.select(doc_id)
    await pilot.press("enter")
    await wait_for(
        pilot,
        lambda: app.pane.doc is not None and app.pane.doc.id == doc_id and app.pane.view,
        f"{doc_id} to open",
    )
    await settle(app, pilot)


def palette_choice(app: KbtuiApp) -> str | None:
    """The text of the command palette's highlighted hit, or None if none is."""
    if not isinstance(app.screen, CommandPalette):
        return None
    hits = app.screen.query_one(CommandList)
    if hits.highlighted is None:
        return None
    option = hits.get_option_at_index(hits.highlighted)
    return str(option.hit.text) if isinstance(option, Command) else None


async def wait_for_palette_choice(app: KbtuiApp, pilot: Pilot[Any], text: str) -> None:
    """Wait until the palette's highlighted hit contains ``text`` (hits arrive in batches)."""
    await wait_for(
        pilot, lambda: text in (palette_choice(app) or ""), f"the palette to highlight {text!r}"
    )


def screen_text(app: KbtuiApp) -> str:
    """What the terminal shows, as plain text (from the SVG screenshot)."""
    return html.unescape(re.sub(r"<[^>]+>", "", app.export_screenshot())).replace("\xa0", " ")
