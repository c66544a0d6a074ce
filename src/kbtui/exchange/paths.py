"""Where an export goes: layouts and the paths a user types for them.

Pure functions of a typed path (and, for a few, whether it is an existing
folder), shared by ``kbtui export --out`` and the export dialog, so both read
a path the same way and the dialog's form stays small.
"""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path

from kbtui.locations import documents_dir


class Layout(StrEnum):
    """How the export is laid out on disk."""

    FILE = "file"
    """One Markdown file for everything."""
    PER_DOCUMENT = "folder"
    """A folder with one Markdown file per document."""
    JSON = "json"
    """One W3C Web Annotation JSON file."""


FILE_NAMES = {Layout.FILE: "kbtui-notes.md", Layout.JSON: "kbtui-annotations.json"}
"""The file name a one-file layout suggests when the path names none."""

_SUFFIXES = {Layout.FILE: ".md", Layout.JSON: ".json"}

_SEPARATORS = tuple({"/", os.sep})


def default_folder() -> str:
    """Where a first export goes (:func:`kbtui.locations.documents_dir`), never the
    folder kbtui happened to start in.

    Shown with ``~`` when under home because that is what a user types and
    reads; the export expands it.
    """
    folder = documents_dir()
    try:
        return os.path.join("~", *folder.relative_to(Path.home()).parts)
    except (ValueError, RuntimeError):  # not under home, or no home at all
        return str(folder)


def split_path(text: str) -> tuple[str, str | None]:
    """The folder and file name of a path as typed (``None``: the path is a folder).

    A path is a folder when it ends with a separator, is an existing folder,
    or has no suffix (``notes`` is read as a folder, ``notes.md`` as a file).
    """
    text = text.strip()
    path = Path(text).expanduser()
    if text.endswith(_SEPARATORS) or path.is_dir() or not path.suffix:
        return text.rstrip("".join(_SEPARATORS)) or text, None
    return os.path.dirname(text), os.path.basename(text)


def path_for(layout: Layout, text: str, fallback: str, name: str | None = None) -> str:
    """The path ``layout`` suggests, keeping as much of ``text`` (the current path) as fits.

    A folder layout gets the folder with a trailing separator (what
    ``kbtui export --out DIR/`` means); a one-file layout keeps the file
    name, swapping ``.md`` and ``.json`` as the layout changes. When
    ``text`` names no file, ``name`` (the one the user had before passing
    through the folder layout) is used, else :data:`FILE_NAMES`. An empty
    ``text`` means ``fallback``.
    """
    folder, typed = split_path(text) if text.strip() else (fallback, None)
    if layout is Layout.PER_DOCUMENT:
        return os.path.join(folder or ".", "")
    suffix = _SUFFIXES[layout]
    name = typed or name
    if name is None:
        name = FILE_NAMES[layout]
    elif Path(name).suffix.lower() in _SUFFIXES.values():
        name = Path(name).stem + suffix
    return os.path.join(folder, name)


def layout_for(path: str) -> Layout:
    """The layout a remembered path was written with: a folder, a .json file, or Markdown."""
    if not path.strip():
        return Layout.FILE
    _folder, name = split_path(path)
    if name is None:
        return Layout.PER_DOCUMENT
    return Layout.JSON if name.lower().endswith(".json") else Layout.FILE


def check_path(layout: Layout, text: str) -> str | None:
    """Why ``text`` cannot be written with ``layout`` (``None``: it can be tried)."""
    text = text.strip()
    if not text:
        return "Enter a path to export to"
    if is_folder(text) and layout is not Layout.PER_DOCUMENT:
        return f"{text} is a folder: name a file, or choose one file per document"
    return None


def is_folder(text: str) -> bool:
    """Whether a typed path means a folder: it ends with a separator or is an existing folder.

    This is how ``kbtui export --out`` tells one file per document from one file.
    """
    if text.endswith(_SEPARATORS):
        return True
    try:
        return Path(text).expanduser().is_dir()
    except OSError:  # a name too long for the system, say: writing it says why
        return False
