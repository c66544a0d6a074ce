"""A database locked by another process: the error, and a shorter wait where one is needed.

Every write takes the database's file lock, and waits for it up to
:data:`~kbtui.annotations.storage.LOCK_TIMEOUT` (30 s): right for the CLI,
which has nothing else to do. The app's writes run on its UI thread, so a
process hung while holding the lock would freeze the app for the whole wait,
and again on every retry. :func:`lock_wait` lets such a caller wait briefly
and hear :class:`DatabaseBusy`, then keep the change and try it again later.
The wait is a context variable, so it holds for the calling thread only: a
worker thread's writes keep the full wait.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from kbtui.annotations.errors import DatabaseError
from kbtui.annotations.lockfile import LockFile, LockTimeout

_WAIT: ContextVar[float | None] = ContextVar("kbtui_lock_wait", default=None)


class DatabaseBusy(DatabaseError):
    """Another process holds the database's lock: nothing was written, and trying
    again later may succeed (unlike the other :class:`DatabaseError` cases)."""


@contextmanager
def lock_wait(seconds: float) -> Iterator[None]:
    """Writes in this block, in this thread, wait at most ``seconds`` for the lock
    (``0``: try once) before :class:`DatabaseBusy`."""
    token = _WAIT.set(seconds)
    try:
        yield
    finally:
        _WAIT.reset(token)


def lock_timeout(default: float) -> float:
    """How long a write now waits for the lock: :func:`lock_wait`'s, else ``default``."""
    wait = _WAIT.get()
    return default if wait is None else wait


def acquire_file_lock(lock: LockFile | None, path: Path, wait: float) -> LockFile:
    """The file lock of the database ``path``, acquired within ``wait`` seconds
    (``lock`` the one acquired before, else a new one; a read-only store never locks)."""
    if lock is None:
        lock = LockFile(path.with_name(path.name + ".lock"))
    try:
        lock.acquire(wait)
    except LockTimeout as exc:
        raise DatabaseBusy(path, f"is locked by another kbtui process (waited {wait:g} s)") from exc
    except OSError as exc:  # e.g. a read-only folder: no lock file can be made
        raise DatabaseError(path, f"cannot be locked: {exc.strerror}") from exc
    return lock
