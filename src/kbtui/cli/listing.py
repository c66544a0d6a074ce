"""``kbtui list``: the documents as an aligned table, or as JSON.

Apart from :mod:`kbtui.cli` because the table is its own small layout
problem: columns are measured in terminal cells (a Han character takes two),
so a corpus of Chinese titles lines up, and on a terminal each line is cut to
its width. Piped output is not cut: ``grep`` and ``cut`` want whole lines.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from bisect import bisect_right
from collections.abc import Sequence
from itertools import accumulate
from typing import TYPE_CHECKING

from kbtui.cli.common import print_json, session_of

if TYPE_CHECKING:
    from kbtui.annotations.store import Store
    from kbtui.documents.model import Entry

HEADINGS = ("ID", "DATE", "SCRIPT", "TAGS", "ANNOTATIONS", "CHARS", "TITLE")
"""The columns, in order; the last (title, then any problems) is never padded."""

WIDEST = {"ID": 40, "TAGS": 30}
"""Cells a column may take at most: a long id or tag list is cut, with "…"."""

RIGHT = frozenset({"ANNOTATIONS", "CHARS"})
"""Numbers, aligned to the right."""


def cmd_list(args: argparse.Namespace) -> None:
    """``kbtui list``: one line (or JSON object) per document (``--missing``: per
    document the database has records for and the corpus lacks)."""
    from kbtui.cli.housekeeping import list_missing, missing_notice
    from kbtui.view.sanitize import one_line

    if args.missing:
        list_missing(args)
        return
    session = session_of(args, read_only=True)
    corpus, store = session.corpus, session.store
    entries = corpus.scan()
    for problem in [*corpus.folder_problems, missing_notice(session)]:
        if problem is not None:
            print(f"kbtui: {one_line(problem)}", file=sys.stderr)
    with store.transaction():
        records = [_record(entry, store) for entry in entries]
    if args.json:
        print_json(records)
        return
    for line in table_lines(records, terminal_width()):
        print(line)


def _record(entry: Entry, store: Store) -> dict[str, object]:
    """What ``list --json`` says of a document: its tags are the frontmatter's and the
    user's own (those set in the app), each once."""
    tags = [*entry.tags, *store.doc_state(entry.id).tags]
    return {
        "id": entry.id,
        "title": entry.title,
        "date": entry.date,
        "source": entry.source_url,
        "author": entry.author,
        "script": str(entry.script),
        "tags": list(dict.fromkeys(tags)),
        "chars": entry.chars,
        "annotations": store.count(entry.id),
        "encoding": entry.encoding,
        "problems": entry.problems,
    }


def terminal_width() -> int | None:
    """The terminal's width in cells when standard output is one, else ``None`` (no cut)."""
    if not sys.stdout.isatty():
        return None
    return shutil.get_terminal_size().columns


def table_lines(records: Sequence[dict[str, object]], width: int | None) -> list[str]:
    """The heading and one line per record, columns aligned in cells, cut to ``width``."""
    rows = [list(HEADINGS), *(_cells(record) for record in records)]
    columns = [list(column) for column in zip(*rows, strict=True)]
    padded = [_padded(*pair) for pair in zip(columns[:-1], HEADINGS[:-1], strict=True)]
    lines = ["  ".join(parts).rstrip() for parts in zip(*padded, columns[-1], strict=True)]
    return lines if width is None else [fit(line, width) for line in lines]


def _padded(column: list[str], heading: str) -> list[str]:
    """A column's values, cut to :data:`WIDEST` and padded to the widest in cells.

    A column at a time, each value measured once: by row, the padding of
    100,000 rows took as long as measuring them.
    """
    cells = list(map(_cell_len, column))
    widest = WIDEST.get(heading)
    if widest is not None:
        for i, n in enumerate(cells):
            if n > widest:
                column[i] = fit(column[i], widest)
                cells[i] = _cell_len(column[i])
    width = max(cells)
    if heading in RIGHT:
        return [" " * (width - n) + value for value, n in zip(column, cells, strict=True)]
    return [value + " " * (width - n) for value, n in zip(column, cells, strict=True)]


def _cells(record: dict[str, object]) -> list[str]:
    """A record's column values, printable, one line each."""
    from kbtui.view.sanitize import one_line

    tags = record["tags"]
    problems = record["problems"]
    title = one_line(str(record["title"]))
    if isinstance(problems, list | tuple) and problems:
        title += one_line(f"  ⚠ {'; '.join(map(str, problems))}")
    return [
        one_line(str(record["id"])),
        str(record["date"] or "-"),
        str(record["script"]),
        one_line(", ".join(map(str, tags))) if isinstance(tags, list) and tags else "-",
        str(record["annotations"]),
        str(record["chars"]),
        title,
    ]


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
    if "\u200d" in text or "\ufe0f" in text:
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
    if 0 in cells or "\u200d" in text or "\ufe0f" in text:
        from rich.cells import chop_cells

        return chop_cells(text, width - 1)[0] + "…"
    return text[: bisect_right(list(accumulate(cells)), width - 1)] + "…"
