"""``kbtui mentions``: entities with the documents and passages that name them."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from kbtui.cli.common import UserError, print_json, session_of

if TYPE_CHECKING:
    from kbtui.entities.passages import EntityMentions


MENTIONS_SHOWN = 3
"""Contexts per document ``kbtui mentions`` prints for every entity (all, for one)."""


def cmd_mentions(args: argparse.Namespace) -> None:
    """``kbtui mentions [ENTITY]``: entities with the documents and passages naming them."""
    from kbtui.entities.passages import mentions_report
    from kbtui.view.sanitize import one_line

    session = session_of(args, read_only=True)
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
        print(f"  {one_line(group.doc_id)}  ({group.count})")
        for passage in group.passages:
            print(f"    {passage.start:>7}  {one_line(str(passage.context))}")
        if group.count > len(group.passages):
            print(f"    {'':>7}  … {group.count - len(group.passages)} more")
    print()
