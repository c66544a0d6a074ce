"""``kbtui`` with no command: the app, opened again on another database when it asks.

A database the store refuses is never written over. When that is found while
the app runs, its dialog lets the user repair it into a new file, or start an
empty one, beside it; the app then exits naming that file
(:attr:`~kbtui.ui.app_refused.RefusedRoutes.reopen_with`) and is opened
again here on it. Refused before the app starts, the same offer is a question
on the terminal (without one: the one-line error, with what to do).
"""

from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from kbtui.cli.common import UserError
from kbtui.locations import corpus_path, database_path
from kbtui.view.sanitize import one_line

if TYPE_CHECKING:
    from kbtui.annotations.errors import DatabaseError
    from kbtui.ui.app import KbtuiApp

Ask = Callable[[str], str]
"""How a question reaches the user (``input``, or a test's answer)."""


def cmd_app(args: argparse.Namespace) -> None:
    """Open the app (the only path that imports Textual), again on a new database if asked."""
    corpus, db_path = corpus_path(args.corpus), database_path(args.db)
    reopened = False
    while True:
        app = _app_on(corpus, db_path, args.open, input if _interactive() else None)
        if reopened:
            notice = one_line(f"Now on {db_path}; the database before it is unchanged")
            app.call_later(app.notify, notice, timeout=10)
        app.run()
        if app.reopen_with is None:
            break
        db_path, reopened = app.reopen_with, True
    if app.return_code:  # a crash, or changes a full disk refused (the app said which)
        sys.exit(app.return_code)


def _app_on(corpus: Path, db_path: Path, open_target: str | None, ask: Ask | None) -> KbtuiApp:
    """The app over ``db_path``, or over the repaired copy the user agreed to open."""
    gc.disable()  # before the app's imports too: make_app's pause (see there) starts here
    from kbtui.annotations.errors import DatabaseError
    from kbtui.documents.corpus import CorpusError
    from kbtui.ui.app import make_app

    try:
        app, warnings = make_app(corpus, db_path, open_target=open_target)
    except CorpusError as exc:
        raise UserError(str(exc)) from exc
    except DatabaseError as exc:
        repaired = offer_repair(exc, db_path, ask)
        if repaired is None:
            from kbtui.session.doctor import KEEP_FILES

            raise UserError(f"{exc}; {KEEP_FILES}") from exc
        return _app_on(corpus, repaired, open_target, None)
    for warning in warnings:
        app.call_later(app.notify, warning, severity="warning", timeout=10)
    return app


def offer_repair(refused: DatabaseError, db_path: Path, ask: Ask | None) -> Path | None:
    """Ask whether to salvage the refused database into a new file and open that; the new
    file's path if the user said yes and it was written (``None``: not asked, or no)."""
    from kbtui.annotations.busy import DatabaseBusy
    from kbtui.session.repair import repair

    if ask is None or isinstance(refused, DatabaseBusy):  # busy: repairing cannot help
        return None
    print(one_line(f"kbtui: {refused}"), file=sys.stderr)
    answer = ask("Repair it into a new file beside it and open that (the old files stay)? [y/N] ")
    if answer.strip().lower() not in {"y", "yes"}:
        return None
    try:
        done = repair(db_path)
    except DatabaseError as exc:
        raise UserError(f"{exc}; nothing was changed") from exc
    if done is None:
        return None
    print(one_line(f"kbtui: wrote {done.target}; opening it"), file=sys.stderr)
    return done.target


def _interactive() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()
