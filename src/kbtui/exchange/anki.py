"""The word list exported: an Anki deck (``.apkg``), a CSV Anki imports, or Markdown.

Each is a pure function of the entries (the ``.apkg`` writer only adds the
file), so the CLI and the UI share them and tests read their output. Every
format carries both scripts, the reading with tone marks (and numbers and
zhuyin), the senses, the sentence and the document's title.

The senses are CC-CEDICT's, licensed CC BY-SA 4.0: the deck's description and
the Markdown say so, as the licence asks.
"""

from __future__ import annotations

import csv
import html
import io
import itertools
import sqlite3
import tempfile
import time
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from kbtui.atomic import atomic_write_bytes
from kbtui.exchange.mdsafe import blockquote, escape_inline
from kbtui.lookup.cedict import LICENCE
from kbtui.lookup.vocab import VocabEntry

CSV_COLUMNS = (
    "Simplified",
    "Traditional",
    "Pinyin",
    "Numbered",
    "Zhuyin",
    "Definitions",
    "Sentence",
    "Source",
)
"""The CSV's columns, and the Anki note type's fields, in this order."""

MODEL_ID = 1_607_392_319
"""The note type's id: fixed, so a deck imported again updates its notes' type."""

DECK_ID = 2_059_400_110
"""The deck's id: fixed, so every export lands in the same Anki deck."""

TONE_CSS = """
.card { font-family: sans-serif; font-size: 22px; text-align: center; }
.word { font-size: 44px; }
.tone1 { color: #e53935; } .tone2 { color: #fb8c00; } .tone3 { color: #43a047; }
.tone4 { color: #1e88e5; } .tone5 { color: #757575; }
.sentence { font-size: 20px; color: #555; }
"""
"""Tone colours as Zhongwen's: first red, second orange, third green, fourth blue."""

_FRONT = (
    '<div class="word">{{Simplified}} {{Traditional}}</div><div class="sentence">{{Sentence}}</div>'
)
_BACK = (
    "{{FrontSide}}<hr id=answer><div>{{Pinyin}}</div><div>{{Zhuyin}}</div>"
    '<div>{{Definitions}}</div><div class="sentence">{{Source}}</div>'
)


def _senses(entry: VocabEntry) -> str:
    return "; ".join(entry.definitions)


def _traditional_if_other(entry: VocabEntry) -> str:
    return entry.traditional if entry.traditional != entry.simplified else ""


def vocab_to_csv(entries: Iterable[VocabEntry]) -> str:
    """The entries as CSV with Anki's header lines (plain text, columns named).

    Anki 2.1.55 and later read the ``#separator``, ``#html`` and ``#columns``
    lines; other programs see them as three odd first rows.
    """
    buffer = io.StringIO()
    buffer.write("#separator:comma\n#html:false\n")
    buffer.write("#columns:" + ",".join(CSV_COLUMNS) + "\n")
    writer = csv.writer(buffer, lineterminator="\n")
    for entry in entries:
        writer.writerow(
            [
                entry.simplified,
                entry.traditional,
                entry.pinyin,
                entry.numbered,
                entry.zhuyin,
                _senses(entry),
                entry.sentence,
                entry.title,
            ]
        )
    return buffer.getvalue()


def vocab_to_markdown(entries: Iterable[VocabEntry]) -> str:
    """The entries as a Markdown list, each with its sentence quoted under it."""
    lines = ["# Word list", ""]
    for entry in entries:
        word = " ".join(filter(None, (entry.simplified, _traditional_if_other(entry))))
        reading = f"{entry.pinyin} ({entry.zhuyin})" if entry.zhuyin else entry.pinyin
        lines.append(f"- **{escape_inline(word)}** {escape_inline(reading)}: ")
        lines[-1] += escape_inline(_senses(entry))
        if entry.sentence:
            quote = escape_inline(entry.sentence)
            if entry.title:
                quote += f" ({escape_inline(entry.title)})"
            lines.extend("  " + line for line in blockquote(quote).split("\n"))
    lines += ["", f"Definitions: {LICENCE}.", ""]
    return "\n".join(lines)


def _pinyin_html(entry: VocabEntry) -> str:
    """The marked reading, each syllable in a span of its tone's colour."""
    marked, numbered = entry.pinyin.split(), entry.numbered.split()
    if len(marked) != len(numbered):
        return html.escape(entry.pinyin)
    spans = []
    for syllable, number in zip(marked, numbered, strict=True):
        tone = number[-1] if number[-1:] in ("1", "2", "3", "4", "5") else "0"
        spans.append(f'<span class="tone{tone}">{html.escape(syllable)}</span>')
    return " ".join(spans)


def _sentence_html(entry: VocabEntry) -> str:
    """The sentence, escaped, with the word in bold wherever it stands in either script."""
    sentence = html.escape(entry.sentence)
    for word in dict.fromkeys(filter(None, (entry.simplified, entry.traditional))):
        escaped = html.escape(word)
        sentence = sentence.replace(escaped, f"<b>{escaped}</b>")
    return sentence


def _note_fields(entry: VocabEntry) -> list[str]:
    """The note's fields (Anki fields are HTML, so every one is escaped)."""
    return [
        html.escape(entry.simplified),
        html.escape(_traditional_if_other(entry)),
        _pinyin_html(entry),
        html.escape(entry.numbered),
        html.escape(entry.zhuyin),
        "<br>".join(html.escape(sense) for sense in entry.definitions),
        _sentence_html(entry),
        html.escape(entry.title),
    ]


def write_apkg(entries: Iterable[VocabEntry], path: Path, deck_name: str = "kbtui words") -> int:
    """Write the entries as an Anki package at ``path`` (atomically); return the note count.

    A note's guid is made from the word and its reading, so importing a
    newer export updates the notes instead of adding copies.
    """
    import genanki  # deferred: it brings chevron, yaml and frozendict, for exports only

    model = genanki.Model(
        MODEL_ID,
        "kbtui word",
        fields=[{"name": name} for name in CSV_COLUMNS],
        templates=[{"name": "Recognise", "qfmt": _FRONT, "afmt": _BACK}],
        css=TONE_CSS,
    )
    deck = genanki.Deck(DECK_ID, deck_name, description=html.escape(f"Definitions: {LICENCE}"))
    count = 0
    for entry in entries:
        guid = genanki.guid_for(entry.simplified, entry.traditional, entry.numbered)
        deck.add_note(genanki.Note(model=model, fields=_note_fields(entry), guid=guid))
        count += 1
    atomic_write_bytes(path, _package_bytes(genanki.Package(deck)))
    return count


def _package_bytes(package: Any) -> bytes:
    """The ``.apkg`` (a zip holding the SQLite collection) as bytes.

    ``Package.write_to_file`` leaves its temporary database in the system's
    temporary folder on every call and writes the target in place; this does
    what it does with the database in a folder that is removed afterwards
    and the zip in memory, for :func:`kbtui.atomic.atomic_write_bytes`.
    """
    with tempfile.TemporaryDirectory(prefix="kbtui-apkg-") as folder:
        database = Path(folder) / "collection.anki2"
        connection = sqlite3.connect(database)
        try:
            stamp = time.time()
            package.write_to_db(connection.cursor(), stamp, itertools.count(int(stamp * 1000)))
            connection.commit()
        finally:
            connection.close()
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.write(database, "collection.anki2")
            archive.writestr("media", "{}")
        return buffer.getvalue()
