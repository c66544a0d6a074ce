"""``kbtui doctor``: one line per thing wrong with the database, settings or corpus.

The checks are :mod:`kbtui.session.doctor`'s; this prints them (or JSON) and
exits 1 when one is an error or a warning, so a script can run it. With
``--repair`` it salvages a refused database into a new file beside it
(:mod:`kbtui.session.repair`) and exits 0, or 1 when nothing needed repair.
"""

from __future__ import annotations

import argparse
import shlex

from kbtui.cli.common import UserError, print_json, session_of


class RepairFailed(UserError):
    """The salvaged database could not be written (exit status 2)."""

    code = 2


def cmd_doctor(args: argparse.Namespace) -> None:
    """``kbtui doctor [--json] [--repair]``: read everything, say what to do."""
    from kbtui.session.doctor import Severity, examine
    from kbtui.view.sanitize import one_line

    if getattr(args, "repair", False):
        _repair(args)
        return
    session = session_of(args, read_only=True)
    findings = examine(session.corpus, session.entities_file, session.db_path)
    if args.json:
        print_json([finding.to_json() for finding in findings])
    else:
        for finding in findings:
            print(one_line(finding.line()))
        if not findings:
            print(f"no problem found in {session.db_path}, the settings or {session.corpus.root}")
    if any(finding.severity is not Severity.NOTE for finding in findings):
        raise UserError(f"doctor: {len(findings)} finding(s); each line above says what to do")


def _repair(args: argparse.Namespace) -> None:
    """Salvage the database kbtui refuses into a new file; the old files stay as they are."""
    from kbtui.annotations.errors import DatabaseError
    from kbtui.session.repair import repair
    from kbtui.view.sanitize import one_line

    db_path = session_of(args, read_only=True).db_path
    try:
        done = repair(db_path)
    except DatabaseError as exc:
        raise RepairFailed(f"doctor: {exc}; nothing was changed") from exc
    if done is None:
        raise UserError(f"doctor: {db_path} opens cleanly: nothing needs repair")
    kept, result = done.salvage.kept(), done.salvage
    if args.json:
        print_json(
            {
                "refused": done.refused,
                "written": str(done.target),
                "kept": kept,
                "journal_lines": result.journal_lines,
                "dropped": dict(result.dropped),
                "problems": result.problems,
            }
        )
        return
    print(one_line(f"refused: {done.refused}"))
    for problem in result.problems:
        print(one_line(f"damaged: {problem}"))
    print(f"kept: {_counts(kept) or 'nothing'} (with {result.journal_lines} journal line(s))")
    print(f"dropped: {_counts(dict(result.dropped)) or 'nothing'}")
    print(one_line(f"wrote {done.target}; the old files are unchanged"))
    target = shlex.quote(str(done.target))
    print(one_line(f"use it with: kbtui COMMAND --db {target} (or KBTUI_DB={target})"))


def _counts(counts: dict[str, int]) -> str:
    """``annotations:a.txt 5, docs 1``."""
    return ", ".join(f"{name} {count}" for name, count in sorted(counts.items()))
