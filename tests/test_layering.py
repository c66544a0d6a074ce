"""The core never imports Textual: only ``kbtui.ui`` may.

A static look at the import lines cannot tell a deferred import from one at
module scope, and an import can arrive sideways through another module, so
each core module is imported in a fresh interpreter and ``sys.modules`` is
looked at (harlequin's ``test_import_hygiene.py`` does the same).
"""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import pytest

import kbtui

CORE = sorted(
    info.name
    for info in pkgutil.walk_packages(kbtui.__path__, "kbtui.")
    if not info.name.startswith("kbtui.ui") and info.name != "kbtui.__main__"
)
"""Every module of the package but the UI's (and ``__main__``, which runs the app)."""

FORBIDDEN = ("textual",)


def loaded_after(statement: str) -> list[str]:
    """The forbidden top-level packages in ``sys.modules`` after ``statement``."""
    code = (
        f"{statement}\nimport sys\nprint(','.join(m for m in {FORBIDDEN!r} if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    return [name for name in done.stdout.strip().split(",") if name]


def test_the_core_is_found() -> None:
    for module in (
        "kbtui.cli",
        "kbtui.annotations.store",
        "kbtui.view.markdown",
        "kbtui.entities.mentions",
    ):
        assert module in CORE
    assert not any(module.startswith("kbtui.ui") for module in CORE)


@pytest.mark.parametrize("module", CORE)
def test_core_module_does_not_import_textual(module: str) -> None:
    assert loaded_after(f"import {module}") == [], f"{module} imports Textual"


def test_the_check_sees_textual_when_it_is_imported() -> None:
    assert loaded_after("import kbtui.ui.app") == ["textual"]
