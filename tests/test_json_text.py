"""The JSON the commands print: the text ``json.dumps(indent=2)`` gives, whatever it holds."""

from __future__ import annotations

import enum
import json
import math

import pytest

from kbtui.cli.common import escape_invisible, json_text


class Colour(enum.StrEnum):
    RED = "red"


class Count(enum.IntEnum):
    ONE = 1


HOSTILE = (
    '\u202eevil\u202c \u2066x\u2069 \x85\x9b[31m \x1b[2J \u2028\u2029 \ud800\udfff \x00\t\n"\\'
)
"""Bidi controls, C1 controls, terminal escapes, separators, lone surrogates, quotes."""

VALUES: list[object] = [
    [],
    {},
    "",
    HOSTILE,
    [HOSTILE, {HOSTILE: [HOSTILE, [], {}]}],
    {"id": "a.md", "tags": ["x", "y"], "problems": (), "n": 0, "none": None, "t": True},
    {"nested": {"deeper": {"deepest": [[1, 2], [[]], [{}], {"k": [None, False]}]}}},
    {1: "int key", 2.5: "float key", None: "none key", False: "bool key"},
    {"mixed": {"a": 1, 3: "b"}},
    [1.5, -0.0, 1e300, 10**40, -(10**40), math.inf, -math.inf, math.nan],
    [Colour.RED, {Colour.RED: Count.ONE}, Count.ONE],
    ("a tuple", ("nested",)),
    [{"id": f"doc{i}", "title": HOSTILE[i:], "tags": [HOSTILE] * (i % 3)} for i in range(9)],
]


@pytest.mark.parametrize("value", VALUES)
def test_json_text_is_the_standard_indented_text(value: object) -> None:
    assert json_text(value) == json.dumps(value, ensure_ascii=False, indent=2)


def test_what_json_refuses_it_refuses_too() -> None:
    with pytest.raises(TypeError, match="set is not JSON serializable"):
        json_text({"a": [{1, 2}]})
    loop: list[object] = []
    loop.append(loop)
    with pytest.raises(ValueError, match="Circular reference"):
        json_text({"loop": loop})


def test_printed_json_shows_no_control_raw() -> None:
    text = escape_invisible(json_text({"title": HOSTILE}))
    text.encode("utf-8")  # lone surrogates escaped too: a raw one cannot be written
    assert json.loads(text) == json.loads(json.dumps({"title": HOSTILE}))  # as json reads it
    assert json.loads(escape_invisible(json_text({"t": "a \udfff b"}))) == {"t": "a \udfff b"}
    assert not any(c in text for c in "\u202e\u202c\u2066\u2069\x85\x9b\x1b\u2028\u2029\x00")
