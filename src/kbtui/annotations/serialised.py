"""One thread at a time in a store: the decorator of :class:`~kbtui.annotations.store.Store`'s
methods (out of ``store.py`` to keep that module under its size)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any, Concatenate, ParamSpec, Protocol, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


class Holder(Protocol):
    """What :func:`serialised` holds: an object with this process's lock on its database."""

    def _hold(self) -> AbstractContextManager[Any]: ...


H = TypeVar("H", bound=Holder)


def serialised(method: Callable[Concatenate[H, P], R]) -> Callable[Concatenate[H, P], R]:
    """Run a :class:`Store` method holding the in-memory database still: the UI loads
    documents in worker threads while its own thread annotates, and TinyDB is not
    thread-safe, so one thread at a time reads or changes it."""

    @functools.wraps(method)
    def run(self: H, /, *args: P.args, **kwargs: P.kwargs) -> R:
        with self._hold():
            return method(self, *args, **kwargs)

    return run
