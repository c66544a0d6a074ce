"""Footnotes: ``[^1]`` references become superscript markers, ``[^1]:`` notes keep their place.

A reference is shown as a superscript number (``¹``), the note it points to
begins with the same number; both are listed in the view's
``extra["footnotes"]`` so the reader can jump from a marker to its note and
back. Notes stay where the author wrote them (usually at the end of the
text): moving them would break the source order the offset map relies on.
Numbers follow the order in which labels are first met, so ``[^note]`` and
``[^1]`` read alike.
"""

from __future__ import annotations

import re

from kbtui.view.math import script_forms
from kbtui.view.textview import Span
from kbtui.view.writer import ViewWriter

REFERENCE = re.compile(r"\[\^([^\]\s\[]{1,64})\]")
DEFINITION = re.compile(r"\[\^([^\]\s\[]{1,64})\]:[ \t]*")


def write_marker(out: ViewWriter, end: int, label: str, *, note: bool) -> None:
    """Show the source up to ``end`` (a reference or a note's ``[^label]:``) as its marker."""
    number = out.notes_seen.setdefault(label, len(out.notes_seen) + 1)
    forms = script_forms("<super>")
    text = "".join(forms[c] for c in str(number)) + (" " if note else "")
    v0 = out.vpos
    out.replace_to(end, text)
    v1 = v0 + len(text.rstrip())
    out.spans.append(Span(v0, v1, "footnote"))
    out.footnotes.append((v0, v1, label, note))


Marker = tuple[int, int, str, bool]
"""``(view start, view end, label, is the note)``, as listed in ``extra["footnotes"]``."""


def jump(markers: tuple[Marker, ...], offset: int, came_from: int | None) -> int | None:
    """Where the footnote key goes from view ``offset``, or None when it is on no marker.

    From a reference, to its note; from a note, back to ``came_from`` when
    that is one of its references, else to its first reference.
    """
    here = next((m for m in markers if m[0] <= offset < m[1]), None)
    if here is None:
        return None
    _, _, label, is_note = here
    if not is_note:
        return next((m[0] for m in markers if m[2] == label and m[3]), None)
    refs = [m[0] for m in markers if m[2] == label and not m[3]]
    if came_from in refs:
        return came_from
    return refs[0] if refs else None
