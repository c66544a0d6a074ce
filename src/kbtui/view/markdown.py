"""The reading text of a document: its Markdown rendered for the terminal.

The reader shows text, not markup: frontmatter is removed, Markdown markers
are dropped and their meaning kept as semantic styles, images and Hugo
shortcodes become short placeholders. Every piece of the result is recorded in
an :class:`~kbtui.view.offsets.OffsetMap` (copied text *aligned*, anything
dropped, inserted or replaced a *block*), so a selection made in the reading
text maps back to the exact source characters an annotation must store.

Two choices follow from the corpus. Chinese has no spaces between words, so
lines are never joined: a paragraph keeps its source line breaks. And the text
is untrusted: control characters (terminal escapes among them) are replaced
one for one by visible stand-ins, tabs by spaces, so offsets hold and the
terminal never obeys the document.

The renderer is a single forward pass, linear in the input: runs of plain
lines are copied whole (a plain 5 MB text is one map segment). This module
decides how lines group into blocks; :mod:`kbtui.view.blocks` knows the block
syntax and writes one-line blocks, :mod:`kbtui.view.inline` what is inside a
line (or a top-level paragraph's lines, for emphasis, code spans and links
over a line break; not yet in list items and quotes), and a
:class:`~kbtui.view.writer.ViewWriter` records the view and its map. Indented
code is code only when it looks like code
(:func:`~kbtui.view.blocks.looks_like_code`): Chinese prose is indented too.
"""

from __future__ import annotations

from kbtui.view.blocks import (
    FENCE_OPEN,
    HTML_TAGS_LINE,
    LIST_MARKER,
    MAX_SHORTCODE,
    PLAIN_LINES,
    SETEXT_UNDERLINE,
    TEXT_LINES,
    LineBlocks,
    fence_close,
    indent_columns,
    indented_block,
    is_paragraph,
    line_end,
    looks_like_code,
    math_close,
    paragraph_end,
)
from kbtui.view.inline import URL, render_inline, url_end
from kbtui.view.math import math_text
from kbtui.view.placeholders import shortcode_label
from kbtui.view.references import reference_definitions
from kbtui.view.sanitize import clean
from kbtui.view.tables import Line, TableWriter, find_table
from kbtui.view.tags import hidden_closer
from kbtui.view.textview import Heading, Span, TextView
from kbtui.view.writer import ViewWriter

_PARA, _QUOTE, _OTHER, _BLANK = range(4)  # what the previous line was


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
        self.in_list = False
        """Whether a list item came since the last unindented line (indented lines are its)."""
        self.prose_until = 0
        """End of the last indented block found not to be code (so it is not looked at again)."""
        self.blocks = LineBlocks(self.out, self.find)

    def run(self, body_start: int) -> TextView:
        """Render the body and return the view."""
        src, n, out = self.src, len(self.src), self.out
        out.drop_to(body_start)
        if self.markdown:
            out.references = reference_definitions(src, body_start)
        run_re = PLAIN_LINES if self.markdown else TEXT_LINES
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
        self._bare_urls(start, end, v0)
        last = self.src.rfind("\n", start, end - 1) + 1 or start
        single = last <= start and self.prev != _PARA
        self.para = (v0 + last - start, out.vpos - 1) if single else None
        self.prev = _PARA

    def _bare_urls(self, start: int, end: int, vstart: int) -> None:
        """Style and list the bare URLs of source ``[start, end)``, copied to view ``vstart``."""
        out, src = self.out, self.src
        for m in URL.finditer(src, start, end):
            stop = url_end(src, m.start(), m.end())
            if stop > m.start():
                view = (vstart + m.start() - start, vstart + stop - start)
                out.spans.append(Span(*view, "link"))
                out.links.append((*view, clean(src[m.start() : stop])))

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
            self.prev = _QUOTE if self.blocks.quote(cs, ce) else _OTHER
        elif self.prev == _QUOTE and is_paragraph(self.src, cs, ce):
            self.blocks.lazy_quote(ls, ce)
        else:
            if cs == ls or LIST_MARKER.match(self.src, cs, ce):
                self.in_list = LIST_MARKER.match(self.src, cs, ce) is not None
            pce = ce
            if cs == ls and not was_para and not self.in_list:
                pce, le, nxt = paragraph_end(self.src, cs, ce, le, nxt)
            self.prev = _PARA if self.blocks.content(ls, ce, pce, was_para) else _OTHER
            if self.prev == _PARA and not was_para and pce == ce:
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
            m = FENCE_OPEN.fullmatch(src, cs, ce)
            if m:
                return self._fenced(ls, nxt, m.group(1) or m.group(2))
        elif c == "$" and ce - cs == 2 and src[cs + 1] == "$":
            return self._math_block(ls, nxt)
        elif c == "<":
            return self._html_line(ls, cs, ce, le, nxt)
        elif c == "{":
            return self._shortcode_block(ls, cs, le)
        elif c in "=-" and para and cs - ls < 4 and SETEXT_UNDERLINE.fullmatch(src, cs, ce):
            return self._setext(para, 1 if c == "=" else 2, nxt)
        if cs - ls < 4 and src.find("|", cs, ce) >= 0:
            return self._table(Line(ls, ce, le, nxt))
        if cs - ls >= 2 and self.prev == _BLANK and not self.in_list and ls >= self.prose_until:
            return self._indented_code(ls, cs)
        return 0

    def _indented_code(self, ls: int, cs: int) -> int:
        """Lines indented 4 columns after a blank line: code when they look like it, else 0.

        See :func:`~kbtui.view.blocks.looks_like_code` for why Chinese
        prose indented with spaces stays prose.
        """
        src = self.src
        if indent_columns(src, ls, cs) < 4:
            return 0
        end = indented_block(src, ls)
        if not looks_like_code(src[ls:end]):
            self.prose_until = end
            return 0
        self._flush_pending(ls)
        out = self.out
        v0, pos = out.vpos, ls
        while pos < end:
            le, nxt = line_end(src, pos)
            indent = pos
            while indent < le and src[indent] in " \t" and indent_columns(src, pos, indent) < 4:
                indent += 1
            out.drop_to(indent)
            out.copy_to(nxt)
            pos = nxt
        last = out.vpos - 1 if src[end - 1] == "\n" else out.vpos
        out.spans.append(Span(v0, max(last, v0 + 1), "code_block"))
        self.prev = _OTHER
        return end

    def _table(self, header: Line) -> int:
        """A GFM table (:mod:`kbtui.view.tables`); 0 when ``header`` does not start one."""
        table = find_table(self.src, header, self._line_at)
        if table is None:
            return 0
        self._flush_pending(header.start)
        TableWriter(self.out, lambda out, a, b: render_inline(out, self.find, a, b)).write(table)
        self.prev = _OTHER
        return table.end

    def _line_at(self, pos: int) -> Line | None:
        """The line starting at ``pos``, or None at the end or on a blank line."""
        src = self.src
        le, nxt = line_end(src, pos)
        ce = le
        while ce > pos and src[ce - 1] in " \t\r\u3000":
            ce -= 1
        return Line(pos, ce, le, nxt) if ce > pos else None

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
        close, after = fence_close(self.src, nxt, fence)
        return self._verbatim(ls, nxt, close, after, "code_block")

    def _math_block(self, ls: int, nxt: int) -> int:
        """A ``$$`` display math block, shown as Unicode text; 0 when it is never closed."""
        found = math_close(self.src, nxt)
        if found is None:
            return 0
        close, after = found
        self._flush_pending(ls)
        out = self.out
        out.drop_to(nxt)
        end = close - 1 if close > nxt and self.src[close - 1] == "\n" else close
        if end > nxt:
            v0 = out.vpos
            out.replace_to(end, math_text(self.src[nxt:end]))
            out.span(v0, "math")
            out.copy_to(close)
        out.drop_to(after)
        self.prev = _OTHER
        return after

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
        """Comments, scripts and the like (which may span lines), lines of bare tags: hidden."""
        src = self.src
        closer = hidden_closer(src, cs)
        if closer is not None:
            j = self.find(closer, cs + 2)
            if j < 0:
                return 0
            cle, cnext = line_end(src, j + len(closer))
            if src[j + len(closer) : cle].strip():
                return 0 if j < le else self._after_block(ls, j + len(closer), None, cle, cnext)
            return self._hide(ls, cnext)
        if HTML_TAGS_LINE.fullmatch(src, cs, ce):
            return self._hide(ls, nxt)
        return 0

    def _shortcode_block(self, ls: int, cs: int, le: int) -> int:
        """A Hugo shortcode that starts a line and ends on a later one."""
        src = self.src
        if not src.startswith(("{{<", "{{%"), cs):
            return 0
        j = self.find(">}}" if src[cs + 2] == "<" else "%}}", cs + 3)
        if j < le or j - cs > MAX_SHORTCODE:
            return 0
        cle, cnext = line_end(src, j + 3)
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
        self.blocks.inline(end, ce)
        self.prev = _OTHER
        return self._end_line(v0, cle, cnext)

    def _text(self, ls: int, ce: int) -> None:
        """A line of plain text (``markdown=False``): copied, bare URLs styled."""
        out = self.out
        v0 = out.vpos
        out.copy_to(ce)
        self._bare_urls(ls, ce, v0)
