"""Making text safe to place in exported Markdown.

Exported Markdown holds text kbtui did not write: document titles, quotes
from the source, the user's notes, tags. Any of it may start a line with
Markdown that would change the structure around it (``# heading`` adds a
section to the outline, ``---`` is a rule or turns the line above into a
heading, an unclosed ```` ``` ```` swallows the rest of the file) or hold
control characters that a terminal would obey when the export goes to
standard output. These functions escape exactly that and leave the rest of
the Markdown (emphasis, links, lists, ``#tags`` inside a note) as written.
"""

from __future__ import annotations

import json
import re

from kbtui.view.sanitize import printable

_STRUCTURAL = re.compile(
    r"""^(?P<lead>
        [ \t]*                                # any indent: inside a list item a deeper
                                              # line is still a block (``*`` then ``    #``)
        (?:(?:[-*+]|[0-9]{1,9}[.)])[ \t]+)*   # list item markers
    )(?=
        \#{1,6}(?:[ \t]|$)              # ATX heading
      | >                               # block quote
      | [`~]{3}                         # code fence
      | [-=]+[ \t]*$                    # setext underline
      | ([-*_])(?:[ \t]*\2){2,}[ \t]*$  # thematic break
      | <[A-Za-z/!?]                    # HTML block
      | %%                              # Obsidian comment block
      | \$\$                            # math block
      | \[[^\]\n]+\]:                   # link reference or footnote definition
      | \[!                             # Obsidian callout (first line of a quote)
    )""",
    re.VERBOSE | re.MULTILINE,
)

_TRAILING_HASHES = re.compile(r"(^|[ \t])(#+)[ \t]*$")

_TAG_JUNK = re.compile(r"[^\w/-]+")

_YAML_UNSAFE = re.compile(r"[\x7f-\x9f\u2028\u2029\ufeff]")


def visible_controls(text: str) -> str:
    """Line breaks normalised to ``\n``, then :func:`kbtui.view.sanitize.printable`.

    Why: Markdown printed to a terminal must never carry an escape sequence
    the terminal would obey, and the reader should still see that something
    was there (ESC shows as ``␛``).
    """
    return printable(text.replace("\r\n", "\n").replace("\r", "\n"))


def escape_block(text: str) -> str:
    """Escape every line of ``text`` that would start a Markdown block.

    The first character of such a line after its indent and any list
    markers gets a backslash, so ``# heading`` (or ``- # heading``) prints
    as text instead of becoming a heading. An indent with a tab counts as
    short, since how wide a tab is depends on the block quote or list around
    the line. Lists, emphasis, links and indented code stay Markdown: none
    of them can reach past the note.
    A ``#tag`` (no space after ``#``) is not a heading and is kept, so a
    note's tags still work in Obsidian.
    """
    return _STRUCTURAL.sub(r"\g<lead>\\", visible_controls(text))


def escape_inline(text: str) -> str:
    """Text for one line: line breaks become spaces, then as :func:`escape_block`.

    A closing run of ``#`` is escaped too, since in a heading line
    (``# {{ title }}``) Markdown would drop it.
    """
    line = " ".join(visible_controls(text).split("\n"))
    return _TRAILING_HASHES.sub(r"\1\\\2", escape_block(line.strip()))


def blockquote(text: str) -> str:
    """``text`` (already escaped) as a Markdown block quote, line by line."""
    return "\n".join(f"> {line}" if line else ">" for line in text.split("\n"))


def hashtag(tag: str) -> str:
    """A tag as an Obsidian/Logseq ``#tag``, or ``""`` when nothing is left.

    Runs of characters a tag cannot hold (spaces, punctuation other than
    ``-``, ``_`` and the nesting ``/``) become ``-``; an all-digit tag gets a
    leading ``_`` because Obsidian does not treat ``#1984`` as a tag.
    """
    name = _TAG_JUNK.sub("-", visible_controls(tag)).strip("-/")
    name = re.sub(r"/{2,}", "/", name)
    if not name:
        return ""
    return f"#_{name}" if name.isdigit() else f"#{name}"


def code_span(text: str) -> str:
    """``text`` as an inline code span, whatever backticks it contains."""
    text = " ".join(visible_controls(text).split("\n"))
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def yaml_scalar(value: object) -> str:
    """``value`` as a YAML scalar: numbers and booleans plain, text double-quoted.

    JSON string syntax is valid YAML; the characters YAML parsers treat as
    line breaks or refuse outright (C1 controls, U+2028, BOM) are escaped as
    ``\\uXXXX`` on top of what JSON escapes.
    """
    if value is None:
        return "null"
    if isinstance(value, bool | int | float):
        return json.dumps(value)
    quoted = json.dumps(str(value), ensure_ascii=False)
    return _YAML_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", quoted)
