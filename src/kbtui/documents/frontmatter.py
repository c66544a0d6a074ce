"""Finding and parsing a document's frontmatter, safely.

Frontmatter is a block at the very start of a file, fenced by ``---`` lines
(YAML, as Jekyll and Hugo write it; ``...`` also closes it) or by ``+++``
lines (TOML, Hugo). The fences are found here rather than by
python-frontmatter's ``split`` because kbtui needs the exact source offset
where the body starts; the YAML itself is parsed by libyaml's safe loader
(the one python-frontmatter's ``YAMLHandler`` uses, driven here node by
node) and TOML by :mod:`tomllib` (python-frontmatter's TOML handler needs
the ``toml`` package, which kbtui does not depend on).

Frontmatter is untrusted input, so it is bounded before any parser sees it:
its size (:data:`MAX_CHARS`), its nesting (:data:`MAX_NESTING`; libyaml
crashes the process on a few tens of thousands of nested brackets), and the
number of values it expands to (:data:`MAX_NODES`; YAML aliases can make a
small text stand for an exponentially large tree). A top-level field whose
value uses an alias is refused on its own, so an alias bomb costs the bomb
and keeps the title and the plain fields. What comes out is plain JSON data:
dates become ISO strings, keys become strings.
"""

from __future__ import annotations

import base64
import datetime as dt
import math
import re
import tomllib
from dataclasses import dataclass, field
from typing import Any

import yaml

MAX_CHARS = 65_536
"""Frontmatter longer than this is not parsed (the body still loads)."""

MAX_NESTING = 32
"""Deepest bracket or indentation nesting accepted; real frontmatter uses 2-3."""

MAX_NODES = 10_000
"""Most values (scalars, lists, mappings) a frontmatter may expand to."""

_OPEN = re.compile(r"(---|\+\+\+)[ \t]*(?:\n|\Z)")
_CLOSE = {
    "---": re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE),
    "+++": re.compile(r"^\+\+\+[ \t]*$", re.MULTILINE),
}
_FORMAT = {"---": "yaml", "+++": "toml"}
_FIRST_KEY = {
    "yaml": re.compile(
        r"""[^\s#:?\-\[{][^:\n]*:(?:[ \t]|$)  # key: value
        | ["'][^"'\n]*["'][ \t]*:  # "quoted key": value
        | -(?:[ \t]|$)  # - a list item
        | [\[{]  # a flow collection""",
        re.VERBOSE,
    ),
    "toml": re.compile(r"""[A-Za-z0-9_"'.-]+[ \t]*=|\["""),
}
_BLOCK_MARKERS = re.compile(r"(?:[-?:][ \t]+)*")
_BRACKETS = re.compile(r"[\[\]{}]")


@dataclass(frozen=True, slots=True)
class Frontmatter:
    """The frontmatter of a text, as far as it could be read.

    ``data`` is a JSON-safe mapping (empty when there is none or it is
    broken), ``body_start`` the source offset just after the closing fence
    (0 without frontmatter), ``format`` ``"yaml"`` or ``"toml"`` when a fenced
    block was found, and ``problem`` why ``data`` could not be read.
    """

    data: dict[str, object] = field(default_factory=dict)
    body_start: int = 0
    format: str | None = None
    problem: str | None = None


class _TooComplex(ValueError):
    """Raised inside the JSON conversion when a limit is passed."""


def parse_frontmatter(text: str) -> Frontmatter:
    """Find the frontmatter at the start of ``text`` and parse it.

    A fenced block whose first line is not a key (a Markdown thematic break
    followed by prose) is not frontmatter. A broken block still ends at its
    closing fence, so the body is what follows it; an unclosed one has no
    known end, so the whole text is the body.
    """
    opening = _OPEN.match(text)
    if opening is None:
        return Frontmatter()
    fence = opening.group(1)
    fmt = _FORMAT[fence]
    start = opening.end()
    closing = _CLOSE[fence].search(text, start)
    end = closing.start() if closing else len(text)
    if not _looks_like_frontmatter(text[start : min(end, start + 4096)], fmt):
        return Frontmatter()
    if closing is None:
        return Frontmatter(format=fmt, problem=f"frontmatter has no closing {fence}")
    body_start = _after_line(text, closing.end())
    problem = _check_limits(text[start:end])
    if problem is not None:
        return Frontmatter(body_start=body_start, format=fmt, problem=problem)
    data, problem = _load(text[start:end], fmt)
    return Frontmatter(data, body_start, fmt, problem)


def _after_line(text: str, pos: int) -> int:
    return pos + 1 if text.startswith("\n", pos) else pos


def _looks_like_frontmatter(head: str, fmt: str) -> bool:
    for line in head.split("\n"):
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            return _FIRST_KEY[fmt].match(stripped) is not None
    return True  # empty or comments only: an empty frontmatter


def _check_limits(raw: str) -> str | None:
    if len(raw) > MAX_CHARS:
        return f"frontmatter too large ({len(raw) // 1024} KB, limit {MAX_CHARS // 1024} KB)"
    if nesting_depth(raw) > MAX_NESTING:
        return f"frontmatter nested too deeply (limit {MAX_NESTING} levels)"
    return None


def nesting_depth(raw: str) -> int:
    """An upper bound of how deeply ``raw`` nests, without parsing it.

    Brackets are counted even inside quoted strings, and each indentation
    step or leading ``- `` counts as a level, so the bound errs high; a real
    frontmatter is far below :data:`MAX_NESTING` either way.
    """
    return max(_bracket_depth(raw), _indent_depth(raw))


def _bracket_depth(raw: str) -> int:
    depth = deepest = 0
    for match in _BRACKETS.finditer(raw):
        if match.group() in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth = max(0, depth - 1)
    return deepest


def _indent_depth(raw: str) -> int:
    indents: list[int] = []
    deepest = 0
    for line in raw.split("\n"):
        content = line.lstrip(" ")
        if not content.strip() or content.startswith("#"):
            continue
        indent = len(line) - len(content)
        while indents and indents[-1] >= indent:
            indents.pop()
        indents.append(indent)
        markers = _BLOCK_MARKERS.match(content)
        extra = sum(1 for ch in markers.group() if ch in "-?:") if markers else 0
        deepest = max(deepest, len(indents) + extra)
    return deepest


def _load(raw: str, fmt: str) -> tuple[dict[str, object], str | None]:
    refused: list[str] = []
    try:
        parsed = _load_yaml(raw, refused) if fmt == "yaml" else tomllib.loads(raw)
    except yaml.YAMLError as error:
        return {}, _yaml_problem(error)
    except tomllib.TOMLDecodeError as error:
        return {}, _toml_problem(error)
    except (ValueError, TypeError, OverflowError, RecursionError) as error:
        return {}, f"frontmatter: invalid value: {error}"  # e.g. date: 2025-02-30
    if parsed is None:
        return {}, None
    if not isinstance(parsed, dict):
        return {}, f"frontmatter is not a mapping (it is a {_kind(parsed)})"
    try:
        data = to_json(parsed)
    except _TooComplex as error:
        return {}, f"frontmatter too complex ({error})"
    if refused:
        return data, f"frontmatter too complex: aliases refused in {_names(refused)}"
    return data, None


def _load_yaml(raw: str, refused: list[str]) -> object:
    """The YAML document, built without any top-level field that uses an alias.

    Composed, an alias is a node met a second time; a field holding one is
    left out (its key goes to ``refused``) before anything is constructed,
    so no expansion ever happens. A top level that is not a mapping is only
    reported, so one holding an alias stands for its kind, an empty list.
    """
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(raw)
    try:
        root = loader.get_single_node()
        if root is None:
            return None
        seen: set[int] = set()
        if not isinstance(root, yaml.MappingNode):
            return [] if _has_alias(root, seen) else loader.construct_object(root, deep=True)
        kept = []
        for key, value in root.value:
            if _has_alias(key, seen) or _has_alias(value, seen):
                refused.append(str(key.value) if isinstance(key, yaml.ScalarNode) else "?")
            else:
                kept.append((key, value))
        root.value = kept
        return loader.construct_object(root, deep=True)
    finally:
        loader.dispose()


def _has_alias(node: yaml.Node, seen: set[int]) -> bool:
    """Whether ``node`` or a node under it was already met (an alias), marking them met."""
    stack = [node]
    found = False
    while stack:
        current = stack.pop()
        if id(current) in seen:
            found = True
            continue
        seen.add(id(current))
        if isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
        elif isinstance(current, yaml.MappingNode):
            stack.extend(item for pair in current.value for item in pair)
    return found


def _names(keys: list[str]) -> str:
    shown = ", ".join(repr(key[:40]) for key in keys[:5])
    return shown + (f" and {len(keys) - 5} more" if len(keys) > 5 else "")


def _yaml_problem(error: yaml.YAMLError) -> str:
    """A one-line message, with the line number counted in the file."""
    if isinstance(error, yaml.MarkedYAMLError) and error.problem_mark is not None:
        mark = error.problem_mark
        where = f"line {mark.line + 2}, column {mark.column + 1}"
        return f"frontmatter: YAML error at {where}: {error.problem}"
    return f"frontmatter: YAML error: {' '.join(str(error).split())}"


def _toml_problem(error: tomllib.TOMLDecodeError) -> str:
    """A one-line message, with the line number counted in the file."""
    message = re.sub(r"line (\d+)", lambda m: f"line {int(m.group(1)) + 1}", str(error))
    return f"frontmatter: TOML error: {message}"


def _kind(value: object) -> str:
    if isinstance(value, list):
        return "list"
    if isinstance(value, str):
        return "string"
    return type(value).__name__


def to_json(value: dict[Any, object]) -> dict[str, object]:
    """A JSON-safe copy of a parsed mapping (see module docstring), whatever its keys.

    Raises :class:`ValueError` when it nests deeper than :data:`MAX_NESTING`
    or expands to more than :data:`MAX_NODES` values.
    """
    budget = [MAX_NODES]
    result = _to_json(value, 0, budget)
    assert isinstance(result, dict)
    return result


def _to_json(value: object, depth: int, budget: list[int]) -> object:
    budget[0] -= 1
    if budget[0] < 0:
        raise _TooComplex(f"more than {MAX_NODES} values")
    if depth > MAX_NESTING:
        raise _TooComplex(f"nested deeper than {MAX_NESTING} levels")
    if isinstance(value, dict):
        return {_key(k): _to_json(v, depth + 1, budget) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_to_json(v, depth + 1, budget) for v in value]
    return _scalar(value)


def _key(key: object) -> str:
    scalar = _scalar(key)
    if scalar is None:
        return "null"
    if isinstance(scalar, bool):
        return "true" if scalar else "false"
    return str(scalar)


def _scalar(value: object) -> object:
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return str(value)
