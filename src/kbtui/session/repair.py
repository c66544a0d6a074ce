"""``kbtui doctor --repair``: a refused database salvaged into a new file beside it.

The store refuses a database whose files disagree or are damaged, and never
writes over it (:mod:`kbtui.annotations.storage`). Repairing is therefore
never done in place: what can be read (:mod:`kbtui.annotations.salvage`) goes
to a new file, and the user chooses to use it with ``--db`` or ``KBTUI_DB``,
keeping the old files until they are sure nothing they need was dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from kbtui.annotations.errors import DatabaseError
from kbtui.annotations.salvage import Salvage, salvage, write_salvage
from kbtui.annotations.store import Store


@dataclass(frozen=True, slots=True)
class Repair:
    """A database salvaged: why, into which file, and what it holds."""

    refused: str
    """Why the store refused the old database."""
    target: Path
    """The new database file."""
    salvage: Salvage


def refusal(db_path: Path) -> str | None:
    """Why the store refuses the database at ``db_path`` (``None``: it opens and
    every annotation reads, as :mod:`kbtui.session.doctor` checks)."""
    try:
        with Store.open(db_path, read_only=True) as store:
            store.all_annotations()
            return None
    except DatabaseError as exc:
        return str(exc)


def repaired_path(db_path: Path) -> Path:
    """``kbtui.repaired-20261202T015959Z.json`` beside ``kbtui.json``."""
    return beside(db_path, "repaired")


def fresh_path(db_path: Path) -> Path:
    """``kbtui.fresh-20261202T015959Z.json`` beside ``kbtui.json``: an empty database to
    go on with when the user would rather not salvage the refused one now."""
    return beside(db_path, "fresh")


def beside(db_path: Path, label: str) -> Path:
    """A name beside ``db_path`` that no file has: ``STEM.LABEL-STAMP.json`` (``...Z-2.json``
    and on if one in the same second took that one), so nothing is ever written over."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    suffix = db_path.suffix or ".json"
    target = db_path.with_name(f"{db_path.stem}.{label}-{stamp}{suffix}")
    tries = 1
    while target.exists() or target.is_symlink():
        tries += 1
        target = db_path.with_name(f"{db_path.stem}.{label}-{stamp}-{tries}{suffix}")
    return target


def repair(db_path: Path) -> Repair | None:
    """Salvage a refused database into a new file beside it (``None``: nothing to repair).

    Raises :class:`DatabaseError` when the new file cannot be written.
    """
    refused = refusal(db_path)
    if refused is None:
        return None
    result = salvage(db_path)
    target = repaired_path(db_path)
    write_salvage(result, target)
    return Repair(refused, target, result)
