"""Markdown blocks: what a line is, where a block that spans lines ends, one-line blocks.

:mod:`kbtui.view.markdown` makes one pass over a document's lines, deciding
how lines group: blank lines collapse, fences and ``$$`` blocks run to their
closing line, comments and bare tags hide, a quote goes on lazily. The
questions it asks of the source (is this line a heading, a list item, a
fence? where does this fenced block close?) are answered here, by regular
expressions matched at a line's content and pure functions over the source;
and the blocks that are one line each (heading, rule, list item, quote line,
paragraph line) are written here by :class:`LineBlocks`. Apart from the
document pass because none of it looks beyond its line, or keeps state
between lines.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from kbtui.view.footnotes import DEFINITION, write_marker
from kbtui.view.inline import render_inline
from kbtui.view.references import REFERENCE_DEFINITION
from kbtui.view.sanitize import clean
from kbtui.view.tags import DROPPED_TAGS, tag_pattern
from kbtui.view.textview import Heading, Span
from kbtui.view.writer import ViewWriter

BULLET = "• "
"""What a ``-``, ``*`` or ``+`` list marker is shown as."""

QUOTE_BAR = "▎ "
"""What each ``>`` of a block quote is shown as."""

RULE = "─" * 24
"""What a horizontal rule is shown as (the reader does not stretch it)."""

DEFINITION_INDENT = "    "
"""What a definition list's ``: `` marker is shown as: the definition indented under its term."""

PLAIN_LINES = re.compile(
    r"(?:(?:\u3000|[^\s#>\-*+=_0-9`~{<$\\\[\]!&|:])[^\n\\`*_~\[\]!<$&{|]*(?<=\S)\n)+"
)
"""A run of plain Markdown lines: no block marker at the start, no inline marker
or table pipe anywhere, no trailing white space. Such a run is copied whole."""

TEXT_LINES = re.compile(r"(?:[^\n]*\S\n)+")
"""A run of lines without trailing white space, copied whole when Markdown is off."""

ATX_HEADING = re.compile(r"(#{1,6})(?:[ \t]+|$)")
SETEXT_UNDERLINE = re.compile(r"=+|-+")
THEMATIC_BREAK = re.compile(r"([-*_])(?:[ \t]*\1){2,}")
LIST_MARKER = re.compile(r"(?:([-*+])|\d{1,9}[.)])(?:[ \t]+|$)")
"""A list item's marker; group 1 is the bullet character of an unordered item."""
TASK_BOX = re.compile(r"\[([ xX])\](?:[ \t]+|$)")
QUOTE_MARKERS = re.compile(r"(?:>[ \t]?)+")
FENCE_OPEN = re.compile(r"(`{3,})[^`]*|(~{3,}).*")
"""An opening code fence line; group 1 or 2 is the fence."""
_DROPPED_NAME = "(?:" + "|".join(sorted(DROPPED_TAGS)) + ")(?![A-Za-z0-9-])"
HTML_TAGS_LINE = re.compile("(?:(?:" + tag_pattern(_DROPPED_NAME) + ")[ \t]*)+", re.IGNORECASE)
"""A line of nothing but HTML tags the reader drops."""

MAX_SHORTCODE = 4000
"""A multi-line shortcode longer than this is taken for a stray ``{{<``."""

_FENCE_LINE = re.compile(r"^[ \t]*(`{3,}|~{3,})[ \t\r]*$", re.M)
_MATH_LINE = re.compile(r"^[ \t]*\$\$[ \t\r]*$", re.M)


def line_end(src: str, pos: int) -> tuple[int, int]:
    """End and next start of the line holding ``pos``."""
    nl = src.find("\n", pos)
    return (len(src), len(src)) if nl < 0 else (nl, nl + 1)


_SPANNING = re.compile(r"[*_`\[<]")
"""Inline markers whose span may go on to the paragraph's next line."""
_NOT_CONTINUED = frozenset(">`~<${|:")
"""First characters of a line that may start a block of their own."""


def paragraph_end(src: str, cs: int, ce: int, le: int, nxt: int) -> tuple[int, int, int]:
    """Where the paragraph whose first line's content is ``[cs, ce)`` ends, for
    emphasis, code spans and links that go on over a line break: the last
    content end, its line end and the next line's start.

    Only a plain paragraph line with such a marker goes on, over the lines
    after it that are plain paragraph text too (not blank, indented under 4,
    no block that could start there, not a setext underline: then the
    first line stays alone, to become the heading). Else the first line's
    own end: ``(ce, le, nxt)``. A line starting with ``[`` or ``<`` (a
    definition, a tag line) is left to itself, and none goes on before one.
    """
    alone = (ce, le, nxt)
    if not (_SPANNING.search(src, cs, ce) and is_paragraph(src, cs, ce)) or src[cs] in "[<":
        return alone
    end = alone
    while nxt < len(src):
        ls = nxt
        le, nxt = line_end(src, ls)
        lc, lce = ls, le
        while lc < le and src[lc] in " \t":
            lc += 1
        while lce > lc and src[lce - 1] in " \t\r\u3000":
            lce -= 1
        if lce == lc or lc - ls >= 4 or src[lc] in _NOT_CONTINUED or src.find("|", lc, lce) >= 0:
            break
        if SETEXT_UNDERLINE.fullmatch(src, lc, lce):
            return alone
        if not is_paragraph(src, lc, lce) or (src[lc] == "[" and src.find("]:", lc, lce) >= 0):
            break
        end = (lce, le, nxt)
    return end


def fence_close(src: str, start: int, fence: str) -> tuple[int, int]:
    """Start of the line closing ``fence`` from ``start``, and the start of the line after.

    A fence closes on a line of the same character, at least as long; an
    unclosed fence runs to the end of the text.
    """
    m = _FENCE_LINE.search(src, start)
    while m and (m.group(1)[0] != fence[0] or len(m.group(1)) < len(fence)):
        m = _FENCE_LINE.search(src, m.end())
    return (m.start(), line_end(src, m.end())[1]) if m else (len(src), len(src))


def math_close(src: str, start: int) -> tuple[int, int] | None:
    """Like :func:`fence_close` for a ``$$`` block; ``None`` when it never closes."""
    m = _MATH_LINE.search(src, start)
    return (m.start(), line_end(src, m.end())[1]) if m else None


CODE_ASCII_SHARE = 0.9
"""Share of ASCII among an indented block's visible characters for it to be code."""


def indent_columns(src: str, start: int, end: int) -> int:
    """Columns of the white space at ``[start, end)``, a tab reaching the next multiple of 4."""
    col = 0
    for i in range(start, end):
        col = col + 4 - col % 4 if src[i] == "\t" else col + 1
    return col


def indented_block(src: str, start: int) -> int:
    """End of the run of lines from ``start`` indented 4 columns or more (blank lines within).

    The run ends with its last indented line's newline (or the end of the text).
    """
    pos = end = start
    n = len(src)
    while pos < n:
        le, nxt = line_end(src, pos)
        cs = pos
        while cs < le and src[cs] in " \t":
            cs += 1
        if cs < le and src[cs:le].strip():
            if indent_columns(src, pos, cs) < 4:
                break
            end = nxt
        elif src[cs:le].strip():
            break
        pos = nxt
    return end


def looks_like_code(text: str) -> bool:
    """Whether an indented block is code: ASCII-dominant and not list-like prose.

    Chinese writers indent paragraphs with spaces (two full-width characters'
    worth, often four ASCII spaces); CommonMark would show every such
    paragraph as code. Code is almost all ASCII, so a block counts as code
    only when at least :data:`CODE_ASCII_SHARE` of its visible characters are.
    """
    visible = [c for c in text if not c.isspace()]
    return bool(visible) and sum(c.isascii() for c in visible) >= CODE_ASCII_SHARE * len(visible)


def heading_end(src: str, start: int, end: int) -> int:
    """End of an ATX heading's text in ``[start, end)``: its closing ``#`` run left out."""
    stop = end
    while stop > start and src[stop - 1] == "#":
        stop -= 1
    if stop > start and stop < end and src[stop - 1] not in " \t":
        stop = end  # "C#": not a closing sequence
    while stop > start and src[stop - 1] in " \t":
        stop -= 1
    return stop


def is_paragraph(src: str, cs: int, ce: int) -> bool:
    """Whether a line starting at ``cs`` is plain paragraph text (no block marker)."""
    return not (
        ATX_HEADING.match(src, cs, ce)
        or THEMATIC_BREAK.fullmatch(src, cs, ce)
        or LIST_MARKER.match(src, cs, ce)
    )


class LineBlocks:
    """Writes the blocks that are one line each: heading, rule, list item, quote line, text.

    The document pass (:mod:`kbtui.view.markdown`) decides that a line is one
    of these and where it stands among blank lines and quotes; this writes it.
    """

    def __init__(self, out: ViewWriter, find: Callable[[str, int], int]) -> None:
        self.out, self.find, self.src = out, find, out.source

    def content(
        self, start: int, ce: int, until: int | None = None, after_text: bool = False
    ) -> bool:
        """A heading, rule, list item or paragraph line; whether it was paragraph text.

        Paragraph text goes on to ``until`` (:func:`paragraph_end`) when given.
        ``after_text`` (the line before was paragraph text) lets ``: …`` be a
        definition of that line, as in a definition list: indented, its marker dropped.
        """
        src, out = self.src, self.out
        cs = start
        while cs < ce and src[cs] in " \t":
            cs += 1
        c = src[cs] if cs < ce else ""
        if c == "[" and out.references and REFERENCE_DEFINITION.match(src, start, ce):
            out.drop_to(ce)  # a link definition: the line vanishes
            return False
        self._indent(start, cs)
        if c == "#" and cs - start < 4:
            m = ATX_HEADING.match(src, cs, ce)
            if m:
                self._heading(len(m.group(1)), m.end(), ce)
                return False
        if c in ("-", "*", "_") and THEMATIC_BREAK.fullmatch(src, cs, ce):
            v0 = out.vpos
            out.replace_to(ce, RULE)
            out.span(v0, "rule")
            return False
        if c == "[" and cs - start < 4:
            m = DEFINITION.match(src, cs, ce)
            if m:
                write_marker(out, m.end(), m.group(1), note=True)
                self.inline(m.end(), ce)
                return False
        if c and c in "-*+0123456789":
            m = LIST_MARKER.match(src, cs, ce)
            if m:
                self._list_item(m, ce)
                return False
        if c == ":" and after_text and src.startswith((": ", ":\t"), cs):
            out.replace_to(cs + 2, DEFINITION_INDENT)
            cs += 2
        self.inline(cs, until or ce)
        return cs < ce

    def _indent(self, start: int, end: int) -> None:
        """Copy indentation, a tab widened to the next multiple of four columns."""
        out, col = self.out, 0
        for i in range(start, end):
            if self.src[i] == "\t":
                out.copy_to(i)
                out.replace_to(i + 1, " " * (4 - col % 4))
                col += 4 - col % 4
            else:
                col += 1
        out.copy_to(end)

    def _heading(self, level: int, cs: int, ce: int) -> None:
        """An ATX heading: ``#`` marks and any closing ``#`` run dropped."""
        out = self.out
        out.drop_to(cs)
        v0 = out.vpos
        self.inline(cs, heading_end(self.src, cs, ce))
        if out.vpos > v0:
            out.span(v0, f"heading{level}")
            out.headings.append(Heading(level, v0, clean(out.text_since(v0)).strip()))
        out.drop_to(ce)

    def _list_item(self, m: re.Match[str], ce: int) -> None:
        """A list item: a bullet for ``-``/``*``/``+``, the number kept, indentation kept."""
        out = self.out
        v0 = out.vpos
        if m.group(1):
            out.replace_to(m.end(), BULLET)
            out.spans.append(Span(v0, v0 + 1, "list_marker"))
        else:
            out.copy_to(m.end())
            out.spans.append(Span(v0, v0 + len(m.group().rstrip()), "list_marker"))
        task = TASK_BOX.match(self.src, m.end(), ce)
        if task:
            v1 = out.vpos
            out.replace_to(task.end(), "☐ " if task.group(1) == " " else "☑ ")
            out.spans.append(Span(v1, v1 + 1, "list_marker"))
        self.inline(out.pos, ce)

    def quote(self, cs: int, ce: int) -> bool:
        """A block quote line: each ``>`` shown as a bar, the rest as block content.

        Returns whether the content was paragraph text (a lazy line may continue it).
        """
        out = self.out
        out.copy_to(cs)
        prefix = QUOTE_MARKERS.match(self.src, cs, ce)
        assert prefix is not None
        v0 = out.vpos
        out.replace_to(prefix.end(), QUOTE_BAR * prefix.group().count(">"))
        para = self.content(prefix.end(), ce)
        out.span(v0, "quote")
        return para

    def lazy_quote(self, ls: int, ce: int) -> None:
        """A line continuing a quoted paragraph without its ``>``."""
        out = self.out
        v0 = out.vpos
        out.replace_to(ls, QUOTE_BAR)
        self.content(ls, ce)
        out.span(v0, "quote")

    def inline(self, start: int, end: int) -> None:
        """Inline Markdown of ``[start, end)`` (part of one line)."""
        render_inline(self.out, self.find, start, end)
