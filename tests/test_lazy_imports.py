"""Start-up imports only what the first frame needs (issue 12).

Export's templates, fuzzy re-anchoring, YAML, word segmentation, the full-text
index, the browser, the note editor's TextArea, the mention matcher (built
after the first paint) and the passages and search screens load on first use:
each costs milliseconds to tens of them that a user pays on every launch
otherwise. A
module that imports one of them at its top fails here, in a fresh interpreter
(this one has imported everything).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import kbtui
from kbtui.annotations.store import Store

DEFERRED = (
    "yaml",
    "jinja2",
    "rapidfuzz",
    "jieba",
    "sqlite3",
    "webbrowser",
    "importlib.metadata",
    "textual.widgets._text_area",
    "kbtui.entities.matcher",
    "kbtui.ui.screens.passages",
)


def fresh(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    """``code`` run with ``args`` by a new interpreter that imports this kbtui."""
    env = {**os.environ, "PYTHONPATH": str(Path(kbtui.__file__).parents[1])}
    return subprocess.run(
        [sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, check=True
    )


def loaded_after(module: str, names: tuple[str, ...] = DEFERRED) -> list[str]:
    """Which of ``names`` a new interpreter holds after importing ``module``."""
    code = f"import sys, {module}; print(' '.join(n for n in sys.argv[1:] if n in sys.modules))"
    return fresh(code, *names).stdout.split()


def test_the_app_defers_what_the_first_frame_does_not_need() -> None:
    assert loaded_after("kbtui.ui.app") == []


def test_the_command_line_defers_them_and_textual() -> None:
    assert loaded_after("kbtui.cli.dispatch", (*DEFERRED, "textual")) == []


def test_the_check_sees_a_module_that_is_loaded() -> None:
    assert loaded_after("kbtui.cli.dispatch", ("json", "argparse")) == ["json", "argparse"]


LISTING_DEFERRED = (
    "kbtui.session.session",
    "kbtui.annotations",
    "kbtui.scripts.views",
    "kbtui.scripts.engine",
    "kbtui.documents.reading",
    "kbtui.documents.metadata",
    "kbtui.cli.app",
    "kbtui.cli.exchange",
    "tinydb",
    "filelock",
    "platformdirs",
    "logging",
    "importlib.resources",
)
"""What a warm ``kbtui list`` without a database never needs (issue 12): the Session
and its script engine, the store, reading files, the other commands, and the
libraries they bring (~50 ms of every listing's 10,000-document run)."""

LIST = """
import sys
from kbtui.cli import main
names = sys.argv.pop().split()
try:
    main(sys.argv[1:])
finally:
    print("loaded:", *[name for name in names if name in sys.modules], file=sys.stderr)
"""


def listed_loading(argv: list[str], names: tuple[str, ...]) -> list[str]:
    """Which of ``names`` a new interpreter holds after running ``kbtui`` with ``argv``."""
    done = fresh(LIST, *argv, " ".join(names))
    (loaded,) = (line for line in done.stderr.splitlines() if line.startswith("loaded:"))
    return loaded.split()[1:]


def test_a_warm_listing_imports_only_what_it_uses(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.md").write_text("---\ntitle: 标题\ntags: [x]\n---\n正文。\n", encoding="utf-8")
    argv = ["--corpus", str(corpus), "--db", str(tmp_path / "none.json"), "list"]
    assert "kbtui.documents.reading" in listed_loading(argv, LISTING_DEFERRED)  # cold: reads
    assert listed_loading([*argv, "--json"], LISTING_DEFERRED) == []
    assert listed_loading(argv, LISTING_DEFERRED) == []


FIRST_FRAME_DEFERRED = (
    "watchfiles",
    "kbtui.session.live",
    "kbtui.session.passages",
    "kbtui.exchange.paths",
    "kbtui.ui.screens.entities",
    "kbtui.entities.coreference",
    "kbtui.session.reading_aids",
    "kbtui.lookup.model",
    "kbtui.lookup.vocab",
    "kbtui.ui.screens.dialogs",
    "kbtui.scripts.views",
    "kbtui.scripts.pipeline",
    "kbtui.scripts.conversion",
    "kbtui.scripts.engine",
    "kbtui.view.rewrite",
    "opencc",
    "kbtui.ui.reader.widget",
    "kbtui.ui.reader.selection",
    "kbtui.ui.reader.display",
    "kbtui.ui.reader.painting",
    "kbtui.view.textview",
    "kbtui.view.offsets",
    "kbtui.view.layout",
    "kbtui.view.wrap",
    "kbtui.view.footnotes",
    "kbtui.annotations.anchoring",
    "kbtui.annotations.matching",
)
"""What the first frame never draws from: the live corpus's core (its watchers start
after the list is painted), an entity's passages, export's default folder, the entity
browser and the "this is ..." corrections, the look-up's words and the dialogs (opened
by keys; ~4.5 ms of imports, and ~10 ms more for the last two); the script conversion,
which the first document's worker loads (~12 ms), and the Reader with its layout and
reading views, which come with the first document too (~14 ms), and re-anchoring
(a document's annotations placed as it opens; ~3 ms)."""


def test_the_app_defers_what_the_first_frame_never_draws() -> None:
    assert loaded_after("kbtui.ui.app", FIRST_FRAME_DEFERRED) == []


def test_a_listing_with_a_database_loads_no_lock_or_template_engine(tmp_path: Path) -> None:
    """The store is read-only (no lock), and the notice of a missing document's
    records is worded without the export pipeline (Jinja2)."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.md").write_text("正文。\n", encoding="utf-8")
    store = Store.open(tmp_path / "db.json")
    store.set_doc_tags("gone.md", ["kept"])  # the records of a document no longer there
    store.close()
    argv = ["--corpus", str(corpus), "--db", str(tmp_path / "db.json"), "list"]
    assert listed_loading(argv, ("jinja2", "kbtui.exchange.pipeline", "filelock")) == []


PAUSED = """
import gc, sys
from pathlib import Path
from kbtui.cli.app import _app_on
seen = []
class Spy:
    def find_spec(self, name, path=None, target=None):
        if name == "kbtui.ui.app":
            seen.append(gc.isenabled())
sys.meta_path.insert(0, Spy())
_app_on(Path(sys.argv[1]), Path(sys.argv[2]), None, None)
print(seen, gc.isenabled())
"""


def test_the_collector_is_paused_while_the_app_loads(sample_corpus: Path, tmp_path: Path) -> None:
    """The app's imports make most of start-up's long-lived objects: collecting among
    them cost ~13 ms of CPU, so the CLI pauses the collector before them (the app
    starts it again once the list is filled)."""
    done = fresh(PAUSED, str(sample_corpus), str(tmp_path / "db.json"))
    assert done.stdout.split() == ["[False]", "False"]


def test_a_writable_store_locks_without_filelock(tmp_path: Path) -> None:
    """The lock is flock (kbtui.annotations.lockfile): with filelock, a writable open
    took 22.9 ms of every launch (1.3 ms now), since the store takes the lock as it opens."""
    code = (
        "import sys; from pathlib import Path; from kbtui.annotations.store import Store; "
        "Store.open(Path(sys.argv[1])).close(); print('filelock' in sys.modules)"
    )
    assert fresh(code, str(tmp_path / "db.json")).stdout.split() == ["False"]
    assert (tmp_path / "db.json.lock").exists()
