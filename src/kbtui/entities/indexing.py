"""How the mention index is built: documents matched on threads or processes, with progress.

Apart from the index (:mod:`kbtui.entities.mentions`) because it is about
running work, not about mentions: threads or processes, how many, how big
a task, how often the UI hears of it. The index hands it one document's
work as a function (and, for processes, where each document's file is) and
gets the results back in order.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Generator, Iterator, Sequence
from concurrent.futures import Executor, ThreadPoolExecutor
from itertools import chain
from typing import TypeVar

from kbtui.entities.cache import DocHits
from kbtui.entities.processes import PROCESS_BYTES, SourceFile, match_files, worker_pool
from kbtui.entities.registry import EntityRegistry

PROGRESS_EVERY = 0.1
"""Seconds between progress reports while the index builds."""

WORKERS = max(1, min(4, os.cpu_count() or 1))
"""Threads or processes that read and match documents: documents are independent."""

BATCH_DOCS = 64
"""Documents matched per task at most (fewer when a thread would get under eight)."""

Item = TypeVar("Item")
Result = TypeVar("Result")


def matched(
    items: Sequence[Item],
    work: Callable[[Item], DocHits],
    registry: EntityRegistry,
    files: Sequence[SourceFile | None] | None = None,
) -> Generator[DocHits, None, None]:
    """``work`` of every item, in order: on worker processes when ``files``
    (each item's file, lined up with ``items``) holds at least
    :data:`~kbtui.entities.processes.PROCESS_BYTES` and there are cores for
    them, else on threads. Closing the iterator cancels what has not started."""
    pool: Executor | None = None
    if files is not None and WORKERS > 1 and _bytes(files) >= PROCESS_BYTES:
        pool = _processes(registry)
    if pool is None:
        pool = ThreadPoolExecutor(WORKERS)
        results = _in_threads(pool, items, work)
    else:
        assert files is not None
        results = _in_processes(pool, items, work, files)
    try:
        yield from results
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def _bytes(files: Sequence[SourceFile | None]) -> int:
    return sum(file.size for file in files if file is not None)


def _processes(registry: EntityRegistry) -> Executor | None:
    try:
        return worker_pool(registry, WORKERS)
    except (OSError, ValueError, ImportError):
        return None  # no processes here (a sandbox, no /dev/shm): threads do


def _in_processes(
    pool: Executor,
    items: Sequence[Item],
    work: Callable[[Item], DocHits],
    files: Sequence[SourceFile | None],
) -> Iterator[DocHits]:
    """What :func:`matched` gives, from worker processes; a file a worker did
    not read, and every file left when a worker died, is ``work``ed here."""
    from concurrent.futures.process import BrokenProcessPool  # with the pool's own import

    size = _batch_size(len(items))
    batches = [files[at : at + size] for at in range(0, len(files), size)]
    done = 0
    try:
        for hits in pool.map(match_files, batches):
            for item, found in zip(items[done : done + len(hits)], hits, strict=True):
                yield work(item) if found is None else found
            done += len(hits)
    except BrokenProcessPool:
        yield from map(work, items[done:])


def _batch_size(items: int) -> int:
    return max(1, min(BATCH_DOCS, items // (8 * WORKERS)))


def _in_threads(
    pool: ThreadPoolExecutor, items: Sequence[Item], work: Callable[[Item], Result]
) -> Iterator[Result]:
    """``work`` of every item, in order, run on ``pool`` a batch of items per
    task: a task each cost ~10 µs of CPU in the pool's locks and futures and a
    hand-over of the GIL (~5% of a build)."""
    size = _batch_size(len(items))
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
