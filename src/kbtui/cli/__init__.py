"""The ``kbtui`` command: a thin layer over the Session, and the way into the app.

One module per group of commands: :mod:`.documents` (``show``, ``search``),
:mod:`.listing` (``list``), :mod:`.housekeeping` (``list --missing``, ``reattach``), :mod:`.doctor`,
:mod:`.entities` (``mentions``), :mod:`.exchange` (``export``, ``import``),
:mod:`.words` (``lookup``, ``vocab``); :mod:`.common` holds what they share and
:mod:`.dispatch` the parser and dispatch. Textual is imported only when the app
opens, so ``kbtui list`` and ``kbtui show`` start fast.
"""

from kbtui.cli.dispatch import main

__all__ = ["main"]
