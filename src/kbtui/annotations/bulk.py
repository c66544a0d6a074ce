"""Making a great many objects at once without the cyclic garbage collector looking on.

Reading the database's main file makes a dict per record and the store an
:class:`~kbtui.annotations.model.Annotation` per record: 146,000 of each for one big
document. Every few hundred of them set off a collection, and every full one went
through all made so far again: a third of decoding the file and half of building
the annotations. None of them is in a cycle (records are JSON, annotations hold text),
so nothing is lost by pausing the collector while they are made; they are freed by
their reference counts as ever.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection in the block (unless it was off already, it is on
    again after: another thread's pause meanwhile may end a little early, never late)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
