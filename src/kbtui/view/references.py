"""Reference links: ``[text][label]``, ``[text][]`` and ``[label]``, defined by ``[label]: url``.

A definition line shows nothing; a link that names it shows its text and
goes to its URL. Definitions may follow the links that use them, so they are
collected once, before the document is rendered (one regular expression
over the body, skipped when the text has no ``]:``).
"""

from __future__ import annotations

import re

from kbtui.view.sanitize import clean

_REF_TAIL = re.compile(r"\[([^\[\]]{0,999})\]")
"""The ``[label]`` after a reference link's text (``[]`` uses the text as its label)."""

REFERENCE_DEFINITION = re.compile(
    r"^ {0,3}\[([^\[\]\n]{1,999})\]:[ \t]*<?([^\s<>]+)>?"
    r"""(?:[ \t]+(?:"[^"\n]*"|'[^'\n]*'|\([^()\n]*\)))?[ \t]*$""",
    re.M,
)
"""A ``[label]: url "title"`` line, which defines a reference link and shows nothing."""

_DEST_CHAR = r"(?:[^\s()<>\\]|\\.)"
_LINK_TAIL = re.compile(
    rf"""\(\s*(<(?:[^<>\n\\]|\\.)*>|(?:{_DEST_CHAR}|\((?:{_DEST_CHAR}|\({_DEST_CHAR}*\))*\))*)"""
    r"""(?:\s+(?:"(?:[^"\n\\]|\\.)*"|'(?:[^'\n\\]|\\.)*'|\((?:[^()\n\\]|\\.)*\)))?\s*\)"""
)
"""A link's ``(destination "title")``: parentheses nest two deep, backslashes escape."""
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def inline_target(src: str, pos: int, end: int) -> tuple[int, str] | None:
    """Where the ``(destination "title")`` of an inline link at ``pos`` ends, and its URL."""
    m = _LINK_TAIL.match(src, pos, end)
    return (m.end(), clean(_ESCAPED.sub(r"\1", m.group(1).strip("<>")))) if m else None


def reference_key(label: str) -> str:
    """A reference label as CommonMark matches it: case-folded, white space collapsed."""
    return " ".join(label.split()).casefold()


def reference_definitions(src: str, start: int) -> dict[str, str]:
    """Every reference link definition in ``src`` from ``start``: label key → URL (first wins)."""
    refs: dict[str, str] = {}
    if "]:" not in src:
        return refs
    for m in REFERENCE_DEFINITION.finditer(src, start):
        if not m.group(1).startswith("^"):
            refs.setdefault(reference_key(m.group(1)), clean(m.group(2)))
    return refs


def reference_target(
    refs: dict[str, str], src: str, text_start: int, close: int, end: int
) -> tuple[int, str] | None:
    """End and URL of a reference link whose text ``[text_start, close)`` ends at ``]``.

    ``end`` bounds the line; None when no definition matches.
    """
    if not refs:
        return None
    m = _REF_TAIL.match(src, close + 1, end)
    label = m.group(1) if m and m.group(1).strip() else src[text_start:close]
    url = refs.get(reference_key(label))
    if url is None:
        return None
    return (m.end() if m else close + 1), url
