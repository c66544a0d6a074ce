"""The annotation model: what a highlight, note or bookmark is and how it is stored.

An annotation is anchored in *source* offsets (see :mod:`kbtui.documents.model`),
whatever view it was made in, together with the W3C Web Annotation selectors
that let it be found again when the document changes: a TextQuoteSelector
(``quote`` with ``prefix`` and ``suffix``) and a TextPositionSelector
(``start``, ``end``).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, TypeVar, cast

CONTEXT_CHARS = 32
"""How many characters of prefix and suffix are kept around a quote."""


class Colour(StrEnum):
    """The five highlight colours (Zotero's and Readwise's set), in cycle order."""

    YELLOW = "yellow"
    GREEN = "green"
    BLUE = "blue"
    RED = "red"
    PURPLE = "purple"

    def next(self) -> Colour:
        """The colour after this one, wrapping around."""
        members = list(Colour)
        return members[(members.index(self) + 1) % len(members)]


class Kind(StrEnum):
    """How an annotation is drawn and what it is for."""

    HIGHLIGHT = "highlight"
    UNDERLINE = "underline"
    BOOKMARK = "bookmark"


class AnchorState(StrEnum):
    """Where an annotation stands relative to the current document text."""

    EXACT = "exact"
    """The document is unchanged, or the quote is still at its offsets."""
    MOVED = "moved"
    """Re-anchored to a new place (quote or fuzzy match)."""
    ORPHAN = "orphan"
    """Could not be placed confidently: shown apart, never dropped."""


def now_iso() -> str:
    """The current UTC time as ISO 8601 with seconds."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


@dataclass(slots=True)
class Annotation:
    """One highlight, underline or bookmark with its note and tags.

    ``text_hash`` is :func:`kbtui.documents.model.source_hash` of the source it was
    made on. ``anchor`` and ``score`` record the last re-anchoring.
    """

    doc_id: str
    start: int
    end: int
    quote: str
    prefix: str = ""
    suffix: str = ""
    colour: Colour = Colour.YELLOW
    kind: Kind = Kind.HIGHLIGHT
    note: str = ""
    tags: list[str] = field(default_factory=list)
    text_hash: str = ""
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    created: str = field(default_factory=now_iso)
    updated: str = field(default_factory=now_iso)
    anchor: AnchorState = AnchorState.EXACT
    score: float | None = None
    handed_out: tuple[Any, ...] | None = field(default=None, init=False, repr=False, compare=False)
    """This copy's fields as a store handed it out (:mod:`kbtui.annotations.versions`): what
    its changes are measured against, even when another version was stamped in the same
    second. Never stored; ``replace()`` makes a copy without it."""

    @property
    def placed(self) -> bool:
        """Whether the annotation stands in the current text (is not an orphan)."""
        return self.anchor != AnchorState.ORPHAN

    @classmethod
    def from_source(cls, doc_id: str, source: str, start: int, end: int, **kw: Any) -> Annotation:
        """Make an annotation of ``source[start:end]`` with its quote context.

        ``kw`` are other fields (``kind``, ``note``, ``id``...), by name.
        """
        return cls(
            doc_id=doc_id,
            start=start,
            end=end,
            quote=source[start:end],
            prefix=source[max(0, start - CONTEXT_CHARS) : start],
            suffix=source[end : end + CONTEXT_CHARS],
            **kw,
        )

    def to_record(self) -> dict[str, object]:
        """A JSON-ready dict for storage."""
        record = {name: getattr(self, name) for name in _FIELD_NAMES}
        record["tags"] = list(self.tags)  # asdict's deep copy took 16 s for 146,000
        record["colour"] = str(self.colour)
        record["kind"] = str(self.kind)
        record["anchor"] = str(self.anchor)
        return record

    @classmethod
    def from_record(cls, record: Mapping[str, object]) -> Annotation:
        """Rebuild from :meth:`to_record` output, ignoring unknown keys.

        A field missing without a default, or of the wrong type, raises
        :class:`TypeError` or :class:`ValueError` naming it: a record from a
        damaged or hand-edited database is refused, never half-read.
        """
        fast = _as_written(record)
        if fast is not None:
            return cls(*fast)
        data: dict[str, Any] = (
            dict(record)  # what kbtui wrote: a copy is quicker than a filter
            if _KNOWN.issuperset(record)
            else {k: v for k, v in record.items() if k in _KNOWN}
        )
        _check_record(data)  # from here on each field has a type the dataclass takes
        data["colour"] = _member(Colour, data.get("colour", Colour.YELLOW))
        data["kind"] = _member(Kind, data.get("kind", Kind.HIGHLIGHT))
        data["anchor"] = _member(AnchorState, data.get("anchor", AnchorState.EXACT))
        data["tags"] = list(data.get("tags") or [])
        return cls(**data)


_MEMBERS: dict[type[StrEnum], dict[str, StrEnum]] = {
    enum: {member.value: member for member in enum} for enum in (Colour, Kind, AnchorState)
}

_E = TypeVar("_E", bound=StrEnum)


def _member(enum: type[_E], value: Any) -> _E:
    """``enum(value)``, by a dict for text (calling an enum cost a third of reading a
    document's 146,000 records); anything else as the enum takes it (or refuses it)."""
    found = _MEMBERS[enum].get(value) if isinstance(value, str) else None
    return cast(_E, found) if found is not None else enum(value)


_FIELD_NAMES = tuple(f.name for f in fields(Annotation) if f.init)  # what a record holds
"""The record's keys, in the dataclass's order (worked out once, not per record)."""
_KNOWN = frozenset(_FIELD_NAMES)

_WRITTEN = frozenset(
    (str, int, int, str, str, str, str, str, str, list, str, str, str, str, str, score)
    for score in (type(None), float, int)
)
"""The types of a record's fields, in :data:`_FIELD_NAMES` order, as :meth:`to_record` writes
them (``score`` may be missing, a float or a whole number)."""
_COLOUR, _KIND, _ANCHOR = (_MEMBERS[enum] for enum in (Colour, Kind, AnchorState))
_CHOICES = tuple(_FIELD_NAMES.index(name) for name in ("colour", "kind", "anchor"))


def _as_written(record: Mapping[str, object]) -> list[Any] | None:
    """The fields of a record as :meth:`Annotation.to_record` writes it, in order, checked
    as :func:`_check_record` would; ``None`` for any other record (checked field by field).

    The check by field took half of reading a document's 146,000 records: here one look
    at the record's types takes all of them (a bool is no int: ``type(True) is bool``)."""
    values: list[Any] = list(map(record.get, _FIELD_NAMES))
    if tuple(map(type, values)) not in _WRITTEN:
        return None
    start, end, tags = values[1], values[2], values[9]
    if not 0 <= start <= end or not all(type(tag) is str for tag in tags):
        return None
    c, k, a = _CHOICES
    members = _COLOUR.get(values[c]), _KIND.get(values[k]), _ANCHOR.get(values[a])
    if None in members:
        return None
    values[c], values[k], values[a] = members
    values[9] = list(tags)
    return values


_TEXT_FIELDS = (
    "doc_id",
    "quote",
    "prefix",
    "suffix",
    "note",
    "text_hash",
    "id",
    "created",
    "updated",
)


def _check_record(data: dict[str, object]) -> None:
    """Raise when a stored field has a type :class:`Annotation` cannot work with."""
    for name in _TEXT_FIELDS:
        if name in data and not isinstance(data[name], str):
            raise TypeError(f"{name} is not text: {data[name]!r:.40}")
    for name in ("start", "end"):
        value = data.get(name, 0)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise TypeError(f"{name} is not a whole number >= 0: {value!r:.40}")
    start, end = data.get("start"), data.get("end")
    if isinstance(start, int) and isinstance(end, int) and start > end:
        raise ValueError(f"start {start} is after end {end}")
    tags = data.get("tags") or []
    if not isinstance(tags, list | tuple) or not all(isinstance(t, str) for t in tags):
        raise TypeError(f"tags is not a list of text: {tags!r:.40}")
    score = data.get("score")
    if score is not None and (not isinstance(score, int | float) or isinstance(score, bool)):
        raise TypeError(f"score is not a number: {score!r:.40}")
