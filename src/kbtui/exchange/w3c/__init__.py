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
* The word list's entries are annotations with motivation ``describing``
  (:mod:`.words`); import gives them back as word-list entries.

Import (:func:`loads`, :func:`from_w3c`) reads that, an
``AnnotationCollection`` (``items`` or ``first.items``) or a single
``Annotation``, and returns parsed annotations, document tags, and one
:class:`Rejection` with a reason per malformed item; merging them (by
annotation id, tags by union) is the store's job.
An item without a position selector is returned as an orphan at offset 0
with no text hash, for the store to re-anchor by its quote; bodies that are
not text (links to other resources) are ignored.

(:mod:`.vocabulary` holds what both directions share, :mod:`.exporting` and
:mod:`.importing` each direction, :mod:`.fields` the checks every kind of
imported item shares; this package names their API.)
"""

from kbtui.exchange.w3c.exporting import document_tags_to_w3c, dumps, to_w3c
from kbtui.exchange.w3c.importing import ImportResult, Rejection, W3CError, from_w3c, loads
from kbtui.exchange.w3c.vocabulary import (
    CONTEXT,
    DOC_PREFIX,
    EXTENSION,
    ID_PREFIX,
    UUID_PREFIX,
    annotation_iri,
    doc_iri,
)
from kbtui.exchange.w3c.words import word_to_w3c

__all__ = [
    "CONTEXT",
    "DOC_PREFIX",
    "EXTENSION",
    "ID_PREFIX",
    "UUID_PREFIX",
    "ImportResult",
    "Rejection",
    "W3CError",
    "annotation_iri",
    "doc_iri",
    "document_tags_to_w3c",
    "dumps",
    "from_w3c",
    "loads",
    "to_w3c",
    "word_to_w3c",
]
