"""Export and import against a real corpus and store: what the CLI and the app both run.

:mod:`kbtui.exchange.markdown` and :mod:`kbtui.exchange.w3c` are pure (data in, text out); this
module gathers their data (documents, placed annotations, user tags, entity
names) from a :class:`~kbtui.documents.corpus.Corpus` and a :class:`~kbtui.annotations.store.Store`,
and merges an import back, re-anchoring what it brings in.

An export is one pipeline, :func:`plan_export`: collect and select the
items, render them, plan the files. ``kbtui export`` and the export dialog
both describe what they want as an :class:`ExportRequest` and get back a
:class:`PlannedExport`, which they write (:func:`kbtui.exchange.filenames.write_plan`)
or print. A JSON export carries the word list's entries too
(:func:`word_annotations`), and an import merges them back.

An export by entity (``Scope.entity``, ``ExportRequest.by_entity``) also
needs the corpus's :class:`~kbtui.entities.mentions.MentionIndex`: which
annotations are about whom is computed over it (:mod:`kbtui.exchange.about`), and the
entity pages (:mod:`kbtui.exchange.entity_pages`) list its counts.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kbtui.annotations.store import Store
from kbtui.annotations.words import WordCounts
from kbtui.documents.corpus import Corpus
from kbtui.documents.model import Document, Metadata
from kbtui.entities.mentions import MentionIndex
from kbtui.entities.model import Entity
from kbtui.exchange.about import About, find_entity
from kbtui.exchange.entity_pages import plan_pages
from kbtui.exchange.filenames import WritePlan, plan_file, plan_files
from kbtui.exchange.markdown import (
    ExportItem,
    MarkdownOptions,
    Scope,
    render_markdown,
    render_per_document,
    select,
)
from kbtui.exchange.paths import Layout
from kbtui.exchange.w3c import ImportResult, dumps, loads, word_to_w3c
from kbtui.exchange.wikilinks import LinkStyle
from kbtui.locations import bundled_corpus
from kbtui.scripts.chains import Backend, Source
from kbtui.scripts.views import Variant, text_converter
from kbtui.wording import plural

if TYPE_CHECKING:
    import jinja2


def collect(corpus: Corpus, store: Store, scope: Scope) -> list[ExportItem]:
    """The items ``scope`` asks for (:func:`kbtui.exchange.markdown.select`), from the store.

    Only documents with annotations or user tags are read at all. Documents the
    corpus lacks (renamed, moved, deleted) come last, marked missing, with their
    annotations as stored: an export is a backup, and one that left them out
    would lose them without a word.
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
        items.append(ExportItem(doc, annotations, tags, tuple(_frontmatter_entities(doc))))
    return select(items + _missing_items(corpus, store), scope)


def _missing_items(corpus: Corpus, store: Store) -> list[ExportItem]:
    """An item per document the store keeps annotations or tags of and the corpus lacks,
    its document a stand-in titled by its id."""
    items = []
    for doc_id in sorted(store.documents.documents()):
        if corpus.get(doc_id) is None:
            stand_in = Document(doc_id, Path(doc_id), "", Metadata(title=doc_id))
            tags = list(store.doc_state(doc_id).tags)
            items.append(ExportItem(stand_in, store.annotations_for(doc_id), tags, missing=True))
    return items


def _frontmatter_entities(doc: Document) -> list[str]:
    names: list[str] = []
    for listed in doc.meta.entities.values():
        names.extend(n for n in listed if n not in names)
    return names


SourceOf = Callable[[Document], Source]
"""A document's source locale (:meth:`kbtui.session.Session.locale_of`)."""


def markdown_options(
    request: ExportRequest, corpus: Path | None, source_of: SourceOf, backend: Backend
) -> MarkdownOptions:
    """Options for a Markdown export of ``request`` in its script (a :class:`Variant` name),
    each document converted from its source locale by ``backend``."""
    variant = Variant(request.script)
    converter = None
    if variant is not Variant.ORIGINAL:

        def converter(doc: Document) -> Callable[[str], str]:
            return text_converter(variant, source_of(doc), backend)

    return MarkdownOptions(
        scope=request.scope,
        script=request.script,
        converter=converter,
        template=request.template,
        corpus=corpus_argument(corpus),
    )


def corpus_argument(corpus: Path | None) -> str | None:
    """What ``--corpus`` an export's ``kbtui --open`` lines need: none for the bundled
    corpus (its path is inside an installed package, which moves with every
    upgrade), else the folder as an absolute path, so the line works from anywhere."""
    if corpus is None:
        return None
    absolute = corpus.expanduser().absolute()
    if absolute.resolve() == bundled_corpus().resolve():
        return None
    return str(absolute)


def export_json(items: Sequence[ExportItem], words: Sequence[dict[str, Any]] = ()) -> str:
    """The W3C Web Annotation JSON of ``items`` (document tags included, the annotations
    of a missing document marked so) and ``words``."""
    annotations = [a for item in items for a in item.annotations]
    tags = {item.document.id: list(item.user_tags) for item in items if item.user_tags}
    missing = {item.document.id for item in items if item.missing}
    return dumps(annotations, tags, words, missing=missing)


def word_annotations(corpus: Corpus, store: Store, scope: Scope) -> list[dict[str, Any]]:
    """The word list's entries in ``scope`` as annotations (:mod:`kbtui.exchange.w3c.words`).

    Words have no tags, so a scope by tag holds none. Each document is read
    once, for the words' quotes as its source writes them.
    """
    if scope.tag is not None:
        return []
    entries = [e for e in store.words.entries() if scope.doc_id in (None, e.doc_id)]
    sources: dict[str, str | None] = {}
    for doc_id in {entry.doc_id for entry in entries}:
        doc = corpus.load(doc_id) if corpus.get(doc_id) is not None else None
        sources[doc_id] = doc.source if doc is not None and doc.readable else None
    return [word_to_w3c(entry, sources[entry.doc_id]) for entry in entries]


@dataclass(frozen=True, slots=True)
class ExportRequest:
    """What to export, how, and where: from ``kbtui export``'s options or the dialog's form."""

    scope: Scope
    layout: Layout = Layout.FILE
    script: str = "original"
    """A :class:`~kbtui.scripts.views.Variant` name; ignored for JSON."""
    path: str | None = None
    """The path as typed (``~`` and all): what settings remember. ``None``: no
    file, the text itself is wanted (``kbtui export`` to stdout)."""
    template: jinja2.Template | None = None
    """A user's template (:func:`kbtui.exchange.markdown.load_template`); ``None``: the default."""
    by_entity: bool = False
    """With :attr:`Layout.PER_DOCUMENT`: a page per entity beside the document notes."""
    wikilinks: LinkStyle | None = None
    """With :attr:`by_entity`: entity names in quotes and notes link to their pages, in
    this notes tool's form; ``None``: no links."""

    @property
    def needs_index(self) -> bool:
        """Whether the export needs the mention index (:func:`plan_export`'s ``index``)."""
        return self.scope.entity is not None or self.by_entity


@dataclass(frozen=True, slots=True)
class PlannedExport:
    """A rendered export: the text itself, or the files to write (nothing is written yet)."""

    request: ExportRequest
    text: str | None
    """The whole export when the request has no path."""
    plan: WritePlan
    """The files to write (none when the request has no path)."""
    annotations: int
    """How many annotations the export holds."""
    target: Path | None
    """The file, or the folder for one file per document, ``~`` expanded."""
    words: int = 0
    """How many entries of the word list a JSON export holds."""

    @property
    def per_document(self) -> bool:
        """One file per document in a folder."""
        return self.request.layout is Layout.PER_DOCUMENT

    def summary(self) -> str:
        """One line for the user: how many annotations went where."""
        count = plural(self.annotations, "annotation")
        if self.words:
            count += f" and {plural(self.words, 'word')}"
        target = self.target.absolute() if self.target is not None else "standard output"
        if self.per_document:
            files = plural(len(self.plan.files), "file")
            return f"Exported {count} in {files} to {target}{os.sep}"
        return f"Exported {count} to {target}"


def plan_export(
    corpus: Corpus,
    store: Store,
    request: ExportRequest,
    source_of: SourceOf,
    backend: Backend,
    index: MentionIndex | None = None,
) -> PlannedExport:
    """Collect, select, render and plan the files of ``request``, writing nothing.

    What ``kbtui export`` and the export dialog both run. The items are
    narrowed to the scope once (:func:`collect`), so JSON honours a tag too
    and the count is what the files hold. Raises what rendering raises
    (:class:`~kbtui.exchange.markdown.TemplateError`,
    :class:`~kbtui.scripts.views.ConversionError`), and :class:`LookupError` for an
    entity ``index`` does not know (:func:`kbtui.exchange.about.find_entity`).
    """
    items = collect(corpus, store, request.scope)
    entity = None
    if request.needs_index:
        if index is None:
            raise ValueError("an export by entity needs the mention index")
        items = [item for item in items if not item.missing]  # the index has no text of them
        if request.scope.entity is not None:
            entity = find_entity(index, request.scope.entity)
            items = about_entity(items, About(index), entity)
    options = markdown_options(request, corpus.root, source_of, backend)
    as_json = request.layout is Layout.JSON
    words = word_annotations(corpus, store, request.scope) if as_json and entity is None else []
    count = sum(len(item.annotations) for item in items)
    if request.path is None:
        text = export_json(items, words) if as_json else render_markdown(items, options)
        return PlannedExport(request, text, WritePlan(()), count, None, len(words))
    target = Path(request.path.strip()).expanduser()
    if as_json:
        plan = plan_file(target, export_json(items, words))
    elif request.by_entity and index is not None:
        titles = {entry.id: entry.meta.title for entry in corpus.entries()}
        pages = plan_pages(items, index, options, titles, wikilinks=request.wikilinks, only=entity)
        plan = plan_files(target, pages)
    else:
        plan = _plan(items, request, options, target)
    return PlannedExport(request, None, plan, count, target, len(words))


def _plan(
    items: Sequence[ExportItem], request: ExportRequest, options: MarkdownOptions, target: Path
) -> WritePlan:
    """The Markdown files ``request`` writes at ``target``."""
    if request.layout is Layout.PER_DOCUMENT:
        return plan_files(target, render_per_document(items, options))
    return plan_file(target, render_markdown(items, options))


def about_entity(items: Sequence[ExportItem], about: About, entity: Entity) -> list[ExportItem]:
    """``items`` narrowed to the annotations about ``entity``; documents left with none go."""
    chosen = []
    for item in items:
        kept = about.about(item.annotations, entity.id)
        if kept:
            chosen.append(ExportItem(item.document, kept, item.user_tags, item.entities))
    return chosen


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an import did, for one line of output."""

    added: int
    updated: int
    unchanged: int
    orphaned: int
    rejected: list[str]
    words: WordCounts = field(default_factory=WordCounts)
    """What the word list took of the words the file held."""
    missing: int = 0
    """How many of the file's annotations are of documents the corpus lacks (kept)."""

    def summary(self) -> str:
        """``added 3, updated 0, unchanged 1, orphaned 0, rejected 1`` (and the words, and
        the annotations of missing documents, if any)."""
        line = (
            f"added {self.added}, updated {self.updated}, unchanged {self.unchanged}, "
            f"orphaned {self.orphaned}, rejected {len(self.rejected)}"
        )
        if self.words.added or self.words.unchanged:
            line += f"; words added {self.words.added}, unchanged {self.words.unchanged}"
        if self.missing:
            line += (
                f"; {plural(self.missing, 'annotation')} of documents not in the corpus kept"
                " (kbtui list --missing)"
            )
        return line


def import_json(corpus: Corpus, store: Store, data: bytes) -> ImportReport:
    """Merge a W3C JSON export into ``store`` and re-anchor what it touched.

    Raises :class:`kbtui.exchange.w3c.W3CError` for a file that is not an export at all;
    single bad items are rejected with their reason and the rest goes in. Items of
    documents the corpus lacks go in too, as a missing document's (a backup of them
    restored before their files are back), and are counted apart.
    """
    known = {entry.id for entry in corpus.entries()}
    result: ImportResult = loads(data, known_docs=known)
    counts = store.merge_import(result.annotations)
    words = store.words.merge(result.words)
    for doc_id, tags in result.document_tags.items():
        current = list(store.doc_state(doc_id).tags)
        store.set_doc_tags(doc_id, current + [t for t in tags if t not in current])
    orphaned = 0
    touched = {a.doc_id for a in result.annotations} - result.missing
    ids = {a.id for a in result.annotations}
    for doc_id in sorted(touched):
        doc = corpus.load(doc_id)
        placed = store.anchored_annotations(doc_id, doc.source, only=ids) if doc.readable else []
        orphaned += sum(1 for a in placed if a.id in ids and not a.placed)
    return ImportReport(
        counts.added,
        counts.updated,
        counts.unchanged,
        orphaned,
        [str(r) for r in result.rejections],
        words,
        result.missing_annotations(),
    )
