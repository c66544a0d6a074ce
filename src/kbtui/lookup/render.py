"""A look-up result as plain text lines (``kbtui lookup``, the panel's copy) or as JSON.

The word and the entity name come from documents and the registry, so every
line passes :func:`kbtui.view.sanitize.printable` without line breaks:
nothing a terminal would obey gets through, and no line holds a line break.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kbtui.view.sanitize import printable

if TYPE_CHECKING:
    from kbtui.lookup.model import DictEntry, LookupResult


def headword(result: LookupResult) -> str:
    """``安全``, or ``软件 軟件`` when the scripts differ."""
    if result.traditional == result.simplified:
        return result.simplified
    return f"{result.simplified} {result.traditional}"


def reading_line(pinyin: str, zhuyin: str, *, with_zhuyin: bool) -> str:
    """``ān quán`` with, when asked, its zhuyin after two spaces."""
    return f"{pinyin}  {zhuyin}" if with_zhuyin else pinyin


def result_lines(result: LookupResult, *, zhuyin: bool = True) -> list[str]:
    """The result as ``kbtui lookup`` prints it.

    Headwords, the reading in context, the entity if any, then each entry's
    senses. An entry gets a line of its own reading (and headwords, where
    they differ from the first entry's) when there is more than one entry or
    its reading differs from the reading in context.
    """
    lines = [headword(result), reading_line(result.pinyin, result.zhuyin, with_zhuyin=zhuyin)]
    if result.entity:
        lines.append(f"entity: {result.entity}")
    for entry in result.entries:
        if len(result.entries) > 1 or entry.syllables != result.syllables:
            lines.append(_entry_heading(entry, result, zhuyin=zhuyin))
        lines.extend(f"  {sense}" for sense in entry.definitions)
    return [printable(line, keep_newlines=False) for line in lines]


def _entry_heading(entry: DictEntry, result: LookupResult, *, zhuyin: bool) -> str:
    reading = reading_line(entry.pinyin, entry.zhuyin, with_zhuyin=zhuyin)
    same = (entry.simplified, entry.traditional) == (result.simplified, result.traditional)
    if same:
        return f"[{reading}]"
    word = entry.simplified
    if entry.traditional != entry.simplified:
        word = f"{word} {entry.traditional}"
    return f"{word} [{reading}]"


def result_json(result: LookupResult) -> dict[str, Any]:
    """The result as ``kbtui lookup --json`` prints it (readings in all three forms)."""
    return {
        "text": result.text,
        "start": result.start,
        "end": result.end,
        "simplified": result.simplified,
        "traditional": result.traditional,
        "pinyin": result.pinyin,
        "numbered": result.numbered,
        "zhuyin": result.zhuyin,
        "tones": list(result.tones),
        "entity": result.entity,
        "entries": [_entry_json(entry) for entry in result.entries],
    }


def _entry_json(entry: DictEntry) -> dict[str, Any]:
    return {
        "simplified": entry.simplified,
        "traditional": entry.traditional,
        "pinyin": entry.pinyin,
        "numbered": entry.numbered,
        "zhuyin": entry.zhuyin,
        "definitions": list(entry.definitions),
    }
