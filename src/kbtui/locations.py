"""Where kbtui keeps its files: data, cache, config, and the bundled corpus.

Each location can be overridden by an environment variable, so tests and
users can point kbtui anywhere without touching their real files.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path

APP_NAME = "kbtui"


def _override(var: str, default: Callable[[], Path]) -> Path:
    """The path in ``var``, else ``default()``: platformdirs is imported only when a
    location is not set (~8 ms of imports: tempfile, shutil, random)."""
    value = os.environ.get(var)
    return Path(value).expanduser() if value else default()


def _user_data() -> Path:
    from platformdirs import user_data_path

    return user_data_path(APP_NAME)


def _user_cache() -> Path:
    from platformdirs import user_cache_path

    return user_cache_path(APP_NAME)


def _user_config() -> Path:
    from platformdirs import user_config_path

    return user_config_path(APP_NAME)


def data_dir() -> Path:
    """User data directory (``KBTUI_DATA_DIR`` overrides)."""
    return _override("KBTUI_DATA_DIR", _user_data)


def cache_dir() -> Path:
    """Cache directory for rebuildable indexes (``KBTUI_CACHE_DIR`` overrides)."""
    return _override("KBTUI_CACHE_DIR", _user_cache)


def corpus_cache_file(kind: str, corpus_root: Path, suffix: str = ".json") -> Path:
    """The cache file of one kind (``mentions``, ``search``…) for one corpus: named by
    a hash of the corpus's resolved path, so each corpus has its own."""
    digest = hashlib.sha256(str(corpus_root.resolve()).encode("utf-8", "surrogatepass"))
    return cache_dir() / f"{kind}-{digest.hexdigest()[:16]}{suffix}"


def config_dir() -> Path:
    """Config directory holding ``settings.toml`` (``KBTUI_CONFIG_DIR`` overrides)."""
    return _override("KBTUI_CONFIG_DIR", _user_config)


def database_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The annotation database: ``--db``, else ``KBTUI_DB``, else in the data dir."""
    if explicit:
        return Path(explicit).expanduser()
    return _override("KBTUI_DB", lambda: data_dir() / "kbtui.json")


def bundled_corpus() -> Path:
    """The sample corpus: inside the installed package, or the source checkout's."""
    packaged = Path(__file__).parent / "corpus"  # not resources.files: ~20 ms of imports
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "corpus"


def corpus_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The corpus root: ``--corpus``, else ``KBTUI_CORPUS``, else the bundled one."""
    if explicit:
        return Path(explicit).expanduser()
    return _override("KBTUI_CORPUS", bundled_corpus)


def documents_dir() -> Path:
    """Where exports go first: the user's documents folder (platformdirs: XDG's
    ``XDG_DOCUMENTS_DIR`` on Linux), else home when that folder does not exist,
    else the current folder when there is no home at all."""
    try:
        home = Path.home()
    except RuntimeError:  # no home directory can be determined
        return Path.cwd()
    from platformdirs import user_documents_path

    documents = user_documents_path()
    return documents if documents.is_dir() else home
