"""What every ``kbtui`` command shares: its errors, its session, its JSON output.

Every command module of :mod:`kbtui.cli` uses it; it imports nothing heavy,
since every ``kbtui`` run loads it.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Callable
from itertools import repeat
from typing import TYPE_CHECKING, Any

from kbtui.locations import corpus_path, database_path

if TYPE_CHECKING:
    from kbtui.documents.corpus import Corpus
    from kbtui.entities.entities_file import EntitiesFile
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
    from kbtui.session.session import Session

    corpus, entities_file = corpus_of(args)
    return Session(corpus, entities_file, database_path(args.db), read_only=read_only)


def corpus_of(args: argparse.Namespace) -> tuple[Corpus, EntitiesFile]:
    """The corpus of ``--corpus`` and its ``entities.yaml``, without a session
    (``kbtui list`` needs nothing else: :mod:`kbtui.session.opening`)."""
    from kbtui.documents.corpus import CorpusError
    from kbtui.session.opening import open_corpus

    try:
        return open_corpus(corpus_path(args.corpus))
    except CorpusError as exc:
        raise UserError(str(exc)) from exc


_KEPT: list[object] = []
"""What commands made and :func:`leave` may end the process holding."""


def keep_until_exit(*made: object) -> None:
    """Hold what a command made until it ends: :func:`leave` then ends ``kbtui``'s own
    process without freeing it object by object (the 100,000 entries and columns of
    ``kbtui list`` took 0.07-0.1 s to free, a fifteenth of the run)."""
    _KEPT.extend(made)


def leave(whole_process: bool) -> None:
    """After a command succeeded: if it kept what it made and the process is ``kbtui``'s
    own (``whole_process``: run as the command, not called by a program with arguments),
    flush the output and end the process here (``os._exit``: no atexit handler or
    finalizer runs; a command keeps only when it has nothing left to write or close,
    as ``kbtui list``, which reads its database read-only). Otherwise let it go."""
    if whole_process and _KEPT:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)
    _KEPT.clear()


_INVISIBLE = re.compile(
    "[\u0080-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
"""C1 controls, bidi controls and line separators: ``ensure_ascii=False`` leaves them
raw, and a terminal then acts on them (U+202E reverses what follows on the line); and
lone surrogates (a tampered cache may hold one), which UTF-8 cannot write at all."""


def print_json(data: object) -> None:
    """``data`` as indented UTF-8 JSON on standard output (:func:`escape_invisible`)."""
    write_json_text(json_text(data))


def write_json_text(text: str, *, shown: bool = False) -> None:
    """JSON ``text`` on standard output, :func:`escape_invisible` (unless it is ``shown``,
    escaped already) and on a line of its own."""
    sys.stdout.write(text if shown else escape_invisible(text))
    sys.stdout.write("\n")


INDENT = "  "
"""What each level of :func:`json_text` is indented by."""

_FLAT = json.JSONEncoder(ensure_ascii=False).encode
"""A scalar as JSON, by the C encoder (the same text as the indenting encoder's)."""

_STRING = json.encoder.encode_basestring
"""A string as JSON (``ensure_ascii=False``), in C where the C accelerator exists."""

_SCALARS: dict[type, Callable[[Any], str]] = {
    str: _STRING,
    int: int.__repr__,
    float: _FLAT,
    bool: lambda flag: "true" if flag else "false",
    type(None): lambda _: "null",
}
"""How a value of exactly this type is written (a subclass takes the longer way)."""

_STRING_KEYS = frozenset({str}).issuperset
"""Whether the types of a dict's keys are all ``str`` (else ``json`` writes the dict)."""


def json_text(data: object) -> str:
    """``json.dumps(data, ensure_ascii=False, indent=2)``, the same text, faster.

    With ``indent`` the standard library encodes in pure Python: 30 µs per
    record of ``list --json``, most of its time at 10,000 documents. Here
    only the containers are walked in Python; every string and number is
    encoded in C. Whatever is not plain JSON data (a key that is no string,
    an object ``json`` refuses) is left to ``json.dumps`` itself, as is a
    structure that holds itself (it says so rather than recursing forever).
    """
    parts: list[str] = []
    try:
        _encode(data, "\n", parts)
    except RecursionError:
        return json.dumps(data, ensure_ascii=False, indent=len(INDENT))
    return "".join(parts)


def _encode(value: object, newline: str, parts: list[str]) -> None:
    """Append ``value`` as JSON to ``parts``; ``newline`` starts a line at its level."""
    scalar = _SCALARS.get(type(value))
    if scalar is not None:
        parts.append(scalar(value))
    elif isinstance(value, str):
        parts.append(_STRING(value))
    elif isinstance(value, (list, tuple)):
        _encode_items(value, "[", "]", newline, parts)
    elif isinstance(value, dict) and _STRING_KEYS(map(type, value)):
        _encode_items(value, "{", "}", newline, parts)
    elif isinstance(value, (int, float)):  # bool is an int
        parts.append(_FLAT(value))
    else:
        text = json.dumps(value, ensure_ascii=False, indent=len(INDENT))
        parts.append(text.replace("\n", newline))  # a string holds no raw newline


def _encode_items(
    items: list[object] | tuple[object, ...] | dict[str, object],
    opening: str,
    closing: str,
    newline: str,
    parts: list[str],
) -> None:
    """A list's items or a dict's pairs, one a line, one level deeper than ``newline``."""
    if not items:
        parts.append(opening + closing)
        return
    inner = newline + INDENT
    separator = opening + inner
    pairs = items.items() if isinstance(items, dict) else zip(repeat(None), items)
    for key, value in pairs:
        if key is not None:
            separator += _STRING(key) + ": "
        scalar = _SCALARS.get(type(value))  # _encode's first case, without the call
        if scalar is not None:
            parts.append(separator + scalar(value))
        else:
            parts.append(separator)
            _encode(value, inner, parts)
        separator = "," + inner
    parts.append(newline + closing)


def has_invisible(text: str) -> bool:
    """Whether ``text`` holds a code point :func:`escape_invisible` escapes (none is ASCII,
    which is found at once: most of a listing's columns are)."""
    return not text.isascii() and _INVISIBLE.search(text) is not None


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
