"""Benchmark the document list with many rows: filling it, a filter keystroke, a cursor move.

    python bench/doclist.py [--rows 100000] [--keys 20]

Mounts a :class:`~kbtui.ui.doclist.DocumentList` alone in a headless App
(``run_test``), gives it ``--rows`` synthetic rows (mixed-script titles,
dates, tags), and prints in milliseconds of the UI thread's own time:
``set_rows`` (index, sort, hand the rows to the widget) and the first frame
after it; a keystroke in the filter box (each press types one more
character of a query, then deletes it: the list is filtered over every row
and repainted); a cursor move (``down``, ``pagedown``). As in bench/reader.py,
a press's time is the handler plus Textual's screen refreshes it causes
(``Screen._on_timer_update``) and list methods it runs (filtering every
row, moving the cursor), not Pilot's wall time. The bar (DESIGN.md's
for the reader) is 16 ms a keystroke.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
from collections.abc import Callable
from time import perf_counter
from typing import Any

from textual.app import App, ComposeResult
from textual.screen import Screen

from kbtui.documents.model import Metadata
from kbtui.scripts.hanzi import Script
from kbtui.session.rows import DocRow
from kbtui.ui.doclines import DocLines
from kbtui.ui.doclist import DocumentList

WORDS = [
    *("人工智能", "安全", "模型", "研究", "訪談", "創立", "公司", "计算", "發展", "政策"),
    *("Anthropic", "Claude", "Dario"),
]
TAGS = ["ai-safety", "访谈", "政策", "research", "公司"]


def make_rows(count: int) -> list[DocRow]:
    """Rows with titles of three to six words, a date on most, a tag or two."""
    rng = random.Random(count)
    rows = []
    for i in range(count):
        title = " ".join(rng.choices(WORDS, k=rng.randint(3, 6))) + f" {i}"
        date = None if i % 7 == 0 else f"20{rng.randint(10, 26)}-{rng.randint(1, 12):02}-01"
        meta = Metadata(title, date=date, tags=rng.sample(TAGS, rng.randint(0, 2)))
        script = rng.choice([Script.SIMPLIFIED, Script.TRADITIONAL, Script.MIXED])
        rows.append(DocRow(f"{i // 1000:03}/doc{i:06}.md", meta, script, []))
    return rows


class ListApp(App[None]):
    """The list alone, full screen."""

    def compose(self) -> ComposeResult:
        yield DocumentList(id="doc-list")


class Timer:
    """Sums the UI thread's time in the wrapped calls (frames and handlers)."""

    def __init__(self) -> None:
        self.total = 0.0

    def wrap(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.total += perf_counter() - started

        return timed


async def run(rows: list[DocRow], keys: int) -> dict[str, list[float]]:
    """The figures, in seconds."""
    app, timer = ListApp(), Timer()
    wrapped = [
        (Screen, "_on_timer_update"),  # layout, compositor, every render_line
        (DocumentList, "refresh_rows"),  # a filter keystroke: filter every row
        (DocLines, "action_cursor"),  # a cursor key
    ]
    originals = [getattr(owner, name) for owner, name in wrapped]
    for (owner, name), original in zip(wrapped, originals, strict=True):
        setattr(owner, name, timer.wrap(original))
    figures: dict[str, list[float]] = {"set_rows": [], "first frame": []}
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            doc_list = app.query_one(DocumentList)
            started = perf_counter()
            doc_list.set_rows(rows)
            figures["set_rows"].append(perf_counter() - started)
            timer.total = 0.0
            await pilot.pause()
            figures["first frame"].append(timer.total)
            doc_list.table.focus()
            figures["down"] = await presses(pilot, timer, ["down"] * keys)
            figures["pagedown"] = await presses(pilot, timer, ["pagedown"] * keys)
            await pilot.press("slash")
            query = list("安全 模型")
            typed = [k if k != " " else "space" for k in query] + ["backspace"] * len(query)
            figures["filter keystroke"] = await presses(pilot, timer, typed)
    finally:
        for (owner, name), original in zip(wrapped, originals, strict=True):
            setattr(owner, name, original)
    return figures


async def presses(pilot: Any, timer: Timer, keys: list[str]) -> list[float]:
    """The UI thread's time for each press, frames included."""
    times = []
    for key in keys:
        timer.total = 0.0
        await pilot.press(key)
        await pilot.pause()
        times.append(timer.total)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--keys", type=int, default=20)
    args = parser.parse_args()
    rows = make_rows(args.rows)
    figures = asyncio.run(run(rows, args.keys))
    print(f"{args.rows:,} rows; ms mean / p95 / max")
    for name, values in figures.items():
        ordered = sorted(v * 1000 for v in values)
        p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
        print(f"  {name:18} {statistics.mean(ordered):7.1f} / {p95:7.1f} / {ordered[-1]:7.1f}")


if __name__ == "__main__":
    main()
