"""Documents matched in worker processes: a big build on every core.

Threads are not enough: of a document's matching only the Rust automaton's
pass lets go of the GIL; lower-casing, the per-hit loop and the coreference
contexts hold it, so two threads make about 1.2 cores busy. A process per
core is not held back by any of it; it costs its start (the worker imports
the matcher and builds its automata: about 0.3 s of CPU, on every core at
once), so :mod:`kbtui.entities.indexing` uses processes only for a build
with at least :data:`PROCESS_BYTES` to read.

A worker reads the files itself, as :meth:`kbtui.documents.corpus.Corpus.load_text`
does (:func:`~kbtui.documents.reading.read_as_scanned`), and sends back
only the hits: a text never crosses between processes. A file the worker
cannot read as the scan saw it comes back as ``None``, and the build reads
it the full way in its own process, so both ways give the same index.

The workers come from a fork server (``forkserver``): a fork of an app that
runs threads could inherit a lock another thread holds and hang; the fork
server is a fresh single-threaded process, started once per app.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import sys
import threading
import time
from collections.abc import Sequence
from concurrent.futures import Executor
from pathlib import Path
from typing import NamedTuple

from kbtui.entities.cache import DocHits
from kbtui.entities.document_hits import DocumentMatcher
from kbtui.entities.registry import EntityRegistry

PROCESS_BYTES = 32 << 20
"""A build reading less than this (bytes of stale files) stays on threads:
starting the workers would cost more than they save."""


NICENESS = 5
"""How much lower the workers' priority is than the app's (a background job)."""


POLL_SECONDS = 1.0
"""How often a worker without a pidfd checks that the app is still there."""


class SourceFile(NamedTuple):
    """Where a worker reads a document: its file as the scan saw it (size,
    mtime, where the body starts)."""

    path: Path
    size: int
    mtime: float
    body_start: int


_matcher: DocumentMatcher | None = None
"""The worker's matcher, made once by :func:`_start`."""


def worker_pool(registry: EntityRegistry, workers: int) -> Executor:
    """A pool of ``workers`` processes, each with the matcher of ``registry``.

    Raises :class:`OSError` (or :class:`ValueError`) where processes cannot
    be started (no ``/dev/shm`` for the pool's semaphores, a sandbox): the
    caller falls back to threads. Multiprocessing is imported here, by the
    few builds that use it (20 ms)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    _start_resource_tracker()
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    if context.get_start_method() == "forkserver":
        context.set_forkserver_preload([__name__])
    starter = (registry, os.getpid())
    return ProcessPoolExecutor(workers, context, initializer=_start, initargs=starter)


def _start_resource_tracker() -> None:
    """Starts multiprocessing's resource tracker (the pool's semaphores need
    it) with ``sys.stderr`` on /dev/null. The start hands on
    ``sys.stderr.fileno()``, which in a Textual app is a capture's ``-1``,
    and fails ("bad value(s) in fds_to_keep"), so the app would never get
    processes."""
    from multiprocessing import resource_tracker

    with open(os.devnull, "w") as sink, contextlib.redirect_stderr(sink):
        resource_tracker.ensure_running()


def _start(registry: EntityRegistry, starter: int) -> None:
    """A worker's start: it ends with the process ``starter`` that made the
    pool, ignores Ctrl+C (that process handles it and stops the pool), and
    yields the cores to the app's own thread, which the user is waiting on
    (:data:`NICENESS`); its matcher and automata are built before the first batch."""
    global _matcher
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with contextlib.suppress(OSError, AttributeError):
        os.nice(NICENESS)
    threading.Thread(target=_end_with, args=(starter,), daemon=True).start()
    _matcher = DocumentMatcher(registry)
    _matcher.matcher.prepare()


def _end_with(pid: int) -> None:
    """Ends this worker once process ``pid`` has ended. A worker waits on its
    queue for ever, holding the fork server open, so an app killed (``kill
    -9``, a crash) would leave both behind; this thread sees it end (a pidfd
    on Linux, the parent's handle on Windows, else a check a second) and leaves."""
    try:
        handle = os.pidfd_open(pid)
    except (AttributeError, OSError):
        _wait_for_end(pid)
    else:
        select.select([handle], [], [])
    os._exit(0)


def _wait_for_end(pid: int) -> None:
    if sys.platform == "win32":  # os.kill(pid, 0) would end it there
        import multiprocessing

        parent = multiprocessing.parent_process()
        if parent is not None:
            parent.join()
        return
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        except OSError:
            pass  # there, but not ours to signal
        time.sleep(POLL_SECONDS)


def match_files(files: Sequence[SourceFile | None]) -> list[DocHits | None]:
    """The hits of each file, or ``None`` where this worker does not read it
    (no file given, or not as the scan saw it, or unreadable)."""
    assert _matcher is not None, "the pool's initializer makes the matcher"
    return [None if file is None else _hits_of(_matcher, file) for file in files]


def _hits_of(matcher: DocumentMatcher, file: SourceFile) -> DocHits | None:
    from kbtui.documents.reading import read_as_scanned  # not for the app that makes the pool

    try:
        read = read_as_scanned(file.path, file.size, file.body_start)
    except (OSError, UnicodeError, ValueError, LookupError):
        return None
    if read is None:
        return None
    text, body_start = read
    return matcher.hits(file.size, file.mtime, text[body_start:], body_start)
