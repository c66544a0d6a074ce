"""The Session: one open corpus with its store, settings, entities and history.

What the command line and the app share, without Textual (:mod:`.session`):
the list's rows (:mod:`.rows`), search results and entity passages as plain
groups (:mod:`.passages`), entity rows and their descriptions
(:mod:`.entities`), assembling the entity registry and mention index
(:mod:`.knowledge`), the jump history (:mod:`.history`), the dictionary,
pinyin search and the word list (:mod:`.reading_aids`). May import every
core package; only :mod:`kbtui.cli` and :mod:`kbtui.ui` import it.
"""

from kbtui.session.session import Session

__all__ = ["Session"]
