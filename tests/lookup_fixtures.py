"""One dictionary cache for the whole test session: building it takes seconds."""

from __future__ import annotations

from pathlib import Path

import pytest

from kbtui.lookup.dictionary import Dictionary

CORRUPT = b"not a database, left by a crash of some other program\n"


@pytest.fixture(scope="session")
def cache_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A built cache. It starts as a corrupt file, so building it proves one is replaced."""
    path = tmp_path_factory.mktemp("lookup") / "cedict.sqlite"
    path.write_bytes(CORRUPT)
    Dictionary(path).load()
    return path


@pytest.fixture
def dictionary(cache_file: Path) -> Dictionary:
    """A dictionary over the session's cache (a fresh object: no hook set)."""
    return Dictionary(cache_file)


@pytest.fixture
def installed_cache(cache_file: Path) -> Path:
    """The session's cache where kbtui looks for it (this test's cache folder), as a link:
    the app and the CLI then open it without building their own."""
    from kbtui.lookup.cache import default_path

    target = default_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.symlink_to(cache_file)
    return target
