"""``kbtui list --missing`` and ``kbtui reattach``: records whose document is gone.

A renamed or deleted file leaves its annotations under an id the corpus
lacks (:mod:`kbtui.session.housekeeping`); these commands show them, with
the file they probably belong to now, and move them there.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from kbtui.cli.common import UserError, print_json, session_of
from kbtui.wording import plural

if TYPE_CHECKING:
    from kbtui.annotations.store import Store
    from kbtui.documents.corpus import Corpus
    from kbtui.session.housekeeping import MissingDocument


def add_housekeeping_commands(add: Callable[[str, str], argparse.ArgumentParser]) -> None:
    """Add ``reattach`` and ``doctor`` with ``add``, the CLI's way to add a subcommand."""
    reattach = add("reattach", "move a missing document's annotations to a corpus document")
    reattach.add_argument("old", metavar="OLD", help="the id the annotations are kept under")
    reattach.add_argument("new", metavar="NEW", help="the corpus document they belong to now")
    doctor = add("doctor", "check the database, the settings and the corpus, changing nothing")
    doctor.add_argument("--json", action="store_true")
    doctor.add_argument(
        "--repair", action="store_true", help="salvage a refused database into a new file beside it"
    )


def list_missing(args: argparse.Namespace) -> None:
    """``kbtui list --missing``: one line (or JSON object) per missing document."""
    from kbtui.session.housekeeping import missing_documents

    session = session_of(args, read_only=True)
    missing = missing_documents(session.corpus, session.store)
    if args.json:
        print_json([_record(m) for m in missing])
        return
    if not missing:
        print("kbtui: no document is missing: every record has its file", file=sys.stderr)
    for m in missing:
        print(missing_line(m))


def missing_line(m: MissingDocument) -> str:
    """``OLD  3 annotations, 1 word, state  → NEW (same content): kbtui reattach OLD NEW``."""
    from kbtui.view.sanitize import one_line

    kept = m.records
    what = f"{plural(kept.annotations, 'annotation')}, {plural(kept.words, 'word')}"
    if kept.state:
        what += ", state"
    old = one_line(m.doc_id)
    if m.suggestion is None:
        return f"{old}  {what}  (no file like it; kbtui reattach {old} NEW moves them)"
    new = one_line(m.suggestion)
    return f"{old}  {what}  → {new} ({m.reason}): kbtui reattach {old} {new}"


def _record(m: MissingDocument) -> dict[str, object]:
    return {
        "id": m.doc_id,
        "annotations": m.records.annotations,
        "words": m.records.words,
        "state": m.records.state,
        "suggestion": m.suggestion,
        "reason": m.reason or None,
    }


def missing_notice(corpus: Corpus, store: Store) -> str | None:
    """What plain ``kbtui list`` says on stderr when records have no file (else ``None``):
    the table lists the corpus, so without it they would pass unseen."""
    from kbtui.session.housekeeping import missing_documents

    missing = missing_documents(corpus, store, suggest=False)
    if not missing:
        return None
    annotations = sum(m.records.annotations for m in missing)
    words = sum(m.records.words for m in missing)
    states = sum(m.records.state for m in missing)
    kept = [
        plural(count, noun)
        for count, noun in ((annotations, "annotation"), (words, "word"), (states, "state"))
        if count
    ]
    documents = plural(len(missing), "document")
    return f"kept for {documents} not in the corpus: {', '.join(kept)} (kbtui list --missing)"


def cmd_reattach(args: argparse.Namespace) -> None:
    """``kbtui reattach OLD NEW``: move a missing document's records to a corpus document."""
    from kbtui.session.housekeeping import ReattachError, reattach
    from kbtui.view.sanitize import one_line

    session = session_of(args)
    try:
        done = reattach(session.corpus, session.store, args.old, args.new)
    except ReattachError as exc:
        raise UserError(str(exc)) from exc
    finally:
        session.close()
    print(one_line(done.summary()))
