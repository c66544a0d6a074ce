"""The records the store keeps besides annotations, and reading stored annotations.

A record in the database may come from an older kbtui, another program or a
hand edit, so each reader here says what it does with an odd one: document
state and entity records tolerate missing or odd fields (they are the
user's preferences, and a default is harmless), while an annotation record
that :class:`~kbtui.annotations.model.Annotation` cannot take is refused
with a :class:`~kbtui.annotations.errors.DatabaseError` naming the file,
never half-read. Apart from the store so that the migrations read records
by the same rules.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kbtui.annotations.errors import unreadable
from kbtui.annotations.model import Annotation


@dataclass(frozen=True, slots=True)
class DocState:
    """What kbtui remembers about one document."""

    tags: tuple[str, ...] = ()
    position: int = 0
    """Reading position, a source offset."""
    script: str | None = None
    """The script variant last chosen (``None``: the user's default)."""
    locale: str | None = None
    """The source locale the user set (``zh-TW``...; ``None``: frontmatter or detection)."""
    last_opened: str | None = None
    """ISO 8601 time the document was last opened."""
    lines: bool = False
    """Show a transcript's original lines rather than paragraphs (the reader's ``w``)."""

    def to_record(self) -> dict[str, object]:
        """The stored form."""
        return {
            "tags": list(self.tags),
            "position": self.position,
            "script": self.script,
            "locale": self.locale,
            "last_opened": self.last_opened,
            "lines": self.lines,
        }

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> DocState:
        """Rebuild from :meth:`to_record`, tolerating missing or odd fields."""
        position = record.get("position")
        script = record.get("script")
        locale = record.get("locale")
        opened = record.get("last_opened")
        return cls(
            tags=tuple(strings(record.get("tags"))),
            position=position if isinstance(position, int) and position >= 0 else 0,
            script=script if isinstance(script, str) else None,
            locale=locale if isinstance(locale, str) else None,
            last_opened=opened if isinstance(opened, str) else None,
            lines=record.get("lines") is True,
        )


def entity_record(record: Mapping[str, Any]) -> dict[str, object]:
    """A user entity record ``{name, kind, aliases}`` with odd fields made harmless."""
    name = record.get("name")
    kind = record.get("kind")
    return {
        "name": name if isinstance(name, str) else "",
        "kind": kind if isinstance(kind, str) else "other",
        "aliases": strings(record.get("aliases")),
    }


def annotation_of(record: Mapping[str, Any], where: Path) -> Annotation:
    """The annotation a stored record holds.

    Raises :class:`~kbtui.annotations.errors.DatabaseError` naming ``where``
    if the record is malformed.
    """
    try:
        return Annotation.from_record(record)
    except (TypeError, ValueError, KeyError) as exc:
        what = record.get("id", "?")
        raise unreadable(where, f"has a malformed annotation {what!r} ({exc})") from exc


def strings(value: object) -> list[str]:
    """The strings of a stored list (anything else is ignored)."""
    return [v for v in value if isinstance(v, str)] if isinstance(value, list | tuple) else []


def clean_tags(tags: Iterable[str]) -> list[str]:
    """Tags trimmed, with blanks and repeats dropped, in their order."""
    return list(dict.fromkeys(t.strip() for t in tags if t.strip()))
