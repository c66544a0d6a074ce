"""``kbtui show`` and ``kbtui search``: a document's reading text, and every match.

Both read documents only: neither opens the store unless a conversion needs
the document's stored locale.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from kbtui.cli.common import UsageError, UserError, print_json, require_query, session_of

if TYPE_CHECKING:
    from kbtui.documents.model import Document
    from kbtui.scripts.locales import Locale
    from kbtui.search.scan import DocumentHits
    from kbtui.session.session import Session


def cmd_show(args: argparse.Namespace) -> None:
    """``kbtui show DOC``: the reading text, optionally converted (from ``--source``,
    else from the document's locale, as the app would; the store is opened only then)."""
    from kbtui.scripts.views import ConversionError, Variant, convert_view
    from kbtui.view.reading import reading_view
    from kbtui.view.sanitize import one_line, printable

    declared = _source_option(args.source)
    session = session_of(args, read_only=True)
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
    """``kbtui search QUERY``: every match in every document, with context (and by pinyin).

    Each document is printed as soon as it is found, so the first lines come at once
    however common the word; the totals, on standard error, come last. ``--json`` prints
    one document, so it waits for the whole search (collected once, in order).
    """
    from kbtui.session.searching import Tally

    query = require_query("search", args.query)
    session = session_of(args, read_only=True)
    session.searching.ensure_index(_indexing_note())
    if args.json:
        print_json(session.search_corpus(query).to_json())
        return
    tally = Tally()
    for group in session.stream_corpus(query):
        tally.add(group)
        _print_group(group)
    cut = " (contexts cut)" if tally.truncated else ""
    print(f"{tally}{cut}", file=sys.stderr)


def _print_group(group: DocumentHits) -> None:
    """One document's line and its hits' context lines (flushed: a pipe sees them now)."""
    from kbtui.view.sanitize import one_line

    lines = [f"{one_line(group.doc_id)}  ({group.total})"]
    for hit in group.hits:
        how = "  (pinyin)" if hit.pinyin else f"  {one_line(hit.variant)}" if hit.variant else ""
        lines.append(f"  {hit.start:>7}  {hit.context}{how}")
    print("\n".join(lines), flush=True)


def _indexing_note() -> Callable[[int, int], None]:
    """Says once, on standard error, that a first search of a big corpus builds its index
    (minutes at 100,000 documents; later runs read only the files that changed)."""
    said = False

    def note(_done: int, total: int) -> None:
        nonlocal said
        if not said and total > 1000:
            print(f"kbtui: indexing {total} documents for search (once)", file=sys.stderr)
        said = True

    return note
