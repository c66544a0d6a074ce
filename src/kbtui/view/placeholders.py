"""Short placeholders for what a terminal cannot show: images, videos, Hugo shortcodes.

The reader shows ``[image: 标题]`` for ``![标题](a.png)``, ``[video: youtube
ID]`` for ``{{< youtube ID >}}`` or an ``<iframe>``, so the reader knows
something was there and what. The Markdown renderer decides where a
placeholder goes; this module decides what it says. Apart from the inline
pass because the wording is a product decision of its own, shared by inline
content and by shortcodes that span several lines.
"""

from __future__ import annotations

import re

PLACEHOLDER_DETAIL = 40
"""Longest alt text, caption or id shown inside a placeholder."""

EMBED_TAGS = {"img": "image", "iframe": "video", "video": "video", "audio": "audio"}
"""HTML elements shown as a placeholder, and the kind each one is shown as."""

_SHORTCODE_ARG = re.compile(r"""([\w-]+)=(?:"([^"]*)"|'([^']*)'|(\S+))|"([^"]*)"|'([^']*)'|(\S+)""")


def _shorten(text: str) -> str:
    """One line of at most :data:`PLACEHOLDER_DETAIL` characters."""
    text = " ".join(text.split())
    if len(text) > PLACEHOLDER_DETAIL:
        return text[: PLACEHOLDER_DETAIL - 1] + "…"
    return text


def placeholder(kind: str, detail: str = "") -> str:
    """``[kind: detail]``, or ``[kind]`` when there is no detail to show."""
    detail = _shorten(detail)
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
