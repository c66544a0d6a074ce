"""Markdown export: documents and their annotations in, Markdown text out.

Export is a pure function of data (harlequin's ``export.py`` is the model):
the CLI and the UI gather :class:`ExportItem` objects and call
:func:`render_markdown` or :func:`render_per_document`; writing files is
:mod:`kbtui.exchange.filenames`'s job and JSON is :mod:`kbtui.exchange.w3c`'s.

The layout is a Jinja2 template (``templates/export.md.j2``), rendered in a
sandbox with a context of plain values (:class:`ExportContext`,
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
  within the body (after frontmatter), rounded down.
"""

from __future__ import annotations

import bisect
import re
import shlex
import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from pathlib import Path

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from kbtui import __version__
from kbtui.annotations.model import AnchorState, Annotation, now_iso
from kbtui.documents.model import Document
from kbtui.exchange.filenames import unique_filenames
from kbtui.exchange.mdsafe import (
    blockquote,
    code_span,
    escape_block,
    escape_inline,
    hashtag,
    visible_controls,
    yaml_scalar,
)

Convert = Callable[[str], str]
"""Script conversion of a text."""

ConverterFor = Callable[[Document], Convert]
"""The conversion for one document's text: it depends on the document's own
script (``lambda doc: scripts.text_converter(variant, doc.script)``)."""


class TemplateError(Exception):
    """A template could not be read, compiled or rendered.

    The message names the template and, when known, the line, as
    ``FILE:LINE: what went wrong``: one line the CLI can print as it is.
    """


@dataclass(frozen=True, slots=True)
class ExportItem:
    """One document and what the user keeps about it."""

    document: Document
    annotations: Sequence[Annotation]
    user_tags: Sequence[str] = ()
    """Tags the user gave the document, on top of its frontmatter tags."""
    entities: Sequence[str] = ()
    """Names of the entities the document mentions, in the order to list them."""


@dataclass(frozen=True, slots=True)
class Scope:
    """Which annotations an export holds: all, one document's, one tag's, or both filters."""

    doc_id: str | None = None
    tag: str | None = None

    @property
    def label(self) -> str:
        """How the export's header names its scope."""
        parts = []
        if self.doc_id is not None:
            parts.append(f"document {self.doc_id}")
        if self.tag is not None:
            parts.append(f"tag {self.tag}")
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
    """A compiled template (:func:`load_template`); ``None`` is the default layout."""
    exported: str | None = None
    """The export time to print (ISO 8601); ``None`` is now. Fixed in tests."""
    corpus: str | None = None
    """The corpus path to name in ``kbtui --open`` commands; ``None`` for the default."""


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
    """Annotations that could not be placed in the current text, oldest first."""


@dataclass(frozen=True, slots=True)
class Counts:
    """What an export file holds."""

    documents: int
    annotations: int
    """All annotations, orphans included."""
    orphans: int


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
    return ExportItem(item.document, kept, item.user_tags, item.entities)


def build_context(items: Sequence[ExportItem], options: MarkdownOptions) -> ExportContext:
    """The template context for ``items`` (already selected) under ``options``."""
    documents = [_document_view(item, _convert(options, item), options.corpus) for item in items]
    orphans = sum(len(d.orphans) for d in documents)
    return ExportContext(
        exported=options.exported or now_iso(),
        scope=options.scope.label,
        script=options.script,
        generator=f"kbtui {__version__}",
        counts=Counts(
            len(documents), orphans + sum(len(d.annotations) for d in documents), orphans
        ),
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
    names = unique_filenames(_convert(options, item)(item.document.meta.title) for item in chosen)
    template = options.template or default_template()
    return [
        (name, _render(template, build_context([item], options)))
        for name, item in zip(names, chosen, strict=True)
    ]


def _document_view(item: ExportItem, convert: Convert, corpus: str | None) -> DocumentView:
    doc = item.document
    outline = Outline.of(doc, convert)
    placed = [a for a in item.annotations if a.anchor != AnchorState.ORPHAN]
    orphans = [a for a in item.annotations if a.anchor == AnchorState.ORPHAN]
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
        annotations=[_annotation_view(a, outline, convert, corpus) for a in placed],
        orphans=[_annotation_view(a, None, convert, corpus) for a in orphans],
    )


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


def _hashtags(tags: Iterable[str]) -> list[str]:
    return _unique(hashtag(t) for t in tags)


def _annotation_view(
    a: Annotation, outline: Outline | None, convert: Convert, corpus: str | None
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
        quote=escape_block(quote),
        quote_raw=visible_controls(quote),
        note=escape_block(_trim_blank_lines(a.note)),
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


_HEADING_OR_FENCE = re.compile(
    r"^ {0,3}(?:(?P<fence>`{3,}|~{3,})|(?P<hashes>#{1,6})(?P<rest>[ \t][^\n]*)?$)",
    re.MULTILINE,
)


@dataclass(frozen=True, slots=True)
class Outline:
    """A document's headings by source offset, to say where an annotation stands."""

    starts: list[int]
    titles: list[str]
    body_start: int
    length: int

    @classmethod
    def of(cls, doc: Document, convert: Convert = _same) -> Outline:
        """The ATX headings of ``doc``'s body, outside fenced code, titles converted."""
        starts: list[int] = []
        titles: list[str] = []
        fence = ""
        for m in _HEADING_OR_FENCE.finditer(doc.source, doc.body_start):
            marker = m.group("fence")
            if marker:
                fence = _fence_state(fence, marker)
            elif not fence:
                starts.append(m.start())
                titles.append(convert(_heading_title(m.group("rest") or "")))
        return cls(starts, titles, doc.body_start, len(doc.source))

    def place(self, start: int) -> tuple[str, int]:
        """The heading ``start`` stands under and its percentage through the body.

        A heading line that begins exactly at ``start`` counts: an annotation
        made on a heading (a bookmark at it) belongs to that section.
        """
        i = bisect.bisect_right(self.starts, start) - 1
        heading = self.titles[i] if i >= 0 else ""
        body = self.length - self.body_start
        percent = (start - self.body_start) * 100 // body if body > 0 else 0
        return heading, min(max(percent, 0), 100)


def _fence_state(open_fence: str, marker: str) -> str:
    """The fence open after a fence line: a fence closes on its own kind, as long."""
    if not open_fence:
        return marker
    if marker[0] == open_fence[0] and len(marker) >= len(open_fence):
        return ""
    return open_fence


def _heading_title(rest: str) -> str:
    """A heading's text without its optional closing ``#`` run."""
    return re.sub(r"[ \t]+#+[ \t]*$", "", f" {rest}").strip()


TEMPLATE_FILE = "export.md.j2"
"""The default layout, in ``kbtui/templates``."""


def _environment() -> SandboxedEnvironment:
    """The sandbox every template runs in, with the Markdown filters."""
    env = SandboxedEnvironment(
        autoescape=False,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        yaml=yaml_scalar,
        code=code_span,
        blockquote=blockquote,
        hashtag=hashtag,
        md_block=escape_block,
        md_inline=escape_inline,
    )
    return env


@cache
def _shared_environment() -> SandboxedEnvironment:
    return _environment()


def compile_template(source: str, name: str) -> jinja2.Template:
    """Compile template ``source``; ``name`` is how errors refer to it.

    A syntax error becomes :class:`TemplateError` ``name:LINE: message``.
    """
    env = _shared_environment()
    try:
        code = env.compile(source, name=name, filename=name)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(f"{name}:{exc.lineno}: {exc.message}") from exc
    return env.template_class.from_code(env, code, env.make_globals(None), None)


def load_template(path: Path) -> jinja2.Template:
    """Read and compile a user's template file (``--template FILE``)."""
    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise TemplateError(f"{path}: cannot read the template: {exc}") from exc
    return compile_template(source, str(path))


@cache
def default_template() -> jinja2.Template:
    """The built-in layout (compiled once)."""
    source = (
        files("kbtui.exchange").joinpath("templates", TEMPLATE_FILE).read_text(encoding="utf-8")
    )
    return compile_template(source, TEMPLATE_FILE)


def _render(template: jinja2.Template, context: ExportContext) -> str:
    """Render, turning anything a (user's) template raises into :class:`TemplateError`.

    Why catch everything: a template is the user's code, and whatever it
    raises (an undefined name, ``1/0``, a sandbox refusal) is a fault in it to
    report with its line, never a traceback.
    """
    variables = {name: getattr(context, name) for name in ExportContext.__dataclass_fields__}
    try:
        text = template.render(variables)
    except Exception as exc:
        raise TemplateError(_runtime_message(template.name or "template", exc)) from exc
    return text if text.endswith("\n") else text + "\n"


def _runtime_message(name: str, exc: Exception) -> str:
    """``name:LINE: error`` with the template line Jinja's traceback points at."""
    lines = [f.lineno for f in traceback.extract_tb(exc.__traceback__) if f.filename == name]
    where = f"{name}:{lines[-1]}" if lines else name
    detail = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    return f"{where}: {detail}"
