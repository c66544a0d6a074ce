"""Inline HTML in Markdown: which tags the reader drops, and the few it shows.

Authors write HTML for what Markdown lacks. Most tags only style or group
(``<span>``, ``<div>``, ``<b>``) and are dropped, keeping their text, as any
tag CommonMark's raw-HTML grammar accepts is (``<responsive-image …>`` too),
and comments, declarations and processing instructions; the content of
``<script>`` and ``<style>`` is hidden with them; embeds
(``<img>``, ``<iframe>``...) become placeholders (:mod:`kbtui.view.placeholders`);
``<sup>``/``<sub>`` around text Unicode can raise or lower become those
characters (``m<sup>2</sup>`` → ``m²``), and ``<br>`` inside a line breaks it.
"""

from __future__ import annotations

import re

from kbtui.view.math import script_forms
from kbtui.view.placeholders import EMBED_TAGS, placeholder
from kbtui.view.sanitize import clean

_ATTRIBUTE = r"""\s+[A-Za-z_:][\w.:-]*(?:\s*=\s*(?:[^\s"'=<>`]+|'[^']*'|"[^"]*"))?"""


def tag_pattern(names: str) -> str:
    """An open or closing tag named by the regular expression ``names`` (in groups 1 and 2)."""
    return rf"<({names})(?:{_ATTRIBUTE})*\s*/?>|</({names})\s*>"


HTML_TAG = re.compile(tag_pattern("[A-Za-z][A-Za-z0-9-]*"))
"""An open or closing tag as CommonMark defines raw HTML (the name in group 1 or 2)."""

HIDDEN_CONTENT = frozenset({"script", "style"})
"""Tags whose content a browser does not show either (closed in lower case)."""

_HTML_ATTR = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")

DROPPED_TAGS = frozenset(
    re.findall(
        r"\w+",
        "a abbr article aside b big blockquote br center cite code dd del details div dl dt em "
        "figcaption figure font footer h1 h2 h3 h4 h5 h6 header hr i ins kbd li main mark nav ol p "
        "picture pre q s section small source span strike strong sub summary sup table tbody td "
        "tfoot th thead tr u ul wbr",
    )
)


_HIDDEN_BLOCKS = (
    ("<!--", "-->"),
    ("<?", "?>"),
    ("<![cdata[", "]]>"),
    ("<!", ">"),
    ("<script", "</script>"),
    ("<style", "</style>"),
)


def hidden_closer(src: str, pos: int) -> str | None:
    """What ends the hidden HTML (comment, declaration, script...) that starts at ``pos``, if any.

    Such a block may span lines; the reader shows none of it, as a browser would not.
    """
    head = src[pos : pos + 10].lower()
    for opener, closer in _HIDDEN_BLOCKS:
        if head.startswith(opener):
            after = head[len(opener) : len(opener) + 1]
            if opener == "<!" and not after.isalpha():
                return None
            if opener[1].isalpha() and after not in ("", ">", " ", "\t", "\n", "\r"):
                continue
            return closer
    return None


def tag_name(m: re.Match[str]) -> str:
    """The lower-cased name of a tag :data:`HTML_TAG` matched."""
    return (m.group(1) or m.group(2)).lower()


def embed(name: str, tag: str) -> tuple[str, str]:
    """The placeholder an embed tag ``tag`` (named ``name``) shows, and its URL."""
    attrs = {
        a.group(1).lower(): a.group(2) or a.group(3) or a.group(4) or ""
        for a in _HTML_ATTR.finditer(tag)
    }
    label = placeholder(EMBED_TAGS[name], attrs.get("alt") or attrs.get("title", ""))
    return label, clean(attrs.get("src", ""))


def line_break(src: str, start: int, end: int, tag: int, after: int) -> int | None:
    """Where the row a ``<br>`` (at ``tag``, ending at ``after``) starts begins, if it breaks one.

    ``[start, end)`` is the inline range, maybe a paragraph's lines: only
    text on the tag's own line before and after it makes a break; the next
    row starts with its text (white space after the tag goes with the tag).
    """
    line_start = src.rfind("\n", start, tag) + 1 or start
    line_end = src.find("\n", after, end)
    line_end = end if line_end < 0 else line_end
    rest = src[after:line_end].lstrip(" \t")
    if src[line_start:tag].strip() and rest and not rest.lower().startswith("<br"):
        return line_end - len(rest)
    return None


def scripted(src: str, name: str, after: int, end: int) -> tuple[int, str] | None:
    """Where a ``<sup>``/``<sub>`` opened before ``after`` closes, and its text raised or lowered.

    None when it does not close before ``end`` or Unicode lacks a form.
    """
    close = src[after:end].lower().find(f"</{name}>")
    forms = script_forms("<super>" if name == "sup" else "<sub>")
    inner = src[after : after + close]
    if close < 0 or not inner or any(c not in forms for c in inner):
        return None
    return after + close + len(name) + 3, "".join(forms[c] for c in inner)
