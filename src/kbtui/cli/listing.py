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
from collections.abc import Sequence
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
    tags = [*entry.meta.tags, *store.doc_state(entry.id).tags]
    return {
        "id": entry.id,
        "title": entry.meta.title,
        "date": entry.meta.date,
        "source": entry.meta.source_url,
        "author": entry.meta.author,
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
    widths = [max(_cell_len(row[i]) for row in rows) for i in range(len(HEADINGS) - 1)]
    lines = []
    for row in rows:
        padded = [
            _pad(value, widths[i], right=HEADINGS[i] in RIGHT) for i, value in enumerate(row[:-1])
        ]
        line = "  ".join([*padded, row[-1]]).rstrip()
        lines.append(line if width is None else fit(line, width))
    return lines


def _cells(record: dict[str, object]) -> list[str]:
    """A record's column values, printable, one line each, long ones cut."""
    from kbtui.view.sanitize import one_line

    tags = record["tags"]
    problems = record["problems"]
    title = one_line(str(record["title"]))
    if isinstance(problems, list) and problems:
        title += one_line(f"  ⚠ {'; '.join(map(str, problems))}")
    values = {
        "ID": one_line(str(record["id"])),
        "DATE": str(record["date"] or "-"),
        "SCRIPT": str(record["script"]),
        "TAGS": one_line(", ".join(map(str, tags))) if isinstance(tags, list) and tags else "-",
        "ANNOTATIONS": str(record["annotations"]),
        "CHARS": str(record["chars"]),
        "TITLE": title,
    }
    return [fit(values[h], WIDEST[h]) if h in WIDEST else values[h] for h in HEADINGS]


def _cell_len(text: str) -> int:
    from rich.cells import cell_len

    return cell_len(text)


def _pad(text: str, width: int, *, right: bool) -> str:
    """``text`` padded with spaces to ``width`` cells."""
    gap = " " * max(0, width - _cell_len(text))
    return gap + text if right else text + gap


def fit(text: str, width: int) -> str:
    """``text`` cut to at most ``width`` cells, ending in "…" when cut (a wide
    character that would straddle the edge goes whole)."""
    from rich.cells import chop_cells

    if _cell_len(text) <= width:
        return text
    if width < 2:
        return "…"[:width]
    return chop_cells(text, width - 1)[0] + "…"
