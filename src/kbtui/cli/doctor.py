"""``kbtui doctor``: one line per thing wrong with the database, settings or corpus.

The checks are :mod:`kbtui.session.doctor`'s; this prints them (or JSON) and
exits 1 when one is an error or a warning, so a script can run it.
"""

from __future__ import annotations

import argparse

from kbtui.cli.common import UserError, print_json, session_of


def cmd_doctor(args: argparse.Namespace) -> None:
    """``kbtui doctor [--json]``: read everything, change nothing, say what to do."""
    from kbtui.session.doctor import Severity, examine
    from kbtui.view.sanitize import one_line

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
