"""One Markdown page per entity, beside the document notes: ``kbtui export --by entity``.

A page holds what kbtui knows of one entity (its kind, its other names,
the documents naming it with how often) and what the user marked about it
(every highlight and note whose quote or note names it, grouped by
document, as the document notes show them). Pages and notes link to each
other with wiki links, so an Obsidian or Logseq folder becomes a graph of
people, companies and the texts that name them.

Decisions:

* The notes are exactly what ``kbtui export --out DIR/`` writes
  (:func:`kbtui.exchange.markdown.render_per_document`), and a link to a note is
  its file name without ``.md``; so a link resolves in the folder as written,
  and a document without a note (nothing marked in it) is named, not linked.
* Page names are the entities' names made safe (:mod:`kbtui.exchange.filenames`),
  distinct from the notes' names (a document titled ``Anthropic`` keeps its
  name; the entity's page becomes ``Anthropic (2)``).
* The front matter is YAML both tools read: ``aliases`` (a list: Obsidian's
  aliases property) and ``alias`` (one comma-separated text: Logseq's page
  aliases), then ``kind`` and the counts. Names holding a comma are left out
  of ``alias``, where the comma would split them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from kbtui.entities.mentions import MentionIndex
from kbtui.entities.model import Entity
from kbtui.exchange.about import About
from kbtui.exchange.filenames import unique_filenames
from kbtui.exchange.markdown import (
    AnnotationView,
    DocumentView,
    ExportItem,
    MarkdownOptions,
    build_context,
    note_names,
    render_context,
    select,
)
from kbtui.exchange.mdsafe import blockquote, code_span, escape_inline, yaml_scalar
from kbtui.exchange.wikilinks import LinkStyle, WikiLinker, link

SUFFIX = ".md"


@dataclass(frozen=True, slots=True)
class EntityPage:
    """One entity's page: what it holds, before it is written as Markdown."""

    entity: Entity
    name: str
    """The file name (``Dario Amodei.md``)."""
    documents: list[tuple[str, int]]
    """The documents naming the entity and how often, most named first."""
    highlights: list[DocumentView]
    """Per document, the annotations about the entity (documents without any left out)."""


def plan_pages(
    items: Sequence[ExportItem],
    index: MentionIndex,
    options: MarkdownOptions,
    titles: Mapping[str, str],
    *,
    wikilinks: LinkStyle | None = None,
    only: Entity | None = None,
) -> list[tuple[str, str]]:
    """Every ``(file name, Markdown)`` of an export by entity: the document notes, then the pages.

    ``titles`` names the documents without a note; ``only`` keeps one entity's
    page (``--entity NAME``); ``wikilinks`` links the names in quotes and notes, in
    that tool's form.
    """
    chosen = select(items, options.scope)
    notes = [name.removesuffix(SUFFIX) for name in note_names(chosen, options)]
    about = About(index)
    entities = [only] if only is not None else _entities(chosen, index, about)
    names = unique_filenames([*notes, *(e.name for e in entities)], suffix=SUFFIX)[len(notes) :]
    stems = {e.id: n.removesuffix(SUFFIX) for e, n in zip(entities, names, strict=True)}
    if wikilinks is not None:
        options = replace(options, links=WikiLinker(index.matcher, stems, wikilinks))
    contexts = [build_context([item], options) for item in chosen]
    views = [context.documents[0] for context in contexts]
    note_of = {view.id: stem for view, stem in zip(views, notes, strict=True)}
    marked = _marked(chosen, about)
    pages = [
        EntityPage(e, name, _documents(index, e), _highlights(views, marked.get(e.id, set())))
        for e, name in zip(entities, names, strict=True)
    ]
    documents = [
        (f"{stem}{SUFFIX}", render_context(context, options))
        for stem, context in zip(notes, contexts, strict=True)
    ]
    return [*documents, *((p.name, render_page(p, note_of, titles)) for p in pages)]


def _marked(chosen: Sequence[ExportItem], about: About) -> dict[str, set[str]]:
    """Per entity id, the ids of the annotations about it."""
    marked: dict[str, set[str]] = {}
    for item in chosen:
        for a in item.annotations:
            for entity in about.entities(a):
                marked.setdefault(entity.id, set()).add(a.id)
    return marked


def _entities(chosen: Sequence[ExportItem], index: MentionIndex, about: About) -> list[Entity]:
    """The entities that get a page: every one the corpus or a chosen annotation names."""
    stats = index.stats()
    marked = _marked(chosen, about)
    return [
        e
        for e in index.registry.entities
        if not e.ambiguous and (stats[e.id].mentions or e.id in marked)
    ]


def _documents(index: MentionIndex, entity: Entity) -> list[tuple[str, int]]:
    return sorted(index.documents_for(entity.id), key=lambda pair: -pair[1])


def _highlights(views: Sequence[DocumentView], ids: set[str]) -> list[DocumentView]:
    """``views`` narrowed to the annotations ``ids`` (those about one entity)."""
    kept = []
    for view in views:
        placed = [a for a in view.annotations if a.id in ids]
        orphans = [a for a in view.orphans if a.id in ids]
        if placed or orphans:
            kept.append(replace(view, annotations=placed, orphans=orphans))
    return kept


def render_page(page: EntityPage, note_of: Mapping[str, str], titles: Mapping[str, str]) -> str:
    """``page`` as Markdown: front matter, facts, documents, then highlights and notes."""
    entity = page.entity
    total = sum(count for _doc, count in page.documents)
    lines = [
        *_front_matter(entity, total, len(page.documents)),
        "",
        f"# {escape_inline(entity.name)}",
    ]
    lines += ["", f"- Kind: {entity.kind}"]
    if entity.aliases:
        lines.append(f"- Also: {', '.join(escape_inline(a) for a in entity.aliases)}")
    lines.append(f"- Mentions: {total} · documents: {len(page.documents)}")
    if page.documents:
        lines += ["", "## Documents", ""]
        for doc_id, count in page.documents:
            lines.append(f"- {_document_ref(doc_id, note_of, titles)} ({count})")
    lines += ["", "## Highlights and notes"]
    if not page.highlights:
        lines += ["", "Nothing marked about it yet."]
    for view in page.highlights:
        lines += ["", f"### {_document_ref(view.id, note_of, titles)}"]
        for a in [*view.annotations, *view.orphans]:
            lines += ["", *annotation_lines(a)]
    return "\n".join(lines) + "\n"


def _front_matter(entity: Entity, mentions: int, documents: int) -> list[str]:
    aliases = list(entity.aliases)
    logseq = ", ".join(a for a in aliases if "," not in a)
    return [
        "---",
        f"aliases: [{', '.join(yaml_scalar(a) for a in aliases)}]",
        *([f"alias: {yaml_scalar(logseq)}"] if logseq else []),
        f"kind: {yaml_scalar(str(entity.kind))}",
        f"mentions: {mentions}",
        f"documents: {documents}",
        "---",
    ]


def _document_ref(doc_id: str, note_of: Mapping[str, str], titles: Mapping[str, str]) -> str:
    """A link to the document's note, or its title when it has none."""
    if doc_id in note_of:
        return link(note_of[doc_id], note_of[doc_id])
    return escape_inline(titles.get(doc_id, doc_id))


def annotation_lines(a: AnnotationView) -> list[str]:
    """One annotation as the default export template lays it out: quote, place, note, tags."""
    lines = [blockquote(a.quote), ""] if a.quote else []
    place = "Orphaned" if a.orphan else f"{f'§ {a.heading} · ' if a.heading else ''}{a.percent}%"
    kind = "" if a.kind == "highlight" else f" {a.kind}"
    lines.append(f"{place} · {a.colour}{kind} · {code_span(a.open)}")
    if a.note:
        lines += ["", a.note]
    if a.hashtags:
        lines += ["", " ".join(a.hashtags)]
    return lines
