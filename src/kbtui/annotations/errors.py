"""The one error of the annotation database: a file kbtui will not use as it is.

Apart because every layer of the database raises it (the storage reading its
files, the journal, the store meeting a malformed record or an unknown
schema) and none of them should import another just for the error.
"""

from __future__ import annotations

from pathlib import Path


class DatabaseError(Exception):
    """The database cannot be used as it is. The message names the file.

    kbtui stops with this message rather than write over something it could
    not read: the file is left exactly as it was.
    """

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        """The file at fault (the database or its journal)."""
        self.reason = reason
        """What is wrong, without the file name."""
        super().__init__(f"{path}: {reason}")


def unreadable(path: Path, reason: str) -> DatabaseError:
    """A :class:`DatabaseError` for a file kbtui will not touch, saying so."""
    return DatabaseError(path, f"{reason}; kbtui has left it untouched (repair or move it)")
