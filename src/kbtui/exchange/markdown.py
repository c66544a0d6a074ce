"""Markdown export: documents and their annotations in, Markdown text out.

Export is a pure function of data (harlequin's ``export.py`` is the model):
the CLI and the UI gather :class:`ExportItem` objects and call
:func:`render_markdown` or :func:`render_per_document`; writing files is
:mod:`kbtui.exchange.filenames`'s job and JSON is :mod:`kbtui.exchange.w3c`'s.

The layout is a Jinja2 template (``templates/export.md.j2``), rendered in a
sandbox (:mod:`kbtui.exchange.template`) with a context of plain values (:class:`ExportContext`,
:class:`DocumentView`, :class:`AnnotationView`), so a user's own template
(``--template FILE``) sees exactly what the default one sees. The user's
reference for all of it is ``docs/export.md``.

Decisions, for users and for template authors:

* Values in the context are ready to print: text from documents and notes is
  escaped where it would change the Markdown structure (:mod:`kbtui.exchange.mdsafe`),
  and control characters are made visible everywhere, since Markdown may go
  to a terminal. ``*_raw`` fields hold the same text without Markdown
  escaping (still without control characters).
* Quotes are the source text as it is, inline Markdown included (``**bold**``
  is fine Markdown inside a block quote); only line starts that would break
  the structure are escaped, so a quoted ``> line`` or ``# heading`` stays
  literal text inside the quote.
* The chosen script (``converter``) applies to text taken from the document:
  its title, the heading above an annotation and the quote. Notes and tags
  are the user's own words and stay as written, so a tag is the same tag in
  every export; entity names are identifiers too and stay as well.
* Per annotation, the heading is the last ATX heading (``#`` to ``######``)
  in the source before it, outside fenced code; the percentage is its start
  within the body (after frontmatter), rounded down
  (:mod:`kbtui.exchange.outline`).
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace

import jinja2

from kbtui import __version__
from kbtui.annotations.model import AnchorState, Annotation, now_iso
from kbtui.documents.model import Document
from kbtui.exchange.filenames import unique_filenames
from kbtui.exchange.mdsafe import escape_block, escape_inline, hashtag, visible_controls
from kbtui.exchange.outline import Outline
from kbtui.exchange.template import (
    TemplateError,
    default_template,
    load_template,
    render_template,
)

__all__ = [
    "AnnotationView",
    "ConverterFor",
    "Counts",
    "DocumentView",
    "ExportContext",
    "ExportItem",
    "MarkdownOptions",
    "Scope",
    "TemplateError",
    "build_context",
    "load_template",
    "note_names",
    "open_command",
    "reference",
    "render_context",
    "render_markdown",
    "render_per_document",
    "select",
]
"""The exporter's API; :class:`TemplateError` and :func:`load_template` come from
:mod:`kbtui.exchange.template`, and are here because whoever exports with a
user's template loads it and catches its errors along with the export."""

Convert = Callable[[str], str]
"""Script conversion of a text."""

ConverterFor = Callable[[Document], Convert]
"""The conversion for one document's text: it depends on the document's source
locale (``lambda doc: text_converter(variant, locale_of(doc), backend)``)."""


@dataclass(frozen=True, slots=True)
class ExportItem:
    """One document and what the user keeps about it."""

    document: Document
    annotations: Sequence[Annotation]
    user_tags: Sequence[str] = ()
    """Tags the user gave the document, on top of its frontmatter tags."""
    entities: Sequence[str] = ()
    """Names of the entities the document mentions, in the order to list them."""
    missing: bool = False
    """The corpus lacks the document (renamed, deleted): its annotations have no place."""


@dataclass(frozen=True, slots=True)
class Scope:
    """Which annotations an export holds: all, one document's, one tag's, one entity's, or
    several filters (the pipeline selects by entity: that needs the mention index)."""

    doc_id: str | None = None
    tag: str | None = None
    entity: str | None = None

    @property
    def label(self) -> str:
        """How the export's header names its scope."""
        parts = []
        if self.doc_id is not None:
            parts.append(f"document {self.doc_id}")
        if self.tag is not None:
            parts.append(f"tag {self.tag}")
        if self.entity is not None:
            parts.append(f"entity {self.entity}")
        return ", ".join(parts) or "all documents"


@dataclass(frozen=True, slots=True)
class MarkdownOptions:
    """How to export: scope, script, template, and the fixed facts of the run."""

    scope: Scope = field(default_factory=Scope)
    script: str = "original"
    """The script's name, for the header (``original``, ``traditional``...)."""
    converter: ConverterFor | None = None
    """Gives each document's conversion to the chosen script; ``None`` keeps the
    original. What a conversion raises (``scripts.ConversionError``) passes through."""
    template: jinja2.Template | None = None
    """A compiled template (:func:`~kbtui.exchange.template.load_template`); ``None``
    is the default layout."""
    exported: str | None = None
    """The export time to print (ISO 8601); ``None`` is now. Fixed in tests."""
    corpus: str | None = None
    """The corpus path to name in ``kbtui --open`` commands; ``None`` for the default."""
    links: Convert | None = None
    """Puts wiki links into a quote or note already escaped (:mod:`kbtui.exchange.wikilinks`)."""


@dataclass(frozen=True, slots=True)
class AnnotationView:
    """One annotation as a template sees it (every field is described in docs/export.md)."""

    id: str
    doc_id: str
    start: int
    end: int
    kind: str
    colour: str
    anchor: str
    orphan: bool
    quote: str
    quote_raw: str
    note: str
    note_raw: str
    tags: list[str]
    hashtags: list[str]
    heading: str
    heading_raw: str
    percent: int
    ref: str
    """``DOC#START``: where ``kbtui --open`` goes (just ``DOC`` for an orphan)."""
    open: str
    """The shell command that opens kbtui at the annotation."""
    created: str
    updated: str


@dataclass(frozen=True, slots=True)
class DocumentView:
    """One document as a template sees it (every field is described in docs/export.md)."""

    id: str
    title: str
    title_raw: str
    source_url: str
    date: str
    tags: list[str]
    hashtags: list[str]
    entities: list[str]
    entities_raw: list[str]
    ref: str
    open: str
    annotations: list[AnnotationView]
    """Placed annotations in reading order."""
    orphans: list[AnnotationView]
    """Annotations that could not be placed in the current text, oldest first (all of a
    missing document's)."""
    missing: bool


@dataclass(frozen=True, slots=True)
class Counts:
    """What an export file holds."""

    documents: int
    annotations: int
    """All annotations, orphans included."""
    orphans: int
    """Those of documents in the corpus that could not be placed."""


@dataclass(frozen=True, slots=True)
class ExportContext:
    """Everything a template is given (its top-level variables)."""

    exported: str
    scope: str
    script: str
    generator: str
    counts: Counts
    documents: list[DocumentView]


def select(items: Iterable[ExportItem], scope: Scope) -> list[ExportItem]:
    """The part of ``items`` that ``scope`` asks for.

    A tag selects every annotation of a document that carries the tag
    (frontmatter or user tag) and, elsewhere, the annotations that carry it;
    tags match case-insensitively, with or without ``#``. A document with
    nothing selected is left out, unless it is the one document asked for.
    """
    chosen = []
    for item in items:
        if scope.doc_id is not None and item.document.id != scope.doc_id:
            continue
        if scope.tag is not None:
            item = _with_tag(item, _tag_key(scope.tag))
        if item.annotations or scope.doc_id is not None:
            chosen.append(item)
    return chosen


def _tag_key(tag: str) -> str:
    return tag.strip().lstrip("#").casefold()


def _with_tag(item: ExportItem, key: str) -> ExportItem:
    doc_tags = [*item.document.meta.tags, *item.user_tags]
    if any(_tag_key(t) == key for t in doc_tags):
        return item
    kept = [a for a in item.annotations if any(_tag_key(t) == key for t in a.tags)]
    return replace(item, annotations=kept)


def build_context(items: Sequence[ExportItem], options: MarkdownOptions) -> ExportContext:
    """The template context for ``items`` (already selected) under ``options``."""
    documents = [_document_view(item, _convert(options, item), options) for item in items]
    orphans = sum(len(d.orphans) for d in documents if not d.missing)
    total = sum(len(d.orphans) + len(d.annotations) for d in documents)
    return ExportContext(
        exported=options.exported or now_iso(),
        scope=options.scope.label,
        script=options.script,
        generator=f"kbtui {__version__}",
        counts=Counts(len(documents), total, orphans),
        documents=documents,
    )


def _same(text: str) -> str:
    return text


def _convert(options: MarkdownOptions, item: ExportItem) -> Convert:
    return options.converter(item.document) if options.converter else _same


def render_markdown(items: Iterable[ExportItem], options: MarkdownOptions) -> str:
    """All of ``items`` in ``options.scope`` as one Markdown text."""
    chosen = select(items, options.scope)
    return _render(options.template or default_template(), build_context(chosen, options))


def render_per_document(
    items: Iterable[ExportItem], options: MarkdownOptions
) -> list[tuple[str, str]]:
    """One ``(file name, Markdown)`` per document in scope.

    Names come from the titles in the chosen script, made safe and unique
    (:func:`kbtui.exchange.filenames.unique_filenames`); each file has its own header.
    """
    chosen = select(items, options.scope)
    names = note_names(chosen, options)
    return [
        (name, render_context(build_context([item], options), options))
        for name, item in zip(names, chosen, strict=True)
    ]


def render_context(context: ExportContext, options: MarkdownOptions) -> str:
    """A context already built (:func:`build_context`) through the export's template."""
    return _render(options.template or default_template(), context)


def note_names(chosen: Sequence[ExportItem], options: MarkdownOptions) -> list[str]:
    """The file names of ``chosen``'s notes, one per document (:func:`render_per_document`)."""
    return unique_filenames(_convert(options, i)(i.document.meta.whole_title) for i in chosen)


def _document_view(item: ExportItem, convert: Convert, options: MarkdownOptions) -> DocumentView:
    doc, corpus, links = item.document, options.corpus, options.links or _same
    outline = Outline.of(doc, convert)
    placed = [a for a in item.annotations if a.anchor != AnchorState.ORPHAN and not item.missing]
    orphans = [a for a in item.annotations if a.anchor == AnchorState.ORPHAN or item.missing]
    placed.sort(key=lambda a: (a.start, a.end, a.created, a.id))
    orphans.sort(key=lambda a: (a.created, a.id))
    tags = _unique([*doc.meta.tags, *item.user_tags])
    title = convert(doc.meta.title)
    return DocumentView(
        id=doc.id,
        title=escape_inline(title),
        title_raw=visible_controls(title),
        source_url=escape_inline(doc.meta.source_url or ""),
        date=escape_inline(doc.meta.date or ""),
        tags=[visible_controls(t) for t in tags],
        hashtags=_hashtags(tags),
        entities=[escape_inline(e) for e in item.entities],
        entities_raw=[visible_controls(e) for e in item.entities],
        ref=doc.id,
        open=open_command(doc.id, None, corpus),
        annotations=[_annotation_view(a, outline, convert, corpus, links) for a in placed],
        orphans=[_annotation_view(a, None, convert, corpus, links) for a in orphans],
        missing=item.missing,
    )


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


def _hashtags(tags: Iterable[str]) -> list[str]:
    return _unique(hashtag(t) for t in tags)


def _annotation_view(
    a: Annotation, outline: Outline | None, convert: Convert, corpus: str | None, links: Convert
) -> AnnotationView:
    """``a`` for the template; ``outline`` is ``None`` for an orphan (no place)."""
    heading, percent = outline.place(a.start) if outline else ("", 0)
    quote = convert(a.quote)
    at = None if outline is None else a.start
    return AnnotationView(
        id=a.id,
        doc_id=a.doc_id,
        start=a.start,
        end=a.end,
        kind=str(a.kind),
        colour=str(a.colour),
        anchor=str(a.anchor),
        orphan=outline is None,
        quote=links(escape_block(quote)),
        quote_raw=visible_controls(quote),
        note=links(escape_block(_trim_blank_lines(a.note))),
        note_raw=visible_controls(a.note),
        tags=[visible_controls(t) for t in a.tags],
        hashtags=_hashtags(a.tags),
        heading=escape_inline(heading),
        heading_raw=visible_controls(heading),
        percent=percent,
        ref=reference(a.doc_id, at),
        open=open_command(a.doc_id, at, corpus),
        created=a.created,
        updated=a.updated,
    )


def _trim_blank_lines(text: str) -> str:
    """``text`` without blank lines around it (nothing if it is all blank)."""
    return text.strip("\n") if text.strip() else ""


def reference(doc_id: str, start: int | None) -> str:
    """``DOC#START``, the place ``kbtui --open`` takes (``DOC`` alone without a start)."""
    return doc_id if start is None else f"{doc_id}#{start}"


def open_command(doc_id: str, start: int | None, corpus: str | None = None) -> str:
    """The shell command that opens kbtui at a place, quoted for a POSIX shell.

    Quoting matters: a document id is a file name and may hold spaces or
    ``$(...)``; copying the command from a note must never run anything else.
    """
    words = ["kbtui"]
    if corpus is not None:
        words += ["--corpus", corpus]
    words += ["--open", reference(doc_id, start)]
    return shlex.join(words)


def _render(template: jinja2.Template, context: ExportContext) -> str:
    """``context`` through ``template``: its fields are the template's variables."""
    variables = {name: getattr(context, name) for name in ExportContext.__dataclass_fields__}
    return render_template(template, variables)
