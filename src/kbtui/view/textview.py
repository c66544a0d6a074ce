"""What the reader shows: a text, its styling, its headings, and its map to source.

A :class:`TextView` is the unit every view-producing step returns and every
view-consuming part (reader, find, export) takes: the rendered reading text of
a document (:mod:`kbtui.view.markdown`) and a script-converted copy of it
(:mod:`kbtui.scripts.views`) are both ``TextView`` objects whose ``map`` goes all the
way back to the document's source text.

Styles are semantic names (``"heading1"``, ``"strong"``, ``"quote"``...); the UI
decides what they look like, so the core never depends on a renderer.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kbtui.view.offsets import OffsetMap

STYLE_NAMES = (
    "heading1",
    "heading2",
    "heading3",
    "heading4",
    "heading5",
    "heading6",
    "strong",
    "emphasis",
    "strike",
    "code",
    "code_block",
    "quote",
    "link",
    "list_marker",
    "placeholder",
    "rule",
    "math",
    "footnote",
    "fold",
)
"""Every style name a view span may carry."""


@dataclass(frozen=True, slots=True)
class Span:
    """A styled range ``[start, end)`` of view text."""

    start: int
    end: int
    style: str


@dataclass(frozen=True, slots=True)
class Heading:
    """A heading: its level (1-6), its view offset, and its text."""

    level: int
    start: int
    title: str


@dataclass(frozen=True, slots=True)
class TextView:
    """A text shown to the user, with styling and a map back to source offsets.

    ``text`` uses ``\\n`` as its only line break. ``spans`` are sorted by start
    and may nest (a link inside a heading). ``map`` maps offsets of ``text``
    to offsets of the document's source text.
    """

    text: str
    map: OffsetMap
    spans: tuple[Span, ...] = ()
    headings: tuple[Heading, ...] = ()
    label: str = "original"
    extra: dict[str, object] = field(default_factory=dict, compare=False)

    @classmethod
    def plain(cls, text: str) -> TextView:
        """A view that is its own source (no styling)."""
        return cls(text, OffsetMap.identity(len(text)))
