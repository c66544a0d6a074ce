"""How the mention index is built: documents matched on a thread pool, in batches, with progress.

Apart from the index (:mod:`kbtui.entities.mentions`) because it is about
running work, not about mentions: how many threads, how big a task, how
often the UI hears of it. The index hands it one document's work as a
function and gets the results back in order.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from itertools import chain
from typing import TypeVar

PROGRESS_EVERY = 0.1
"""Seconds between progress reports while the index builds."""

WORKERS = max(1, min(4, os.cpu_count() or 1))
"""Threads that read and match documents: documents are independent, and the
matcher's Rust pass lets go of the GIL (reading and decoding partly do)."""

BATCH_DOCS = 64
"""Documents matched per task at most (fewer when a thread would get under eight)."""

Item = TypeVar("Item")
Result = TypeVar("Result")


def in_batches(
    pool: ThreadPoolExecutor, items: Sequence[Item], work: Callable[[Item], Result]
) -> Iterator[Result]:
    """``work`` of every item, in order, run on ``pool`` a batch of items per
    task: a task each cost ~10 µs of CPU in the pool's locks and futures and a
    hand-over of the GIL (~5% of a build)."""
    size = max(1, min(BATCH_DOCS, len(items) // (8 * WORKERS)))
    batches = [items[at : at + size] for at in range(0, len(items), size)]

    def batch_work(batch: Sequence[Item]) -> list[Result]:
        return [work(item) for item in batch]

    return chain.from_iterable(pool.map(batch_work, batches))


class Progress:
    """Calls back at most every :data:`PROGRESS_EVERY` seconds."""

    def __init__(self, callback: Callable[[int, int], None] | None, total: int) -> None:
        self.callback, self.total = callback, total
        self.next_at = time.monotonic() + PROGRESS_EVERY
        self.done = 0

    def tick(self, done: int) -> None:
        self.done = done
        if self.callback is not None and time.monotonic() >= self.next_at:
            self.callback(done, self.total)
            self.next_at = time.monotonic() + PROGRESS_EVERY

    def finish(self) -> None:
        if self.callback is not None:
            self.callback(self.done, self.total)
