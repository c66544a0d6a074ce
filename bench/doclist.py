"""Benchmark the document list with many rows: filling it, filter keystrokes, cursor moves.

    python bench/doclist.py [--rows 100000] [--keys 20] [--profile cursor|filter]

Mounts a :class:`~kbtui.ui.doclist.DocumentList` alone in a headless App (``run_test``),
gives it ``--rows`` synthetic rows (mixed-script titles, dates, tags), waits for the
filter's index (a worker makes it after the first frame), and prints, in milliseconds of
the UI thread: ``set_rows`` and the first frame after it; how long after ``set_rows``
the filter's index and the rows of each pair of characters are made (in workers, seconds
shown as ms); a cursor move (``down``, ``pagedown``), and ``down`` while the index is
made (from the key to its frame painted: the workers share the GIL with it); typing a
query and deleting it, each kind of key apart (the first key, the next ones, backspaces,
the backspace that clears it; ``filter keystroke`` is all of them); ``r`` (sort every
row) and the query again in the new order; a key typed before the index of new rows is
made. As in bench/reader.py, a press's time is the handler plus Textual's screen
refreshes it causes (``Screen._on_timer_update``) and list methods it runs, not Pilot's;
each is shown as wall and CPU time (``thread_time``, which other processes on the
machine inflate less) and kbtui's own part of the wall time (filtering, sorting,
painting rows): the rest is Textual's. ``--profile`` prints pyinstrument's profile of
the presses instead; ``--split`` prints the CPU time of each kind of key split into
Textual's parts (layout, compositor, line rendering, output) and kbtui's (matching, row
building, painting rows), with bench/framesplit.py. The bar (DESIGN.md's for the reader)
is 16 ms a keystroke.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import random
import statistics
from collections.abc import Callable
from functools import wraps
from time import perf_counter, thread_time
from typing import Any

from framesplit import Split, table, textual_parts
from textual import events
from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input

from kbtui.documents.model import Metadata
from kbtui.scripts.hanzi import Script
from kbtui.session.rows import DocRow, OrderedRows
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
    """Sums the UI thread's time in the wrapped calls: wall (``perf_counter``) and CPU
    (``thread_time``, which the other processes on the machine do not inflate)."""

    def __init__(self) -> None:
        self.wall = self.cpu = 0.0
        self.ended = 0.0  # when the last wrapped call returned (``perf_counter``)

    def reset(self) -> None:
        self.wall = self.cpu = 0.0

    def wrap(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(fn)  # Textual counts a watcher's parameters
        def timed(*args: Any, **kwargs: Any) -> Any:
            wall, cpu = perf_counter(), thread_time()
            try:
                return fn(*args, **kwargs)
            finally:
                self.ended = perf_counter()
                self.wall += self.ended - wall
                self.cpu += thread_time() - cpu

        return timed


FRAME = [
    (Screen, "_on_timer_update"),  # layout, compositor, every render_line
    (DocumentList, "refresh_rows"),  # a filter keystroke, ``r``: filter, sort every row
    (DocLines, "action_cursor"),  # a cursor key
]
"""What a press costs the UI thread: its handlers and the frames it causes."""

KBTUI = [
    (DocumentList, "refresh_rows"),
    (DocLines, "action_cursor"),
    (DocLines, "render_line"),  # inside the frame: kbtui's part of it
]
"""kbtui's own part of that: the rest is Textual's."""


class Measure:
    """Times presses: each figure is a list of (wall, CPU, kbtui's wall) in seconds."""

    def __init__(self) -> None:
        self.pilot: Any = None
        self.frame, self.kbtui, self.paint = Timer(), Timer(), Timer()
        self.figures: dict[str, list[tuple[float, float, float]]] = {}
        paint: list[tuple[Any, str]] = [(Screen, "_on_timer_update")]  # a frame's end
        self._wrapped = [(self.frame, FRAME), (self.kbtui, KBTUI), (self.paint, paint)]

    def __enter__(self) -> Measure:
        self._originals = [(o, n, getattr(o, n)) for _, names in self._wrapped for o, n in names]
        for timer, names in self._wrapped:
            for owner, name in names:
                setattr(owner, name, timer.wrap(getattr(owner, name)))
        return self

    def __exit__(self, *exc: object) -> None:
        for owner, name, original in reversed(self._originals):
            setattr(owner, name, original)

    async def press(self, figure: str, *keys: str) -> None:
        """Press each key and wait for its frame; each press is one value of ``figure``."""
        for key in keys:
            self.frame.reset()
            self.kbtui.reset()
            await self.pilot.press(key)
            await self.pilot.pause()
            value = (self.frame.wall, self.frame.cpu, self.kbtui.wall)
            self.figures.setdefault(figure, []).append(value)


QUERY = "安全 模型"
"""Typed into the filter a character at a time, then deleted."""

FREQUENT = "doc00"
"""A word whose first three characters every row holds (in its id), typed and deleted."""

QUERIES = [QUERY, "研究 政策", "公司 發展", "Claude 访谈", "计算 人工"]
"""Typed and deleted by ``--split``."""


async def run(rows: list[DocRow], keys: int) -> dict[str, list[tuple[float, float, float]]]:
    """The figures, in seconds."""
    app = ListApp()
    with Measure() as measure:  # before the screen's refresh timer takes its method
        async with app.run_test(size=(120, 40)) as pilot:
            measure.pilot, doc_list = pilot, app.query_one(DocumentList)
            doc_list.table.focus()  # before: a focus waits for the workers to take
            await pilot.pause()
            started, cpu = perf_counter(), thread_time()
            doc_list.set_rows(rows)
            filled = (perf_counter() - started, thread_time() - cpu, 0.0)
            measure.frame.reset()
            await pilot.pause()
            frame = measure.frame
            measure.figures = {"set_rows": [filled], "first frame": [(frame.wall, frame.cpu, 0)]}
            building, index_made = await downs_while_indexing(measure, doc_list)
            if building:  # none if the index was made at once (a short list)
                measure.figures["down, index being made"] = (
                    building  # bench/suites_scale.py reads it
                )
            index_made -= started
            await indexed(pilot, doc_list)
            # from set_rows (wall): the filter works, then every word of two characters
            # is a look-up (the workers run while the presses above wait for frames)
            measure.figures["index made"] = [(index_made, 0.0, 0.0)]
            measure.figures["pairs indexed"] = [(perf_counter() - started, 0.0, 0.0)]
            await measure.press("down", *["down"] * keys)
            await measure.press("pagedown", *["pagedown"] * keys)
            await pilot.press("slash")
            await type_and_delete(measure, QUERY)
            await type_and_delete(measure, FREQUENT, "frequent word ")
            doc_list.table.focus()
            await measure.press("sort (r)", *["r"] * 3)
            await pilot.press("slash")
            await type_and_delete(measure, QUERY, "after a sort ")
            doc_list.set_rows(rows)  # the index is made again
            await measure.press("key, index not ready", "安")
            if doc_list.indexed:  # made before the key (a small list): not what this times
                del measure.figures["key, index not ready"]
            await indexed(pilot, doc_list)
            assert "filtering" not in str(doc_list.border_title)
    return measure.figures


async def downs_while_indexing(
    measure: Measure, doc_list: DocumentList
) -> tuple[list[tuple[float, float, float]], float]:
    """Press ``down`` every 30 ms until the list is indexed and its pairs are: each value
    is from posting the key to the end of the frame painting it (the wall time a user
    waits, which Pilot's ``press`` and ``pause``, waiting seconds for the workers,
    cannot show), and when the index was made (``perf_counter``)."""
    app, waits, made = doc_list.app, [], 0.0
    while app.workers or not doc_list.indexed:
        before, posted = doc_list.table.highlighted, perf_counter()
        app.post_message(events.Key("down", None))
        while doc_list.table.highlighted == before or measure.paint.ended < posted:
            await asyncio.sleep(0)
            if perf_counter() - posted > 1:  # not taken (the list not focused yet)
                break
        else:
            waits.append((measure.paint.ended - posted, 0.0, 0.0))
        made = made or (perf_counter() if doc_list.indexed else 0.0)
        await asyncio.sleep(0.03)
    return waits, made


async def indexed(pilot: Any, doc_list: DocumentList) -> None:
    """Wait for the filter's index (made in a worker after the list is painted) and the
    workers indexing the rows' text after it, so that the presses timed next share
    the GIL with no worker."""
    while not doc_list.indexed:
        await pilot.pause(0.01)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def type_and_delete(measure: Measure, query: str, prefix: str = "") -> None:
    """Type ``query`` and delete it: the first key, the others, backspaces, the last."""
    keys = [k if k != " " else "space" for k in query]
    await measure.press(f"{prefix}first key", keys[0])
    await measure.press(f"{prefix}next keys", *keys[1:])
    await measure.press(f"{prefix}backspace", *["backspace"] * (len(keys) - 1))
    await measure.press(f"{prefix}clearing", "backspace")


async def profile(rows: list[DocRow], what: str) -> None:
    """Print pyinstrument's profile of the presses of ``what`` (``cursor`` or ``filter``)."""
    from pyinstrument import Profiler  # only here: not one of kbtui's dependencies

    app, profiler = ListApp(), Profiler(interval=0.0002, async_mode="disabled")
    async with app.run_test(size=(120, 40)) as pilot:
        doc_list = app.query_one(DocumentList)
        doc_list.set_rows(rows)
        await indexed(pilot, doc_list)
        doc_list.table.focus()
        keys = ["down"] * 40 if what == "cursor" else [*QUERY.replace(" ", "_"), *["backspace"] * 5]
        if what != "cursor":
            await pilot.press("slash")
        for key in keys:
            profiler.start()
            await pilot.press("space" if key == "_" else key)
            await pilot.pause()
            profiler.stop()
    print(profiler.output_text(unicode=True, show_all=False))


PARTS = [
    *textual_parts(Widget, "scroll_to_region"),
    (Input, "render_line", "textual: Input lines"),
    (Input, "_watch_value", "textual: Input value"),
    (DocumentList, "refresh_rows", "kbtui: refresh_rows, rest"),
    (OrderedRows, "matching", "kbtui: matching"),
    (DocLines, "show", "kbtui: show"),
    (DocLines, "render_lines", "kbtui: render_lines"),
    (DocLines, "render_line", "kbtui: render_line"),
    (DocLines, "_paint", "kbtui: row building"),
]
"""What ``--split`` times apart (bench/framesplit.py)."""


async def split(rows: list[DocRow], keys: int) -> None:
    """Print the CPU time of each kind of key, split into Textual's parts and kbtui's."""
    figures: dict[str, list[dict[str, float]]] = {}

    async def press(figure: str, *presses: str) -> None:
        for key in presses:
            parts.reset()
            cpu = thread_time()
            await pilot.press(key)
            await pilot.pause()
            times = dict(parts.times, total=thread_time() - cpu)
            times["other"] = times["total"] - sum(parts.times.values())
            figures.setdefault(figure, []).append(times)

    app = ListApp()
    with Split(PARTS) as parts:
        async with app.run_test(size=(120, 40)) as pilot:
            doc_list = app.query_one(DocumentList)
            doc_list.set_rows(rows)
            await indexed(pilot, doc_list)
            doc_list.table.focus()
            await press("unbound", *["x"] * keys)
            await press("down", *["down"] * keys)
            await press("pagedown", *["pagedown"] * keys)
            await pilot.press("slash")
            for query in QUERIES:  # not one query again: the list keeps what queries kept
                keys_ = [k if k != " " else "space" for k in query]
                await press("first key", keys_[0])
                await press("next keys", *keys_[1:])
                await press("backspace", *["backspace"] * (len(keys_) - 1))
                await press("clearing", "backspace")
    print(f"{len(rows):,} rows")
    print(table(figures, list(dict.fromkeys(label for *_, label in PARTS))))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--keys", type=int, default=20)
    parser.add_argument("--profile", choices=["cursor", "filter"], help="pyinstrument instead")
    parser.add_argument("--split", action="store_true", help="Textual's and kbtui's parts")
    args = parser.parse_args()
    rows = make_rows(args.rows)
    gc.freeze()  # as the app does once the scan is done
    if args.profile:
        asyncio.run(profile(rows, args.profile))
        return
    if args.split:
        asyncio.run(split(rows, args.keys))
        return
    figures = asyncio.run(run(rows, args.keys))
    typing = ("first key", "next keys", "backspace", "clearing")
    # every key of typing and deleting the query, as bench/suites.py reads it:
    figures["filter keystroke"] = [v for name in typing for v in figures[name]]
    print(f"{args.rows:,} rows; ms wall mean / p95 / max; CPU mean / max; kbtui's part of the wall")
    for name, values in figures.items():
        wall = sorted(v[0] * 1000 for v in values)
        cpu = [v[1] * 1000 for v in values]
        ours = statistics.mean(v[2] * 1000 for v in values)
        p95 = wall[min(len(wall) - 1, int(len(wall) * 0.95))]
        print(
            f"  {name:24} {statistics.mean(wall):7.1f} / {p95:7.1f} / {wall[-1]:7.1f};"
            f" CPU {statistics.mean(cpu):6.1f} / {max(cpu):6.1f}; kbtui {ours:6.1f}"
        )


if __name__ == "__main__":
    main()
