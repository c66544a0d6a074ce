"""The house stays small enough to find one's way in (issue 9's bars).

A module owns one thing and stays under 400 lines; a function fits on a
screen (50 lines). Counted with ``ast`` over ``src/kbtui``, so a newcomer's
first read is never a wall.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "kbtui"
MODULES = sorted(SRC.rglob("*.py"))
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 50


def long_functions(path: Path) -> list[str]:
    """``name: N lines`` for every function of ``path`` over the limit."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        f"{node.name}: {node.end_lineno - node.lineno + 1} lines"
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno is not None
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]


def test_the_modules_are_found() -> None:
    assert SRC / "cli" / "dispatch.py" in MODULES and len(MODULES) > 40


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(SRC)))
def test_module_is_small(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_MODULE_LINES, f"{lines} lines"
    assert long_functions(path) == []


def test_the_check_sees_a_long_function(tmp_path: Path) -> None:
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_FUNCTION_LINES))
    path = tmp_path / "long.py"
    path.write_text(f"def f() -> None:\n{body}\n", encoding="utf-8")
    assert long_functions(path) == [f"f: {MAX_FUNCTION_LINES + 1} lines"]
