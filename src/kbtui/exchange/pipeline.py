"""Export and import against a real corpus and store: what the CLI and the app both run.

:mod:`kbtui.exchange.markdown` and :mod:`kbtui.exchange.w3c` are pure (data in, text out); this
module gathers their data (documents, placed annotations, user tags, entity
names) from a :class:`~kbtui.documents.corpus.Corpus` and a :class:`~kbtui.annotations.store.Store`,
and merges an import back, re-anchoring what it brings in.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from kbtui.annotations.store import Store
from kbtui.documents.corpus import Corpus
from kbtui.documents.model import Document
from kbtui.exchange.filenames import WritePlan, plan_file, plan_files
from kbtui.exchange.markdown import (
    ExportItem,
    MarkdownOptions,
    Scope,
    render_markdown,
    render_per_document,
    select,
)
from kbtui.exchange.w3c import ImportResult, dumps, loads
from kbtui.scripts.views import Variant, text_converter


def collect(
    corpus: Corpus,
    store: Store,
    scope: Scope,
    entity_names: Callable[[Document], Sequence[str]] | None = None,
) -> list[ExportItem]:
    """The items ``scope`` asks for (:func:`kbtui.exchange.markdown.select`), from the store.

    Only documents with annotations or user tags are read at all.
    """
    items = []
    for entry in corpus.entries():
        if scope.doc_id is not None and entry.id != scope.doc_id:
            continue
        tags = list(store.doc_state(entry.id).tags)
        if not store.count(entry.id) and not tags and entry.id != scope.doc_id:
            continue
        doc = corpus.load(entry.id)
        annotations = store.anchored_annotations(doc.id, doc.source) if doc.readable else []
        names = entity_names(doc) if entity_names else _frontmatter_entities(doc)
        items.append(ExportItem(doc, annotations, tags, tuple(names)))
    return select(items, scope)


def _frontmatter_entities(doc: Document) -> list[str]:
    names: list[str] = []
    for listed in doc.meta.entities.values():
        names.extend(n for n in listed if n not in names)
    return names


def markdown_options(
    script: str, scope: Scope, template: object = None, corpus: Path | None = None
) -> MarkdownOptions:
    """Options for a Markdown export in ``script`` (a :class:`Variant` name)."""
    variant = Variant(script)
    converter = None
    if variant is not Variant.ORIGINAL:

        def converter(doc: Document) -> Callable[[str], str]:
            return text_converter(variant, doc.script)

    return MarkdownOptions(
        scope=scope,
        script=script,
        converter=converter,
        template=template,  # type: ignore[arg-type]
        corpus=str(corpus) if corpus else None,
    )


def out_path(out: str | None) -> tuple[Path | None, bool]:
    """``--out`` as a path, and whether it means a folder (one file per document).

    A path that is an existing folder or ends with a separator is a folder.
    """
    if not out:
        return None, False
    path = Path(out).expanduser()
    return path, path.is_dir() or out.endswith(("/", os.sep))


def plan_markdown(
    items: Sequence[ExportItem], options: MarkdownOptions, out: Path | None, folder: bool
) -> tuple[str | None, WritePlan | None]:
    """Render: the text itself when there is no ``out``, else the files to write."""
    if out is None:
        return render_markdown(items, options), None
    if folder:
        return None, plan_files(out, render_per_document(items, options))
    return None, plan_file(out, render_markdown(items, options))


def export_json(items: Sequence[ExportItem]) -> str:
    """The W3C Web Annotation JSON of ``items`` (document tags included)."""
    annotations = [a for item in items for a in item.annotations]
    tags = {item.document.id: list(item.user_tags) for item in items if item.user_tags}
    return dumps(annotations, tags)


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an import did, for one line of output."""

    added: int
    updated: int
    unchanged: int
    orphaned: int
    rejected: list[str]

    def summary(self) -> str:
        """``added 3, updated 0, unchanged 1, orphaned 0, rejected 1``."""
        return (
            f"added {self.added}, updated {self.updated}, unchanged {self.unchanged}, "
            f"orphaned {self.orphaned}, rejected {len(self.rejected)}"
        )


def import_json(corpus: Corpus, store: Store, data: bytes) -> ImportReport:
    """Merge a W3C JSON export into ``store`` and re-anchor what it touched.

    Raises :class:`kbtui.exchange.w3c.W3CError` for a file that is not an export at all;
    single bad items are rejected with their reason and the rest goes in.
    """
    known = {entry.id for entry in corpus.entries()}
    result: ImportResult = loads(data, known_docs=known)
    counts = store.merge_import(result.annotations)
    for doc_id, tags in result.document_tags.items():
        current = list(store.doc_state(doc_id).tags)
        store.set_doc_tags(doc_id, current + [t for t in tags if t not in current])
    orphaned = 0
    touched = {a.doc_id for a in result.annotations}
    ids = {a.id for a in result.annotations}
    for doc_id in sorted(touched):
        doc = corpus.load(doc_id)
        placed = store.anchored_annotations(doc_id, doc.source) if doc.readable else []
        orphaned += sum(1 for a in placed if a.id in ids and not a.placed)
    return ImportReport(
        counts.added,
        counts.updated,
        counts.unchanged,
        orphaned,
        [str(r) for r in result.rejections],
    )
