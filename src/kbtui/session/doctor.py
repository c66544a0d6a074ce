"""``kbtui doctor``: what is wrong with the database, the settings and the corpus, and what to do.

Every other command reports the first problem it meets, in its own words,
when it meets it. The doctor looks at everything at once, reading only
(the database opens read-only: nothing is repaired, compacted, locked or
created), and says for each finding what the user can do about it. Apart
from the session because it opens each part on its own terms: a database
that fails must not stop the corpus from being checked.
"""

from __future__ import annotations

import os
import stat
from collections import Counter
from dataclasses import asdict, dataclass
from enum import StrEnum
from pathlib import Path

from kbtui.annotations.errors import DatabaseError
from kbtui.annotations.mainfile import read_main
from kbtui.annotations.model import AnchorState
from kbtui.annotations.schema import SCHEMA_VERSION, schema_version
from kbtui.annotations.store import Store
from kbtui.documents.corpus import Corpus
from kbtui.entities.entities_file import EntitiesFile
from kbtui.session.housekeeping import missing_documents
from kbtui.settings import SettingsError, load_settings, settings_path


class Severity(StrEnum):
    """How much a finding matters; ``kbtui doctor`` exits 1 on an error or a warning."""

    ERROR = "error"
    """Something is refused until it is fixed (a database kbtui will not open)."""
    WARNING = "warning"
    """Something works less than it should (a document with problems, an orphan)."""
    NOTE = "note"
    """Worth knowing, nothing to fix (another kbtui holds the lock)."""


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing the doctor found: what, about what, and what to do."""

    severity: Severity
    subject: str
    """The file, document or setting it is about."""
    problem: str
    fix: str

    def line(self) -> str:
        """``warning: SUBJECT: PROBLEM; FIX``."""
        return f"{self.severity}: {self.subject}: {self.problem}; {self.fix}"

    def to_json(self) -> dict[str, str]:
        """The finding as a JSON object."""
        return {key: str(value) for key, value in asdict(self).items()}


KEEP_FILES = (
    "copy the database and its .journal somewhere safe before anything else; "
    "kbtui doctor --repair then writes what can be salvaged to a new file beside them "
    "(the old ones stay as they are)"
)
"""What to do about a database kbtui refuses (it never writes over one)."""


def examine(corpus: Corpus, entities: EntitiesFile, db_path: Path) -> list[Finding]:
    """Every finding about the database at ``db_path``, the settings and ``corpus``."""
    return [
        *database_findings(db_path, corpus),
        *settings_findings(),
        *corpus_findings(corpus, entities),
    ]


def database_findings(db_path: Path, corpus: Corpus) -> list[Finding]:
    """The database's files, its schema, and its records: orphans and missing documents."""
    found = _file_findings(db_path)
    if any(f.severity is Severity.ERROR for f in found):
        return found
    try:
        version = _schema(db_path)
        with Store.open(db_path, read_only=True) as store:
            annotations = store.all_annotations()
            missing = missing_documents(corpus, store)
    except DatabaseError as exc:
        return [*found, Finding(Severity.ERROR, str(exc.path), exc.reason, KEEP_FILES)]
    if version < SCHEMA_VERSION:
        found.append(
            Finding(
                Severity.NOTE,
                str(db_path),
                f"has schema {version} (this kbtui writes {SCHEMA_VERSION})",
                f"the next change migrates it, first saving {db_path.name}.schema{version}.bak",
            )
        )
    orphans = Counter(a.doc_id for a in annotations if a.anchor is AnchorState.ORPHAN)
    for doc_id, count in sorted(orphans.items()):
        found.append(
            Finding(
                Severity.WARNING,
                doc_id,
                f"{count} annotation(s) could not be placed in the document's current text",
                "they are kept and shown apart (? in the notebook): look at them in the app",
            )
        )
    found += [_missing_finding(m.doc_id, m.records.annotations, m.suggestion) for m in missing]
    return found


def _missing_finding(doc_id: str, annotations: int, suggestion: str | None) -> Finding:
    if suggestion is None:
        fix = "if the file was renamed or moved, kbtui reattach OLD NEW moves them to it"
    else:
        fix = f"it looks renamed: kbtui reattach {doc_id} {suggestion}"
    problem = f"is not in the corpus; its {annotations} annotation(s) and state are kept"
    return Finding(Severity.WARNING, doc_id, problem, fix)


def _schema(db_path: Path) -> int:
    """The schema of the main file as it is on disk (an open store has migrated it)."""
    main = read_main(db_path)
    return SCHEMA_VERSION if main is None else schema_version(main.tables, db_path)


def _file_findings(db_path: Path) -> list[Finding]:
    """The database, its journal and its lock: regular files, and writable."""
    found = []
    for path in (db_path, _beside(db_path, ".journal"), _beside(db_path, ".lock")):
        try:
            mode = os.stat(path).st_mode
        except FileNotFoundError:
            if os.path.islink(path):
                found.append(Finding(Severity.ERROR, str(path), "is a link to nothing", KEEP_FILES))
            continue
        except OSError as exc:
            found.append(Finding(Severity.ERROR, str(path), exc.strerror or str(exc), KEEP_FILES))
            continue
        if not stat.S_ISREG(mode):
            found.append(Finding(Severity.ERROR, str(path), "is not a regular file", KEEP_FILES))
    folder = db_path.parent
    if folder.is_dir() and not os.access(folder, os.W_OK):
        found.append(
            Finding(
                Severity.WARNING,
                str(folder),
                "cannot be written: kbtui reads the annotations but cannot change them",
                "make the folder writable, or give another with --db",
            )
        )
    if not db_path.exists() and not found:
        found.append(
            Finding(Severity.NOTE, str(db_path), "does not exist yet", "the first change makes it")
        )
    return found


def _beside(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def settings_findings() -> list[Finding]:
    """A settings file kbtui cannot read (it then uses the defaults and keeps the file)."""
    try:
        load_settings()
    except SettingsError as exc:
        fix = f"kbtui uses the defaults and never overwrites it: fix or delete {settings_path()}"
        return [Finding(Severity.ERROR, str(settings_path()), str(exc), fix)]
    return []


def corpus_findings(corpus: Corpus, entities: EntitiesFile) -> list[Finding]:
    """Folders that cannot be listed, documents with problems, a broken ``entities.yaml``."""
    entries = corpus.scan()
    root = str(corpus.root)
    found = [
        Finding(Severity.WARNING, root, problem, "check the folder's permissions and names")
        for problem in corpus.folder_problems
    ]
    for entry in entries:
        for problem in entry.problems:
            fix = "the document is listed and read as well as it can be; fix the file to mend it"
            found.append(Finding(Severity.WARNING, entry.id, problem, fix))
    found += [
        Finding(Severity.WARNING, "entities.yaml", problem, "fix the file: the rest of it is used")
        for problem in entities.problems
    ]
    return found
