"""``kbtui export`` and ``kbtui import``: annotations out as Markdown or W3C JSON, and back in."""

from __future__ import annotations

import argparse
import os
import stat
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from kbtui.cli.common import UsageError, UserError, escape_invisible, os_error_line, session_of

if TYPE_CHECKING:
    from kbtui.exchange.paths import Layout
    from kbtui.exchange.pipeline import ExportRequest


def cmd_export(args: argparse.Namespace) -> None:
    """``kbtui export``: annotations as Markdown (stdout, a file, a folder) or W3C JSON."""
    from kbtui.exchange.filenames import write_plan
    from kbtui.exchange.markdown import TemplateError
    from kbtui.scripts.views import ConversionError

    session = session_of(args, read_only=True)
    session.corpus.entries()  # scan, so ``get`` knows every document
    if args.doc is not None and session.corpus.get(args.doc) is None:
        raise UserError(f"no document {args.doc!r} in {session.corpus.root}")
    request = _export_request(args)
    if request.needs_index:
        session.mention_index = session.index_mentions(session.user_records()).index
    try:
        planned = session.plan_export(request)
        if planned.text is not None:
            sys.stdout.write(
                escape_invisible(planned.text) if args.format == "json" else planned.text
            )
            return
        write_plan(planned.plan, force=args.force)
    except FileExistsError as exc:
        raise UserError(f"{exc}; use --force to overwrite") from exc
    except (TemplateError, ConversionError) as exc:
        raise UserError(str(exc)) from exc
    except OSError as exc:
        raise UserError(os_error_line(exc)) from exc
    except LookupError as exc:  # an unknown entity, or a shared name
        raise UserError(str(exc.args[0] if exc.args else exc)) from exc
    print(f"exported {planned.annotations} annotations to {planned.target}", file=sys.stderr)


def _export_request(args: argparse.Namespace) -> ExportRequest:
    """What ``kbtui export``'s options ask for; ``--out`` ending in a separator, or
    naming a folder, means one Markdown file per document (and ``--by entity``
    a page per entity beside them)."""
    from kbtui.exchange.markdown import Scope, load_template
    from kbtui.exchange.paths import Layout, is_folder
    from kbtui.exchange.pipeline import ExportRequest
    from kbtui.exchange.wikilinks import LinkStyle

    if args.format == "json":
        layout = Layout.JSON
    else:
        layout = Layout.PER_DOCUMENT if args.out and is_folder(args.out) else Layout.FILE
    _check_by_entity(args, layout)
    template = load_template(Path(args.template)) if args.template else None
    scope = Scope(doc_id=args.doc, tag=args.tag, entity=args.entity)
    by_entity = args.by == "entity"
    links = LinkStyle(args.wikilinks) if args.wikilinks else None
    return ExportRequest(scope, layout, args.script, args.out or None, template, by_entity, links)


def _check_by_entity(args: argparse.Namespace, layout: Layout) -> None:
    """``--by entity`` writes a folder of Markdown, and ``--wikilinks`` link to its pages."""
    from kbtui.exchange.paths import Layout

    if args.by == "entity" and layout is not Layout.PER_DOCUMENT:
        raise UsageError("export: --by entity writes Markdown pages into a folder: --out DIR/")
    if args.wikilinks and args.by != "entity":
        raise UsageError("export: --wikilinks links to entity pages: add --by entity --out DIR/")
    if args.entity is not None and not args.entity.strip():
        raise UsageError("export: --entity needs a name")


def cmd_import(args: argparse.Namespace) -> None:
    """``kbtui import FILE``: merge a W3C JSON export, re-anchoring what it brings."""
    from kbtui.exchange.pipeline import import_json
    from kbtui.exchange.w3c import W3CError

    data = _read_import(args.file, _import_cap(args.max_bytes))
    session = session_of(args)
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
