"""What the database's two files (main file and journal) have in common.

kbtui's JSON dialect, so that everything written can be read back and
everything read could have been written; and a file's identity, which is how
a process notices that another one wrote. Apart so that the storage and the
journal share them without one owning the other's details.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

Tables = dict[str, dict[str, Any]]
"""TinyDB's whole-database shape: table name -> record id -> record."""


def dumps(value: object) -> str:
    """JSON as kbtui writes it: UTF-8 text kept readable, no NaN (not JSON)."""
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def loads(text: str) -> Any:
    """JSON as kbtui reads it: ``NaN``, ``Infinity`` and ``1e999`` are refused,
    since :func:`dumps` could never write them back (ValueError)."""
    return json.loads(text, parse_constant=_not_json, parse_float=_finite)


def _not_json(name: str) -> float:
    raise ValueError(f"{name} is not a JSON number")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text} is too large a number")
    return value


@dataclass(frozen=True, slots=True)
class FileKey:
    """What tells us a file changed under us: a new inode means it was replaced."""

    dev: int
    ino: int
    size: int
    mtime_ns: int

    @classmethod
    def of(cls, st: os.stat_result) -> FileKey:
        """The key of a file with this status."""
        return cls(st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def file_key(path: Path) -> FileKey | None:
    """The key of the file at ``path`` now (``None``: there is none)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return FileKey.of(st)


def remove_stale_temporaries(*paths: Path) -> None:
    """Delete the temporary files a killed atomic rewrite of ``paths`` left (call it with
    the database's lock held, so that none is in use)."""
    for path in paths:
        for leftover in path.parent.glob(f".{path.name}.*.tmp"):
            leftover.unlink(missing_ok=True)
