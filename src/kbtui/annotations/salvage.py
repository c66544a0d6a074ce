"""Salvage: everything a refused database still holds, read past the damage.

The storage refuses a database whose main file and journal disagree, or
whose journal has a damaged line, because opening it would silently drop
acknowledged writes. Salvaging reads the same files with the storage's own
readers (:func:`~kbtui.annotations.mainfile.read_main`,
:func:`~kbtui.annotations.journal.scan_journal`) but, where the storage stops,
goes on: the main file's records that an annotation can be made of, then
every journal line whose checksum holds, in order, each damaged part skipped
and counted. It only reads; :func:`write_salvage` writes the result to a
*new* file, so the old ones stay as evidence and as a second chance.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from kbtui.annotations.errors import DatabaseError
from kbtui.annotations.files import Tables, dumps, loads
from kbtui.annotations.journal import Journal, apply_ops, scan_journal
from kbtui.annotations.layout import STORAGE_TABLE
from kbtui.annotations.mainfile import check_regular, read_main
from kbtui.annotations.records import annotation_of
from kbtui.annotations.schema import ANNOTATIONS
from kbtui.atomic import atomic_write_bytes


@dataclass(slots=True)
class Salvage:
    """What could be read from a database's files, and what could not."""

    tables: Tables = field(default_factory=dict)
    """The salvaged database (TinyDB's shape, no private ``_storage`` table)."""
    journal_lines: int = 0
    """Journal lines applied."""
    dropped: Counter[str] = field(default_factory=Counter)
    """What was left out, by kind: ``"<table> records"``, ``"journal lines"``..."""
    problems: list[str] = field(default_factory=list)
    """One sentence per damaged part, naming its file."""

    def kept(self) -> dict[str, int]:
        """Records per table in the salvaged database."""
        return {name: len(table) for name, table in sorted(self.tables.items())}


def salvage(path: Path) -> Salvage:
    """Everything readable of the database at ``path`` and its journal."""
    result = Salvage()
    generation, previous = _salvage_main(path, result)
    journal = Journal(path.with_name(path.name + ".journal"))
    try:
        check_regular(journal.path)
        data = journal.read()
    except DatabaseError as exc:
        result.problems.append(str(exc))
        data = b""
    _salvage_journal(journal, data, (generation, previous), result)
    _drop_malformed(path, result)
    return result


def _salvage_main(path: Path, result: Salvage) -> tuple[str | None, str | None]:
    """Read the main file into ``result``; its generation and previous one."""
    try:
        check_regular(path)
    except DatabaseError as exc:
        result.problems.append(str(exc))
        return None, None
    try:
        main = read_main(path)
    except DatabaseError as exc:
        result.tables = _tables_before_damage(path)
        result.tables.pop(STORAGE_TABLE, None)
        records = sum(len(table) for table in result.tables.values())
        result.problems.append(f"{exc}: {records} record(s) before the damage were read")
        result.dropped["main files read only up to their damage"] += 1
        return None, None
    if main is None:
        return None, None
    result.tables = main.tables
    return main.generation, main.previous


def _tables_before_damage(path: Path) -> Tables:
    """The records of a main file that is not valid JSON, up to where it stops being so.

    A main file cut short (a disk that lost its tail, a hand edit) still
    holds whole records before the cut. They are found by walking the
    ``{table: {id: record}}`` structure, each record read by kbtui's own
    :func:`~kbtui.annotations.files.loads`; the walk ends at the first thing
    out of place, so nothing after the damage is guessed at.
    """
    try:
        raw = path.read_bytes()
    except OSError:
        return {}
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        text = raw[: exc.start].decode("utf-8")
    tables: Tables = {}
    try:
        pos = _past(text, 0, "{")
        while True:
            name, pos = _DECODER.raw_decode(text, _space(text, pos))
            table = tables.setdefault(str(name), {})
            pos = _past(text, _past(text, pos, ":"), "{")
            while text[_space(text, pos)] != "}":
                key, pos = _DECODER.raw_decode(text, _space(text, pos))
                start = _space(text, _past(text, pos, ":"))
                pos = _DECODER.raw_decode(text, start)[1]
                table[str(key)] = loads(text[start:pos])
                pos = _space(text, pos) + (text[_space(text, pos)] == ",")
            pos = _past(text, pos, "}")
            pos = _space(text, pos) + (text[_space(text, pos)] == ",")
    except (ValueError, IndexError, RecursionError):
        return tables


_DECODER = json.JSONDecoder()


def _space(text: str, pos: int) -> int:
    """The offset of the first non-blank character from ``pos``."""
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


def _past(text: str, pos: int, char: str) -> int:
    """The offset after ``char``, the next non-blank character (``ValueError`` if it is not)."""
    pos = _space(text, pos)
    if text[pos : pos + 1] != char:
        raise ValueError(f"expected {char!r} at {pos}")
    return pos + 1


def _salvage_journal(
    journal: Journal, data: bytes, main: tuple[str | None, str | None], result: Salvage
) -> None:
    """Apply every good line of ``data`` (the journal) to ``result``, skipping bad ones.

    A journal naming the main file's previous generation was already folded
    into it (the storage discards it too); any other is applied, since a
    damaged generation or a lost main file must not cost its writes.
    """
    try:
        named = journal.generation(data)
        folded = named is not None and named == main[1]
        start = journal.header_end
    except DatabaseError as exc:
        result.problems.append(f"{exc} (the lines after it are read all the same)")
        folded, start = False, data.find(b"\n") + 1
    if folded or not data:
        return
    pos = start
    while (nl := data.find(b"\n", pos)) >= 0:
        try:
            [payload], _ = scan_journal(data[pos : nl + 1], 0, journal.path, base=pos)
            ops = json.loads(payload)["ops"]
            apply_ops({}, ops)  # a line that fails here changes nothing below
            apply_ops(result.tables, ops)
            result.journal_lines += 1
        except DatabaseError as exc:
            result.problems.append(str(exc))
            result.dropped["journal lines"] += 1
        except (ValueError, TypeError, KeyError, IndexError, AttributeError):
            result.problems.append(f"{journal.path} holds an entry kbtui cannot read at byte {pos}")
            result.dropped["journal lines"] += 1
        pos = nl + 1
    if pos < len(data):
        result.problems.append(
            f"{journal.path} ends in a write cut off before it was acknowledged (byte {pos})"
        )
        result.dropped["unacknowledged journal tails"] += 1


def _drop_malformed(path: Path, result: Salvage) -> None:
    """Leave out records the store would refuse: not objects, or no annotation."""
    for name, table in result.tables.items():
        for key, record in list(table.items()):
            try:
                if not isinstance(record, dict):
                    raise DatabaseError(path, f"has a record {key!r} of {name!r} that is no object")
                if name.startswith(ANNOTATIONS) or name == "annotations":  # schema 0's
                    annotation_of(record, path)
            except DatabaseError as exc:
                result.problems.append(str(exc))
                result.dropped[f"{name} records"] += 1
                del table[key]


def write_salvage(result: Salvage, target: Path) -> None:
    """Write ``result`` as a new database at ``target``, refusing to replace a file.

    The file is plain TinyDB JSON without a generation, which the storage
    opens as a database written by another program (its first write gives
    it a generation and a journal). The name is claimed first (created
    empty, exclusively), so a file that appears there meanwhile is never
    replaced; the content then replaces the claim atomically, and a crash
    leaves at worst an empty file.
    """
    try:
        os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        raise DatabaseError(target, "exists already: kbtui never writes over a database") from None
    except OSError as exc:
        raise DatabaseError(target, f"cannot be written: {exc.strerror}") from exc
    try:
        atomic_write_bytes(target, dumps(result.tables).encode("utf-8"))
    except OSError as exc:
        target.unlink(missing_ok=True)  # our own empty claim
        raise DatabaseError(target, f"cannot be written: {exc.strerror}") from exc
