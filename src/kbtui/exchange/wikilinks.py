"""Wiki links to entity pages inside exported Markdown: ``[[Dario Amodei|达里奥]]``.

``kbtui export --by entity --wikilinks`` links every name the matcher finds
in a quote or a note to the page of its entity, so a notes tool's graph
joins the highlights to the people and companies they name. A link is put
into text that is already Markdown (escaped by :mod:`kbtui.exchange.mdsafe`),
so it must never land where Markdown would not read it as a link, or where
it would change what the text means:

* never inside code (a fenced block, an indented block's line, a code
  span), an existing link (``[[...]]``, ``[text](url)``, ``<url>``), a bare
  URL, an HTML tag or math;
* never around text a link cannot hold (``[ ] | # ^`` or a line break: the
  link would end early), nor after a backslash that escaping put there or
  the ``#`` of a tag;
* the target is the page's file name without ``.md`` (what both notes
  tools resolve); the text as written is kept when it differs, in the
  form the chosen tool reads (:class:`LinkStyle`): Obsidian's
  ``[[page|text]]``, Logseq's ``[text]([[page]])`` (Logseq takes
  ``[[page|text]]`` for a link to a page called "page|text").
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import StrEnum

from kbtui.entities.matcher import Matcher

_PROTECTED = re.compile(
    r"""
      ^[ ]{0,3}(?P<fence>`{3,}|~{3,}).*?(?:\n[ ]{0,3}(?P=fence)[^\n]*(?:\n|$)|\Z)  # fenced code
    | ^(?:>[ ]?)*(?:[ ]{4}|\t)[^\n]*                # an indented code line
    | (?P<ticks>`+).+?(?P=ticks)                    # a code span
    | \[\[[^\]\n]*\]\]                              # a wiki link
    | !?\[[^\]\n]*\]\([^)\n]*\)                     # a link or image
    | <[^>\n]*>                                     # an autolink or HTML tag
    | \b(?:https?|ftp|file|mailto):[^\s<>]+         # a bare URL
    | \$\$.*?\$\$ | \$[^$\n]+\$                     # math
    """,
    re.VERBOSE | re.MULTILINE | re.DOTALL,
)


class LinkStyle(StrEnum):
    """The notes tool whose links an export writes (``--wikilinks STYLE``)."""

    OBSIDIAN = "obsidian"
    LOGSEQ = "logseq"


_UNLINKABLE = re.compile(r"[\[\]|#^\\\n]")


def protected_spans(text: str) -> list[tuple[int, int]]:
    """Where in ``text`` (Markdown) no link may go, as ``(start, end)`` in order."""
    return [m.span() for m in _PROTECTED.finditer(text)]


class WikiLinker:
    """Links the names of ``matcher`` in a Markdown text to the pages of ``pages``.

    ``pages`` maps an entity id to its page's name without ``.md``; names of
    an entity without a page (an ambiguous name, say) stay text.
    """

    def __init__(
        self, matcher: Matcher, pages: Mapping[str, str], style: LinkStyle = LinkStyle.OBSIDIAN
    ) -> None:
        self.matcher = matcher
        self.pages = dict(pages)
        self.style = style

    def __call__(self, text: str) -> str:
        """``text`` with its entity names linked."""
        if not text or not self.pages:
            return text
        spans = protected_spans(text)
        out, at = [], 0
        for start, end, key in self.matcher.find(text):
            page = self.pages.get(self.matcher.entity_ids[key])
            written = text[start:end]
            if page is None or _UNLINKABLE.search(written) or _inside(spans, start, end):
                continue
            if start and text[start - 1] in "\\#":  # an escape, or a #tag
                continue
            out += [text[at:start], link(page, written, self.style)]
            at = end
        out.append(text[at:])
        return "".join(out)


def link(page: str, written: str, style: LinkStyle = LinkStyle.OBSIDIAN) -> str:
    """``[[page]]``, or a link to ``page`` that reads ``written`` when the text names
    it otherwise (in ``style``'s form)."""
    if written == page:
        return f"[[{page}]]"
    if style is LinkStyle.LOGSEQ:
        return f"[{written}]([[{page}]])"
    return f"[[{page}|{written}]]"


def _inside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in spans)
