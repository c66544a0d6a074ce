"""The database's lock file: flock, excluding other kbtui processes and filelock's lock."""

from __future__ import annotations

import errno
import fcntl
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from filelock import FileLock, Timeout

from kbtui.annotations import lockfile
from kbtui.annotations.lockfile import POLL_SECONDS, LockFile, LockTimeout

HOLD = """
import sys, time
from filelock import FileLock
with FileLock(sys.argv[1]):
    print("held", flush=True)
    time.sleep(30)
"""


def test_two_locks_on_one_file_exclude_each_other(tmp_path: Path) -> None:
    first, second = LockFile(tmp_path / "db.lock"), LockFile(tmp_path / "db.lock")
    first.acquire(0)
    with pytest.raises(LockTimeout):
        second.acquire(0)
    first.release()
    second.acquire(0)
    with pytest.raises(LockTimeout):
        first.acquire(0)
    second.release()


def test_a_wait_of_zero_tries_once_and_a_wait_lasts_its_time(tmp_path: Path) -> None:
    holder, waiter = LockFile(tmp_path / "db.lock"), LockFile(tmp_path / "db.lock")
    holder.acquire(0)
    started = time.monotonic()
    with pytest.raises(LockTimeout):
        waiter.acquire(0)
    assert time.monotonic() - started < POLL_SECONDS
    started = time.monotonic()
    with pytest.raises(LockTimeout):
        waiter.acquire(0.3)
    assert 0.3 <= time.monotonic() - started < 1.0
    holder.release()


def test_it_and_filelock_exclude_each_other(tmp_path: Path) -> None:
    """An older kbtui (or a test) holding the lock with filelock keeps this one out."""
    path = tmp_path / "db.lock"
    ours = LockFile(path)
    with FileLock(path, thread_local=False), pytest.raises(LockTimeout):
        ours.acquire(0)
    ours.acquire(0)
    with pytest.raises(Timeout):
        FileLock(path, thread_local=False).acquire(timeout=0)
    ours.release()


def test_another_process_holding_it_is_waited_for(tmp_path: Path) -> None:
    path = tmp_path / "db.lock"
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(path)], stdout=subprocess.PIPE)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == b"held\n"
        with pytest.raises(LockTimeout, match=r"db\.lock"):
            LockFile(path).acquire(0.1)
    finally:
        holder.kill()
        holder.wait()
    LockFile(path).acquire(1.0)  # the process's end released it


def test_a_filesystem_without_flock_falls_back_to_filelock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only this module's flock fails (filelock keeps the real one): both locks are then
    filelock's, and still exclude each other."""
    calls: list[int] = []

    def no_flock(fd: int, operation: int) -> None:
        calls.append(operation)
        raise OSError(errno.ENOSYS, "Function not implemented")

    failing = SimpleNamespace(flock=no_flock, LOCK_EX=fcntl.LOCK_EX, LOCK_NB=fcntl.LOCK_NB)
    monkeypatch.setattr(lockfile, "fcntl", failing)
    first, second = LockFile(tmp_path / "db.lock"), LockFile(tmp_path / "db.lock")
    first.acquire(0)
    assert calls == [fcntl.LOCK_EX | fcntl.LOCK_NB]  # tried once, then filelock
    with pytest.raises(LockTimeout):
        second.acquire(0)
    with pytest.raises(Timeout):
        FileLock(tmp_path / "db.lock", thread_local=False).acquire(timeout=0)
    first.release()
    second.acquire(0)
    second.release()
    assert len(calls) == 2  # once for each lock: a lock that fell back stays so


def test_a_lock_file_that_cannot_be_made_is_an_os_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        LockFile(tmp_path / "missing" / "db.lock").acquire(0)
