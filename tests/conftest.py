"""Test isolation: no test reads or writes the developer's real kbtui files."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLE_CORPUS = REPO / "corpus"


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point every kbtui location at a fresh temporary folder."""
    for var, name in (
        ("KBTUI_DATA_DIR", "data"),
        ("KBTUI_CACHE_DIR", "cache"),
        ("KBTUI_CONFIG_DIR", "config"),
    ):
        monkeypatch.setenv(var, str(tmp_path / name))
    monkeypatch.setenv("KBTUI_DB", str(tmp_path / "data" / "kbtui.json"))
    monkeypatch.delenv("KBTUI_CORPUS", raising=False)


@pytest.fixture
def sample_corpus() -> Path:
    """The bundled sample corpus (read-only)."""
    return SAMPLE_CORPUS


@pytest.fixture(autouse=True)
def _truecolor(monkeypatch: pytest.MonkeyPatch) -> None:
    """Apps paint in truecolor whatever terminal runs the tests (``TERM=xterm`` alone
    means 16 colours, where the reader picks other colours); a test of another
    depth sets ``textual.constants.COLOR_SYSTEM`` itself."""
    monkeypatch.setattr("textual.constants.COLOR_SYSTEM", "truecolor")
