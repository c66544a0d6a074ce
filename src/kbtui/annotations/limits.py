"""How much a note and its tags may hold, checked before anything is stored.

Every annotation is kept in memory by every kbtui process and written whole
into the main file at each rewrite, so one pasted or imported 2 GB "note"
would make every later start slow or impossible. The limits are far above
anything typed (a 1 MiB note is a short book) and say so when they bite.
"""

from __future__ import annotations

from collections.abc import Sequence

from kbtui.annotations.model import Annotation

NOTE_MAX_BYTES = 1024 * 1024
"""The largest note (UTF-8 bytes)."""
TAG_MAX_BYTES = 1024
"""The longest tag (UTF-8 bytes)."""
TAGS_MAX = 1000
"""The most tags an annotation or a document may have."""


def check_tags(tags: Sequence[str]) -> None:
    """``ValueError`` saying which limit ``tags`` exceed, if any."""
    if len(tags) > TAGS_MAX:
        raise ValueError(f"{len(tags)} tags are more than the {TAGS_MAX} kbtui keeps")
    for tag in tags:
        size = len(tag.encode("utf-8", "surrogatepass"))
        if size > TAG_MAX_BYTES:
            raise ValueError(f"a tag of {size} bytes is longer than the {TAG_MAX_BYTES} allowed")


def check_annotation(annotation: Annotation) -> None:
    """``ValueError`` if the annotation's note or tags are over the limits."""
    size = len(annotation.note.encode("utf-8", "surrogatepass"))
    if size > NOTE_MAX_BYTES:
        raise ValueError(f"the note is {_mib(size)}; a note holds at most {_mib(NOTE_MAX_BYTES)}")
    check_tags(annotation.tags)


def _mib(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MiB"
