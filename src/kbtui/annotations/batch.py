"""Many reads of a store with its files checked once: a row for every document.

Every read of a store first checks the database files (a stat of the main file
and of the journal) to catch up with what other processes wrote; the list's
10,000 rows, two reads each, made 40,000 stats. Inside one transaction the files
are checked once, at its start. A read must never wait for another process's
lock, though (:mod:`kbtui.annotations.placing`): when it is held, the reads go
on without the transaction, each checking the files as before.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING

from kbtui.annotations.busy import DatabaseBusy, lock_wait

if TYPE_CHECKING:
    from kbtui.annotations.store import Store


@contextlib.contextmanager
def checked_once(store: Store) -> Iterator[None]:
    """Reads of ``store`` in this block check its files once (unless another process
    holds its lock: then each read checks them, and nothing waits)."""
    with contextlib.ExitStack() as stack:
        with contextlib.suppress(DatabaseBusy), lock_wait(0):
            stack.enter_context(store.transaction())
        yield
