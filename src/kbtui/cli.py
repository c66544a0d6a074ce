"""The ``kbtui`` command: a thin layer over the core, and the way into the app.

Each subcommand parses its arguments, calls the core and prints. Textual is
imported only when the app opens, so ``kbtui list`` and ``kbtui show`` start
fast. Every error the user can cause ends in one line on stderr and a
non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import stat
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from kbtui import __version__
from kbtui.cli_common import UsageError, UserError, require_query
from kbtui.cli_common import print_json as _print_json
from kbtui.cli_common import session_of as _session
from kbtui.cli_list import cmd_list
from kbtui.cli_words import WORD_COMMANDS, add_word_commands
from kbtui.locations import corpus_path, database_path

if TYPE_CHECKING:
    from kbtui.documents.model import Document
    from kbtui.entities.passages import EntityMentions
    from kbtui.exchange.pipeline import ExportRequest
    from kbtui.scripts.locales import Locale
    from kbtui.session.session import Session


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

    add("list", "list the documents").add_argument("--json", action="store_true")
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
    export = add("export", "export annotations as Markdown or W3C Web Annotation JSON")
    export.add_argument("--out", metavar="PATH")
    export.add_argument("--format", default="markdown", choices=("markdown", "json"))
    export.add_argument("--script", default="original", choices=SCRIPT_CHOICES)
    export.add_argument("--doc", metavar="DOC")
    export.add_argument("--tag", metavar="TAG")
    export.add_argument("--template", metavar="FILE", help="a Jinja2 template of your own")
    export.add_argument("--force", action="store_true", help="overwrite existing files")
    imp = add("import", "import annotations from a W3C Web Annotation JSON file")
    imp.add_argument("file", metavar="FILE")
    imp.add_argument("--max-bytes", type=int, metavar="N", help="refuse a larger file")
    add_word_commands(add)
    return parser


SCRIPT_CHOICES = ("original", "simplified", "traditional", "taiwan", "hongkong")


def cmd_show(args: argparse.Namespace) -> None:
    """``kbtui show DOC``: the reading text, optionally converted (from ``--source``,
    else from the document's locale, as the app would; the store is opened only then)."""
    from kbtui.scripts.views import ConversionError, Variant, convert_view
    from kbtui.view.reading import reading_view
    from kbtui.view.sanitize import one_line, printable

    declared = _source_option(args.source)
    session = _session(args, read_only=True)
    doc = _load(session, args.doc)
    view = reading_view(doc.source, doc.body_start, full=args.full, lines=args.full)
    if args.script != "original":
        source = declared if declared is not None else _locale_of(session, doc)
        try:
            view = convert_view(view, Variant(args.script), source, backend=session.backend)
        except ConversionError as exc:
            raise UserError(f"{doc.id}: cannot convert to {args.script}: {exc}") from exc
    for warning in session.warnings:
        print(f"kbtui: {one_line(warning)}", file=sys.stderr)
    sys.stdout.write(printable(view.text))
    if not view.text.endswith("\n"):
        sys.stdout.write("\n")


def _source_option(tag: str | None) -> Locale | None:
    """The locale ``--source`` names (``None`` when not given), or a :class:`UsageError`."""
    from kbtui.scripts.locales import Locale, parse_locale

    locale = parse_locale(tag)
    if tag is not None and locale is None:
        choices = ", ".join(locale.value for locale in Locale)
        raise UsageError(f"show: --source must name one of {choices}, not {tag!r}")
    return locale


def _locale_of(session: Session, doc: Document) -> Locale | None:
    """The document's own locale (the app's rule); a Japanese one has none to convert."""
    if not session.offers_views(doc):
        raise UserError(f"{doc.id}: Japanese has no Chinese views (--source LOCALE converts it)")
    return session.locale_of(doc)


def _load(session: Session, doc_id: str) -> Document:
    """A readable document of the session's corpus, or a :class:`UserError`."""
    corpus = session.corpus
    try:
        doc = corpus.load(doc_id)
    except KeyError as exc:
        raise UserError(f"no document {doc_id!r} in {corpus.root}") from exc
    if not doc.readable:
        raise UserError(f"{doc_id}: {'; '.join(doc.problems) or 'cannot be read'}")
    return doc


def cmd_search(args: argparse.Namespace) -> None:
    """``kbtui search QUERY``: every match in every document, with context (and by pinyin)."""
    from kbtui.session.passages import pinyin_note
    from kbtui.view.sanitize import one_line

    query = require_query("search", args.query)
    result = _session(args, read_only=True).search_corpus(query)
    if args.json:
        _print_json(result.to_json())
        return
    for group in result.documents:
        print(f"{one_line(group.doc_id)}  ({group.total})")
        for hit in group.hits:
            how = (
                "  (pinyin)" if hit.pinyin else f"  {one_line(hit.variant)}" if hit.variant else ""
            )
            print(f"  {hit.start:>7}  {hit.context}{how}")
    note = pinyin_note(result) + (" (contexts cut)" if result.truncated else "")
    print(f"{result.total} matches in {len(result.documents)} documents{note}", file=sys.stderr)


MENTIONS_SHOWN = 3
"""Contexts per document ``kbtui mentions`` prints for every entity (all, for one)."""


def cmd_mentions(args: argparse.Namespace) -> None:
    """``kbtui mentions [ENTITY]``: entities with the documents and passages naming them."""
    from kbtui.entities.passages import mentions_report
    from kbtui.view.sanitize import one_line

    session = _session(args, read_only=True)
    try:
        user = session.user_records()
    finally:
        session.close()
    for problem in session.entities_file.problems:
        print(f"kbtui: {one_line(problem)}", file=sys.stderr)
    index = session.index_mentions(user).index
    shown = None if args.json or args.entity is not None else MENTIONS_SHOWN
    try:
        report = mentions_report(
            index, session.corpus.load_text, args.entity, max_per_document=shown
        )
    except LookupError as exc:
        raise UserError(str(exc.args[0] if exc.args else exc)) from exc
    if args.json:
        _print_json([found.to_json() for found in report])
        return
    names = {entity.id: entity.name for entity in index.registry.entities}
    for found in report:
        _print_mentions(found, names)


def _print_mentions(found: EntityMentions, names: dict[str, str]) -> None:
    """One entity: a heading line, then per document its id, count and context lines."""
    from kbtui.view.sanitize import one_line

    entity = found.entity
    if entity.ambiguous:
        about = "shared name, may be " + ", ".join(names.get(c, c) for c in entity.candidates)
    else:
        about = str(entity.kind) + (f"; also {', '.join(entity.aliases)}" if entity.aliases else "")
    print(
        f"{one_line(entity.name, 120)}  ({one_line(about, 300)})  "
        f"{found.count} mentions in {len(found.documents)} documents"
    )
    for group in found.documents:
        print(f"  {one_line(group.doc_id)}  ({group.count})")
        for passage in group.passages:
            print(f"    {passage.start:>7}  {one_line(str(passage.context))}")
        if group.count > len(group.passages):
            print(f"    {'':>7}  … {group.count - len(group.passages)} more")
    print()


def cmd_export(args: argparse.Namespace) -> None:
    """``kbtui export``: annotations as Markdown (stdout, a file, a folder) or W3C JSON."""
    from kbtui.exchange.filenames import write_plan
    from kbtui.exchange.markdown import TemplateError
    from kbtui.scripts.views import ConversionError

    session = _session(args, read_only=True)
    session.corpus.entries()  # scan, so ``get`` knows every document
    if args.doc is not None and session.corpus.get(args.doc) is None:
        raise UserError(f"no document {args.doc!r} in {session.corpus.root}")
    try:
        planned = session.plan_export(_export_request(args))
        if planned.text is not None:
            sys.stdout.write(planned.text)
            return
        write_plan(planned.plan, force=args.force)
    except FileExistsError as exc:
        raise UserError(f"{exc}; use --force to overwrite") from exc
    except (TemplateError, ConversionError, OSError) as exc:
        raise UserError(str(exc)) from exc
    print(f"exported {planned.annotations} annotations to {planned.target}", file=sys.stderr)


def _export_request(args: argparse.Namespace) -> ExportRequest:
    """What ``kbtui export``'s options ask for; ``--out`` ending in a separator, or
    naming a folder, means one Markdown file per document."""
    from kbtui.exchange.markdown import Scope, load_template
    from kbtui.exchange.paths import Layout, is_folder
    from kbtui.exchange.pipeline import ExportRequest

    if args.format == "json":
        layout = Layout.JSON
    else:
        layout = Layout.PER_DOCUMENT if args.out and is_folder(args.out) else Layout.FILE
    template = load_template(Path(args.template)) if args.template else None
    scope = Scope(doc_id=args.doc, tag=args.tag)
    return ExportRequest(scope, layout, args.script, args.out or None, template)


def cmd_import(args: argparse.Namespace) -> None:
    """``kbtui import FILE``: merge a W3C JSON export, re-anchoring what it brings."""
    from kbtui.exchange.pipeline import import_json
    from kbtui.exchange.w3c import W3CError

    data = _read_import(args.file, _import_cap(args.max_bytes))
    session = _session(args)
    try:
        report = import_json(session.corpus, session.store, data)
    except W3CError as exc:
        raise UserError(f"{args.file}: {exc}") from exc
    finally:
        session.close()
    for rejection in report.rejected:
        print(f"kbtui: rejected {rejection}", file=sys.stderr)
    print(report.summary())


IMPORT_MAX_BYTES = 256 * 1024 * 1024
"""The largest file ``kbtui import`` reads: far above any real export, and the
whole of it is held in memory (and parsed) at once."""
IMPORT_MAX_ENV = "KBTUI_IMPORT_MAX_BYTES"


def _import_cap(option: int | None) -> int:
    """``--max-bytes``, else ``$KBTUI_IMPORT_MAX_BYTES``, else :data:`IMPORT_MAX_BYTES`."""
    text = os.environ.get(IMPORT_MAX_ENV)
    try:
        cap = option if option is not None else int(text) if text else IMPORT_MAX_BYTES
    except ValueError:
        raise UsageError(f"import: {IMPORT_MAX_ENV} must be a whole number, not {text!r}") from None
    if cap < 0:
        raise UsageError(f"import: the size limit must be 0 or more, not {cap}")
    return cap


def _read_import(name: str, cap: int) -> bytes:
    """The file to import, refusing what is not a regular file (``/dev/zero``, a pipe:
    opened without blocking) or is larger than ``cap``; reads at most ``cap + 1`` bytes."""
    try:
        fd = os.open(Path(name).expanduser(), os.O_RDONLY | os.O_NONBLOCK)
        with open(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise UserError(f"{name}: is not a regular file")
            data = handle.read(cap + 1)
    except OSError as exc:
        raise UserError(f"{name}: {exc.strerror or exc}") from exc
    if len(data) > cap:
        raise UserError(f"{name}: is larger than {cap} bytes (--max-bytes N raises the limit)")
    return data


def cmd_app(args: argparse.Namespace) -> None:
    """Open the app (the only path that imports Textual)."""
    from kbtui.annotations.store import DatabaseError
    from kbtui.documents.corpus import CorpusError
    from kbtui.ui.app import make_app

    try:
        app, warnings = make_app(
            corpus_path(args.corpus), database_path(args.db), open_target=args.open
        )
    except (CorpusError, DatabaseError) as exc:
        raise UserError(str(exc)) from exc
    for warning in warnings:
        app.call_later(app.notify, warning, severity="warning", timeout=10)
    app.run()
    if app.return_code:  # a crash, or changes a full disk refused (the app said which)
        sys.exit(app.return_code)


COMMANDS: dict[str | None, Callable[[argparse.Namespace], None]] = {
    None: cmd_app,
    "list": cmd_list,
    "show": cmd_show,
    "search": cmd_search,
    "mentions": cmd_mentions,
    "export": cmd_export,
    "import": cmd_import,
    **WORD_COMMANDS,
}


def main(argv: Sequence[str] | None = None) -> NoReturn:
    """Entry point: run a command, turning user errors into one line."""
    args = build_parser().parse_args(argv)
    try:
        COMMANDS[args.command](args)
    except UserError as exc:
        _fail(str(exc), exc.code)
    except BrokenPipeError:
        sys.stderr.close()
        sys.exit(0)
    except KeyboardInterrupt:
        _fail("interrupted", 130)
    except _database_error() as exc:  # evaluated only when something else was raised
        _fail(str(exc))
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
