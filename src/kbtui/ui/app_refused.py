"""The App's part when the database is refused while it runs: a dialog, not a traceback.

Annotations are read lazily, so a malformed record shows up when its document
is opened, in whichever worker or handler read it first. Textual turns every
unhandled exception, a worker's included, into a traceback and an exit through
``App._handle_exception``; that one hook is overridden here, for the store's
:class:`~kbtui.annotations.errors.DatabaseError` only. The dialog
(:class:`~kbtui.ui.screens.refused.RefusedScreen`) offers a repair into a new
file or an empty database beside the old one; either way the app exits with
:attr:`RefusedRoutes.reopen_with` set and the CLI opens it again on that file,
so no half-opened state survives. A busy database (another process holds the
lock) is only a notice: trying again later may work. The same hook drops a
worker's ``NoMatches`` once the app is closing (a thread that finished after
the screens were torn down), which is no error of the user's session.
"""

from __future__ import annotations

from pathlib import Path

from textual.app import App
from textual.css.query import NoMatches
from textual.worker import WorkerFailed

from kbtui.annotations.busy import DatabaseBusy
from kbtui.annotations.errors import DatabaseError
from kbtui.session import Session
from kbtui.view.sanitize import one_line


class RefusedRoutes(App[None]):
    """The refused-database half of the App."""

    session: Session
    reopen_with: Path | None = None
    """The database the CLI should open the app on again, once it has exited."""
    _refusal: DatabaseError | None = None

    def _handle_exception(self, error: Exception) -> None:
        refused = refusal_in(error)
        if refused is None:
            if not self.is_running and isinstance(_cause(error), NoMatches):
                return  # a worker that finished as the app closed: its widgets are gone
            super()._handle_exception(error)
        elif isinstance(refused, DatabaseBusy):
            self.notify(one_line(str(refused)), severity="error", timeout=10)
        elif self._refusal is None:  # one dialog, however many readers failed
            self._refusal = refused
            self.call_later(self._offer_repair)

    def _offer_repair(self) -> None:
        from kbtui.ui.screens.refused import RefusedScreen

        assert self._refusal is not None
        self.push_screen(RefusedScreen(str(self._refusal)), callback=self._refused_choice)

    def _refused_choice(self, choice: str | None) -> None:
        from kbtui.session.repair import fresh_path, repair

        db_path, reason = self.session.db_path, str(self._refusal)
        if choice == "fresh":
            self.reopen_with = fresh_path(db_path)
        elif choice == "repair":
            try:
                done = repair(db_path)
            except DatabaseError as exc:
                self.exit(return_code=1, message=one_line(f"kbtui: {exc}; nothing was changed"))
                return
            self.reopen_with = done.target if done is not None else db_path
        else:
            self.exit(return_code=1, message=one_line(f"kbtui: {reason}; nothing was changed"))
            return
        self.exit()


def refusal_in(error: BaseException) -> DatabaseError | None:
    """The store's refusal behind ``error`` (a worker's failure wraps it), if it is one."""
    cause = _cause(error)
    return cause if isinstance(cause, DatabaseError) else None


def _cause(error: BaseException) -> BaseException:
    """``error``, or what a failed worker raised."""
    return error.error if isinstance(error, WorkerFailed) else error
