"""W3C Web Annotation export: kbtui's annotations and document tags as JSON.

Writes what the package documentation describes (:mod:`kbtui.exchange.w3c`):
one ``Annotation`` object per annotation, and one tagging annotation per
document the user tagged. Apart from the import because writing is total
(every annotation can be written) where reading must judge every item.
"""

from __future__ import annotations

import json
import math
import uuid
from collections.abc import Container, Iterable, Mapping, Sequence
from typing import Any

from kbtui.annotations.model import Annotation, Kind
from kbtui.exchange.w3c.vocabulary import (
    CONTEXT,
    EXTENSION,
    UUID_PREFIX,
    annotation_iri,
    doc_iri,
    parse_time,
)

_DOCUMENT_TAGS = uuid.UUID("6f0f3f9e-4a8e-5d3c-9b1a-6b6275692d74")
"""Namespace of the ids of document-tag annotations (uuid5 of the document id)."""


def to_w3c(a: Annotation, *, missing: bool = False) -> dict[str, Any]:
    """``a`` as a Web Annotation (a JSON-ready dict); ``missing``: its document is not
    in the corpus (said in the ``kbtui`` object as ``documentMissing``)."""
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
    if missing:
        anno[EXTENSION]["documentMissing"] = True
    return anno


def _times(a: Annotation) -> dict[str, str]:
    """``created`` and ``modified``, leaving out a value that is not a date-time."""
    pairs = (("created", a.created), ("modified", a.updated))
    return {key: value for key, value in pairs if parse_time(value) is not None}


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
    annotations: Iterable[Annotation],
    document_tags: Mapping[str, Sequence[str]] | None = None,
    words: Iterable[dict[str, Any]] = (),
    missing: Container[str] = (),
) -> str:
    """The JSON export: an array of Web Annotations, readable (indented, UTF-8 text).

    ``document_tags`` (user tags by document id) follow the annotations, one
    item per document that has any, then ``words``, the word list's entries
    already made annotations (:func:`kbtui.exchange.w3c.words.word_to_w3c`).
    Annotations of the ``missing`` document ids are marked (:func:`to_w3c`).
    """
    data = [to_w3c(a, missing=a.doc_id in missing) for a in annotations]
    data += [document_tags_to_w3c(d, tags) for d, tags in (document_tags or {}).items() if tags]
    data += words
    return json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False) + "\n"
