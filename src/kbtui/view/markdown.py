"""The reading text of a document: its Markdown rendered for the terminal.

The reader shows text, not markup: frontmatter is removed, Markdown markers
are dropped and their meaning kept as semantic styles, images and Hugo
shortcodes become short placeholders. Every piece of the result is recorded in
an :class:`~kbtui.view.offsets.OffsetMap` (copied text *aligned*, anything dropped,
inserted or replaced a *block*), so a selection made in the reading text maps
back to the exact source characters an annotation must store.

Two choices follow from the corpus. Chinese has no spaces between words, so
lines are never joined: a transcript with one phrase per line reads as the
author wrote it, and a paragraph keeps its source line breaks. And the text is
untrusted: control characters (terminal escape sequences among them) are
replaced one for one by visible stand-ins, tabs by spaces, so offsets hold and
the terminal never obeys the document.

The renderer is a single forward pass, linear in the input: runs of plain
lines are matched by one regular expression and copied whole (a plain 5 MB
text is a single map segment). This module handles the block structure, line
by line; :mod:`kbtui.view.inline` renders what is inside a line, and a
:class:`~kbtui.view.writer.ViewWriter` records the view and its map.

Not supported, by design or for now: indented code blocks (Chinese text is
often indented with spaces), fenced code inside quotes, tables,
reference-style links, footnotes, and emphasis that spans lines (a line is
rendered on its own).
"""

from __future__ import annotations

import re

from kbtui.view.inline import DROPPED_TAGS, URL, render_inline, url_end
from kbtui.view.placeholders import shortcode_label
from kbtui.view.sanitize import clean
from kbtui.view.textview import Heading, Span, TextView
from kbtui.view.writer import ViewWriter

BULLET = "• "
"""What a ``-``, ``*`` or ``+`` list marker is shown as."""

QUOTE_BAR = "▎ "
"""What each ``>`` of a block quote is shown as."""

RULE = "─" * 24
"""What a horizontal rule is shown as (the reader does not stretch it)."""

_PARA, _QUOTE, _OTHER, _BLANK = range(4)  # what the previous line was

# One line of plain Markdown text: no block marker at its start, no inline
# marker anywhere, no trailing white space. A run of them is copied whole.
_MD_RUN = re.compile(r"(?:(?:\u3000|[^\s#>\-*+=_0-9`~{<$\\\[\]!&])[^\n\\`*_~\[\]!<$&{]*(?<=\S)\n)+")
_TEXT_RUN = re.compile(r"(?:[^\n]*\S\n)+")

_ATX = re.compile(r"(#{1,6})(?:[ \t]+|$)")
_SETEXT = re.compile(r"=+|-+")
_RULE = re.compile(r"([-*_])(?:[ \t]*\1){2,}")
_LIST = re.compile(r"(?:([-*+])|\d{1,9}[.)])(?:[ \t]+|$)")
_TASK = re.compile(r"\[([ xX])\](?:[ \t]+|$)")
_QUOTE_PREFIX = re.compile(r"(?:>[ \t]?)+")
_FENCE = re.compile(r"(`{3,})[^`]*|(~{3,}).*")
_FENCE_LINE = re.compile(r"^[ \t]*(`{3,}|~{3,})[ \t\r]*$", re.M)
_MATH_LINE = re.compile(r"^[ \t]*\$\$[ \t\r]*$", re.M)
_HTML_LINE = re.compile(
    r"(?:</?(?:" + "|".join(sorted(DROPPED_TAGS)) + r")\b[^<>]*>[ \t]*)+", re.IGNORECASE
)
_MAX_SHORTCODE = 4000  # a multi-line shortcode longer than this is taken for a stray "{{<"


def render(source: str, body_start: int = 0, *, markdown: bool = True) -> TextView:
    """The reading text of ``source`` whose body begins at ``body_start``.

    Everything before ``body_start`` (the frontmatter) is hidden. With
    ``markdown`` false the body is shown as plain text: only control
    characters, trailing white space and extra blank lines are dealt with.
    The view's ``extra["links"]`` lists ``(start, end, url)`` for every link,
    bare URL and image, in view offsets.
    """
    body_start = min(max(body_start, 0), len(source))
    return _Renderer(source, markdown).run(body_start)


class _Renderer:
    """Block structure: one pass over the lines of the body."""

    def __init__(self, source: str, markdown: bool) -> None:
        self.src = source
        self.markdown = markdown
        self.out = ViewWriter(source)
        self.prev = _BLANK
        self.para: tuple[int, int] | None = None
        """View range of the previous line when it is a one-line paragraph (setext)."""
        self.pending = -1
        """Source start of blank or hidden lines not yet written, or -1."""
        self.pending_nl = -1
        """The newline of the first blank line among them, or -1."""
        self.blank_end = -1
        """View offset after the last blank line written (a second one is never added)."""
        self._finds: dict[str, tuple[int, int]] = {}

    def run(self, body_start: int) -> TextView:
        """Render the body and return the view."""
        src, n, out = self.src, len(self.src), self.out
        out.drop_to(body_start)
        run_re = _MD_RUN if self.markdown else _TEXT_RUN
        pos = body_start
        while pos < n:
            if self.prev != _QUOTE:
                m = run_re.match(src, pos)
                if m:
                    self._run(pos, m.end())
                    pos = m.end()
                    continue
            nl = src.find("\n", pos)
            pos = self._line(pos, n, n) if nl < 0 else self._line(pos, nl, nl + 1)
        out.drop_to(n)
        return out.finish()

    def find(self, needle: str, pos: int) -> int:
        """``src.find(needle, pos)``, never scanning the same text twice."""
        cached = self._finds.get(needle)
        if cached and cached[0] <= pos and (cached[1] < 0 or cached[1] >= pos):
            return cached[1]
        found = self.src.find(needle, pos)
        self._finds[needle] = (pos, found)
        return found

    # -- lines ---------------------------------------------------------

    def _run(self, start: int, end: int) -> None:
        """Copy a run of plain lines whole."""
        self._flush_pending(start)
        out = self.out
        v0 = out.vpos
        out.copy_to(end)
        for m in URL.finditer(self.src, start, end):
            stop = url_end(self.src, m.start(), m.end())
            self._link_span(v0 + m.start() - start, v0 + stop - start, m.start(), stop)
        last = self.src.rfind("\n", start, end - 1) + 1 or start
        single = last <= start and self.prev != _PARA
        self.para = (v0 + last - start, out.vpos - 1) if single else None
        self.prev = _PARA

    def _link_span(self, vstart: int, vend: int, start: int, end: int) -> None:
        if vend > vstart:
            self.out.spans.append(Span(vstart, vend, "link"))
            self.out.links.append((vstart, vend, clean(self.src[start:end])))

    def _line(self, ls: int, le: int, nxt: int) -> int:
        """Render the line ``[ls, le)`` (``nxt`` follows its newline); return where to go on."""
        src = self.src
        ce = le
        while ce > ls and src[ce - 1] in " \t\r\u3000":
            ce -= 1
        para, self.para = self.para, None
        if ce == ls:
            return self._blank(ls, le, nxt)
        if not self.markdown:
            self._flush_pending(ls)
            vstart = self.out.vpos
            self._text(ls, ce)
            self.prev = _PARA
            return self._end_line(vstart, le, nxt)
        cs = ls
        while src[cs] in " \t":
            cs += 1
        return self._special_line(ls, cs, ce, le, nxt, para) or self._block_line(
            ls, cs, ce, le, nxt
        )

    def _block_line(self, ls: int, cs: int, ce: int, le: int, nxt: int) -> int:
        """A line that is one view line: quoted, a heading, a rule, a list item or text."""
        self._flush_pending(ls)
        out = self.out
        was_para, vstart = self.prev == _PARA, out.vpos
        if self.src[cs] == ">" and cs - ls < 4:
            self._quote(cs, ce)
        elif self.prev == _QUOTE and _is_paragraph(self.src, cs, ce):
            self._lazy_quote(ls, ce)
        else:
            self.prev = self._content(ls, ce)
            if self.prev == _PARA and not was_para:
                self.para = (vstart, out.vpos)
        return self._end_line(vstart, le, nxt)

    def _end_line(self, vstart: int, le: int, nxt: int) -> int:
        """Finish a line begun at view ``vstart``; a line that showed nothing vanishes."""
        out = self.out
        out.drop_to(le)
        if out.vpos > vstart:
            out.copy_to(nxt)
        else:
            out.drop_to(nxt)
        return nxt

    def _special_line(
        self, ls: int, cs: int, ce: int, le: int, nxt: int, para: tuple[int, int] | None
    ) -> int:
        """Lines that are not one view line each; 0 when this line is an ordinary one."""
        src, c = self.src, self.src[cs]
        if c in "`~":
            m = _FENCE.fullmatch(src, cs, ce)
            if m:
                return self._fenced(ls, nxt, m.group(1) or m.group(2))
        elif c == "$" and ce - cs == 2 and src[cs + 1] == "$":
            return self._math_block(ls, nxt)
        elif c == "<":
            return self._html_line(ls, cs, ce, le, nxt)
        elif c == "{":
            return self._shortcode_block(ls, cs, le)
        elif c in "=-" and para and cs - ls < 4 and _SETEXT.fullmatch(src, cs, ce):
            return self._setext(para, 1 if c == "=" else 2, nxt)
        return 0

    def _blank(self, ls: int, le: int, nxt: int) -> int:
        """A blank line: remembered, written (at most one in a row) before the next text."""
        if self.pending < 0:
            self.pending = ls
        if self.pending_nl < 0 and nxt > le:
            self.pending_nl = le
        self.prev = _BLANK
        return nxt

    def _hide(self, ls: int, nxt: int) -> int:
        """A line with nothing to show (an HTML comment or tags only)."""
        if self.pending < 0:
            self.pending = ls
        self.prev = _OTHER
        return nxt

    def _flush_pending(self, upto: int) -> None:
        """Write the blank lines before ``upto`` as one blank line (none at the top)."""
        if self.pending < 0:
            return
        out = self.out
        if self.pending_nl >= 0 and out.vpos not in (0, self.blank_end):
            out.drop_to(self.pending_nl)
            out.copy_to(self.pending_nl + 1)
            self.blank_end = out.vpos
        out.drop_to(upto)
        self.pending = self.pending_nl = -1

    def _next_line(self, pos: int) -> tuple[int, int]:
        """End and next start of the line holding ``pos``."""
        nl = self.src.find("\n", pos)
        return (len(self.src), len(self.src)) if nl < 0 else (nl, nl + 1)

    def _setext(self, para: tuple[int, int], level: int, nxt: int) -> int:
        """``===`` or ``---`` under a one-line paragraph: that line is a heading."""
        out = self.out
        vstart, vend = para
        title = out.text_since(vstart)[: vend - vstart]
        out.spans.append(Span(vstart, vend, f"heading{level}"))
        out.headings.append(Heading(level, vstart, clean(title).strip()))
        out.drop_to(nxt)
        self.prev = _OTHER
        return nxt

    def _fenced(self, ls: int, nxt: int, fence: str) -> int:
        """A fenced code block: fences dropped, content verbatim."""
        src = self.src
        m = _FENCE_LINE.search(src, nxt)
        while m and (m.group(1)[0] != fence[0] or len(m.group(1)) < len(fence)):
            m = _FENCE_LINE.search(src, m.end())
        close, after = (m.start(), self._next_line(m.end())[1]) if m else (len(src), len(src))
        return self._verbatim(ls, nxt, close, after, "code_block")

    def _math_block(self, ls: int, nxt: int) -> int:
        """A ``$$`` display math block, shown verbatim; 0 when it is never closed."""
        m = _MATH_LINE.search(self.src, nxt)
        if not m:
            return 0
        return self._verbatim(ls, nxt, m.start(), self._next_line(m.end())[1], "math")

    def _verbatim(self, ls: int, start: int, close: int, after: int, style: str) -> int:
        """Drop ``[ls, start)`` and ``[close, after)``, show the lines between as they are."""
        self._flush_pending(ls)
        out = self.out
        out.drop_to(start)
        v0 = out.vpos
        out.copy_to(close)
        end = out.vpos - 1 if close > start and self.src[close - 1] == "\n" else out.vpos
        if end > v0:
            out.spans.append(Span(v0, end, style))
        out.drop_to(after)
        self.prev = _OTHER
        return after

    def _html_line(self, ls: int, cs: int, ce: int, le: int, nxt: int) -> int:
        """HTML comments (which may span lines) and lines of bare tags are hidden."""
        src = self.src
        if src.startswith("<!--", cs):
            j = self.find("-->", cs + 4)
            if j < 0:
                return 0
            cle, cnext = self._next_line(j + 3)
            if src[j + 3 : cle].strip():
                return 0 if j < le else self._after_block(ls, j + 3, None, cle, cnext)
            return self._hide(ls, cnext)
        if _HTML_LINE.fullmatch(src, cs, ce):
            return self._hide(ls, nxt)
        return 0

    def _shortcode_block(self, ls: int, cs: int, le: int) -> int:
        """A Hugo shortcode that starts a line and ends on a later one."""
        src = self.src
        if not src.startswith(("{{<", "{{%"), cs):
            return 0
        j = self.find(">}}" if src[cs + 2] == "<" else "%}}", cs + 3)
        if j < le or j - cs > _MAX_SHORTCODE:
            return 0
        cle, cnext = self._next_line(j + 3)
        self._flush_pending(ls)
        self.out.copy_to(cs)
        return self._after_block(ls, j + 3, shortcode_label(src[cs + 3 : j]), cle, cnext)

    def _after_block(self, ls: int, end: int, label: str | None, cle: int, cnext: int) -> int:
        """Show ``label`` for source up to ``end``, then the rest of its line as text."""
        self._flush_pending(ls)
        out = self.out
        v0 = out.vpos
        if label:
            out.replace_to(end, label)
            out.span(v0, "placeholder")
        else:
            out.drop_to(end)
        ce = cle
        while ce > end and self.src[ce - 1] in " \t\r":
            ce -= 1
        self._inline(end, ce)
        self.prev = _OTHER
        return self._end_line(v0, cle, cnext)

    # -- block content ---------------------------------------------------

    def _content(self, start: int, ce: int) -> int:
        """A heading, rule, list item or paragraph line; returns which kind."""
        src, out = self.src, self.out
        cs = start
        while cs < ce and src[cs] in " \t":
            cs += 1
        self._indent(start, cs)
        c = src[cs] if cs < ce else ""
        if c == "#" and cs - start < 4:
            m = _ATX.match(src, cs, ce)
            if m:
                self._heading(len(m.group(1)), m.end(), ce)
                return _OTHER
        if c in ("-", "*", "_") and _RULE.fullmatch(src, cs, ce):
            v0 = out.vpos
            out.replace_to(ce, RULE)
            out.span(v0, "rule")
            return _OTHER
        if c and c in "-*+0123456789":
            m = _LIST.match(src, cs, ce)
            if m:
                self._list_item(m, ce)
                return _OTHER
        self._inline(cs, ce)
        return _PARA if cs < ce else _OTHER

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
        src, out = self.src, self.out
        end = ce
        while end > cs and src[end - 1] == "#":
            end -= 1
        if end > cs and end < ce and src[end - 1] not in " \t":
            end = ce  # "C#": not a closing sequence
        while end > cs and src[end - 1] in " \t":
            end -= 1
        out.drop_to(cs)
        v0 = out.vpos
        self._inline(cs, end)
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
        task = _TASK.match(self.src, m.end(), ce)
        if task:
            v1 = out.vpos
            out.replace_to(task.end(), "☐ " if task.group(1) == " " else "☑ ")
            out.spans.append(Span(v1, v1 + 1, "list_marker"))
        self._inline(out.pos, ce)

    def _quote(self, cs: int, ce: int) -> None:
        """A block quote line: each ``>`` shown as a bar, the rest as block content."""
        out = self.out
        out.copy_to(cs)
        prefix = _QUOTE_PREFIX.match(self.src, cs, ce)
        assert prefix is not None
        v0 = out.vpos
        out.replace_to(prefix.end(), QUOTE_BAR * prefix.group().count(">"))
        kind = self._content(prefix.end(), ce)
        out.span(v0, "quote")
        self.prev = _QUOTE if kind == _PARA else _OTHER

    def _lazy_quote(self, ls: int, ce: int) -> None:
        """A line continuing a quoted paragraph without its ``>``."""
        out = self.out
        v0 = out.vpos
        out.replace_to(ls, QUOTE_BAR)
        self._content(ls, ce)
        out.span(v0, "quote")

    def _text(self, ls: int, ce: int) -> None:
        """A line of plain text (``markdown=False``): copied, bare URLs styled."""
        out = self.out
        v0 = out.vpos
        out.copy_to(ce)
        for m in URL.finditer(self.src, ls, ce):
            stop = url_end(self.src, m.start(), m.end())
            self._link_span(v0 + m.start() - ls, v0 + stop - ls, m.start(), stop)

    def _inline(self, start: int, end: int) -> None:
        """Inline Markdown of ``[start, end)`` (part of one line)."""
        render_inline(self.out, self.find, start, end)


def _is_paragraph(src: str, cs: int, ce: int) -> bool:
    """Whether a line starting at ``cs`` is plain paragraph text (no block marker)."""
    return not (_ATX.match(src, cs, ce) or _RULE.fullmatch(src, cs, ce) or _LIST.match(src, cs, ce))
