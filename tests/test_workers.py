"""Every Textual worker in the UI has a description.

Without one, ``@work`` describes each call by ``repr()`` of its arguments, on the
calling thread: a whole document's text, a mention index, an export's planned
files. ``s`` on a 50 MB line spent 0.9 s of UI-thread CPU writing such a string.
"""

from __future__ import annotations

import ast
from pathlib import Path

UI = Path(__file__).resolve().parents[1] / "src" / "kbtui" / "ui"


def _workers() -> list[tuple[str, ast.Call]]:
    found = []
    for path in sorted(UI.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                for decorator in node.decorator_list:
                    if (
                        isinstance(decorator, ast.Call)
                        and getattr(decorator.func, "id", "") == "work"
                    ):
                        found.append((f"{path.name}:{node.name}", decorator))
    return found


def test_the_ui_has_workers_to_check() -> None:
    assert len(_workers()) >= 15


def test_every_worker_has_a_description() -> None:
    missing = [
        where
        for where, call in _workers()
        if not any(keyword.arg == "description" for keyword in call.keywords)
    ]
    assert missing == []
