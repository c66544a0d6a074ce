"""The Session: one open corpus with its store, settings, entities and history.

What the command line and the app share, without Textual: assembling the
entity registry and mention index (:mod:`.knowledge`), the jump history
(:mod:`.history`). May import every core package; only :mod:`kbtui.cli` and
:mod:`kbtui.ui` import it.
"""
