"""The ``kbtui`` command's parser and dispatch, and the way into the app.

Each subcommand lives in the module of its group (see :mod:`kbtui.cli`);
this one builds the parser, runs the command and turns every error the user
can cause into one line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn, cast

from kbtui import __version__
from kbtui.cli.common import SCRIPT_CHOICES, UserError, leave, os_error_line
from kbtui.cli.entities import add_entities_command, cmd_entities, cmd_mentions
from kbtui.cli.housekeeping import add_housekeeping_commands, cmd_reattach
from kbtui.cli.words import WORD_COMMANDS, add_word_commands

Command = Callable[[argparse.Namespace], None]


def _common(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    """``--corpus``/``--db``, accepted before or after the subcommand's name."""
    default = argparse.SUPPRESS if suppress else None
    parser.add_argument("--corpus", metavar="DIR", default=default, help="corpus folder")
    parser.add_argument("--db", metavar="FILE", default=default, help="annotation database")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every subcommand."""
    parser = argparse.ArgumentParser(
        prog="kbtui",
        description="A keyboard-driven reader and annotator for mixed-script Chinese corpora.",
    )
    parser.add_argument("--version", action="version", version=f"kbtui {__version__}")
    _common(parser, suppress=False)
    parser.add_argument("--open", metavar="DOC[#OFFSET]", help="open the reader at a passage")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str, help_text: str) -> argparse.ArgumentParser:
        command = sub.add_parser(name, help=help_text, description=help_text)
        _common(command, suppress=True)
        return command

    listing = add("list", "list the documents")
    listing.add_argument("--json", action="store_true")
    listing.add_argument("--missing", action="store_true", help="documents the corpus lacks")
    show = add("show", "print a document's reading text")
    show.add_argument("doc", metavar="DOC")
    show.add_argument("--script", default="original", choices=SCRIPT_CHOICES)
    show.add_argument(
        "--source", metavar="LOCALE", help="convert from zh-Hans, zh-Hant, zh-TW, zh-HK"
    )
    show.add_argument(
        "--full",
        action="store_true",
        help="everything: a web page's navigation and notices, a transcript's own lines",
    )
    search = add("search", "search every document, script-insensitively")
    search.add_argument("query", metavar="QUERY")
    search.add_argument("--json", action="store_true")
    mentions = add("mentions", "entities and the passages that mention them")
    mentions.add_argument("entity", metavar="ENTITY", nargs="?")
    mentions.add_argument("--json", action="store_true")
    add_entities_command(add)
    _export_arguments(add("export", "export annotations as Markdown or W3C Web Annotation JSON"))
    imp = add("import", "import annotations from a W3C Web Annotation JSON file")
    imp.add_argument("file", metavar="FILE")
    imp.add_argument("--max-bytes", type=int, metavar="N", help="refuse a larger file")
    add_word_commands(add)
    add_housekeeping_commands(add)
    return parser


def _export_arguments(export: argparse.ArgumentParser) -> None:
    """``kbtui export``'s options."""
    export.add_argument("--out", metavar="PATH")
    export.add_argument("--format", default="markdown", choices=("markdown", "json"))
    export.add_argument("--script", default="original", choices=SCRIPT_CHOICES)
    export.add_argument("--doc", metavar="DOC")
    export.add_argument("--tag", metavar="TAG")
    export.add_argument("--entity", metavar="NAME", help="the annotations about one entity")
    export.add_argument(
        "--by", choices=("entity",), help="with --out DIR/: a page per entity beside the notes"
    )
    export.add_argument(
        "--wikilinks",
        nargs="?",
        const="obsidian",
        choices=("obsidian", "logseq"),
        metavar="STYLE",
        help="with --by entity: link names in quotes, notes (obsidian or logseq's links)",
    )
    export.add_argument("--template", metavar="FILE", help="a Jinja2 template of your own")
    export.add_argument("--force", action="store_true", help="overwrite existing files")


COMMANDS: dict[str | None, Command | str] = {
    None: "app.cmd_app",
    "list": "listing.cmd_list",
    "show": "documents.cmd_show",
    "search": "documents.cmd_search",
    "mentions": cmd_mentions,
    "entities": cmd_entities,
    "export": "exchange.cmd_export",
    "import": "exchange.cmd_import",
    "reattach": cmd_reattach,
    "doctor": "doctor.cmd_doctor",
    **WORD_COMMANDS,
}
"""Each command's function, or where in :mod:`kbtui.cli` it is (``module.function``):
a module the parser does not need is imported only for its own command, so
``kbtui list`` loads neither the app's nor the exporter's."""


def command(name: str | None) -> Command:
    """The function of command ``name`` (imported now if :data:`COMMANDS` says where)."""
    found = COMMANDS[name]
    if not isinstance(found, str):
        return found
    module, function = found.rsplit(".", 1)
    return cast(Command, getattr(importlib.import_module(f"kbtui.cli.{module}"), function))


def main(argv: Sequence[str] | None = None) -> NoReturn:
    """Entry point: run a command, turning user errors into one line."""
    args = build_parser().parse_args(argv)
    try:
        command(args.command)(args)
        leave(whole_process=argv is None)
    except UserError as exc:
        _fail(str(exc), exc.code)
    except BrokenPipeError:
        sys.stderr.close()
        sys.exit(0)
    except KeyboardInterrupt:
        _fail("interrupted", 130)
    except _database_error() as exc:  # evaluated only when something else was raised
        _fail(str(exc))
    except OSError as exc:  # a path the system refuses (too long, a loop of links, no access)
        _fail(os_error_line(exc))
    sys.exit(0)


def _database_error() -> type[Exception]:
    """:class:`kbtui.annotations.storage.DatabaseError`, imported only when it is needed.

    A store raises it from any call (a malformed record, a lock held too
    long, a write that fails), not only when it opens.
    """
    from kbtui.annotations.storage import DatabaseError

    return DatabaseError


def _fail(message: str, code: int = 1) -> NoReturn:
    from kbtui.view.sanitize import one_line

    print(f"kbtui: {one_line(message)}", file=sys.stderr)
    sys.exit(code)
