"""Reading one item of an import, field by field, each checked: what every kind of item shares.

An import is untrusted input, and kbtui reads several kinds of item from it
(annotations and document tags in :mod:`.importing`, word-list entries in
:mod:`.words`); each needs its text, document, target, selectors and times
checked the same way, and a bad field rejected with a reason
(:class:`Rejected`, which the import turns into a
:class:`~kbtui.exchange.w3c.importing.Rejection`). So those checks are here,
used by both.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from kbtui.annotations.model import now_iso
from kbtui.exchange.w3c.vocabulary import DOC_PREFIX, parse_time
from kbtui.view.sanitize import one_line


class Rejected(Exception):
    """Raised inside the item parser; becomes a :class:`Rejection`."""


def shown(value: object) -> str:
    """A value from the file as a rejection quotes it: its repr, one short line."""
    return one_line(repr(value), 80)


def checked_text(value: object, what: str) -> str:
    """``value`` if it is a string that can be stored, else a rejection naming ``what``."""
    if not isinstance(value, str):
        raise Rejected(f"{what} is missing or not text")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise Rejected(f"{what} holds text that is not valid Unicode") from None
    return value


def unquoted(text: str, what: str) -> str:
    """Percent-encoded ``text`` decoded (as UTF-8, strictly), else a rejection naming ``what``."""
    try:
        return checked_text(unquote(text, errors="strict"), what)
    except UnicodeDecodeError:
        raise Rejected(f"{what} is not valid percent-encoded UTF-8") from None


def doc_id_of(source: str) -> str:
    """The document id in ``target.source``: a kbtui document IRI or a bare id."""
    doc_id = source
    if source.startswith(DOC_PREFIX):
        doc_id = unquoted(source.removeprefix(DOC_PREFIX), "target.source")
    if not doc_id:
        raise Rejected("target.source names no document")
    return doc_id


def target_of(target: object) -> dict[str, Any]:
    """The target to read: the first object among several (kbtui annotates one range)."""
    if isinstance(target, list):
        target = next((t for t in target if isinstance(t, dict)), target[0] if target else None)
    if isinstance(target, str):
        raise Rejected("the target is a whole resource, with no selector for a passage")
    if not isinstance(target, dict):
        raise Rejected("target is missing or not an object")
    return target


def selectors_of(selector: object) -> tuple[dict[str, str], tuple[int, int] | None]:
    """The TextQuoteSelector's fields and the TextPositionSelector's range, if any."""
    selectors = selector if isinstance(selector, list) else [selector]
    quote_sel: dict[str, str] | None = None
    position: tuple[int, int] | None = None
    for sel in selectors:
        if not isinstance(sel, dict):
            continue
        if sel.get("type") == "TextQuoteSelector" and quote_sel is None:
            quote_sel = _quote_selector(sel)
        elif sel.get("type") == "TextPositionSelector" and position is None:
            position = _position_selector(sel)
    if quote_sel is None and position is None:
        raise Rejected("the target has no TextQuoteSelector or TextPositionSelector")
    return quote_sel or {}, position


def _quote_selector(sel: dict[str, Any]) -> dict[str, str]:
    fields = {"exact": checked_text(sel.get("exact"), "TextQuoteSelector.exact")}
    for key in ("prefix", "suffix"):
        if key in sel:
            fields[key] = checked_text(sel[key], f"TextQuoteSelector.{key}")
    return fields


def _position_selector(sel: dict[str, Any]) -> tuple[int, int]:
    start, end = _offset(sel, "start"), _offset(sel, "end")
    if start > end:
        raise Rejected("TextPositionSelector.start is after its end")
    return start, end


def _offset(sel: dict[str, Any], name: str) -> int:
    value = sel.get(name)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise Rejected(f"TextPositionSelector.{name} is not a whole number >= 0")
    return value


def motivation_of(item: dict[str, Any]) -> object:
    """The item's motivation (the first, when it lists several)."""
    motivation = item.get("motivation")
    return motivation[0] if isinstance(motivation, list) and motivation else motivation


def time_of(item: dict[str, Any], key: str) -> str:
    """``created``/``modified`` as given, checked; now when the item has none."""
    if key not in item:
        return now_iso()
    value = checked_text(item[key], key)
    if parse_time(value) is None:
        raise Rejected(f"{key} {shown(value)} is not an ISO 8601 date-time")
    return value
