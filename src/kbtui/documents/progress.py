"""Progress of a scan, reported at a pace the UI can take.

Apart from :mod:`kbtui.documents.corpus` so the corpus module keeps room for
what a corpus does; the scan calls :class:`Reporter` for every file it lists.
"""

from __future__ import annotations

import time
from collections.abc import Callable

PROGRESS_INTERVAL = 0.05
"""Seconds between progress reports, so a fast scan does not flood the UI."""

Progress = Callable[[int, int], None]
"""``progress(done, total)``: called from the scanning thread."""

Cancel = Callable[[], bool]
"""``cancel()``: polled before each file read, and before each run of entries the cache
holds (a run costs microseconds an entry); returning true stops the scan."""


class Reporter:
    """Calls ``progress`` at the start, at most every interval, and at the end."""

    def __init__(self, progress: Progress | None, total: int) -> None:
        self._progress = progress
        self._total = total
        self._next = 0.0
        self(0)

    def __call__(self, done: int) -> None:
        if self._progress is None:
            return
        now = time.monotonic()
        if now >= self._next:
            self._next = now + PROGRESS_INTERVAL
            self._progress(done, self._total)

    def done(self, done: int) -> None:
        if self._progress is not None:
            self._progress(done, self._total)
