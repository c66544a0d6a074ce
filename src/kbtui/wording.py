"""How counts are worded in messages: ``1 annotation``, ``2 annotations``.

A module of its own, importing nothing, because every layer words counts
(the command line, the app, the session's notices, export's summary) and
the export pipeline, where this began, brings Jinja2 (~90 ms) to whoever
imports it.
"""

from __future__ import annotations


def plural(count: int, noun: str) -> str:
    """``1 annotation``, ``2 annotations``."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
