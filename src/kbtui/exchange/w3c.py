"""JSON export and import in the W3C Web Annotation data model.

So annotations move between machines and tools, kbtui writes an array of
``Annotation`` objects (https://www.w3.org/TR/annotation-model/):

* ``id`` is an IRI: ``urn:uuid:`` + kbtui's uuid; an id that is already a
  plain ``http(s)`` or ``urn`` IRI (from another tool) is kept; anything else
  becomes ``urn:kbtui:annotation:`` + the id percent-encoded. Import undoes
  exactly this, so every id survives a round trip.
* ``target.source`` is ``urn:kbtui:doc:`` + the percent-encoded document id
  (the model requires an IRI); import also accepts a bare document id.
* ``target.selector`` holds a ``TextQuoteSelector`` (``exact``, ``prefix``,
  ``suffix``) and a ``TextPositionSelector`` (``start``, ``end``) over the
  document's source text.
* The note is a ``TextualBody`` with purpose ``commenting`` (format
  ``text/markdown``), each tag one with purpose ``tagging``.
* ``created`` and ``modified`` are kept; what the model has no word for
  (colour, kind, anchor state and score, the hash of the text the annotation
  was made on) goes in a ``kbtui`` object, which other tools ignore.
* The tags a user gave a whole document are one more annotation per
  document: motivation ``tagging``, its ``target`` the document's IRI, one
  tagging body per tag, and an id derived from the document id. Without
  them, exporting and importing into an empty database would lose them.

Import (:func:`loads`, :func:`from_w3c`) reads that, an
``AnnotationCollection`` (``items`` or ``first.items``) or a single
``Annotation``, and returns parsed annotations, document tags, and one
:class:`Rejection` with a reason per malformed item; merging them (by
annotation id, tags by union) is the store's job.
An item without a position selector is returned as an orphan at offset 0
with no text hash, for the store to re-anchor by its quote; bodies that are
not text (links to other resources) are ignored.
"""

from __future__ import annotations

import json
import math
import re
import uuid
from collections.abc import Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import quote, unquote

from kbtui.annotations.model import AnchorState, Annotation, Colour, Kind, now_iso
from kbtui.view.sanitize import one_line

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
"""The JSON-LD context every Web Annotation names."""

DOC_PREFIX = "urn:kbtui:doc:"
"""``target.source`` of a kbtui document: this + the percent-encoded id."""

ID_PREFIX = "urn:kbtui:annotation:"
"""The IRI of an annotation whose id is neither a uuid nor an IRI."""

UUID_PREFIX = "urn:uuid:"

_DOCUMENT_TAGS = uuid.UUID("6f0f3f9e-4a8e-5d3c-9b1a-6b6275692d74")
"""Namespace of the ids of document-tag annotations (uuid5 of the document id)."""

EXTENSION = "kbtui"
"""The key of kbtui's own fields in each annotation."""

_UUID = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")

_PCHARS = r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})"
_PLAIN_IRI = re.compile(
    rf"https?://[A-Za-z0-9.-]+(?::[0-9]+)?(?:/{_PCHARS}*)*"
    rf"(?:\?(?:{_PCHARS}|[/?])*)?(?:#(?:{_PCHARS}|[/?])*)?"
    rf"|urn:[A-Za-z0-9][A-Za-z0-9-]{{0,31}}:(?:{_PCHARS}|/)+"
)
"""Ids kept as they are: plain ASCII IRIs that every URI checker accepts."""

_DATE_TIME = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d")


class W3CError(ValueError):
    """The file as a whole cannot be read as annotations (not JSON, wrong shape)."""


@dataclass(frozen=True, slots=True)
class Rejection:
    """One item of an import that was left out, and why."""

    index: int
    """Its position in the file's list of annotations, counting from 1."""
    id: str | None
    reason: str

    def __str__(self) -> str:
        label = f"item {self.index}" + (f" ({self.id})" if self.id else "")
        return f"{label}: {self.reason}"


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import found: what to merge, and the items left out."""

    annotations: list[Annotation]
    rejections: list[Rejection]
    document_tags: dict[str, list[str]] = field(default_factory=dict)
    """User tags of whole documents, by document id."""


class _Rejected(Exception):
    """Raised inside the item parser; becomes a :class:`Rejection`."""


def doc_iri(doc_id: str) -> str:
    """The IRI naming document ``doc_id`` (``target.source``)."""
    return DOC_PREFIX + quote(doc_id, safe="/")


def annotation_iri(annotation_id: str) -> str:
    """The IRI for a kbtui annotation id (see the module doc)."""
    if _UUID.fullmatch(annotation_id):
        return UUID_PREFIX + annotation_id
    if _PLAIN_IRI.fullmatch(annotation_id) and not _is_kbtui_form(annotation_id):
        return annotation_id
    return ID_PREFIX + quote(annotation_id, safe="")


def _is_kbtui_form(iri: str) -> bool:
    """Whether import would rewrite ``iri``, so exporting it as it is would not round-trip."""
    rest = iri.removeprefix(UUID_PREFIX)
    return iri.startswith(ID_PREFIX) or (rest != iri and bool(_UUID.fullmatch(rest)))


def to_w3c(a: Annotation) -> dict[str, Any]:
    """``a`` as a Web Annotation (a JSON-ready dict)."""
    anno: dict[str, Any] = {
        "@context": CONTEXT,
        "id": annotation_iri(a.id),
        "type": "Annotation",
        "motivation": "bookmarking" if a.kind == Kind.BOOKMARK else "highlighting",
    }
    anno.update(_times(a))
    body = _bodies(a)
    if body:
        anno["body"] = body
    anno["target"] = {"source": doc_iri(a.doc_id), "selector": _selectors(a)}
    anno[EXTENSION] = _extension(a)
    return anno


def _times(a: Annotation) -> dict[str, str]:
    """``created`` and ``modified``, leaving out a value that is not a date-time."""
    pairs = (("created", a.created), ("modified", a.updated))
    return {key: value for key, value in pairs if _parse_time(value) is not None}


def _bodies(a: Annotation) -> list[dict[str, str]]:
    bodies = []
    if a.note:
        bodies.append(
            {
                "type": "TextualBody",
                "purpose": "commenting",
                "value": a.note,
                "format": "text/markdown",
            }
        )
    bodies += [{"type": "TextualBody", "purpose": "tagging", "value": tag} for tag in a.tags]
    return bodies


def _selectors(a: Annotation) -> list[dict[str, Any]]:
    return [
        {"type": "TextQuoteSelector", "exact": a.quote, "prefix": a.prefix, "suffix": a.suffix},
        {"type": "TextPositionSelector", "start": a.start, "end": a.end},
    ]


def _extension(a: Annotation) -> dict[str, Any]:
    ext: dict[str, Any] = {"colour": str(a.colour), "kind": str(a.kind), "anchor": str(a.anchor)}
    if a.score is not None and math.isfinite(a.score):
        ext["score"] = a.score
    if a.text_hash:
        ext["textHash"] = a.text_hash
    return ext


def document_tags_to_w3c(doc_id: str, tags: Sequence[str]) -> dict[str, Any]:
    """The user's tags of a whole document as one tagging Web Annotation."""
    return {
        "@context": CONTEXT,
        "id": UUID_PREFIX + str(uuid.uuid5(_DOCUMENT_TAGS, doc_id)),
        "type": "Annotation",
        "motivation": "tagging",
        "body": [{"type": "TextualBody", "purpose": "tagging", "value": tag} for tag in tags],
        "target": doc_iri(doc_id),
    }


def dumps(
    annotations: Iterable[Annotation], document_tags: Mapping[str, Sequence[str]] | None = None
) -> str:
    """The JSON export: an array of Web Annotations, readable (indented, UTF-8 text).

    ``document_tags`` (user tags by document id) follow the annotations, one
    item per document that has any.
    """
    data = [to_w3c(a) for a in annotations]
    data += [document_tags_to_w3c(d, tags) for d, tags in (document_tags or {}).items() if tags]
    return json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def loads(text: str | bytes, *, known_docs: Container[str] | None = None) -> ImportResult:
    """Parse an import file; :class:`W3CError` if it is not JSON or not annotations.

    Pass the file's bytes: JSON's own detection of UTF-8, -16 and -32 (and a
    UTF-8 byte-order mark) then applies.
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise W3CError(
            f"not a JSON file: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        ) from exc
    except (ValueError, RecursionError) as exc:  # undecodable bytes, absurd numbers or nesting
        raise W3CError(f"not a readable JSON file: {exc}") from exc
    return from_w3c(data, known_docs=known_docs)


def from_w3c(data: object, *, known_docs: Container[str] | None = None) -> ImportResult:
    """The annotations in parsed JSON ``data``, rejecting bad items one by one.

    ``known_docs``, when given, are the corpus's document ids: an item about
    any other document is rejected rather than stored where nothing shows it.
    """
    result = ImportResult([], [])
    seen: dict[str, int] = {}
    for index, item in enumerate(_items(data), start=1):
        try:
            _take(item, index, result, seen, known_docs)
        except _Rejected as exc:
            result.rejections.append(Rejection(index, _label(item), str(exc)))
    return result


def _take(
    item: object,
    index: int,
    result: ImportResult,
    seen: dict[str, int],
    known_docs: Container[str] | None,
) -> None:
    """Add one item to ``result``: an annotation, or a document's tags."""
    tagged = _document_tags(item)
    if tagged is not None:
        doc_id, tags = tagged
        _check_document(doc_id, known_docs)
        known = result.document_tags.setdefault(doc_id, [])
        known += [tag for tag in tags if tag not in known]
        return
    annotation = _annotation(item)
    _check_document(annotation.doc_id, known_docs)
    _check_new(annotation, seen, index)
    result.annotations.append(annotation)


def _items(data: object) -> list[object]:
    """The list of annotations in a file: an array, a collection or a single one."""
    if isinstance(data, list):
        return data
    if not isinstance(data, dict):
        raise W3CError("expected an array of annotations or an AnnotationCollection")
    if "items" in data or "first" in data or _has_type(data, "AnnotationCollection"):
        first = data.get("first")
        items = data.get("items", first.get("items") if isinstance(first, dict) else None)
        if not isinstance(items, list):
            raise W3CError("the AnnotationCollection has no list of items")
        return items
    if _has_type(data, "Annotation"):
        return [data]
    raise W3CError("expected an array of annotations or an AnnotationCollection")


def _has_type(obj: dict[str, Any], name: str) -> bool:
    kind = obj.get("type")
    return kind == name or (isinstance(kind, list) and name in kind)


def _label(item: object) -> str | None:
    """How a rejection names an item: its ``id`` when it has a sensible one."""
    if isinstance(item, dict) and isinstance(item.get("id"), str):
        return one_line(item["id"], 200)
    return None


def _shown(value: object) -> str:
    """A value from the file as a rejection quotes it: its repr, one short line."""
    return one_line(repr(value), 80)


def _check_new(a: Annotation, seen: dict[str, int], index: int) -> None:
    if a.id in seen:
        raise _Rejected(f"the same id as item {seen[a.id]}")
    seen[a.id] = index


def _check_document(doc_id: str, known_docs: Container[str] | None) -> None:
    if known_docs is not None and doc_id not in known_docs:
        raise _Rejected(f"document {one_line(doc_id, 200)!r} is not in the corpus")


def _document_tags(item: object) -> tuple[str, list[str]] | None:
    """``(doc_id, tags)`` when ``item`` tags a whole document, else ``None``."""
    if not isinstance(item, dict) or _motivation(item) != "tagging":
        return None
    target = item.get("target")
    if isinstance(target, dict) and "selector" not in target:
        target = target.get("source")
    if not isinstance(target, str):
        return None
    _note, tags = _body(item)
    return _doc_id(_text(target, "target")), tags


def _annotation(item: object) -> Annotation:
    """One Annotation from one item, or :class:`_Rejected` with the reason."""
    if not isinstance(item, dict):
        raise _Rejected("not a JSON object")
    if "type" in item and not _has_type(item, "Annotation"):
        raise _Rejected(f"type is {_shown(item['type'])}, not Annotation")
    target = _target(item.get("target"))
    doc_id = _doc_id(_text(target.get("source"), "target.source"))
    quote_sel, position = _selectors_of(target.get("selector"))
    note, tags = _body(item)
    fields = _extension_fields(item)
    if position is None:  # nowhere to stand: let the store place it by its quote
        position = (0, 0)
        fields.update(anchor=AnchorState.ORPHAN, text_hash="")
    return Annotation(
        doc_id=doc_id,
        start=position[0],
        end=position[1],
        quote=quote_sel.get("exact", ""),
        prefix=quote_sel.get("prefix", ""),
        suffix=quote_sel.get("suffix", ""),
        note=note,
        tags=tags,
        id=_id(item),
        created=_time(item, "created"),
        updated=_time(item, "modified"),
        **fields,
    )


def _text(value: object, what: str) -> str:
    """``value`` if it is a string that can be stored, else a rejection naming ``what``."""
    if not isinstance(value, str):
        raise _Rejected(f"{what} is missing or not text")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise _Rejected(f"{what} holds text that is not valid Unicode") from None
    return value


def _id(item: dict[str, Any]) -> str:
    """kbtui's id for an item; one without an id gets a stable one from its content."""
    if "id" not in item:
        canonical = json.dumps(item, sort_keys=True, ensure_ascii=True)
        return str(uuid.uuid5(uuid.NAMESPACE_URL, "kbtui-import:" + canonical))
    iri = _text(item["id"], "id")
    if not iri:
        raise _Rejected("id is empty")
    rest = iri.removeprefix(UUID_PREFIX)
    if rest != iri and _UUID.fullmatch(rest):
        return rest
    if iri.startswith(ID_PREFIX):
        return _unquote(iri.removeprefix(ID_PREFIX), "id")
    return iri


def _unquote(text: str, what: str) -> str:
    try:
        return _text(unquote(text, errors="strict"), what)
    except UnicodeDecodeError:
        raise _Rejected(f"{what} is not valid percent-encoded UTF-8") from None


def _doc_id(source: str) -> str:
    """The document id in ``target.source``: a kbtui document IRI or a bare id."""
    doc_id = source
    if source.startswith(DOC_PREFIX):
        doc_id = _unquote(source.removeprefix(DOC_PREFIX), "target.source")
    if not doc_id:
        raise _Rejected("target.source names no document")
    return doc_id


def _target(target: object) -> dict[str, Any]:
    """The target to read: the first object among several (kbtui annotates one range)."""
    if isinstance(target, list):
        target = next((t for t in target if isinstance(t, dict)), target[0] if target else None)
    if isinstance(target, str):
        raise _Rejected("the target is a whole resource, with no selector for a passage")
    if not isinstance(target, dict):
        raise _Rejected("target is missing or not an object")
    return target


def _selectors_of(selector: object) -> tuple[dict[str, str], tuple[int, int] | None]:
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
        raise _Rejected("the target has no TextQuoteSelector or TextPositionSelector")
    return quote_sel or {}, position


def _quote_selector(sel: dict[str, Any]) -> dict[str, str]:
    fields = {"exact": _text(sel.get("exact"), "TextQuoteSelector.exact")}
    for key in ("prefix", "suffix"):
        if key in sel:
            fields[key] = _text(sel[key], f"TextQuoteSelector.{key}")
    return fields


def _position_selector(sel: dict[str, Any]) -> tuple[int, int]:
    start, end = sel.get("start"), sel.get("end")
    for name, value in (("start", start), ("end", end)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise _Rejected(f"TextPositionSelector.{name} is not a whole number >= 0")
    if start > end:
        raise _Rejected("TextPositionSelector.start is after its end")
    return start, end


def _body(item: dict[str, Any]) -> tuple[str, list[str]]:
    """The note (commenting bodies, joined) and the tags (tagging bodies)."""
    notes: list[str] = []
    tags: list[str] = []
    if "bodyValue" in item:
        notes.append(_text(item["bodyValue"], "bodyValue"))
    body = item.get("body", [])
    for part in body if isinstance(body, list) else [body]:
        if not isinstance(part, dict) or "value" not in part:
            continue  # a link to another resource: kbtui has nowhere to keep it
        value = _text(part["value"], "a body's value")
        purpose = part.get("purpose")
        tagging = purpose == "tagging" or (isinstance(purpose, list) and "tagging" in purpose)
        if not tagging:
            notes.append(value)
        elif value.strip():
            tags.append(value)
    return "\n\n".join(notes), tags


def _extension_fields(item: dict[str, Any]) -> dict[str, Any]:
    """Colour, kind, anchor state, score and text hash from the ``kbtui`` object."""
    ext = item.get(EXTENSION, {})
    if not isinstance(ext, dict):
        raise _Rejected(f"{EXTENSION} is not an object")
    default_kind = Kind.BOOKMARK if _motivation(item) == "bookmarking" else Kind.HIGHLIGHT
    fields: dict[str, Any] = {
        "colour": _choice(Colour, ext.get("colour", Colour.YELLOW), "colour"),
        "kind": _choice(Kind, ext.get("kind", default_kind), "kind"),
        "anchor": _choice(AnchorState, ext.get("anchor", AnchorState.EXACT), "anchor"),
        "score": _score(ext.get("score")),
    }
    if "textHash" in ext:
        fields["text_hash"] = _text(ext["textHash"], f"{EXTENSION}.textHash")
    return fields


def _motivation(item: dict[str, Any]) -> object:
    motivation = item.get("motivation")
    return motivation[0] if isinstance(motivation, list) and motivation else motivation


def _choice(enum: Any, value: object, what: str) -> Any:
    try:
        return enum(value)
    except ValueError:
        allowed = ", ".join(str(m) for m in enum)
        raise _Rejected(f"{EXTENSION}.{what} {_shown(value)} is not one of {allowed}") from None


def _score(value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _Rejected(f"{EXTENSION}.score is not a number")
    try:
        score = float(value)
    except OverflowError:
        score = math.inf
    if not math.isfinite(score):
        raise _Rejected(f"{EXTENSION}.score is not a finite number")
    return score


def _time(item: dict[str, Any], key: str) -> str:
    """``created``/``modified`` as given, checked; now when the item has none."""
    if key not in item:
        return now_iso()
    value = _text(item[key], key)
    if _parse_time(value) is None:
        raise _Rejected(f"{key} {_shown(value)} is not an ISO 8601 date-time")
    return value


def _parse_time(value: str) -> datetime | None:
    """``value`` as a date and time of day (a bare date is not a W3C ``dateTime``)."""
    if not _DATE_TIME.match(value):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None
