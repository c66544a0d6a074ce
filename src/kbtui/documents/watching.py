"""Watching a corpus folder: which changed paths matter, gathered into batches.

The watching itself is watchfiles' (a Rust watcher over inotify, FSEvents or
ReadDirectoryChanges, with its own debounce): it hands over the set of paths
that changed since the last batch. This module decides what each path means
for the corpus: a document (a file :mod:`kbtui.documents.walk` would list),
a folder that came or went (its documents must be found again), one of the
few other files the session cares about (``entities.yaml``), or nothing: an
editor's swap or backup file, a hidden file, the database beside the corpus,
an image. A batch names paths, not what happened to them: an editor's save
is a write, a rename, a delete in some order, so the corpus looks at each
file as it is *now* (:meth:`kbtui.documents.corpus.Corpus.refresh`).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from kbtui.documents.walk import EXTENSIONS

DEBOUNCE_MS = 400
"""Longest a batch gathers changes while they keep coming: the list must show a
change within a second of it, and a batch per file of a copied folder would
rebuild the list a thousand times."""

STEP_MS = 50
"""Quiet time after which a batch is handed over (watchfiles' ``step``)."""

QUIET_MS = 3000
"""After this long without a change an empty batch comes: the time to write caches
that each change would otherwise rewrite whole."""

TEMP_SUFFIXES = (
    "~",
    ".swp",
    ".swo",
    ".swx",
    ".tmp",
    ".temp",
    ".part",
    ".crdownload",
    ".kate-swp",
    "___jb_tmp___",
    "___jb_old___",
)
"""Endings of the files editors and downloads write beside (or instead of) a document."""

TEMP_NAMES = frozenset({"4913"})
"""Vim's probe file, written and deleted to test a folder before each save."""


class Kind(Enum):
    """What a changed path is to the corpus."""

    DOCUMENT = "document"
    FOLDER = "folder"
    FILE = "file"
    """One of the other files the watcher was asked to report (``entities.yaml``)."""


@dataclass(frozen=True, slots=True)
class Batch:
    """What changed in one go, as ids relative to the root (``/`` separators)."""

    documents: frozenset[str] = frozenset()
    folders: frozenset[str] = frozenset()
    files: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.documents or self.folders or self.files)


class PathFilter:
    """Tells which changed paths matter; a callable ``(change, path)`` for watchfiles."""

    def __init__(self, root: Path, files: Iterable[str] = (), ignore: Iterable[Path] = ()) -> None:
        """``files``: names of other files at the root to report; ``ignore``: paths
        whose changes never matter, with every path that begins with them (the
        database's ``db.json`` has its journal and lock file beside it)."""
        self.root = root
        self.files = frozenset(files)
        self.ignore = tuple(str(path) for path in ignore)

    def __call__(self, change: object, path: str) -> bool:
        return self.classify(path) is not None

    def classify(self, path: str) -> tuple[Kind, str] | None:
        """What ``path`` is, with its id; None for a path of no interest."""
        if path.startswith(self.ignore):
            return None
        try:
            relative = Path(path).relative_to(self.root)
        except ValueError:
            return None
        parts = relative.parts
        if not parts or any(part.startswith(".") for part in parts) or _is_temporary(parts[-1]):
            return None
        doc_id = "/".join(parts)
        if len(parts) == 1 and doc_id in self.files:
            return Kind.FILE, doc_id
        if os.path.splitext(doc_id)[1].lower() in EXTENSIONS and not os.path.isdir(path):
            return Kind.DOCUMENT, doc_id
        if os.path.isdir(path):
            return Kind.FOLDER, doc_id
        if not os.path.lexists(path) and not os.path.splitext(parts[-1])[1]:
            return Kind.FOLDER, doc_id  # most likely a folder gone (its files went unseen)
        return None

    def batch(self, paths: Iterable[str]) -> Batch:
        """The batch of changed ``paths``, those of no interest left out."""
        found: dict[Kind, set[str]] = {kind: set() for kind in Kind}
        for path in paths:
            if (classified := self.classify(path)) is not None:
                found[classified[0]].add(classified[1])
        return Batch(
            frozenset(found[Kind.DOCUMENT]),
            frozenset(found[Kind.FOLDER]),
            frozenset(found[Kind.FILE]),
        )


def _is_temporary(name: str) -> bool:
    """An editor's swap, backup or lock file, or a download in progress."""
    lowered = name.lower()
    return lowered in TEMP_NAMES or lowered.endswith(TEMP_SUFFIXES) or name.startswith("#")


class WatchUnavailable(Exception):
    """The folder cannot be watched (no watchfiles, too many watches); the message says why."""


def batches(path_filter: PathFilter, stop: threading.Event) -> Iterator[Batch]:
    """Every batch of changes under the filter's root, until ``stop`` is set.

    An empty batch comes after :data:`QUIET_MS` without a change, once after
    each run of changes. Blocks between batches: run it in a worker thread.
    Raises :class:`WatchUnavailable` when the folder cannot be watched, at
    the start or later (a watch limit reached as folders are added).
    """
    try:
        from watchfiles import watch
    except ImportError as error:
        raise WatchUnavailable("watchfiles is not installed") from error
    if not path_filter.root.is_dir():  # watchfiles would wait on it forever
        raise WatchUnavailable(f"no such folder: {path_filter.root}")
    pending = False  # whether a batch came since the last quiet spell
    try:
        for changes in watch(
            path_filter.root,
            watch_filter=path_filter,
            debounce=DEBOUNCE_MS,
            step=STEP_MS,
            stop_event=stop,
            raise_interrupt=False,
            rust_timeout=QUIET_MS,
            yield_on_timeout=True,
            ignore_permission_denied=True,  # the walk reports a folder it cannot read
        ):
            batch = path_filter.batch(path for _, path in changes)
            if batch or (pending and not changes):  # not changes: a quiet spell
                pending = bool(batch)
                yield batch
    except (OSError, RuntimeError) as error:  # the Rust watcher's errors are RuntimeErrors
        raise WatchUnavailable(_first_line(error)) from error


def _first_line(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
