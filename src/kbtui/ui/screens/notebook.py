"""The notebook: every annotation in the corpus, filterable, and a jump to any of them.

The filter box takes words that must all match the quote, note, tags or
document title (script-insensitively), plus ``#tag``, ``c:colour``,
``d:document`` and ``e:entity`` tokens. ``e:`` matches the beginning of any
spelling (or a word of one) of an entity the annotation is about
(:mod:`kbtui.session.annotation_entities`), so ``e:dario``, ``e:達里奧`` and
``e:amodei`` find the highlights about Dario Amodei.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input

from kbtui.annotations.model import AnchorState, Annotation, Kind
from kbtui.scripts.hanzi import fold
from kbtui.ui.screens.framed import framed_list_css
from kbtui.ui.text import cut
from kbtui.view.sanitize import one_line

if TYPE_CHECKING:
    from kbtui.entities.mentions import MentionIndex


@dataclass(frozen=True, slots=True)
class NotebookFilter:
    """A parsed filter: free words, tags, colours, document fragments and entity name
    beginnings (all folded)."""

    words: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    colours: tuple[str, ...] = ()
    docs: tuple[str, ...] = ()
    entities: tuple[str, ...] = ()

    @classmethod
    def parse(cls, text: str) -> NotebookFilter:
        """Split the filter box's text into its parts."""
        words: list[str] = []
        parts: dict[str, list[str]] = {"#": [], "c:": [], "d:": [], "e:": []}  # in field order
        for token in fold(text).split():
            prefix = next((p for p in parts if token.startswith(p) and len(token) > len(p)), "")
            (parts[prefix] if prefix else words).append(token[len(prefix) :])
        return cls(*(tuple(found) for found in (words, *parts.values())))

    def accepts(
        self,
        annotation: Annotation,
        title: str,
        doc_tags: Sequence[str] = (),
        spellings: Sequence[str] = (),
    ) -> bool:
        """Whether ``annotation`` (in the document titled ``title``, tagged ``doc_tags`` in
        its frontmatter or by the user, about entities spelt ``spellings``, folded) passes;
        ``#tag`` matches a tag's beginning, so ``#创始`` finds ``创始人``, and ``e:`` a
        spelling's."""
        tags = [fold(t) for t in [*annotation.tags, *doc_tags]]
        doc = fold(f"{annotation.doc_id} {title}")
        if not (
            all(any(tag.startswith(t) for tag in tags) for t in self.tags)
            and all(annotation.colour.value.startswith(c) for c in self.colours)
            and all(d in doc for d in self.docs)
            and all(any(name.startswith(e) for name in spellings) for e in self.entities)
        ):
            return False
        if not self.words:
            return True  # the note is folded only when words are asked for: it may be 1 MiB
        text = fold(f"{annotation.quote} {annotation.note} {title}")
        return all(w in text or w in tags for w in self.words)


class NotebookScreen(Screen[tuple[str, int] | None]):
    """All annotations; ``enter`` answers (document id, source offset)."""

    DEFAULT_CSS = framed_list_css("notebook", "notebook-filter", "notebook-table")
    """Parsed when the notebook first opens, not at start-up."""

    BINDINGS = [
        Binding("escape", "close", "Close", id="notebook.close"),
        Binding("slash", "filter", "Filter", id="notebook.filter"),
    ]

    def __init__(
        self,
        annotations: Sequence[Annotation],
        title_of: Callable[[str], str],
        tags_of: Callable[[str], Sequence[str]] = lambda _doc_id: (),
        missing: Collection[str] = frozenset(),
        index: MentionIndex | None = None,
        line_of: Callable[[Annotation], str] = lambda _annotation: "",
    ) -> None:
        """``title_of`` and ``tags_of`` give a document's title and its own tags;
        ``missing`` are the ids of documents the corpus lacks (their annotations are
        kept, so they are shown, marked, and say how to reattach them); ``index``
        says which entities each annotation is about (``e:``); ``line_of`` is the line an
        annotation with an empty quote stands on (a bookmark at a line's end)."""
        super().__init__()
        self._annotations = sorted(annotations, key=lambda a: (a.doc_id, a.start))
        self._title_of = title_of
        self._tags_of = tags_of
        self._missing = missing
        self._line_of = line_of
        self._index = index
        self._spellings: dict[str, tuple[str, ...]] | None = None
        self._shown: list[Annotation] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="notebook"):
            yield Input(
                placeholder="Filter: words, #tag, c:red, d:document, e:entity…",
                id="notebook-filter",
            )
            yield DataTable[Text](cursor_type="row", id="notebook-table")
        yield Footer()

    def on_mount(self) -> None:
        self._fill("")
        self.query_one(DataTable).focus()

    def show(self, annotations: Sequence[Annotation]) -> None:
        """List ``annotations`` instead (another process changed the database), the
        filter and the cursor's row kept."""
        self._annotations = sorted(annotations, key=lambda a: (a.doc_id, a.start))
        self._spellings = None
        self.on_resize()  # refills as it is filtered, the cursor on its row

    def on_resize(self) -> None:
        table = self.query_one(DataTable)
        row = table.cursor_row
        self._fill(self.query_one(Input).value)
        table.move_cursor(row=row)

    def _widths(self) -> tuple[int, int, int, int]:
        """Cells for document, quote, note and tags: together they fit the screen."""
        room = max(40, (self.size.width or self.app.size.width) - 16)
        return room * 22 // 100, room * 38 // 100, room * 25 // 100, room * 15 // 100

    def _fill(self, text: str) -> None:
        wanted = NotebookFilter.parse(text)
        table = self.query_one(DataTable)
        table.clear(columns=True)  # columns keep their widest width otherwise
        table.add_columns(" ", "Document", "Quote", "Note", "Tags")
        spellings = self._entity_spellings() if wanted.entities else {}
        self._shown = [
            a
            for a in self._annotations
            if wanted.accepts(
                a, self._title_of(a.doc_id), self._tags_of(a.doc_id), spellings.get(a.id, ())
            )
        ]
        doc_w, quote_w, note_w, tags_w = self._widths()
        for a in self._shown:
            swatch = Text("▌", style=f"bold {a.colour.value}")
            if a.kind == Kind.BOOKMARK:
                swatch = Text("🔖")
            if a.anchor == AnchorState.ORPHAN:
                swatch = Text("?", style="bold red")
            document = cut(self._title_of(a.doc_id), doc_w)
            if a.doc_id in self._missing:
                document = cut(f"✗ missing: {a.doc_id}", doc_w, style="bold red")
            table.add_row(
                swatch,
                document,
                cut(a.quote or self._line_of(a), quote_w),
                cut(a.note, note_w, style="italic"),
                cut(" ".join(f"#{t}" for t in a.tags), tags_w, style="dim"),
            )
        self.query_one(
            "#notebook"
        ).border_title = f"Notebook · {len(self._shown)} of {len(self._annotations)} annotations"

    def _entity_spellings(self) -> dict[str, tuple[str, ...]]:
        """Per annotation id, the folded spellings of its entities: worked out at the
        first ``e:``, once (the index is in memory; no document is read)."""
        if self._spellings is None:
            from kbtui.session.annotation_entities import entities_of, spellings

            about = entities_of(self._index)
            self._spellings = {a.id: spellings(about(a)) for a in self._annotations}
        return self._spellings

    @on(Input.Changed, "#notebook-filter")
    def _changed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(Input.Submitted, "#notebook-filter")
    def _submitted(self) -> None:
        self.query_one(DataTable).focus()

    @on(DataTable.RowSelected, "#notebook-table")
    def _selected(self, event: DataTable.RowSelected) -> None:
        annotation = self._shown[event.cursor_row]
        if annotation.doc_id in self._missing:
            self.notify(
                f"{one_line(annotation.doc_id, 80)} is not in the corpus (renamed or deleted?): "
                "kbtui list --missing suggests where it went, kbtui reattach OLD NEW "
                "moves its annotations there",
                severity="warning",
                markup=False,
            )
            return
        self.dismiss((annotation.doc_id, annotation.start))

    def action_filter(self) -> None:
        """Focus the filter box."""
        self.query_one(Input).focus()

    def action_close(self) -> None:
        """Back to the reader."""
        self.dismiss(None)
