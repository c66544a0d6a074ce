"""Opening a corpus and its database only as far as a command uses them.

:class:`~kbtui.session.session.Session` brings the script engine, the
settings and the entity machinery with it, and its store brings the
re-anchoring, the word list and the file lock: about a hundred milliseconds
of imports before anything is read. ``kbtui list`` needs none of that: the
corpus, and from the database only what it keeps per document, which a
database that was never written does not have (:func:`existing_store`).
Apart from :mod:`.session` so that importing this costs what the corpus costs.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from kbtui.documents.corpus import Corpus
from kbtui.entities.entities_file import EntitiesFile, load_entities_file

if TYPE_CHECKING:
    from kbtui.annotations.store import Store


def open_corpus(root: str | os.PathLike[str]) -> tuple[Corpus, EntitiesFile]:
    """The corpus at ``root``, told which frontmatter lists hold entity names.

    ``entities.yaml`` may declare lists beyond the standard three; the corpus
    must know them before it reads any metadata, or their names are lost.
    Raises :class:`kbtui.documents.corpus.CorpusError` for a missing root.
    """
    entities_file = load_entities_file(Path(root).expanduser())
    return Corpus(root, entity_lists=entities_file.entity_lists), entities_file


def existing_store(db_path: Path) -> Store | None:
    """The store at ``db_path`` opened read-only, or ``None`` when neither its file nor
    its journal exists: such a store would be empty, so nothing needs importing it.

    Only a path that is certainly absent counts as none; anything else (a
    dangling link, a folder, a path the system will not look at) is left to
    the store, which refuses it with its own message.
    """
    journal = db_path.with_name(db_path.name + ".journal")
    if _absent(db_path) and _absent(journal):
        return None
    from kbtui.annotations.store import Store

    return Store.open(db_path, read_only=True)


def _absent(path: Path) -> bool:
    """Whether ``path`` is certainly not there (no file, no link)."""
    try:
        os.lstat(path)
    except FileNotFoundError:
        return True
    except OSError:
        return False
    return False
