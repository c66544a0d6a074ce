"""``kbtui lookup`` and ``kbtui vocab``: the reading aids on the command line (issue 15).

``kbtui lookup WORD [--json]`` prints what the reader's look-up panel shows
(headwords, pinyin, zhuyin, senses); a word the dictionary lacks is one line
on stderr and exit status 1. ``kbtui vocab list [--json]`` prints the word
list and ``kbtui vocab export --format anki|csv|markdown [--out PATH]``
writes it: an Anki package (to ``kbtui-words.apkg`` unless ``--out`` says
where), or CSV and Markdown (to standard output unless ``--out`` says where).

Apart from :mod:`kbtui.cli` (which adds these parsers and dispatches to
:data:`WORD_COMMANDS`) to keep both small; what commands share comes from
:mod:`kbtui.cli.common`. The CLI imports this module on every run, so it
imports nothing heavy at the top.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from kbtui.cli.common import UserError, print_json, require_query, session_of

if TYPE_CHECKING:
    from kbtui.lookup.vocab import VocabEntry
    from kbtui.session.session import Session

WORD_FORMATS = ("anki", "csv", "markdown")
"""``--format``'s choices: :class:`kbtui.session.reading_aids.WordFormat`'s values
(named here so that building the parser imports nothing)."""


def add_word_commands(add: Callable[[str, str], argparse.ArgumentParser]) -> None:
    """Add ``lookup`` and ``vocab`` with ``add``, the CLI's way to add a subcommand."""
    lookup = add("lookup", "look a word up in the dictionary (CC-CEDICT), in either script")
    lookup.add_argument("word", metavar="WORD")
    lookup.add_argument("--json", action="store_true")
    vocab = add("vocab", "the word list: list it, or export it for Anki")
    vocab.add_argument("action", choices=("list", "export"))
    vocab.add_argument("--json", action="store_true", help="list: as JSON")
    vocab.add_argument("--format", default="anki", choices=WORD_FORMATS, help="export: the format")
    vocab.add_argument("--out", metavar="PATH", help="export: the file (or folder) to write")
    vocab.add_argument("--force", action="store_true", help="export: overwrite an existing file")


def cmd_lookup(args: argparse.Namespace) -> None:
    """``kbtui lookup WORD``: the dictionary's entries for a word, or exit status 1."""
    import sqlite3

    from kbtui.lookup.render import result_json, result_lines

    word = require_query("lookup", args.word)
    session = session_of(args)
    try:
        result = session.aids.lookup(word)
    except (OSError, sqlite3.Error) as exc:
        raise UserError(f"the dictionary cannot be opened: {exc}") from exc
    if result is None:
        raise UserError(f"{args.word!r} is not in the dictionary")
    if args.json:
        print_json(result_json(result))
        return
    print("\n".join(result_lines(result, zhuyin=True)))


def cmd_vocab(args: argparse.Namespace) -> None:
    """``kbtui vocab list|export``: the word list printed, or exported for Anki."""
    session = session_of(args)
    try:
        if args.action == "list":
            _list_words(session.aids.words(), as_json=args.json)
        else:
            _export_words(session, args)
    finally:
        session.close()


def _list_words(entries: list[VocabEntry], *, as_json: bool) -> None:
    """One line per word: the word, its reading, its senses and where it was read."""
    from kbtui.view.sanitize import one_line

    if as_json:
        print_json([entry.to_dict() for entry in entries])
        return
    for entry in entries:
        word = entry.simplified
        if entry.traditional != entry.simplified:
            word += f" {entry.traditional}"
        senses = "; ".join(entry.definitions)
        print(
            f"{one_line(word)}\t{one_line(entry.pinyin)}\t{one_line(senses, 80)}\t"
            f"{one_line(entry.doc_id)}#{entry.start}"
        )
    print(f"{len(entries)} in the word list", file=sys.stderr)


def _export_words(session: Session, args: argparse.Namespace) -> None:
    """Write (or print) the word list in ``--format``; an existing file needs ``--force``."""
    from kbtui.session.reading_aids import WORD_FILES, WordFormat

    fmt = WordFormat(args.format)
    path = Path(args.out).expanduser() if args.out else None
    if path is None and fmt is WordFormat.ANKI:
        path = Path(WORD_FILES[fmt])
    if path is not None and path.is_dir():
        path = path / WORD_FILES[fmt]
    if path is not None and path.exists() and not args.force:
        raise UserError(f"{path} exists; use --force to overwrite")
    try:
        text, count = session.aids.export_words(fmt, path)
    except OSError as exc:
        raise UserError(f"{path}: {exc.strerror or exc}") from exc
    if text is not None:
        sys.stdout.write(text)
        return
    print(f"exported the word list ({count}) to {path}", file=sys.stderr)


WORD_COMMANDS: dict[str | None, Callable[[argparse.Namespace], None]] = {
    "lookup": cmd_lookup,
    "vocab": cmd_vocab,
}
"""The subcommands of this module, by name, for the CLI's table."""
