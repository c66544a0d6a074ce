"""The ``kbtui`` command: a thin layer over the core, and the way into the app.

Each subcommand parses its arguments, calls the core and prints. Textual is
imported only when the app opens, so ``kbtui list`` and ``kbtui show`` start
fast. Every error the user can cause ends in one line on stderr and a
non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from kbtui import __version__
from kbtui.locations import corpus_path, database_path

if TYPE_CHECKING:
    from kbtui.entities.mentions import EntityMentions


class UserError(Exception):
    """A problem the user can fix; its message is printed as one line."""


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
    return parser


SCRIPT_CHOICES = ("original", "simplified", "traditional", "taiwan", "hongkong")


def _corpus(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from kbtui.documents.corpus import Corpus, CorpusError

    try:
        return Corpus(corpus_path(args.corpus))
    except CorpusError as exc:
        raise UserError(str(exc)) from exc


def _store(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from kbtui.annotations.store import DatabaseError, Store

    try:
        return Store.open(database_path(args.db))
    except DatabaseError as exc:
        raise UserError(str(exc)) from exc


def _print_json(data: object) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def cmd_list(args: argparse.Namespace) -> None:
    """``kbtui list``: one line (or JSON object) per document."""
    from kbtui.view.sanitize import one_line

    corpus = _corpus(args)
    store = _store(args)
    entries = corpus.scan()
    for problem in corpus.folder_problems:
        print(f"kbtui: {one_line(problem)}", file=sys.stderr)
    records = [
        {
            "id": e.id,
            "title": e.meta.title,
            "date": e.meta.date,
            "source": e.meta.source_url,
            "author": e.meta.author,
            "script": str(e.script),
            "tags": e.meta.tags,
            "chars": e.chars,
            "annotations": store.count(e.id),
            "encoding": e.encoding,
            "problems": e.problems,
        }
        for e in entries
    ]
    if args.json:
        _print_json(records)
        return
    for r in records:
        problems = f"  ⚠ {'; '.join(r['problems'])}" if r["problems"] else ""
        print(
            f"{one_line(r['id'])}\t{r['date'] or '-':10}\t{r['script']:11}\t{r['chars']:>8}\t"
            f"{one_line(str(r['title']), 80)}{one_line(problems)}"
        )


def cmd_show(args: argparse.Namespace) -> None:
    """``kbtui show DOC``: the reading text, optionally converted."""
    from kbtui.scripts.views import ConversionError, Variant, convert_view
    from kbtui.view.markdown import render
    from kbtui.view.sanitize import printable

    doc = _load(args, args.doc)
    view = render(doc.source, doc.body_start)
    if args.script != "original":
        try:
            view = convert_view(view, Variant(args.script), doc.script)
        except ConversionError as exc:
            raise UserError(f"{doc.id}: cannot convert to {args.script}: {exc}") from exc
    sys.stdout.write(printable(view.text))
    if not view.text.endswith("\n"):
        sys.stdout.write("\n")


def _load(args: argparse.Namespace, doc_id: str):  # type: ignore[no-untyped-def]
    corpus = _corpus(args)
    try:
        doc = corpus.load(doc_id)
    except KeyError as exc:
        raise UserError(f"no document {doc_id!r} in {corpus.root}") from exc
    if not doc.readable:
        raise UserError(f"{doc_id}: {'; '.join(doc.problems) or 'cannot be read'}")
    return doc


def cmd_search(args: argparse.Namespace) -> None:
    """``kbtui search QUERY``: every match in every document, with context."""
    from kbtui.search.scan import search
    from kbtui.session.knowledge import searchable_texts
    from kbtui.view.sanitize import one_line

    docs = searchable_texts(_corpus(args))
    result = search(docs, args.query)
    if args.json:
        _print_json(result.to_json())
        return
    for group in result.documents:
        print(f"{one_line(group.doc_id)}  ({group.total})")
        for hit in group.hits:
            print(f"  {hit.start:>7}  {hit.context}")
    note = " (contexts cut)" if result.truncated else ""
    print(f"{result.total} matches in {len(result.documents)} documents{note}", file=sys.stderr)


MENTIONS_SHOWN = 3
"""Contexts per document ``kbtui mentions`` prints for every entity (all, for one)."""


def cmd_mentions(args: argparse.Namespace) -> None:
    """``kbtui mentions [ENTITY]``: entities with the documents and passages naming them."""
    from kbtui.documents.corpus import CorpusError
    from kbtui.entities.mentions import mentions_report
    from kbtui.session.knowledge import (
        build_index,
        build_registry,
        open_corpus,
        text_loader,
        user_records,
    )
    from kbtui.view.sanitize import one_line

    try:
        corpus, entities_file = open_corpus(corpus_path(args.corpus))
    except CorpusError as exc:
        raise UserError(str(exc)) from exc
    store = _store(args)
    try:
        user = user_records(store)
    finally:
        store.close()
    for problem in entities_file.problems:
        print(f"kbtui: {one_line(problem)}", file=sys.stderr)
    index = build_index(corpus, build_registry(entities_file, corpus.scan(), user))
    shown = None if args.json or args.entity is not None else MENTIONS_SHOWN
    try:
        report = mentions_report(index, text_loader(corpus), args.entity, max_per_document=shown)
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
    from kbtui.exchange.filenames import plan_file, write_plan
    from kbtui.exchange.markdown import Scope, TemplateError, load_template
    from kbtui.exchange.pipeline import (
        collect,
        export_json,
        markdown_options,
        out_path,
        plan_markdown,
    )
    from kbtui.scripts.views import ConversionError

    corpus, store = _corpus(args), _store(args)
    scope = Scope(doc_id=args.doc, tag=args.tag)
    corpus.entries()  # scan, so ``get`` knows every document
    if args.doc is not None and corpus.get(args.doc) is None:
        raise UserError(f"no document {args.doc!r} in {corpus.root}")
    out, folder = out_path(args.out)
    try:
        items = collect(corpus, store, scope)
        if args.format == "json":
            text, plan = export_json(items), None
            if out is not None:
                text, plan = None, plan_file(out, export_json(items))
        else:
            template = load_template(Path(args.template)) if args.template else None
            options = markdown_options(args.script, scope, template, corpus.root)
            text, plan = plan_markdown(items, options, out, folder)
        if plan is None:
            sys.stdout.write(text or "")
            return
        write_plan(plan, force=args.force)
    except FileExistsError as exc:
        raise UserError(f"{exc}; use --force to overwrite") from exc
    except (TemplateError, ConversionError, OSError) as exc:
        raise UserError(str(exc)) from exc
    count = sum(len(item.annotations) for item in items)
    print(f"exported {count} annotations to {out}", file=sys.stderr)


def cmd_import(args: argparse.Namespace) -> None:
    """``kbtui import FILE``: merge a W3C JSON export, re-anchoring what it brings."""
    from kbtui.exchange.pipeline import import_json
    from kbtui.exchange.w3c import W3CError

    corpus, store = _corpus(args), _store(args)
    try:
        data = Path(args.file).expanduser().read_bytes()
    except OSError as exc:
        raise UserError(f"{args.file}: {exc.strerror or exc}") from exc
    try:
        report = import_json(corpus, store, data)
    except W3CError as exc:
        raise UserError(f"{args.file}: {exc}") from exc
    finally:
        store.close()
    for rejection in report.rejected:
        print(f"kbtui: rejected {rejection}", file=sys.stderr)
    print(report.summary())


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


COMMANDS: dict[str | None, Callable[[argparse.Namespace], None]] = {
    None: cmd_app,
    "list": cmd_list,
    "show": cmd_show,
    "search": cmd_search,
    "mentions": cmd_mentions,
    "export": cmd_export,
    "import": cmd_import,
}


def main(argv: Sequence[str] | None = None) -> NoReturn:
    """Entry point: run a command, turning user errors into one line."""
    args = build_parser().parse_args(argv)
    try:
        COMMANDS[args.command](args)
    except UserError as exc:
        _fail(str(exc))
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
