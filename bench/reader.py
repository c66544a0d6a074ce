"""Benchmark the reader on a 5 MB document: open, keystrokes, resize.

Run: ``python bench/reader.py [--mb 5] [--keys 30]``. Builds a plain
TextView by repeating the sample corpus, mounts a Reader in a headless App
(``run_test``, 120x40), and prints milliseconds for ``show()`` up to the first
painted frame and per keystroke, each keystroke measured from the key press to
the end of the repaint it causes (``pilot.pause()`` waits for it).

The Pilot's own waiting (``wait_for_idle``) makes a bare press take tens of
milliseconds, so wall-clock time per press says little. The figures are
instead the UI thread's time in the reader's action and in Textual's screen
refresh that follows (layout, compositor, ``render_line`` calls), measured by
wrapping both, and the latency from the press to the end of that refresh,
which includes Textual's frame pacing (at most 60 frames a second).
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import statistics
from pathlib import Path
from time import perf_counter

from textual.app import App, ComposeResult
from textual.screen import Screen

from kbtui.textview import TextView
from kbtui.ui.reader import Reader

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def build_text(megabytes: float) -> str:
    """Repeat the sample corpus up to ``megabytes`` of UTF-8."""
    sample = "\n".join(p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt")))
    size = len(sample.encode("utf-8"))
    return sample * max(1, round(megabytes * 1_000_000 / size))


KEYS = ["down", "up", "right", "pagedown", "pageup", "G", "g", "shift+down"]
"""Keys measured, each pressed ``--keys`` times in a row."""


class Meter:
    """Accumulates time spent in wrapped callables (UI thread only, so no locking)."""

    def __init__(self) -> None:
        self.action = 0.0
        self.frame = 0.0
        self.frames = 0
        self.last_frame_end = 0.0

    def reset(self) -> None:
        self.action = self.frame = 0.0
        self.frames = 0

    def time_action(self, method):
        @functools.wraps(method)
        def timed(*args, **kwargs):
            start = perf_counter()
            try:
                return method(*args, **kwargs)
            finally:
                self.action += perf_counter() - start

        return timed

    def time_frame(self, method):
        @functools.wraps(method)
        def timed(*args, **kwargs):
            start = perf_counter()
            try:
                return method(*args, **kwargs)
            finally:
                self.last_frame_end = perf_counter()
                self.frame += self.last_frame_end - start
                self.frames += 1

        return timed


METER = Meter()


class TimedReader(Reader):
    """A Reader whose key actions are timed."""


for _name in dir(Reader):
    if _name.startswith("action_"):
        setattr(TimedReader, _name, METER.time_action(getattr(Reader, _name)))
# Textual's screen refresh (layout, compositor, output): what a frame costs. Patched
# on the class before the app exists, because the refresh timer binds it at creation.
Screen._on_timer_update = METER.time_frame(Screen._on_timer_update)


class BenchApp(App[None]):
    """A bare app holding one reader."""

    def compose(self) -> ComposeResult:
        yield TimedReader()


async def measure(pilot, key: str, count: int) -> dict[str, list[float]]:
    """Per press of ``key``: action, frame(s), their sum, and press-to-frame latency (ms)."""
    figures: dict[str, list[float]] = {"action": [], "frames": [], "cpu": [], "latency": []}
    for _ in range(count):
        METER.reset()
        start = perf_counter()
        await pilot.press(key)
        await pilot.pause()
        figures["action"].append(METER.action * 1000)
        figures["frames"].append(METER.frame * 1000)
        figures["cpu"].append((METER.action + METER.frame) * 1000)
        figures["latency"].append((METER.last_frame_end - start) * 1000)
    return figures


def report(label: str, figures: dict[str, list[float]]) -> None:
    """One line: mean (max) of each figure."""
    parts = [
        f"{name} {statistics.mean(values):6.2f} ({max(values):6.2f})"
        for name, values in figures.items()
    ]
    print(f"{label:<22}" + "   ".join(parts))


async def wait_for_refinement(reader: Reader) -> None:
    """Wait until the background pass has wrapped every segment."""
    while not all(reader._exact):
        await asyncio.sleep(0.02)
    await asyncio.sleep(0.05)


async def time_show(pilot, reader: Reader, view: TextView, cursor_source: int | None) -> str:
    """``show()`` and the first frame after it, in ms."""
    METER.reset()
    start = perf_counter()
    reader.show(view, cursor_source=cursor_source)
    shown = perf_counter()
    await pilot.pause()
    return (
        f"show() {1000 * (shown - start):.1f} ms + first frame {1000 * METER.frame:.1f} ms "
        f"({METER.frames} refresh)"
    )


async def run(megabytes: float, count: int) -> None:
    text = build_text(megabytes)
    view = TextView.plain(text)
    print(
        f"document: {len(text.encode('utf-8')) / 1e6:.1f} MB, {len(text):,} chars, "
        f"{text.count(chr(10)):,} lines; window 120x40"
    )
    app = BenchApp()
    async with app.run_test(size=(120, 40)) as pilot:
        reader = app.query_one(Reader)
        reader.focus()
        await pilot.pause()
        print("open at the start:", await time_show(pilot, reader, view, None))
        print(f"rows, estimated at open: {reader.virtual_size.height:,}")
        report("down (while refining)", await measure(pilot, "down", count))
        start = perf_counter()
        await wait_for_refinement(reader)
        print(
            f"background wrap finished {1000 * (perf_counter() - start):.0f} ms later; "
            f"exact rows: {reader.virtual_size.height:,}"
        )
        print("per key, ms: mean (max); cpu = action + frames; latency = press to frame")
        report("unbound key", await measure(pilot, "x", count))
        for key in KEYS:
            report(key, await measure(pilot, key, count))
        reader.clear_selection()
        await pilot.pause()
        print("open at the middle:", await time_show(pilot, reader, view, len(text) // 2))
        report("down (while refining)", await measure(pilot, "down", count))
        await wait_for_refinement(reader)
        METER.reset()
        start = perf_counter()
        await pilot.resize_terminal(90, 40)
        await pilot.pause()
        print(
            f"resize 120->90 columns: {1000 * (perf_counter() - start):.1f} ms to the frame "
            f"(frames {1000 * METER.frame:.1f} ms)"
        )
        report("down after resize", await measure(pilot, "down", count))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=5.0, help="document size in MB")
    parser.add_argument("--keys", type=int, default=30, help="presses per key")
    args = parser.parse_args()
    asyncio.run(run(args.mb, args.keys))


if __name__ == "__main__":
    main()
