"""Where a keystroke's UI-thread time goes: Textual's layout, compositor and line
rendering apart from kbtui's handlers and ``render_line``.

Used by bench/doclist.py and bench/reader.py (``--split``). A profiler's own
cost (cProfile's on every call, pyinstrument's wall-clock samples on a shared
machine) distorts the split of a 10 ms frame, so this wraps a few sync
methods instead, each timed in CPU time (``thread_time``) *exclusive* of the
wrapped methods it calls: the parts add up to the time spent in them, and
``other`` (the press's whole CPU time minus the parts) is what nothing
wrapped: Textual's message and key dispatch, the widgets' own handlers,
Pilot's part, the event loop. An unbound key's figures are that floor.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import wraps
from time import thread_time
from typing import Any

Part = tuple[type, str, str]
"""A method to time, as (class, method name, the label its time goes to)."""


def textual_parts(scroll: type, scroll_method: str) -> list[Part]:
    """Textual's parts of a frame: the frame's rest, layout, compositor, the scrollbar's and
    the widgets' lines, ``scroll``'s scrolling method (the bench's widget's), the output."""
    from textual.app import App
    from textual.screen import Screen
    from textual.scrollbar import ScrollBar
    from textual.widget import Widget

    return [
        (Screen, "_on_timer_update", "textual: frame, rest"),
        (Screen, "_refresh_layout", "textual: layout"),
        (Screen, "_compositor_refresh", "textual: compositor"),
        (ScrollBar, "render_lines", "textual: scrollbar lines"),  # before Widget's is wrapped
        (Widget, "render_lines", "textual: render_lines"),
        (scroll, scroll_method, "textual: scroll"),
        (App, "_display", "textual: output"),
    ]


class Split:
    """Sums the exclusive CPU time of wrapped methods by label (a context manager:
    the methods are wrapped on their classes inside it, as they were outside it)."""

    def __init__(self, parts: Sequence[Part]) -> None:
        self.parts = list(parts)
        self.times: dict[str, float] = {}
        self._stack: list[list[float]] = []  # [start, time in wrapped callees]

    def __enter__(self) -> Split:
        # a method the class inherits is wrapped on it (and deleted after): the
        # class's share of its base's method
        self._originals = [(owner, name, owner.__dict__.get(name)) for owner, name, _ in self.parts]
        for owner, name, label in self.parts:
            setattr(owner, name, self._wrap(getattr(owner, name), label))
        return self

    def __exit__(self, *exc: object) -> None:
        for owner, name, original in reversed(self._originals):
            if original is None:
                delattr(owner, name)
            else:
                setattr(owner, name, original)

    def reset(self) -> None:
        self.times = {}

    def _wrap(self, fn: Callable[..., Any], label: str) -> Callable[..., Any]:
        stack, times = self._stack, self

        @wraps(fn)  # Textual counts a watcher's parameters
        def timed(*args: Any, **kwargs: Any) -> Any:
            stack.append([thread_time(), 0.0])
            try:
                return fn(*args, **kwargs)
            finally:
                start, inner = stack.pop()
                spent = thread_time() - start
                times.times[label] = times.times.get(label, 0.0) + spent - inner
                if stack:
                    stack[-1][1] += spent

        return timed


def table(rows: dict[str, list[dict[str, float]]], labels: Sequence[str]) -> str:
    """Mean CPU ms per press of each part (columns) for each kind of key (rows)."""
    columns = [*labels, "other", "total"]
    width = max(len(c) for c in columns)
    lines = ["CPU ms per press, mean (exclusive of the other parts)"]
    lines.append(f"  {'part':{width}} " + " ".join(f"{k[:12]:>12}" for k in rows))
    for column in columns:
        cells = []
        for presses in rows.values():
            mean = sum(p.get(column, 0.0) for p in presses) / max(1, len(presses))
            cells.append(f"{mean * 1000:12.2f}")
        lines.append(f"  {column:{width}} " + " ".join(cells))
    return "\n".join(lines)
