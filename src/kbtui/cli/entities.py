"""``kbtui mentions``: entities with the documents and passages that name them;
``kbtui entities``: the entities, or the names nobody registered (``--suggest``)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from kbtui.cli.common import UserError, print_json, session_of

if TYPE_CHECKING:
    from kbtui.entities.mentions import MentionIndex
    from kbtui.entities.passages import EntityMentions
    from kbtui.entities.suggestions import Suggestion
    from kbtui.session.session import Session


MENTIONS_SHOWN = 3
"""Contexts per document ``kbtui mentions`` prints for every entity (all, for one)."""


def cmd_mentions(args: argparse.Namespace) -> None:
    """``kbtui mentions [ENTITY]``: entities with the documents and passages naming them."""
    from kbtui.entities.passages import mentions_report
    from kbtui.view.sanitize import one_line

    session = session_of(args, read_only=True)
    try:
        index = session.index_mentions(session.user_records()).index  # and the corrections
    finally:
        session.close()
    for problem in session.entities_file.problems:
        print(f"kbtui: {one_line(problem)}", file=sys.stderr)
    shown = None if args.json or args.entity is not None else MENTIONS_SHOWN
    try:
        report = mentions_report(
            index, session.corpus.load_text, args.entity, max_per_document=shown
        )
    except LookupError as exc:
        raise UserError(str(exc.args[0] if exc.args else exc)) from exc
    if args.json:
        print_json([found.to_json() for found in report])
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
        inferred = f", {group.inferred} inferred" if group.inferred else ""
        print(f"  {one_line(group.doc_id)}  ({group.count}{inferred})")
        shown = group.distinct()
        for passage in shown:
            inferred = "  (inferred)" if passage.inferred else ""
            print(f"    {passage.start:>7}  {one_line(str(passage.context))}{inferred}")
        if group.count > len(shown):
            print(f"    {'':>7}  … {group.count - len(shown)} more")
    print()


def add_entities_command(add: Callable[[str, str], argparse.ArgumentParser]) -> None:
    """The parser of ``kbtui entities`` (``add`` makes a subcommand's parser)."""
    entities = add("entities", "the entities, or the names the corpus uses that none has")
    entities.add_argument("--suggest", action="store_true", help="names nobody registered")
    entities.add_argument("--limit", type=int, metavar="N", help="at most N suggestions")
    entities.add_argument("--json", action="store_true")


def cmd_entities(args: argparse.Namespace) -> None:
    """``kbtui entities [--suggest]``: the registered entities, or the names
    the corpus uses that none of them has."""
    session = session_of(args, read_only=True)
    try:
        user = session.user_records()
    finally:
        session.close()
    index = session.index_mentions(user).index
    if args.suggest:
        _suggest(session, index, args.json, args.limit)
    else:
        _list_entities(index, args.json)


def _list_entities(index: MentionIndex, as_json: bool) -> None:
    """Every entity, most named first, with its counts."""
    from kbtui.session.entities import entity_rows
    from kbtui.view.sanitize import one_line

    rows = entity_rows(index)
    if as_json:
        counts = ({"documents": r.documents, "mentions": r.mentions} for r in rows)
        print_json([{**r.entity.to_json(), **c} for r, c in zip(rows, counts, strict=True)])
        return
    for row in rows:
        print(
            f"{one_line(row.entity.name, 120)}  ({row.entity.kind})  "
            f"{row.mentions} mentions in {row.documents} documents"
        )


def _suggest(session: Session, index: MentionIndex, as_json: bool, limit: int | None) -> None:
    """The names nobody registered (:mod:`kbtui.entities.suggestions`), most used first."""
    from kbtui.entities.suggestions_scan import SegmenterMissing
    from kbtui.session.suggestions import session_suggestions

    try:
        found = session_suggestions(session, index)[:limit]
    except (OSError, SegmenterMissing) as exc:
        raise UserError(str(exc)) from exc
    if as_json:
        print_json([suggestion.to_json() for suggestion in found])
        return
    if not found:
        print("kbtui: every name found is an entity already (or ignored)", file=sys.stderr)
    for suggestion in found:
        _print_suggestion(suggestion)


def _print_suggestion(suggestion: Suggestion) -> None:
    """One candidate: a heading line (counts, the entity it may be), then its contexts."""
    from kbtui.view.sanitize import one_line

    alias = suggestion.alias_of
    also = f"  → alias of {one_line(alias.entity.name, 120)}?" if alias is not None else ""
    print(
        f"{one_line(suggestion.name, 120)}  ({suggestion.kind}?)  {suggestion.mentions} "
        f"mentions in {suggestion.documents} documents{also}"
    )
    for context in suggestion.contexts:
        print(f"  {one_line(context.doc_id)}  {context.start:>7}  {one_line(context.text)}")
