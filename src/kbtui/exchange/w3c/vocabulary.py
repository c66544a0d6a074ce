"""The terms both directions of the W3C mapping share: context, IRIs, dates.

Export writes kbtui's ids and document ids as IRIs and import undoes exactly
that (see :mod:`kbtui.exchange.w3c`), so the prefixes, the IRI scheme and what
counts as a date-time are defined once, here, for both.
"""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import quote

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
"""The JSON-LD context every Web Annotation names."""

DOC_PREFIX = "urn:kbtui:doc:"
"""``target.source`` of a kbtui document: this + the percent-encoded id."""

ID_PREFIX = "urn:kbtui:annotation:"
"""The IRI of an annotation whose id is neither a uuid nor an IRI."""

UUID_PREFIX = "urn:uuid:"
"""The IRI of an annotation whose id is a uuid: this + the uuid."""

EXTENSION = "kbtui"
"""The key of kbtui's own fields in each annotation."""

UUID = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")
"""A uuid as kbtui writes annotation ids."""

_PCHARS = r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})"
_PLAIN_IRI = re.compile(
    rf"https?://[A-Za-z0-9.-]+(?::[0-9]+)?(?:/{_PCHARS}*)*"
    rf"(?:\?(?:{_PCHARS}|[/?])*)?(?:#(?:{_PCHARS}|[/?])*)?"
    rf"|urn:[A-Za-z0-9][A-Za-z0-9-]{{0,31}}:(?:{_PCHARS}|/)+"
)
"""Ids kept as they are: plain ASCII IRIs that every URI checker accepts."""

_DATE_TIME = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d")


def doc_iri(doc_id: str) -> str:
    """The IRI naming document ``doc_id`` (``target.source``)."""
    return DOC_PREFIX + quote(doc_id, safe="/")


def annotation_iri(annotation_id: str) -> str:
    """The IRI for a kbtui annotation id (the scheme is in :mod:`kbtui.exchange.w3c`)."""
    if UUID.fullmatch(annotation_id):
        return UUID_PREFIX + annotation_id
    if _PLAIN_IRI.fullmatch(annotation_id) and not _is_kbtui_form(annotation_id):
        return annotation_id
    return ID_PREFIX + quote(annotation_id, safe="")


def _is_kbtui_form(iri: str) -> bool:
    """Whether import would rewrite ``iri``, so exporting it as it is would not round-trip."""
    rest = iri.removeprefix(UUID_PREFIX)
    return iri.startswith(ID_PREFIX) or (rest != iri and bool(UUID.fullmatch(rest)))


def parse_time(value: str) -> datetime | None:
    """``value`` as a date and time of day (a bare date is not a W3C ``dateTime``)."""
    if not _DATE_TIME.match(value):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None
