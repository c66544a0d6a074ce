"""Safe file names for exported documents, and safe writes of the files.

Per-document export names files after document titles, and a title is text
from a web page: ``../../x/a:b|c`` must never write outside the folder the
user chose, and a name must be legal on every system a notes folder is
synced to (Windows forbids ``: | ? * < > "`` and names such as ``CON``;
most file systems limit a name to 255 *bytes*, which is 85 CJK characters).

Writing is split in two so a caller can ask before overwriting:
:func:`plan_files` says which files already exist, :func:`write_plan` writes
(refusing existing files unless forced), each file atomically through
:mod:`kbtui.atomic`.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from kbtui.atomic import atomic_write_text

MAX_NAME_BYTES = 200
"""Longest file name written, in UTF-8 bytes: under the usual 255-byte limit,
leaving room for the atomic write's temporary name and a sync tool's suffix."""

FALLBACK_NAME = "untitled"
"""The name used when nothing of a title survives."""

_UNSAFE = re.compile(r'[/\\:|?*<>"]+')

_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$", re.IGNORECASE)

NEW_FILE_MODE = 0o644
"""Permissions of a newly written file (an overwritten file keeps its own)."""


def safe_filename(title: str, *, suffix: str = ".md", max_bytes: int = MAX_NAME_BYTES) -> str:
    """A file name made from ``title``: one path component, portable, bounded.

    Separators and reserved characters become ``_``, any white space one
    space; control, format (bidi overrides, zero-width), private-use and
    unassigned characters are dropped; runs of dots shrink
    to one and leading or trailing dots and spaces go, so neither ``..`` nor a
    hidden file can result. The name with ``suffix`` fits ``max_bytes``.
    """
    stem = _clean_stem(title) or FALLBACK_NAME
    if _RESERVED.match(stem):
        stem = f"_{stem}"
    return _fit(stem, suffix, max_bytes)


def _clean_stem(title: str) -> str:
    text = re.sub(r"\s+", " ", unicodedata.normalize("NFC", title))
    text = "".join(ch for ch in text if not unicodedata.category(ch).startswith("C"))
    text = _UNSAFE.sub("_", text)
    text = re.sub(r"\.{2,}", ".", text)
    return text.strip(" ._")


def _fit(stem: str, tail: str, max_bytes: int) -> str:
    """``stem + tail``, cutting ``stem`` at a character boundary to fit the bytes."""
    room = max_bytes - len(tail.encode("utf-8"))
    if room < 1:
        raise ValueError(f"suffix {tail!r} leaves no room in {max_bytes} bytes")
    cut = stem.encode("utf-8")[:room].decode("utf-8", errors="ignore")
    return (cut.rstrip(" .") or "_") + tail


def unique_filenames(
    titles: Iterable[str], *, suffix: str = ".md", max_bytes: int = MAX_NAME_BYTES
) -> list[str]:
    """Safe names for ``titles``, distinct even on case-insensitive file systems.

    A repeated name gets `` (2)``, `` (3)``... before the suffix, still
    within ``max_bytes``.
    """
    taken: set[str] = set()
    names = []
    for title in titles:
        name = safe_filename(title, suffix=suffix, max_bytes=max_bytes)
        number = 1
        while name.casefold() in taken:
            number += 1
            stem = safe_filename(title, suffix="", max_bytes=max_bytes)
            name = _fit(stem, f" ({number}){suffix}", max_bytes)
        taken.add(name.casefold())
        names.append(name)
    return names


@dataclass(frozen=True, slots=True)
class PlannedFile:
    """One file an export will write."""

    path: Path
    text: str
    exists: bool
    """Something (a file, a link, a folder) already has this path."""


@dataclass(frozen=True, slots=True)
class WritePlan:
    """The files an export will write; :attr:`existing` is what the user must confirm."""

    files: tuple[PlannedFile, ...]
    folder: Path | None = None
    """The one folder the plan may create (a folder export's target); every other
    folder must exist, so a mistyped path is an error, not a new tree of folders."""

    @property
    def existing(self) -> list[Path]:
        """Paths that would be overwritten."""
        return [f.path for f in self.files if f.exists]


def plan_files(directory: Path, files: Sequence[tuple[str, str]]) -> WritePlan:
    """Plan writing ``(name, text)`` pairs into ``directory``.

    Each name must be a single safe component (from :func:`unique_filenames`);
    anything that would land outside ``directory`` is refused with
    ``ValueError``, as a last guard behind the name cleaning.
    """
    root = directory.resolve()
    planned = []
    for name, text in files:
        path = root / name
        if name in ("", ".", "..") or path.parent != root or Path(name).name != name:
            raise ValueError(f"not a plain file name: {name!r}")
        planned.append(PlannedFile(path, text, os.path.lexists(path)))
    return WritePlan(tuple(planned), root)


def plan_file(path: Path, text: str) -> WritePlan:
    """Plan writing one file at a path the user chose (``--out notes.md``)."""
    return WritePlan((PlannedFile(path, text, os.path.lexists(path)),))


def write_plan(plan: WritePlan, *, force: bool = False) -> None:
    """Write every planned file atomically, creating only the plan's own folder.

    Without ``force``, refuses before writing anything if a file exists
    (the plan may be stale: this checks again). Even with it, a path that is
    something other than a file (a folder, a pipe, a device such as
    ``/dev/null``, or a link to one) is refused before anything is written,
    since the atomic rename would replace it. A missing folder other than
    :attr:`WritePlan.folder` is a :class:`FileNotFoundError` naming it.
    """
    for planned in plan.files:
        _check_folder(planned.path.parent, plan.folder)
        _check_replaceable(planned.path)
    if not force:
        existing = [f.path for f in plan.files if os.path.lexists(f.path)]
        if existing:
            raise FileExistsError(f"would overwrite: {', '.join(map(str, existing))}")
    for planned in plan.files:
        write_file(planned.path, planned.text)


def _check_folder(folder: Path, creatable: Path | None) -> None:
    """Raise :class:`FileNotFoundError` naming the missing folder a file would need."""
    missing = folder.parent if folder == creatable else folder
    if not missing.is_dir():
        raise FileNotFoundError(f"{missing}: no such folder")


def _check_replaceable(path: Path) -> None:
    """Raise :class:`OSError` when ``path`` (or what it links to) exists and is no regular file."""
    if os.path.exists(path) and not os.path.isfile(path):
        raise OSError(f"{path}: not a regular file; kbtui exports only to files")


def write_file(path: Path, text: str) -> None:
    """Write ``text`` as UTF-8 atomically (:mod:`kbtui.atomic`), keeping the file's mode.

    Why the mode: the atomic write makes a fresh file (private, 0600); an
    exported note the user overwrites keeps its permissions, a new one is
    :data:`NEW_FILE_MODE`, like any file a notes tool writes.
    """
    mode = _mode_for(path)
    atomic_write_text(path, text)
    os.chmod(path, mode)


def _mode_for(path: Path) -> int:
    """An overwritten file keeps its permissions; a new one gets :data:`NEW_FILE_MODE`."""
    if path.is_symlink() or not path.is_file():
        return NEW_FILE_MODE
    return path.stat().st_mode & 0o777
