"""``kbtui list``: the documents as an aligned table, or as JSON.

Apart from :mod:`kbtui.cli` because the table is its own small layout
problem: columns are measured in terminal cells (a Han character takes two),
so a corpus of Chinese titles lines up, and on a terminal each line is cut to
its width. Piped output is not cut: ``grep`` and ``cut`` want whole lines.

The listing is made a column at a time (:class:`Columns`), not a record at a
time: at 100,000 documents every Python step taken per document costs a
tenth of a second, so each column is one pass of the standard library's C
(``map``, ``zip``, ``str.join``) wherever the values allow, and the per-document
work left is what varies by document (a title to clean, a cell to cut).
"""

from __future__ import annotations

import argparse
import shutil
import sys
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate, repeat
from operator import sub
from typing import TYPE_CHECKING

from kbtui.cli.common import corpus_of, keep_until_exit
from kbtui.cli.listed import HEADINGS, RIGHT, WIDEST, Columns, one_lines, print_columns_json
from kbtui.documents.cache import long_lived
from kbtui.locations import database_path

if TYPE_CHECKING:
    from kbtui.annotations.store import Store
    from kbtui.documents.model import Entry

__all__ = ["HEADINGS", "RIGHT", "WIDEST", "cmd_list", "fit", "table_lines", "terminal_width"]


def cmd_list(args: argparse.Namespace) -> None:
    """``kbtui list``: one line (or JSON object) per document (``--missing``: per
    document the database has records for and the corpus lacks).

    No session: the corpus, and the store only if its database exists (one
    that does not keeps nothing to count), as :mod:`kbtui.session.opening` opens them.
    """
    from kbtui.cli.housekeeping import list_missing, missing_notice
    from kbtui.session.opening import existing_store
    from kbtui.view.sanitize import one_line

    if args.missing:
        list_missing(args)
        return
    corpus, _ = corpus_of(args)
    # What the listing makes lives until the command ends and holds no cycle: the
    # collector's passes over it were a tenth of the time at 100,000 documents.
    with long_lived():
        entries = corpus.scan()
        store = existing_store(database_path(args.db))
        notice = None if store is None else missing_notice(corpus, store)
        for problem in [*corpus.folder_problems, notice]:
            if problem is not None:
                print(f"kbtui: {one_line(problem)}", file=sys.stderr)
        columns = columns_of(entries, store)
        if args.json:
            print_columns_json(columns)
        else:
            lines = table_lines(columns, terminal_width())
            sys.stdout.write("\n".join([*lines, ""]))  # each line ends in one
    keep_until_exit(corpus, entries, columns)


def columns_of(entries: Sequence[Entry], store: Store | None) -> Columns:
    """What the listing says of each entry: the scan's row and the store's count and tags
    (none without a store).

    The store is asked once for every document it keeps something for, not
    once per document: two reads of its tables for each of 100,000 entries
    took longer than the scan.
    """
    ids = [entry.id for entry in entries]
    rows = [entry.row for entry in entries]
    if store is None:
        return Columns(ids, rows, [0] * len(ids))
    with store.transaction():
        kept = store.documents.documents()
        users = {doc_id: store.doc_state(doc_id).tags for doc_id, r in kept.items() if r.state}
    counts = {doc_id: records.annotations for doc_id, records in kept.items()}
    columns = Columns(ids, rows, list(map(counts.get, ids, repeat(0))))
    if users:
        places = dict(zip(ids, range(len(ids)), strict=True))
        for doc_id, tags in users.items():
            place = places.get(doc_id)
            if place is not None:
                columns.tags[place] = list(dict.fromkeys([*columns.tags[place], *tags]))
    return columns


def terminal_width() -> int | None:
    """The terminal's width in cells when standard output is one, else ``None`` (no cut)."""
    if not sys.stdout.isatty():
        return None
    return shutil.get_terminal_size().columns


def table_lines(columns: Columns, width: int | None) -> list[str]:
    """The heading and one line per document, columns aligned in cells, cut to ``width``."""
    cells = _table_cells(columns)
    padded = [_Padded(cells[name], name) for name in HEADINGS[:-1]]
    titles = cells[HEADINGS[-1]]
    line = "  ".join([*(p.spec for p in padded), "%s"]).__mod__
    rows = zip(*(p.values for p in padded), titles, strict=True)
    lines = list(map(str.rstrip, map(line, rows)))
    if width is None:
        return lines
    before = sum(p.width + 2 for p in padded)  # each line's cells before its title
    # a character takes at most two cells, so a short title needs no measuring
    short = [before + 2 * n <= width for n in map(len, titles)]
    return [
        line if fits and _additive(line) else fit(line, width)
        for line, fits in zip(lines, short, strict=True)
    ]


def _table_cells(columns: Columns) -> dict[str, list[str]]:
    """Each column's values as printed (cleaned to one line), under its heading."""
    from kbtui.view.sanitize import one_line

    titles = one_lines(columns.field("title"))
    problems = columns.field("problems")
    if any(problems):
        titles = [
            f"{title}{'  ' if title else ''}⚠ {one_line('; '.join(map(str, found)))}"
            if found
            else title
            for title, found in zip(titles, problems, strict=True)
        ]
    tags = [", ".join(map(str, tags)) if tags else "-" for tags in columns.tags]
    values = {
        "ID": one_lines(columns.ids),
        "DATE": [date or "-" for date in columns.field("date")],
        "SCRIPT": list(columns.field("script")),
        "TAGS": one_lines(tags),
        "ANNOTATIONS": list(map(str, columns.annotations)),
        "CHARS": list(map(str, columns.field("chars"))),
        "TITLE": titles,
    }
    return {name: [name, *column] for name, column in values.items()}


@dataclass(slots=True)
class _Padded:
    """A column's values cut to :data:`WIDEST` and padded to the widest, in cells.

    A column of printable ASCII is padded by the line's format (``%-12s``,
    ``%5s`` for numbers), where a character is a cell. Others are padded
    here by ``str.ljust`` (``rjust``) to a length of the widest cells less
    each value's cells beyond its length, so every value is padded in C;
    only values too wide for their column are looked at one by one.
    """

    values: list[str]
    width: int
    spec: str
    """The column's part of the line's format."""

    def __init__(self, column: list[str], heading: str) -> None:
        plain = _plain(column)
        cells = list(map(len, column)) if plain else _cell_lens(column)
        widest = WIDEST.get(heading)
        if widest is not None and max(cells) > widest:
            long = {value for value, n in zip(column, cells, strict=True) if n > widest}
            cut = {value: fit(value, widest) for value in long}
            column, plain = list(map(cut.get, column, column)), False
            cells = _cell_lens(column)
        self.width = max(cells)
        if plain:
            self.values, self.spec = column, f"%{'' if heading in RIGHT else '-'}{self.width}s"
            return
        lengths = map(sub, repeat(self.width), map(sub, cells, map(len, column)))
        self.values = list(map(str.rjust if heading in RIGHT else str.ljust, column, lengths))
        self.spec = "%s"


def _plain(texts: Sequence[str]) -> bool:
    """Whether ``texts`` are all printable ASCII (a cell a character), in one pass."""
    joined = "".join(texts)
    return joined.isascii() and joined.isprintable()


def _cell_lens(texts: Sequence[str]) -> list[int]:
    """``list(map(_cell_len, texts))``. A column of printable ASCII is its lengths (found
    in one pass over the whole column); otherwise each distinct value is measured
    once, since a column's values repeat (20,000 documents with one long tag list).
    """
    if _plain(texts):
        return list(map(len, texts))
    cells = {text: _cell_len(text) for text in set(texts)}
    return list(map(cells.__getitem__, texts))


def _additive(line: str) -> bool:
    """Whether a line's cells are the sum of its parts' (no character joins another)."""
    return "\u200d" not in line and "\ufe0f" not in line


class _CharCells(dict[str, int]):
    """Cells each character takes, as Rich measures it, remembered as they are met."""

    def __missing__(self, character: str) -> int:
        from rich.cells import get_character_cell_size

        cells = self[character] = get_character_cell_size(character)
        return cells


_CHAR_CELLS = _CharCells()


def _cell_len(text: str) -> int:
    """``rich.cells.cell_len(text)``, the same figure in under a third of the time.

    Rich measures a string that is not all single-cell characters one
    character at a time through three calls each: 13 µs a cell against 3.6 µs
    this way, over the cells of ``kbtui list`` at 10,000 documents; at 100,000
    documents it was most of the table. Printable ASCII is its
    length and other text a sum of remembered widths; only text with a
    joiner or a variation selector, where characters combine, is left to
    Rich's own rules.
    """
    if text.isascii() and text.isprintable():
        return len(text)
    if not _additive(text):
        from rich.cells import cell_len

        return cell_len(text)
    return sum(map(_CHAR_CELLS.__getitem__, text))


def fit(text: str, width: int) -> str:
    """``text`` cut to at most ``width`` cells, ending in "…" when cut (a wide
    character that would straddle the edge goes whole).

    Where every character takes a cell or two and none combines, the cut is
    found from the remembered widths; otherwise Rich's ``chop_cells`` finds
    it (it measures each character again: 20,000 long tag lists at 100,000
    documents took a quarter of a second).
    """
    if _cell_len(text) <= width:
        return text
    if width < 2:
        return "…"[:width]
    cells = list(map(_CHAR_CELLS.__getitem__, text))
    if 0 in cells or not _additive(text):
        from rich.cells import chop_cells

        return chop_cells(text, width - 1)[0] + "…"
    return text[: bisect_right(list(accumulate(cells)), width - 1)] + "…"
