"""The document model: a source text, its metadata, and the entry a scan lists.

The *source text* of a document is the file's bytes decoded (see
:mod:`kbtui.documents.decoding`) with line endings normalised to ``\\n`` and a byte-order
mark removed. Every offset kbtui stores (annotations, mentions, reading
positions) is an index into this string, counted in Python characters (code
points). Nothing else (frontmatter stripping, rendering, script conversion)
changes it; those produce views with offset maps back to it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from kbtui.scripts.hanzi import Script


@dataclass(slots=True)
class Metadata:
    """What is known about a document, from frontmatter or inferred.

    ``entities`` maps a frontmatter entity-list key (``people``,
    ``companies_orgs``, ...) to the names listed there. ``frontmatter`` keeps
    every field as parsed when the file is read (not kept in the scan's cache, of
    which it was most: the list never needs it). ``title_inferred`` says the title was
    guessed rather than declared. ``lang`` is the language tag the frontmatter
    declares (``lang`` or ``language``) as written: the document's source
    locale when it names one (:func:`kbtui.scripts.locales.parse_locale`).
    """

    title: str
    date: str | None = None
    source_url: str | None = None
    author: str | None = None
    tags: list[str] = field(default_factory=list)
    entities: dict[str, list[str]] = field(default_factory=dict)
    frontmatter: dict[str, object] = field(default_factory=dict, compare=False)
    title_inferred: bool = False
    lang: str | None = None
    full_title: str = field(default="", compare=False)
    """The inferred title before it was cut or given an ellipsis for display; empty
    when ``title`` is whole. Export file names are made from it (a name with "…"
    reads as a cut-off file); not kept in the scan's cache."""

    @property
    def whole_title(self) -> str:
        """The title uncut: :attr:`full_title`, else :attr:`title`."""
        return self.full_title or self.title


@dataclass(slots=True)
class Document:
    """One file of the corpus.

    ``id`` is the path relative to the corpus root with ``/`` separators.
    ``body_start`` is the source offset where the body begins (after any
    frontmatter). ``problems`` are human-readable reasons the document is not
    fully usable; a document with problems is still listed. ``source`` is
    empty when the file could not be read at all.
    """

    id: str
    path: Path
    source: str
    meta: Metadata
    script: Script = Script.NONE
    body_start: int = 0
    problems: list[str] = field(default_factory=list)
    encoding: str | None = None
    size: int = 0
    mtime: float = 0.0
    _hashed: tuple[str, str] | None = field(default=None, repr=False, compare=False)

    @property
    def text_hash(self) -> str:
        """A hash of the source text: annotations record it to notice edits.

        Kept with the text it hashed (a script toggle asks twice: 0.27 s at 20 MB).
        """
        if self._hashed is None or self._hashed[0] is not self.source:
            self._hashed = (self.source, source_hash(self.source))
        return self._hashed[1]

    @property
    def readable(self) -> bool:
        """Whether there is text to show."""
        return bool(self.source)


@dataclass(frozen=True, slots=True)
class Entry:
    """What the document list shows about one file, without its text.

    ``mtime`` is in seconds for display; ``size`` (bytes) and ``mtime_ns``
    tell whether the file changed since. ``chars`` is the length of the
    source text (0 when it could not be read).
    """

    id: str
    path: Path
    meta: Metadata
    script: Script = Script.NONE
    problems: tuple[str, ...] = ()
    encoding: str | None = None
    size: int = 0
    mtime: float = 0.0
    mtime_ns: int = 0
    chars: int = 0
    body_start: int = 0

    @property
    def readable(self) -> bool:
        """Whether the file gave any text."""
        return self.chars > 0


def source_hash(text: str) -> str:
    """The hash kbtui uses to tell whether a source text changed."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]
