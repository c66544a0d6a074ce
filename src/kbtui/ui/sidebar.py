"""The sidebar: the open document's metadata, annotations, bookmarks and orphans.

Annotations are listed in reading order with their colour, a shortened quote,
the note, the tags and the entities the annotation is about
(:mod:`kbtui.session.annotation_entities`); choosing one moves the reader
there. Orphans (that no longer fit the text) are listed apart, with their
quote, so nothing a user wrote disappears.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, TypeVar

from rich.console import Group
from rich.text import Text
from textual import on
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from kbtui.annotations.model import AnchorState, Annotation, Kind
from kbtui.documents.model import Document
from kbtui.ui.messages import JumpTo
from kbtui.ui.text import safe_line

if TYPE_CHECKING:
    from kbtui.entities.mentions import MentionIndex

W = TypeVar("W", bound=Widget)

MAX_ROWS = 1000
"""The most annotations the sidebar lists: a Textual option list measures every row
(146,000 in one document took 86 s); the notebook lists them all."""
ROWS_AT_ONCE = 100
"""Rows listed in one go: the first go before the screen is painted, each further one
after the paint before (1,000 rows took 1.3 s of the UI thread, the first screen's
longest wait, though 40 show)."""
QUOTE_CHARS = 60
"""How much of a quote the sidebar shows."""

ENTITY_LABELS = {
    "people": "People",
    "companies_orgs": "Organisations",
    "products_models": "Products",
}


def metadata_text(doc: Document, doc_tags: Sequence[str] = ()) -> Text:
    """The metadata block: literal text, never markup."""
    meta = doc.meta
    out = Text()
    out.append_text(safe_line(meta.title, style="bold"))
    rows: list[tuple[str, str]] = [
        ("date", meta.date or ""),
        ("author", meta.author or ""),
        ("source", meta.source_url or ""),
        ("script", str(doc.script)),
        ("tags", ", ".join(meta.tags)),
        ("my tags", ", ".join(doc_tags)),
        ("chars", f"{len(doc.source):,}"),
    ]
    for key, names in meta.entities.items():
        rows.append((ENTITY_LABELS.get(key, key), ", ".join(names)))
    for label, value in rows:
        if value:
            out.append(f"\n{label}: ", style="dim")
            out.append_text(safe_line(value, 300))
    for problem in doc.problems:
        out.append("\n⚠ ", style="bold red")
        out.append_text(safe_line(problem, 300))
    return out


def annotation_prompt(annotation: Annotation, quote: str, entities: Sequence[str] = ()) -> Group:
    """One annotation as a list entry: colour swatch, quote, note, tags, the names of the
    entities it is about (a line each)."""
    head = Text(no_wrap=True, overflow="ellipsis")
    if annotation.kind == Kind.BOOKMARK:
        head.append("🔖 ", style="bold")
    else:
        head.append("▌", style=f"bold {annotation.colour.value}")
        head.append(" ")
    head.append_text(safe_line(quote, QUOTE_CHARS))
    parts: list[Text] = [head]
    if annotation.note:
        parts.append(safe_line(annotation.note, QUOTE_CHARS * 2, style="italic"))
    if annotation.tags:
        tags = " ".join(f"#{t}" for t in annotation.tags)
        parts.append(safe_line(tags, QUOTE_CHARS * 2, style="dim"))
    if entities:
        parts.append(safe_line(", ".join(entities), QUOTE_CHARS * 2, style="dim"))
    return Group(*parts)


Row = tuple[Annotation, str] | Option | None
"""A row of the annotation list: an annotation and its quote, a heading, a separator."""


class Sidebar(Vertical):
    """Metadata on top, annotations below.

    Empty until it has something to show (:meth:`_part`): before the first
    document opens there is nothing to list, and the first frame without its three
    widgets took ~10 ms less of the UI thread (styles, layout and paint).
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._annotations: dict[str, Annotation] = {}
        self._listing = 0  # which call of show_annotations the rows being added are of

    @property
    def annotation_list(self) -> OptionList:
        """The list: the focus's place in the sidebar."""
        return self._part("#annotation-list", OptionList)

    def _part(self, selector: str, kind: type[W]) -> W:
        """One of the metadata, the review line and the list, all three mounted the
        first time one is asked for."""
        if not self.children:
            review = Static(id="review-count")
            review.display = False  # until the review queue has annotations
            self.mount(Static(id="meta"), review, OptionList(id="annotation-list"))
        return self.query_one(selector, kind)

    def show_document(self, doc: Document, doc_tags: Sequence[str] = ()) -> None:
        """Show ``doc``'s metadata."""
        self._part("#meta", Static).update(metadata_text(doc, doc_tags))

    def show_review_count(self, count: int) -> None:
        """One line while moved annotations wait to be confirmed (``R`` opens the queue)."""
        if not count and not self.children:
            return
        line = self._part("#review-count", Static)
        line.update(Text(f"{count} to review (R)", style="bold yellow"))
        line.display = count > 0

    def show_annotations(
        self,
        annotations: Sequence[Annotation],
        quotes: Sequence[str],
        index: MentionIndex | None = None,
    ) -> None:
        """List annotations (reading order first, then orphans); ``quotes`` as shown
        (only those of the rows listed are read: :data:`MAX_ROWS`), under each the
        entities it is about in ``index`` (none before there is one). The first
        :data:`ROWS_AT_ONCE` rows are listed now, the others after the screen is painted."""
        if len(quotes) != len(annotations):
            raise ValueError(f"{len(annotations)} annotations but {len(quotes)} quotes")
        options = self.annotation_list
        highlighted = options.highlighted
        options.clear_options()
        placed, orphans = _rows(annotations, quotes)
        rows: list[Row] = [*placed]
        if orphans:
            rows += [None, Option(Text("Orphans (text changed)", style="bold red"), disabled=True)]
            rows += orphans
        if len(annotations) > MAX_ROWS:
            more = (
                f"… and {len(annotations) - MAX_ROWS:,} more: the notebook (ctrl+n) lists them all"
            )
            rows.append(Option(Text(more, style="dim"), disabled=True))
        count = len(annotations)
        options.border_title = f"Annotations {count}" if count else "No annotations yet"
        self._annotations = {a.id: a for a, _quote in placed + orphans}
        self._listing += 1
        self._add_rows(self._listing, rows, index, highlighted)

    def _add_rows(
        self, listing: int, rows: list[Row], index: MentionIndex | None, highlighted: int | None
    ) -> None:
        """Add the next :data:`ROWS_AT_ONCE` of ``rows`` to the list, and the rest after the
        next paint, unless a newer listing replaced this one (``highlighted``: the row to
        highlight again once it is there)."""
        if listing != self._listing:
            return
        options = self.query_one("#annotation-list", OptionList)
        batch, rest = rows[:ROWS_AT_ONCE], rows[ROWS_AT_ONCE:]
        names = iter(_entity_names(index, [row[0] for row in batch if isinstance(row, tuple)]))
        before = options.option_count
        options.add_options(  # at once: one by one, each re-measured the list
            Option(annotation_prompt(*row, next(names)), id=row[0].id)
            if isinstance(row, tuple)
            else row
            for row in batch
        )
        if highlighted is not None and before <= highlighted < options.option_count:
            options.highlighted = highlighted
        if rest:
            self.call_after_refresh(self._add_rows, listing, rest, index, highlighted)

    @on(OptionList.OptionSelected, "#annotation-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        annotation = self._annotations.get(event.option.id or "")
        if annotation is not None and not _orphan(annotation):
            self.post_message(JumpTo(annotation.start, annotation.end))


def _entity_names(index: MentionIndex | None, annotations: list[Annotation]) -> list[list[str]]:
    """The entities each annotation is about in ``index`` (none before there is one)."""
    if index is None:  # then its modules are not loaded yet: the first paint waits for none
        return [[] for _ in annotations]
    from kbtui.session.annotation_entities import entity_names

    return entity_names(index, annotations)


def _rows(
    annotations: Sequence[Annotation], quotes: Sequence[str]
) -> tuple[list[tuple[Annotation, str]], list[tuple[Annotation, str]]]:
    """The placed annotations and then the orphans the sidebar lists (:data:`MAX_ROWS` in
    all), with their quotes: only those quotes are read, and no more annotations than
    it takes to fill the list."""
    placed: list[int] = []
    orphans: list[int] = []
    for i, a in enumerate(annotations):
        (orphans if a.anchor == AnchorState.ORPHAN else placed).append(i)
        if len(placed) == MAX_ROWS:  # the list is full before any orphan: look no further
            break
    orphans = orphans[: MAX_ROWS - len(placed)]
    return [(annotations[i], quotes[i]) for i in placed], [
        (annotations[i], quotes[i]) for i in orphans
    ]


def _orphan(annotation: Annotation) -> bool:
    return annotation.anchor == AnchorState.ORPHAN
