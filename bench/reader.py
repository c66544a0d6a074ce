"""Benchmark the reader on a 5 MB document: open, keystrokes, resize.

Run: ``python bench/reader.py [--mb 5] [--keys 30] [--width 120] [--height 40]``.

Builds a plain TextView by repeating the sample corpus, mounts a Reader in a
headless App (``run_test``) and prints milliseconds for ``show()``, for the
first frame after it, for the background pass that wraps every line, and per
keystroke. It also times the wrapping core alone over the whole text.

A Pilot press takes ~60 ms of wall time even for an unbound key (it waits for
the process to go idle), so wall time per press says nothing about the reader.
The keystroke figures are the UI thread's own time instead, measured by
wrapping two things: the reader's action method (what the key does) and
Textual's screen refresh (``Screen._on_timer_update``: layout, compositor and
every ``render_line`` call), summed over the refreshes the press causes
(``await pilot.pause()`` lets them all run). ``total`` is their sum: the work a
keystroke costs before Textual's frame pacing (at most 60 frames a second).
``cpu`` is the same work in the UI thread's CPU time (``time.thread_time``):
on a machine shared with other processes, wall time also counts the time the
thread waited for a core, which says more about the machine than the reader.

``--split`` prints instead each key's CPU time split into Textual's parts
(layout, compositor, line rendering, scrollbar, output) and the reader's
(its actions, ``render_line``, painting rows), with bench/framesplit.py.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import statistics
from collections.abc import Callable
from pathlib import Path
from time import perf_counter, thread_time
from typing import Any

from framesplit import Split, table, textual_parts
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.screen import Screen
from textual.scroll_view import ScrollView

from kbtui.ui.reader import Reader
from kbtui.ui.reader.display import TextDisplay
from kbtui.ui.reader.painting import RowPainter
from kbtui.view.textview import TextView
from kbtui.view.wrap import layout_line, row_count, split_segments

CORPUS = Path(__file__).resolve().parents[1] / "corpus"

KEYS = ["down", "up", "right", "pagedown", "pageup", "G", "g", "shift+down"]
"""Keys measured, each pressed ``--keys`` times in a row."""


def build_text(megabytes: float) -> str:
    """Repeat the sample corpus up to ``megabytes`` of UTF-8."""
    sample = "\n".join(p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt")))
    size = len(sample.encode("utf-8"))
    return sample * max(1, round(megabytes * 1_000_000 / size))


class Meter:
    """Time spent in wrapped callables (all on the UI thread, so no locking)."""

    def __init__(self) -> None:
        self.action = 0.0
        self.frame = 0.0
        self.cpu = 0.0
        self.frames = 0

    def reset(self) -> None:
        self.action = self.frame = self.cpu = 0.0
        self.frames = 0

    def wrap(self, method: Callable[..., Any], field: str) -> Callable[..., Any]:
        """``method``, adding the seconds each call takes to ``self.<field>``."""

        @functools.wraps(method)
        def timed(*args: Any, **kwargs: Any) -> Any:
            start, cpu = perf_counter(), thread_time()
            try:
                return method(*args, **kwargs)
            finally:
                setattr(self, field, getattr(self, field) + perf_counter() - start)
                self.cpu += thread_time() - cpu
                if field == "frame":
                    self.frames += 1

        return timed


METER = Meter()


class TimedReader(Reader):
    """A Reader whose actions are timed."""


for _name in dir(Reader):
    if _name.startswith("action_"):
        setattr(TimedReader, _name, METER.wrap(getattr(Reader, _name), "action"))
# Patched on the class before any app exists: the refresh timer binds the method
# when the screen is created. A private method, but the one a frame runs through.
Screen._on_timer_update = METER.wrap(Screen._on_timer_update, "frame")


class BenchApp(App[None]):
    """A bare app holding one reader."""

    def compose(self) -> ComposeResult:
        yield TimedReader()


async def measure(pilot: Pilot, key: str, count: int) -> dict[str, list[float]]:
    """Milliseconds per press of ``key``: action, frames, total (wall) and cpu."""
    figures: dict[str, list[float]] = {"action": [], "frames": [], "total": [], "cpu": []}
    for _ in range(count):
        METER.reset()
        await pilot.press(key)
        await pilot.pause()
        figures["action"].append(METER.action * 1000)
        figures["frames"].append(METER.frame * 1000)
        figures["total"].append((METER.action + METER.frame) * 1000)
        figures["cpu"].append(METER.cpu * 1000)
    return figures


def report(label: str, figures: dict[str, list[float]]) -> None:
    """One line: mean, 95th percentile and max of each figure."""
    parts = []
    for name, values in figures.items():
        p95 = sorted(values)[int(0.95 * (len(values) - 1))]
        parts.append(f"{name} {statistics.mean(values):5.2f}/{p95:5.2f}/{max(values):5.2f}")
    print(f"  {label:<20}" + "   ".join(parts))


async def time_show(pilot: Pilot, reader: Reader, view: TextView, cursor: int | None) -> None:
    """Print ``show()``, its first frame, and the background pass, in ms."""
    METER.reset()
    start = perf_counter()
    reader.show(view, cursor_source=cursor)
    shown = perf_counter()
    await pilot.pause()
    first_frame = METER.frame
    while not all(reader._layout.exact):  # the background pass, in slices
        await asyncio.sleep(0.005)
    print(
        f"  show() {1000 * (shown - start):.1f} ms; first frame {1000 * first_frame:.1f} ms; "
        f"every line wrapped {1000 * (perf_counter() - start):.0f} ms after show() "
        f"(in the background)"
    )


def time_wrapping(text: str, width: int) -> None:
    """Print how fast the whole text wraps at ``width`` cells, without the widget."""
    starts, ends = split_segments(text)
    lines = [text[s:e] for s, e in zip(starts, ends, strict=True)]
    for label, wrap in (("layout_line", layout_line), ("row_count", row_count)):
        start = perf_counter()
        for line in lines:
            wrap(line, width)
        elapsed = perf_counter() - start
        print(
            f"  {label} over every line at {width} cells: {1000 * elapsed:.0f} ms "
            f"({len(text) / elapsed / 1e6:.1f} M chars/s)"
        )


async def run(megabytes: float, count: int, width: int, height: int) -> None:
    text = build_text(megabytes)
    view = TextView.plain(text)
    print(
        f"document: {len(text.encode('utf-8')) / 1e6:.1f} MB, {len(text):,} chars, "
        f"{text.count(chr(10)):,} lines; terminal {width}x{height}"
    )
    print("wrapping (the core, no widget):")
    time_wrapping(text, width - 5)
    app = BenchApp()
    async with app.run_test(size=(width, height)) as pilot:
        reader = app.query_one(Reader)
        reader.focus()
        await pilot.pause()
        print("open at the start:")
        await time_show(pilot, reader, view, None)
        print(f"  rows: {reader.virtual_size.height:,}")
        print("per key, ms (mean/p95/max):")
        report("unbound key", await measure(pilot, "x", count))
        for key in KEYS:
            report(key, await measure(pilot, key, count))
        reader.clear_selection()
        print("open at the middle:")
        await time_show(pilot, reader, view, len(text) // 2)
        report("down", await measure(pilot, "down", count))
        report("pagedown", await measure(pilot, "pagedown", count))
        METER.reset()
        await pilot.resize_terminal(width * 3 // 4, height)
        await pilot.pause()
        print(f"resize to {width * 3 // 4} columns: frames {1000 * METER.frame:.1f} ms")
        report("down", await measure(pilot, "down", count))
        report("pagedown", await measure(pilot, "pagedown", count))


PARTS = [
    *textual_parts(ScrollView, "scroll_to"),
    *((TimedReader, n, "kbtui: action") for n in dir(Reader) if n.startswith("action_")),
    (TextDisplay, "render_line", "kbtui: render_line"),
    (RowPainter, "row", "kbtui: painting rows"),
    (RowPainter, "live", "kbtui: painting rows"),
]
"""What ``--split`` times apart (bench/framesplit.py)."""


async def split(megabytes: float, count: int, width: int, height: int) -> None:
    """Print each key's CPU time split into Textual's parts and the reader's."""
    figures: dict[str, list[dict[str, float]]] = {}
    view = TextView.plain(build_text(megabytes))
    with Split(PARTS) as parts:
        app = BenchApp()
        async with app.run_test(size=(width, height)) as pilot:
            reader = app.query_one(Reader)
            reader.focus()
            reader.show(view, cursor_source=len(view.text) // 2)
            while not all(reader._layout.exact):
                await asyncio.sleep(0.005)
            for key in ["x", *KEYS, "scroll"]:
                if key == "scroll":  # the cursor on the window's last row: each down scrolls
                    await pilot.press(*["down"] * height)
                for _ in range(count):
                    parts.reset()
                    cpu = thread_time()
                    await pilot.press("down" if key == "scroll" else key)
                    await pilot.pause()
                    times = dict(parts.times, total=thread_time() - cpu)
                    times["other"] = times["total"] - sum(parts.times.values())
                    name = {"x": "unbound", "scroll": "down, scrolls"}.get(key, key)
                    figures.setdefault(name, []).append(times)
    print(f"{megabytes} MB, {width}x{height}, the cursor from the middle")
    print(table(figures, list(dict.fromkeys(label for *_, label in PARTS))))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=5.0, help="document size in MB")
    parser.add_argument("--keys", type=int, default=30, help="presses per key")
    parser.add_argument("--width", type=int, default=120, help="terminal columns")
    parser.add_argument("--height", type=int, default=40, help="terminal rows")
    parser.add_argument("--split", action="store_true", help="Textual's and kbtui's parts")
    args = parser.parse_args()
    if args.split:
        asyncio.run(split(args.mb, args.keys, args.width, args.height))
        return
    asyncio.run(run(args.mb, args.keys, args.width, args.height))


if __name__ == "__main__":
    main()
