"""W3C Web Annotation import: a file from kbtui or another tool, judged item by item.

Reads what :mod:`kbtui.exchange.w3c.exporting` writes, an
``AnnotationCollection`` (``items`` or ``first.items``) or a single
``Annotation``, and returns the annotations and document tags it found with
one :class:`Rejection` and its reason per malformed item, and which documents
it names that the corpus lacks (kept all the same: a backup restored before
its files are back must not lose them). Apart from the export
because the file is untrusted input: every field is checked, and a bad item
is left out rather than failing the whole import.
"""

from __future__ import annotations

import json
import math
import uuid
from collections.abc import Container
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeVar, cast

from kbtui.annotations.limits import check_annotation
from kbtui.annotations.model import AnchorState, Annotation, Colour, Kind
from kbtui.exchange.w3c.fields import (
    Rejected,
    checked_text,
    doc_id_of,
    motivation_of,
    selectors_of,
    shown,
    target_of,
    time_of,
    unquoted,
)
from kbtui.exchange.w3c.vocabulary import EXTENSION, ID_PREFIX, UUID, UUID_PREFIX
from kbtui.exchange.w3c.words import is_word, word_from_w3c
from kbtui.lookup.vocab import VocabEntry
from kbtui.view.sanitize import one_line

_Choice = TypeVar("_Choice", bound=StrEnum)


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
    words: list[VocabEntry] = field(default_factory=list)
    """Entries of the word list (:mod:`kbtui.exchange.w3c.words`)."""
    missing: set[str] = field(default_factory=set)
    """The ids of documents the corpus lacks that the items name (``known_docs``)."""

    def missing_annotations(self) -> int:
        """How many of :attr:`annotations` are of a document the corpus lacks."""
        return sum(1 for a in self.annotations if a.doc_id in self.missing)


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
    any other document is kept (a renamed or deleted file's annotations, which
    ``kbtui list --missing`` shows and ``kbtui reattach`` moves) and its
    document named in :attr:`ImportResult.missing`.
    """
    result = ImportResult([], [])
    seen: dict[str, int] = {}
    for index, item in enumerate(_items(data), start=1):
        try:
            _take(item, index, result, seen, known_docs)
        except Rejected as exc:
            result.rejections.append(Rejection(index, _label(item), str(exc)))
    return result


def _take(
    item: object,
    index: int,
    result: ImportResult,
    seen: dict[str, int],
    known_docs: Container[str] | None,
) -> None:
    """Add one item to ``result``: an annotation, a document's tags, or a word."""
    if is_word(item):
        word = word_from_w3c(cast(dict[str, Any], item))
        _note_document(word.doc_id, known_docs, result)
        result.words.append(word)
        return
    tagged = _document_tags(item)
    if tagged is not None:
        doc_id, tags = tagged
        _note_document(doc_id, known_docs, result)
        known = result.document_tags.setdefault(doc_id, [])
        known += [tag for tag in tags if tag not in known]
        return
    annotation = _annotation(item)
    try:
        check_annotation(annotation)
    except ValueError as exc:
        raise Rejected(str(exc)) from exc
    _check_new(annotation, seen, index)
    _note_document(annotation.doc_id, known_docs, result)
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


def _check_new(a: Annotation, seen: dict[str, int], index: int) -> None:
    if a.id in seen:
        raise Rejected(f"the same id as item {seen[a.id]}")
    seen[a.id] = index


def _note_document(doc_id: str, known_docs: Container[str] | None, result: ImportResult) -> None:
    if known_docs is not None and doc_id not in known_docs:
        result.missing.add(doc_id)


def _document_tags(item: object) -> tuple[str, list[str]] | None:
    """``(doc_id, tags)`` when ``item`` tags a whole document, else ``None``."""
    if not isinstance(item, dict) or motivation_of(item) != "tagging":
        return None
    target = item.get("target")
    if isinstance(target, dict) and "selector" not in target:
        target = target.get("source")
    if not isinstance(target, str):
        return None
    _note, tags = _body(item)
    return doc_id_of(checked_text(target, "target")), tags


def _annotation(item: object) -> Annotation:
    """One Annotation from one item, or :class:`Rejected` with the reason."""
    if not isinstance(item, dict):
        raise Rejected("not a JSON object")
    if "type" in item and not _has_type(item, "Annotation"):
        raise Rejected(f"type is {shown(item['type'])}, not Annotation")
    target = target_of(item.get("target"))
    doc_id = doc_id_of(checked_text(target.get("source"), "target.source"))
    quote_sel, position = selectors_of(target.get("selector"))
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
        created=time_of(item, "created"),
        updated=time_of(item, "modified") if "modified" in item else "",  # never newer
        **fields,
    )


def _id(item: dict[str, Any]) -> str:
    """kbtui's id for an item; one without an id gets a stable one from its content."""
    if "id" not in item:
        canonical = json.dumps(item, sort_keys=True, ensure_ascii=True)
        return str(uuid.uuid5(uuid.NAMESPACE_URL, "kbtui-import:" + canonical))
    iri = checked_text(item["id"], "id")
    if not iri:
        raise Rejected("id is empty")
    rest = iri.removeprefix(UUID_PREFIX)
    if rest != iri and UUID.fullmatch(rest):
        return rest
    if iri.startswith(ID_PREFIX):
        return unquoted(iri.removeprefix(ID_PREFIX), "id")
    return iri


def _body(item: dict[str, Any]) -> tuple[str, list[str]]:
    """The note (commenting bodies, joined) and the tags (tagging bodies)."""
    notes: list[str] = []
    tags: list[str] = []
    if "bodyValue" in item:
        notes.append(checked_text(item["bodyValue"], "bodyValue"))
    body = item.get("body", [])
    for part in body if isinstance(body, list) else [body]:
        if not isinstance(part, dict) or "value" not in part:
            continue  # a link to another resource: kbtui has nowhere to keep it
        value = checked_text(part["value"], "a body's value")
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
        raise Rejected(f"{EXTENSION} is not an object")
    default_kind = Kind.BOOKMARK if motivation_of(item) == "bookmarking" else Kind.HIGHLIGHT
    fields: dict[str, Any] = {
        "colour": _choice(Colour, ext.get("colour", Colour.YELLOW), "colour"),
        "kind": _choice(Kind, ext.get("kind", default_kind), "kind"),
        "anchor": _choice(AnchorState, ext.get("anchor", AnchorState.EXACT), "anchor"),
        "score": _score(ext.get("score")),
    }
    if "textHash" in ext:
        fields["text_hash"] = checked_text(ext["textHash"], f"{EXTENSION}.textHash")
    return fields


def _choice(enum: type[_Choice], value: object, what: str) -> _Choice:
    """The member of ``enum`` whose value ``value`` is (``enum(value)``, for any object)."""
    for member in enum:
        if member.value == value:
            return member
    allowed = ", ".join(str(m) for m in enum)
    raise Rejected(f"{EXTENSION}.{what} {shown(value)} is not one of {allowed}")


def _score(value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Rejected(f"{EXTENSION}.score is not a number")
    try:
        score = float(value)
    except OverflowError:
        score = math.inf
    if not math.isfinite(score):
        raise Rejected(f"{EXTENSION}.score is not a finite number")
    return score
