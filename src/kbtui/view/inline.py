"""Inline Markdown for the reading text, and the writer that records the view.

:mod:`kbtui.view.markdown` handles the block structure of a document line by line
and hands each line's inline content here. The inline pass follows
CommonMark's delimiter algorithm (code spans, links and images resolved as
they are met, emphasis matched afterwards), with two changes for Chinese
text: a CJK character next to a delimiter run counts like white space for the
punctuation rule, so ``这是**“引用”**的`` is bold as its author meant; and
``~`` alone is never strikethrough (it is a range sign, ``3~5年``).

Every search for a closing marker is linear overall: backtick and ``$`` runs
are indexed once per line, and searches for ``-->`` or ``>}}`` go through a
cache that never scans the same text twice.
"""

from __future__ import annotations

import html
import re
import unicodedata
from bisect import bisect_left
from collections.abc import Callable
from functools import lru_cache

from kbtui.view.offsets import OffsetMapBuilder
from kbtui.view.sanitize import clean
from kbtui.view.textview import Heading, Span, TextView

PLACEHOLDER_DETAIL = 40
"""Longest alt text, caption or id shown inside a placeholder."""

SPECIAL = re.compile(r"[\\`*_~\[\]!<$&{]|https?://")
"""Where inline Markdown may start; a range without a match is plain text."""

_LINK_TAIL = re.compile(
    r"""\(\s*(<[^<>\n]*>|[^\s()<>]*(?:\([^\s()<>]*\)[^\s()<>]*)*)"""
    r"""(?:\s+(?:"[^"\n]*"|'[^'\n]*'|\([^()\n]*\)))?\s*\)"""
)
URL = re.compile(r"https?://[A-Za-z0-9\-._~:/?#@!$&'()*+,;=%]+")
_URL_TRAILING = ".,:;!?'\"*_~)"
_AUTOLINK = re.compile(
    r"<([A-Za-z][A-Za-z0-9+.\-]{1,31}:[^\s<>]*"
    r"|[A-Za-z0-9.!#$%&'*+/=?^_`{|}~\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*)>"
)
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_HTML_TAG = re.compile(r"</?([A-Za-z][A-Za-z0-9]*)(?:\s[^<>]*)?/?>")
_HTML_ATTR = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
_SHORTCODE_ARG = re.compile(r"""([\w-]+)=(?:"([^"]*)"|'([^']*)'|(\S+))|"([^"]*)"|'([^']*)'|(\S+)""")
_BACKTICKS = re.compile(r"`+")
_DOLLAR = re.compile(r"\$")
_RUNS = {c: re.compile(re.escape(c) + "+") for c in "*_~"}

DROPPED_TAGS = frozenset(
    re.findall(
        r"\w+",
        "a abbr article aside b big blockquote br center cite code dd del details div dl dt em "
        "figcaption figure font footer h1 h2 h3 h4 h5 h6 header hr i ins kbd li main mark nav ol p "
        "picture pre q s section small source span strike strong sub summary sup table tbody td "
        "tfoot th thead tr u ul wbr",
    )
)
_EMBED_TAGS = {"img": "image", "iframe": "video", "video": "video", "audio": "audio"}
_ASCII_PUNCT = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


class ViewWriter:
    """The view being written, in source order, with its map and styling.

    Every operation consumes source up to a position, so the pieces cover the
    source by construction. Consecutive copies (and consecutive drops) are
    merged before they reach the map, so plain text stays one segment.
    """

    def __init__(self, source: str) -> None:
        self.source = source
        self.pos = 0
        """Source consumed so far."""
        self.vpos = 0
        """View written so far."""
        self.parts: list[str] = []
        self.builder = OffsetMapBuilder()
        self.spans: list[Span] = []
        self.headings: list[Heading] = []
        self.links: list[tuple[int, int, str]] = []
        """``(view start, view end, url)`` of links, bare URLs and images."""
        self._copy_from = -1
        self._drop_from = -1

    def copy_to(self, end: int) -> None:
        """Show source ``[pos, end)`` as it is."""
        if end <= self.pos:
            return
        if self._drop_from >= 0:
            self._flush()
        if self._copy_from < 0:
            self._copy_from = self.pos
        self.vpos += end - self.pos
        self.pos = end

    def drop_to(self, end: int) -> None:
        """Show nothing for source ``[pos, end)``."""
        if end <= self.pos:
            return
        if self._copy_from >= 0:
            self._flush()
        if self._drop_from < 0:
            self._drop_from = self.pos
        self.pos = end

    def replace_to(self, end: int, text: str) -> None:
        """Show ``text`` for source ``[pos, end)`` (an empty range inserts it)."""
        self._flush()
        self.builder.block(len(text), end - self.pos)
        self.parts.append(text)
        self.vpos += len(text)
        self.pos = max(self.pos, end)

    def span(self, start: int, style: str) -> None:
        """Style the view from ``start`` to what has been written."""
        if self.vpos > start:
            self.spans.append(Span(start, self.vpos, style))

    def text_since(self, start: int) -> str:
        """The view text written since view offset ``start`` (a recent one)."""
        self._flush()
        need, chunks, i = self.vpos - start, [], len(self.parts)
        while need > 0:
            i -= 1
            part = self.parts[i]
            if len(part) > need:
                part = part[len(part) - need :]
            chunks.append(part)
            need -= len(part)
        return "".join(reversed(chunks))

    def _flush(self) -> None:
        if self._copy_from >= 0:
            self.builder.aligned(self.pos - self._copy_from)
            self.parts.append(self.source[self._copy_from : self.pos])
            self._copy_from = -1
        elif self._drop_from >= 0:
            self.builder.block(0, self.pos - self._drop_from)
            self._drop_from = -1

    def finish(self) -> TextView:
        """The finished view; the source must have been consumed."""
        self._flush()
        self.spans.sort(key=lambda s: (s.start, -s.end))
        return TextView(
            clean("".join(self.parts)),
            self.builder.build(),
            tuple(self.spans),
            tuple(self.headings),
            extra={"links": tuple(self.links)},
        )


def render_inline(out: ViewWriter, find: Callable[[str, int], int], start: int, end: int) -> None:
    """Write the inline Markdown of ``out.source[start:end]`` (part of one line).

    ``find(needle, pos)`` is ``source.find`` for closing markers that may lie
    beyond the line (``-->``, ``>}}``); the caller caches it.
    """
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


def shorten(text: str) -> str:
    """One line of at most :data:`PLACEHOLDER_DETAIL` characters."""
    text = " ".join(text.split())
    if len(text) > PLACEHOLDER_DETAIL:
        return text[: PLACEHOLDER_DETAIL - 1] + "…"
    return text


def placeholder(kind: str, detail: str = "") -> str:
    detail = shorten(detail)
    return f"[{kind}: {detail}]" if detail else f"[{kind}]"


def image_label(alt: str) -> str:
    """``![alt](url)`` shown as ``[image: alt]`` (markup characters left out of alt)."""
    return placeholder("image", re.sub(r"[*_`~\[\]]", "", alt))


def shortcode_label(inner: str) -> str | None:
    """The placeholder for ``{{< inner >}}``; None for a closing ``{{< /name >}}``."""
    inner = inner.strip()
    if inner.startswith("/"):
        return None
    args: list[str] = []
    kwargs: dict[str, str] = {}
    for m in _SHORTCODE_ARG.finditer(inner):
        if m.group(1):
            kwargs[m.group(1).lower()] = next(g for g in m.group(2, 3, 4) if g is not None)
        else:
            args.append(next(g for g in m.group(5, 6, 7) if g is not None))
    if not args:
        return placeholder("shortcode")
    name = args.pop(0).lower()
    first = kwargs.get("id") or (args[0] if args else "")
    if name in ("youtube", "vimeo", "bilibili", "video"):
        return placeholder("video", f"{name} {first}")
    if name in ("figure", "img", "image"):
        detail = next((kwargs[k] for k in ("caption", "alt", "title") if kwargs.get(k)), "")
        return placeholder("image", detail or kwargs.get("src", first).rsplit("/", 1)[-1])
    if name in ("tweet", "twitter", "x"):
        return placeholder("tweet", first)
    return placeholder(name, first)


@lru_cache(maxsize=8192)
def _char_class(ch: str) -> int:
    """0 other, 1 white space, 2 punctuation or symbol, 3 CJK (for emphasis flanking)."""
    if ch.isspace():
        return 1
    if unicodedata.category(ch)[0] in "PS":
        return 2
    code = ord(ch)
    if (
        0x2E80 <= code <= 0x9FFF
        or 0xAC00 <= code <= 0xD7AF
        or 0xF900 <= code <= 0xFAFF
        or 0x20000 <= code <= 0x3FFFF
    ):
        return 3
    return 0


class _Delim:
    """A run of ``*``, ``_`` or ``~~`` that may open or close emphasis.

    ``closes`` and ``opens`` list the spans it ends and starts, innermost
    first, with the number of marker characters each uses: closers use the
    run's leftmost characters, openers its rightmost, the rest stays text.
    """

    __slots__ = ("can_close", "can_open", "char", "closes", "next", "opens", "orig", "prev", "rem")

    def __init__(self, char: str, orig: int, can_open: bool, can_close: bool) -> None:
        self.char, self.orig, self.rem = char, orig, orig
        self.can_open, self.can_close = can_open, can_close
        self.closes: list[tuple[list, int]] = []
        self.opens: list[tuple[list, int]] = []
        self.prev: _Delim | None = None
        self.next: _Delim | None = None


class _Bracket:
    """A ``[`` or ``![`` that may start a link or an image."""

    __slots__ = ("active", "bottom", "end", "image", "index", "key")

    def __init__(self, end: int, image: bool, bottom: _Delim, index: int) -> None:
        self.end, self.image, self.bottom, self.index = end, image, bottom, index
        self.active = True
        self.key: list | None = None


class _Inline:
    """Inline Markdown of one line range, after CommonMark's delimiter algorithm.

    A first pass turns the range into tokens (text, dropped markers,
    replacements, span starts and ends, delimiter runs, brackets), resolving
    code spans, links, images and the like on the way; emphasis is matched
    afterwards; then the tokens are written out. Tokens are contiguous in the
    source, so the map covers the range exactly. Span starts and ends share a
    mutable ``key`` ``[style, view_start, url]``.
    """

    def __init__(
        self, out: ViewWriter, find: Callable[[str, int], int], start: int, end: int
    ) -> None:
        self.out, self.find = out, find
        self.src = out.source
        self.start, self.end = start, end
        self.tokens: list = []
        self.head = _Delim("", 0, False, False)
        self.tail = self.head
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
                self.tokens.append((0, end))
                break
            if m.start() > pos:
                self.tokens.append((0, m.start()))
            pos = handlers[src[m.start()]](m.start())
        self._process_emphasis(self.head)
        self._write()

    def _handlers(self) -> dict:
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
        self.tokens.append((0, end))
        return end

    def _atom(self, i: int, a: int, b: int, end: int, key: list) -> int:
        """Markers ``[i, a)`` and ``[b, end)`` dropped, ``[a, b)`` shown with ``key``'s style."""
        self.tokens += [(1, a), (3, key), (0, b), (4, key), (1, end)]
        return end

    def _escape(self, i: int) -> int:
        j = i + 1
        if j < self.end and self.src[j] in _ASCII_PUNCT:
            self.tokens += [(1, j), (0, j + 1)]
            return j + 1
        if j == self.end:  # a hard line break marker
            self.tokens.append((1, j))
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
        return self._atom(i, a, b, j + n, ["code", 0, None])

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
        src, c = self.src, self.src[i]
        m = _RUNS[c].match(src, i, self.end)
        assert m is not None
        n = m.end() - i
        if c == "~" and n != 2:
            return self._text(m.end())
        before = _char_class(src[i - 1]) if i > self.start else 1
        after = _char_class(src[m.end()]) if m.end() < self.end else 1
        left = after != 1 and (after != 2 or before != 0)
        right = before != 1 and (before != 2 or after != 0)
        if c == "_":  # not inside a word, but Chinese has no words to be inside of
            can_open = left and (not right or before >= 2)
            can_close = right and (not left or after >= 2)
        else:
            can_open, can_close = left, right
        if not (can_open or can_close):
            return self._text(m.end())
        d = _Delim(c, n, can_open, can_close)
        d.prev, self.tail.next, self.tail = self.tail, d, d
        self.tokens.append((5, m.end(), d))
        return m.end()

    def _open_bracket(self, i: int, image: bool = False) -> int:
        b = _Bracket(i + (2 if image else 1), image, self.tail, len(self.tokens))
        self.tokens.append((6, b.end, b))
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
        m = _LINK_TAIL.match(self.src, i + 1, self.end) if b.active else None
        if m is None:
            return self._text(i + 1)
        url = clean(m.group(1).strip("<>"))
        self._cut(b.bottom)
        if b.image:
            del self.tokens[b.index :]
            label = image_label(self.src[b.end : i])
            self.tokens.append((2, m.end(), label, "placeholder", url))
            return m.end()
        b.key = ["link", 0, url]
        self.tokens += [(4, b.key), (1, m.end())]
        for other in self.brackets:
            if not other.image:
                other.active = False  # no links inside links
        return m.end()

    def _cut(self, bottom: _Delim) -> None:
        """Match the emphasis above ``bottom`` (inside a link) and forget those runs."""
        self._process_emphasis(bottom)
        bottom.next = None
        self.tail = bottom

    def _angle(self, i: int) -> int:
        src, end = self.src, self.end
        if src.startswith("<!--", i):
            j = self.find("-->", i + 4)
            return self._drop(j + 3) if j >= 0 and j + 3 <= end else self._text(i + 1)
        m = _AUTOLINK.match(src, i, end)
        if m:
            return self._atom(i, i + 1, m.end() - 1, m.end(), ["link", 0, clean(m.group(1))])
        m = _HTML_TAG.match(src, i, end)
        if m:
            name = m.group(1).lower()
            if name in _EMBED_TAGS:
                attrs = {
                    a.group(1).lower(): a.group(2) or a.group(3) or a.group(4) or ""
                    for a in _HTML_ATTR.finditer(m.group())
                }
                label = placeholder(_EMBED_TAGS[name], attrs.get("alt") or attrs.get("title", ""))
                self.tokens.append((2, m.end(), label, "placeholder", clean(attrs.get("src", ""))))
                return m.end()
            if name in DROPPED_TAGS:
                return self._drop(m.end())
        return self._text(i + 1)

    def _drop(self, end: int) -> int:
        self.tokens.append((1, end))
        return end

    def _dollar(self, i: int) -> int:
        src, end = self.src, self.end
        if src.startswith("$$", i):
            j = self.find("$$", i + 2)
            if i + 2 < j and j + 2 <= end:
                return self._atom(i, i + 2, j, j + 2, ["math", 0, None])
            return self._text(i + 2)
        if i + 1 >= end or src[i + 1].isspace():
            return self._text(i + 1)
        j = self._math_closer(i + 2)
        if j < 0:
            return self._text(i + 1)
        return self._atom(i, i + 1, j, j + 1, ["math", 0, None])

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
                self.tokens.append((2, m.end(), char, None, None))
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
        self.tokens.append((2, j + 3, label, "placeholder", None))
        return j + 3

    def _url(self, i: int) -> int:
        m = URL.match(self.src, i, self.end)
        assert m is not None
        end = url_end(self.src, i, m.end())
        if self.src.find("://", i, end) + 3 >= end:
            return self._text(m.end())
        key = ["link", 0, clean(self.src[i:end])]
        self.tokens += [(3, key), (0, end), (4, key)]
        return end

    # -- emphasis ------------------------------------------------------

    def _process_emphasis(self, bottom: _Delim) -> None:
        """CommonMark's *process emphasis* over the runs above ``bottom``."""
        openers_bottom: dict[tuple[str, bool, int], _Delim] = {}
        closer = bottom.next
        while closer is not None:
            if not closer.can_close:
                closer = closer.next
                continue
            key = (closer.char, closer.can_open, closer.orig % 3)
            opener = self._find_opener(closer, openers_bottom.get(key, bottom), bottom)
            if opener is None:
                openers_bottom[key] = closer.prev or bottom
                nxt = closer.next
                if not closer.can_open:
                    self._unlink(closer)
                closer = nxt
                continue
            self._match(opener, closer)
            if closer.rem == 0:
                nxt = closer.next
                self._unlink(closer)
                closer = nxt

    @staticmethod
    def _find_opener(closer: _Delim, floor: _Delim, bottom: _Delim) -> _Delim | None:
        """The nearest run before ``closer`` it may close (the spec's "rule of 3" included)."""
        opener = closer.prev
        while opener is not None and opener is not floor and opener is not bottom:
            if opener.char == closer.char and opener.can_open:
                odd = (opener.can_close or closer.can_open) and (opener.orig + closer.orig) % 3 == 0
                if not odd or (opener.orig % 3 == 0 and closer.orig % 3 == 0):
                    return opener
            opener = opener.prev
        return None

    def _match(self, opener: _Delim, closer: _Delim) -> None:
        """Pair two runs: two characters each for strong and strike, one for emphasis."""
        if closer.char == "~":
            use, style = 2, "strike"
        elif opener.rem >= 2 and closer.rem >= 2:
            use, style = 2, "strong"
        else:
            use, style = 1, "emphasis"
        key = [style, 0, None]
        opener.opens.append((key, use))
        closer.closes.append((key, use))
        opener.rem -= use
        closer.rem -= use
        opener.next, closer.prev = closer, opener  # runs in between are text now
        if opener.rem == 0:
            self._unlink(opener)

    def _unlink(self, d: _Delim) -> None:
        if d.prev is not None:
            d.prev.next = d.next
        if d.next is not None:
            d.next.prev = d.prev
        elif self.tail is d:
            self.tail = d.prev or self.head

    # -- output --------------------------------------------------------

    def _write(self) -> None:
        out = self.out
        for tok in self.tokens:
            kind = tok[0]
            if kind == 0:
                out.copy_to(tok[1])
            elif kind == 1:
                out.drop_to(tok[1])
            elif kind == 2:
                v0 = out.vpos
                out.replace_to(tok[1], tok[2])
                if tok[3]:
                    out.span(v0, tok[3])
                if tok[4]:
                    out.links.append((v0, out.vpos, tok[4]))
            elif kind == 3:
                tok[1][1] = out.vpos
            elif kind == 4:
                self._close(tok[1])
            elif kind == 5:
                self._write_delim(tok[1], tok[2])
            else:
                bracket = tok[2]
                if bracket.key is None:
                    out.copy_to(tok[1])
                else:
                    out.drop_to(tok[1])
                    bracket.key[1] = out.vpos

    def _close(self, key: list) -> None:
        out = self.out
        out.span(key[1], key[0])
        if key[2] and out.vpos > key[1]:
            out.links.append((key[1], out.vpos, key[2]))

    def _write_delim(self, end: int, d: _Delim) -> None:
        out = self.out
        pos = end - d.orig
        for key, used in d.closes:
            self._close(key)
            pos += used
            out.drop_to(pos)
        pos += d.rem
        out.copy_to(pos)
        for key, used in reversed(d.opens):
            pos += used
            out.drop_to(pos)
            key[1] = out.vpos
