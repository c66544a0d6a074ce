"""The word list: a word the reader looked up, kept with its sentence and where it was read.

An entry holds everything an export needs (both scripts, the reading, the
senses, the sentence in the script the user read it in), so the list can be
exported without the dictionary, and the place (document id and source
offsets of the word) so the list can jump back to it. The store keeps
entries as :meth:`VocabEntry.to_dict` dictionaries and reads them back with
:meth:`VocabEntry.from_dict`, which refuses anything malformed.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from typing import Any, TypeGuard

from kbtui.lookup.model import LookupResult
from kbtui.scripts.hanzi import fold

_TEXT_FIELDS = ("simplified", "traditional", "pinyin", "numbered", "zhuyin", "sentence")
_PLACE_FIELDS = ("doc_id", "title")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True, slots=True)
class VocabEntry:
    """One word of the word list."""

    simplified: str
    traditional: str
    pinyin: str
    """Tone marks, in context: ``ān quán``."""
    numbered: str
    """Tone numbers: ``an1 quan2``."""
    zhuyin: str
    definitions: tuple[str, ...]
    sentence: str
    """The sentence the word was read in, in the script the reader showed."""
    doc_id: str
    title: str
    """The document's title when the word was added (for exports; the id is what links)."""
    start: int
    end: int
    """Source offsets of the word in the document."""
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    added: str = field(default_factory=_now)
    """ISO 8601, UTC."""

    @classmethod
    def from_result(
        cls,
        result: LookupResult,
        *,
        sentence: str,
        doc_id: str,
        title: str,
        start: int,
        end: int,
    ) -> VocabEntry:
        """A new entry for ``result``, read in ``sentence`` at source offsets ``start:end``."""
        return cls(
            simplified=result.simplified,
            traditional=result.traditional,
            pinyin=result.pinyin,
            numbered=result.numbered,
            zhuyin=result.zhuyin,
            definitions=result.definitions,
            sentence=sentence,
            doc_id=doc_id,
            title=title,
            start=start,
            end=end,
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary (definitions as a list)."""
        data = asdict(self)
        data["definitions"] = list(self.definitions)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> VocabEntry:
        """The entry ``data`` describes; ValueError naming the first thing wrong with it.

        Keys it does not know are ignored, so a newer kbtui's extra fields do
        not stop an older one reading the list.
        """
        for name in (*_TEXT_FIELDS, *_PLACE_FIELDS, "id", "added"):
            if not isinstance(data.get(name), str):
                raise ValueError(f"vocabulary entry: {name!r} must be text")
        definitions = data.get("definitions")
        if not isinstance(definitions, list) or not all(isinstance(d, str) for d in definitions):
            raise ValueError("vocabulary entry: 'definitions' must be a list of text")
        start, end = data.get("start"), data.get("end")
        if not _is_offset(start) or not _is_offset(end) or start > end:
            raise ValueError("vocabulary entry: 'start' and 'end' must be offsets, start <= end")
        if not data["simplified"] and not data["traditional"]:
            raise ValueError("vocabulary entry: no word")
        known = {f.name for f in fields(cls)}
        values = {name: value for name, value in data.items() if name in known}
        return cls(**{**values, "definitions": tuple(definitions)})

    def matches(self, query: str) -> bool:
        """Whether ``query`` is in the word, its reading, senses, sentence or title.

        Script-blind (软件 finds 軟件) and case-blind; pinyin without tones
        finds the numbered reading (``anquan`` finds ``an1 quan2``).
        """
        needle = fold(query.strip()).lower()
        if not needle:
            return True
        toneless = "".join(ch for ch in self.numbered.lower() if not ch.isdigit() and ch != " ")
        haystack = "\n".join(
            (
                self.simplified,
                self.traditional,
                self.pinyin,
                self.numbered,
                self.zhuyin,
                *self.definitions,
                self.sentence,
                self.title,
            )
        )
        return needle.replace(" ", "") in toneless or needle in fold(haystack).lower()


def _is_offset(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def filter_entries(entries: Iterable[VocabEntry], query: str) -> list[VocabEntry]:
    """The entries :meth:`VocabEntry.matches` ``query``, in their order."""
    return [entry for entry in entries if entry.matches(query)]
