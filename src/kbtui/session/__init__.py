"""The Session: one open corpus with its store, settings, entities and history.

What the command line and the app share, without Textual (:mod:`.session`):
the list's rows (:mod:`.rows`), search results and entity passages as plain
groups (:mod:`.passages`), entity rows and their descriptions
(:mod:`.entities`), assembling the entity registry and mention index
(:mod:`.knowledge`), the jump history (:mod:`.history`), the dictionary,
pinyin search and the word list (:mod:`.reading_aids`), and opening a corpus
without the rest (:mod:`.opening`). May import every core package; only
:mod:`kbtui.cli` and :mod:`kbtui.ui` import it.

:class:`Session` is imported when it is first asked for: importing
:mod:`.opening` (``kbtui list``) runs this file, and the Session brings the
script engine with it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kbtui.session.session import Session

__all__ = ["Session"]


def __getattr__(name: str) -> object:
    """``Session``, from :mod:`.session` on first use (PEP 562)."""
    if name == "Session":
        from kbtui.session.session import Session

        return Session
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
