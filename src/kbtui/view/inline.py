"""Inline Markdown for the reading text: what is inside a line (or a paragraph's lines).

:mod:`kbtui.view.markdown` handles the block structure line by line and hands
inline content here. The pass follows CommonMark's delimiter algorithm: code
spans, links and images are resolved as they are met, emphasis is matched
afterwards (:mod:`kbtui.view.emphasis`, with its rules for Chinese text), and
``~`` alone is never strikethrough (it is a range sign, ``3~5年``). What it
shows is recorded by a :class:`~kbtui.view.writer.ViewWriter`; images, embeds
and shortcodes become placeholders (:mod:`kbtui.view.placeholders`).

Every search for a closing marker is linear overall: backtick and ``$`` runs
are indexed once per range, and searches for ``-->`` or ``>}}`` go through a
cache that never scans the same text twice.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_left
from collections.abc import Callable
from typing import Final, Literal

from kbtui.view import tags
from kbtui.view.emphasis import Run, Runs, flanking
from kbtui.view.footnotes import REFERENCE, write_marker
from kbtui.view.math import math_text
from kbtui.view.placeholders import EMBED_TAGS, image_label, shortcode_label
from kbtui.view.references import inline_target, reference_target
from kbtui.view.sanitize import clean
from kbtui.view.writer import PendingSpan, ViewWriter

SPECIAL = re.compile(r"[\\`*_~\[\]!<$&{]|https?://")
"""Where inline Markdown may start; a range without a match is plain text."""

URL = re.compile(r"https?://[A-Za-z0-9\-._~:/?#@!$&'()*+,;=%]+")
_URL_TRAILING = ".,:;!?'\"*_~)"
_AUTOLINK = re.compile(
    r"<([A-Za-z][A-Za-z0-9+.\-]{1,31}:[^\s<>]*"
    r"|[A-Za-z0-9.!#$%&'*+/=?^_`{|}~\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*)>"
)
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_BACKTICKS = re.compile(r"`+")
_DOLLAR = re.compile(r"\$")
_RUNS = {c: re.compile(re.escape(c) + "+") for c in "*_~"}

_ASCII_PUNCT = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


def render_inline(out: ViewWriter, find: Callable[[str, int], int], start: int, end: int) -> None:
    """Write the inline Markdown of ``out.source[start:end]`` (a line, or a paragraph's lines).

    ``find(needle, pos)`` is ``source.find`` for closing markers that may lie
    beyond the range (``-->``, ``>}}``); the caller caches it."""
    if start >= end:
        return
    if SPECIAL.search(out.source, start, end) is None:
        out.copy_to(end)
        return
    _Inline(out, find, start, end).render()


def url_end(src: str, start: int, end: int) -> int:
    """Where a bare URL really ends: trailing punctuation and unmatched ``)`` are not part of it."""
    while end > start and src[end - 1] in _URL_TRAILING:
        if src[end - 1] == ")" and src.count("(", start, end) >= src.count(")", start, end):
            break
        end -= 1
    return end


class _Bracket:
    """A ``[`` or ``![`` that may start a link or an image."""

    __slots__ = ("active", "bottom", "end", "image", "index", "pending")

    def __init__(self, end: int, image: bool, bottom: Run, index: int) -> None:
        self.end, self.image, self.bottom, self.index = end, image, bottom, index
        self.active = True
        self.pending: PendingSpan | None = None
        """The link it starts, once its ``](url)`` is found."""


_TEXT: Final = 0
_DROP: Final = 1
_REPLACE: Final = 2
_OPEN: Final = 3
_CLOSE: Final = 4
_RUN: Final = 5
_BRACKET: Final = 6
_NOTE: Final = 7

_Token = (
    tuple[Literal[0, 1], int]  # source up to a position shown as it is, or dropped
    | tuple[Literal[2], int, str, str | None, str | None]  # shown as text, style, link
    | tuple[Literal[3, 4], PendingSpan]  # a span starts or ends here
    | tuple[Literal[5], int, Run]  # a delimiter run ending at a position
    | tuple[Literal[6], int, _Bracket]  # a "[" or "![" ending at a position
    | tuple[Literal[7], int, str]  # a footnote reference ending at a position, its label
)
"""One piece of a line, in source order; each piece starts where the one before ended."""


class _Inline:
    """Inline Markdown of one line range, after CommonMark's delimiter algorithm.

    A first pass turns the range into tokens (text, dropped markers,
    replacements, span starts and ends, delimiter runs, brackets), resolving
    code spans, links, images and the like on the way; emphasis is matched
    afterwards; then the tokens are written out. Tokens are contiguous in the
    source, so the map covers the range exactly. A span's start and end share
    one :class:`~kbtui.view.writer.PendingSpan`, which learns its view start
    when the start is written.
    """

    def __init__(
        self, out: ViewWriter, find: Callable[[str, int], int], start: int, end: int
    ) -> None:
        self.out, self.find = out, find
        self.src = out.source
        self.start, self.end = start, end
        self.tokens: list[_Token] = []
        self.runs = Runs()
        self.brackets: list[_Bracket] = []
        self._ticks: dict[int, list[int]] | None = None
        self._dollars: list[int] | None = None

    def render(self) -> None:
        """Tokenise, match emphasis, write out."""
        src, end, pos = self.src, self.end, self.start
        handlers = self._handlers()
        while pos < end:
            m = SPECIAL.search(src, pos, end)
            if m is None:
                self.tokens.append((_TEXT, end))
                break
            if m.start() > pos:
                self.tokens.append((_TEXT, m.start()))
            pos = handlers[src[m.start()]](m.start())
        self.runs.process(self.runs.head)
        self._write()

    def _handlers(self) -> dict[str, Callable[[int], int]]:
        return {
            "\\": self._escape,
            "`": self._code,
            "*": self._delim,
            "_": self._delim,
            "~": self._delim,
            "[": self._open_bracket,
            "!": self._bang,
            "]": self._close_bracket,
            "<": self._angle,
            "$": self._dollar,
            "&": self._entity,
            "{": self._brace,
            "h": self._url,
        }

    def _text(self, end: int) -> int:
        self.tokens.append((_TEXT, end))
        return end

    def _atom(self, a: int, b: int, end: int, pending: PendingSpan) -> int:
        """Markers up to ``a`` and ``[b, end)`` dropped, ``[a, b)`` shown as ``pending``."""
        self.tokens += [(_DROP, a), (_OPEN, pending), (_TEXT, b), (_CLOSE, pending), (_DROP, end)]
        return end

    def _escape(self, i: int) -> int:
        j = i + 1
        if j < self.end and self.src[j] in _ASCII_PUNCT:
            self.tokens += [(_DROP, j), (_TEXT, j + 1)]
            return j + 1
        if j == self.end:  # a hard line break marker
            self.tokens.append((_DROP, j))
            return j
        return self._text(j)

    def _code(self, i: int) -> int:
        src = self.src
        m = _BACKTICKS.match(src, i, self.end)
        assert m is not None
        n = m.end() - i
        j = self._code_closer(m.end(), n)
        if j < 0:
            return self._text(m.end())
        a, b = m.end(), j
        if b - a >= 2 and src[a] == " " and src[b - 1] == " " and src[a:b].strip(" "):
            a, b = a + 1, b - 1
        return self._atom(a, b, j + n, PendingSpan("code"))

    def _code_closer(self, pos: int, n: int) -> int:
        """Start of the next run of exactly ``n`` backticks from ``pos``, or -1."""
        if self._ticks is None:
            self._ticks = {}
            for m in _BACKTICKS.finditer(self.src, pos, self.end):
                self._ticks.setdefault(m.end() - m.start(), []).append(m.start())
        runs = self._ticks.get(n, [])
        k = bisect_left(runs, pos)
        return runs[k] if k < len(runs) else -1

    def _delim(self, i: int) -> int:
        c = self.src[i]
        m = _RUNS[c].match(self.src, i, self.end)
        assert m is not None
        if c == "~" and m.end() - i != 2:
            return self._text(m.end())
        can_open, can_close = flanking(self.src, i, m.end(), self.start, self.end)
        if not (can_open or can_close):
            return self._text(m.end())
        run = Run(c, m.end() - i, can_open, can_close)
        self.runs.push(run)
        self.tokens.append((_RUN, m.end(), run))
        return m.end()

    def _open_bracket(self, i: int, image: bool = False) -> int:
        if not image and self.src.startswith("[^", i):
            m = REFERENCE.match(self.src, i, self.end)
            if m:
                self.tokens.append((_NOTE, m.end(), m.group(1)))
                return m.end()
        b = _Bracket(i + (2 if image else 1), image, self.runs.tail, len(self.tokens))
        self.tokens.append((_BRACKET, b.end, b))
        self.brackets.append(b)
        return b.end

    def _bang(self, i: int) -> int:
        if i + 1 < self.end and self.src[i + 1] == "[":
            return self._open_bracket(i, image=True)
        return self._text(i + 1)

    def _close_bracket(self, i: int) -> int:
        if not self.brackets:
            return self._text(i + 1)
        b = self.brackets.pop()
        refs = self.out.references if b.active else {}
        target = inline_target(self.src, i + 1, self.end) if b.active else None
        target = target or reference_target(refs, self.src, b.end, i, self.end)
        if target is None:
            return self._text(i + 1)
        end, url = target
        self.runs.cut(b.bottom)
        if b.image:
            del self.tokens[b.index :]
            label = image_label(self.src[b.end : i])
            self.tokens.append((_REPLACE, end, label, "placeholder", url))
            return end
        b.pending = PendingSpan("link", url)
        self.tokens += [(_CLOSE, b.pending), (_DROP, end)]
        for other in self.brackets:
            if not other.image:
                other.active = False  # no links inside links
        return end

    def _angle(self, i: int) -> int:
        src, end = self.src, self.end
        m = _AUTOLINK.match(src, i, end)
        if m:
            return self._atom(i + 1, m.end() - 1, m.end(), PendingSpan("link", clean(m.group(1))))
        m = tags.HTML_TAG.match(src, i, end)
        if m:
            name = tags.tag_name(m)
            if name in EMBED_TAGS:
                label, url = tags.embed(name, m.group())
                self.tokens.append((_REPLACE, m.end(), label, "placeholder", url))
                return m.end()
            if m.group(1) and name in ("br", "sup", "sub"):
                return self._html_text(name, i, m.end())
            if m.group(1) and name in tags.HIDDEN_CONTENT:
                return self._drop(self._closed(f"</{name}>", m.end()) or m.end())
            return self._drop(m.end())
        closer = tags.hidden_closer(src, i)
        j = self._closed(closer, i + 2) if closer else 0
        return self._drop(j) if j else self._text(i + 1)

    def _closed(self, closer: str, pos: int) -> int:
        """Where ``closer``, searched from ``pos``, ends, if on this line; else 0."""
        j = self.find(closer, pos)
        return j + len(closer) if j >= 0 and j + len(closer) <= self.end else 0

    def _html_text(self, name: str, i: int, after: int) -> int:
        """``<br>`` inside a line breaks it; ``<sup>2</sup>`` is ``²`` when Unicode has it."""
        src = self.src
        if name == "br":
            at = tags.line_break(src, self.start, self.end, i, after)
            if at is None:
                return self._drop(after)
            self.tokens.append((_REPLACE, at, "\n", None, None))
            return at
        found = tags.scripted(src, name, after, self.end)
        if found is None:
            return self._drop(after)
        self.tokens.append((_REPLACE, *found, None, None))
        return found[0]

    def _drop(self, end: int) -> int:
        self.tokens.append((_DROP, end))
        return end

    def _dollar(self, i: int) -> int:
        src, end = self.src, self.end
        if src.startswith("$$", i):
            j = self.find("$$", i + 2)
            if i + 2 < j and j + 2 <= end:
                return self._math(i + 2, j, j + 2)
            return self._text(i + 2)
        if i + 1 >= end or src[i + 1].isspace():
            return self._text(i + 1)
        j = self._math_closer(i + 2)
        if j < 0:
            return self._text(i + 1)
        return self._math(i + 1, j, j + 1)

    def _math(self, a: int, b: int, end: int) -> int:
        """Math ``[a, b)`` between markers: shown as Unicode text (:mod:`kbtui.view.math`)."""
        text = math_text(self.src[a:b])
        self.tokens += [(_DROP, a), (_REPLACE, b, text, "math", None), (_DROP, end)]
        return end

    def _math_closer(self, pos: int) -> int:
        """The first ``$`` from ``pos`` that may close inline math (pandoc's rule), or -1."""
        if self._dollars is None:
            src, end = self.src, self.end
            self._dollars = [
                m.start()
                for m in _DOLLAR.finditer(src, pos, end)
                if src[m.start() - 1] not in " \t\\$"
                and (m.end() >= end or not (src[m.end()].isdigit() or src[m.end()] == "$"))
            ]
        k = bisect_left(self._dollars, pos)
        return self._dollars[k] if k < len(self._dollars) else -1

    def _entity(self, i: int) -> int:
        m = _ENTITY.match(self.src, i, self.end)
        if m:
            char = html.unescape(m.group()).replace("\xa0", " ")
            if char != m.group() and char.isprintable():
                self.tokens.append((_REPLACE, m.end(), char, None, None))
                return m.end()
        return self._text(i + 1)

    def _brace(self, i: int) -> int:
        src = self.src
        if not src.startswith(("{{<", "{{%"), i):
            return self._text(i + 1)
        j = self.find(">}}" if src[i + 2] == "<" else "%}}", i + 3)
        if j < 0 or j + 3 > self.end:
            return self._text(i + 1)
        label = shortcode_label(src[i + 3 : j])
        if label is None:
            return self._drop(j + 3)
        self.tokens.append((_REPLACE, j + 3, label, "placeholder", None))
        return j + 3

    def _url(self, i: int) -> int:
        m = URL.match(self.src, i, self.end)
        assert m is not None
        end = url_end(self.src, i, m.end())
        if self.src.find("://", i, end) + 3 >= end:
            return self._text(m.end())
        pending = PendingSpan("link", clean(self.src[i:end]))
        self.tokens += [(_OPEN, pending), (_TEXT, end), (_CLOSE, pending)]
        return end

    # -- output --------------------------------------------------------

    def _write(self) -> None:
        out = self.out
        for tok in self.tokens:
            if tok[0] == _TEXT:
                out.copy_to(tok[1])
            elif tok[0] == _DROP:
                out.drop_to(tok[1])
            elif tok[0] == _REPLACE:
                v0 = out.vpos
                out.replace_to(tok[1], tok[2])
                if tok[3]:
                    out.span(v0, tok[3])
                if tok[4]:
                    out.links.append((v0, out.vpos, tok[4]))
            elif tok[0] == _OPEN:
                tok[1].start = out.vpos
            elif tok[0] == _CLOSE:
                out.close(tok[1])
            elif tok[0] == _RUN:
                tok[2].write(out, tok[1])
            elif tok[0] == _NOTE:
                write_marker(out, tok[1], tok[2], note=False)
            else:
                self._write_bracket(tok[1], tok[2])

    def _write_bracket(self, end: int, bracket: _Bracket) -> None:
        """A ``[`` that starts a link is dropped and starts its span; any other is text."""
        if bracket.pending is None:
            self.out.copy_to(end)
        else:
            self.out.drop_to(end)
            bracket.pending.start = self.out.vpos
