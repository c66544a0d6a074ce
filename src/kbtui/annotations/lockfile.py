"""The database's lock file, which one process at a time holds around its writes.

On POSIX systems the lock is :func:`fcntl.flock` on the ``.lock`` file, as
the filelock package takes it there, so the two exclude each other (an older
kbtui, or a test, holding it with filelock). Every writable store takes the
lock as it opens, before the app's first frame: with filelock (4.3) that open
took 22.9 ms, mostly its import and first acquire, with flock 1.3 ms. Where
there is no flock (Windows, or a filesystem without it) filelock's
``FileLock`` does the work.
"""

from __future__ import annotations

import errno
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

if TYPE_CHECKING:
    from filelock import BaseFileLock

POLL_SECONDS = 0.05
"""How often a wait tries the lock again (filelock's default interval)."""

NO_FLOCK = {errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOLCK}
"""What flock says on a filesystem that cannot lock (some network mounts)."""


class LockTimeout(Exception):
    """Another process held the lock for the whole wait."""


class LockFile:
    """An exclusive lock on the file ``path`` (made if missing), not reentrant: the
    store takes it once per transaction, under its own thread lock."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None
        self._fallback: BaseFileLock | None = None

    def acquire(self, timeout: float) -> None:
        """Hold the lock, waiting at most ``timeout`` seconds (``0``: try once).

        Raises :class:`LockTimeout`, or :class:`OSError` when the file cannot be made.
        """
        if self._fallback is None and fcntl is not None:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
            try:
                if _flock(fd, timeout, self.path):
                    self._fd = fd
                    return
            except BaseException:
                os.close(fd)
                raise
            os.close(fd)
            self._fallback = _filelock(self.path)
        self._acquire_fallback(timeout)

    def release(self) -> None:
        """Let the next process have the lock."""
        if self._fd is not None:
            fd, self._fd = self._fd, None
            try:
                fcntl.flock(fd, fcntl.LOCK_UN)
            finally:
                os.close(fd)
        elif self._fallback is not None:
            self._fallback.release()

    def _acquire_fallback(self, timeout: float) -> None:
        from filelock import Timeout

        if self._fallback is None:
            self._fallback = _filelock(self.path)
        try:
            self._fallback.acquire(timeout=timeout)
        except Timeout as exc:
            raise LockTimeout(str(self.path)) from exc


def _flock(fd: int, timeout: float, path: Path) -> bool:
    """Lock ``fd`` (open on ``path``) within ``timeout`` seconds; ``False`` if its
    filesystem has no flock."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise LockTimeout(str(path)) from None
            time.sleep(POLL_SECONDS)
        except OSError as exc:
            if exc.errno in NO_FLOCK:
                return False
            raise


def _filelock(path: Path) -> BaseFileLock:
    from filelock import FileLock

    return FileLock(path, thread_local=False)
