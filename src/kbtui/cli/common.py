"""What every ``kbtui`` command shares: its errors, its session, its JSON output.

Every command module of :mod:`kbtui.cli` uses it; it imports nothing heavy,
since every ``kbtui`` run loads it.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from typing import TYPE_CHECKING

from kbtui.locations import corpus_path, database_path

if TYPE_CHECKING:
    from kbtui.session.session import Session


SCRIPT_CHOICES = ("original", "simplified", "traditional", "taiwan", "hongkong")
"""The ``--script`` values of ``show`` and ``export``."""


class UserError(Exception):
    """A problem the user can fix; its message is printed as one line."""

    code = 1
    """The exit status."""


class UsageError(UserError):
    """An option's value is wrong (exit status 2, as argparse's own errors)."""

    code = 2


def session_of(args: argparse.Namespace, *, read_only: bool = False) -> Session:
    """The session of ``--corpus`` and ``--db``; the store opens when a command first uses it.

    A command that only reads passes ``read_only``: it then never writes,
    repairs, compacts or locks the database (a damaged one is refused, not mended).
    """
    from kbtui.documents.corpus import CorpusError
    from kbtui.session.session import Session

    try:
        return Session.open(corpus_path(args.corpus), database_path(args.db), read_only=read_only)
    except CorpusError as exc:
        raise UserError(str(exc)) from exc


_INVISIBLE = re.compile("[\u0080-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
"""C1 controls, bidi controls and line separators: ``ensure_ascii=False`` leaves them
raw, and a terminal then acts on them (U+202E reverses what follows on the line)."""


def print_json(data: object) -> None:
    """``data`` as indented UTF-8 JSON on standard output (:func:`escape_invisible`)."""
    sys.stdout.write(escape_invisible(json.dumps(data, ensure_ascii=False, indent=2)))
    sys.stdout.write("\n")


def escape_invisible(json_text: str) -> str:
    """``json_text`` with the code points of :data:`_INVISIBLE` as JSON escapes
    (``\\u202e``): the same JSON, shown harmlessly on a terminal."""
    return _INVISIBLE.sub(lambda m: f"\\u{ord(m.group()):04x}", json_text)


def require_query(command: str, text: str) -> str:
    """``text``, or a :class:`UsageError` when it is empty or blank: an empty search
    would print "0 matches" and succeed, which reads as "not in the corpus"."""
    if not text.strip():
        raise UsageError(f"{command}: give something to look for (the query is empty)")
    return text


def os_error_line(exc: OSError) -> str:
    """``PATH: File name too long``: the path and the system's reason, without ``[Errno N]``
    (an error kbtui raised with its own sentence is that sentence)."""
    if exc.strerror is None:
        return str(exc)
    return f"{exc.filename}: {exc.strerror}" if exc.filename is not None else exc.strerror
