"""Inline HTML in Markdown: which tags the reader drops, and the few it shows.

Authors write HTML for what Markdown lacks. Most tags only style or group
(``<span>``, ``<div>``, ``<b>``) and are dropped, keeping their text; embeds
(``<img>``, ``<iframe>``...) become placeholders (:mod:`kbtui.view.placeholders`);
``<sup>``/``<sub>`` around text Unicode can raise or lower become those
characters (``m<sup>2</sup>`` → ``m²``), and ``<br>`` inside a line breaks it.
"""

from __future__ import annotations

import re

from kbtui.view.math import script_forms
from kbtui.view.placeholders import EMBED_TAGS, placeholder
from kbtui.view.sanitize import clean

HTML_TAG = re.compile(r"</?([A-Za-z][A-Za-z0-9]*)(?:\s[^<>]*)?/?>")
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


def embed(name: str, tag: str) -> tuple[str, str]:
    """The placeholder an embed tag ``tag`` (named ``name``) shows, and its URL."""
    attrs = {
        a.group(1).lower(): a.group(2) or a.group(3) or a.group(4) or ""
        for a in _HTML_ATTR.finditer(tag)
    }
    label = placeholder(EMBED_TAGS[name], attrs.get("alt") or attrs.get("title", ""))
    return label, clean(attrs.get("src", ""))


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
