"""Passages grouped by document: the results of a corpus search and of a mentions query.

Both screens show the same thing (documents with counts, and under each the
context lines of its passages) and answer the same thing: the document and
source offset the user chose with ``enter``. The groups are the session's
(:mod:`kbtui.session.passages`): plain data, made off the UI thread. Above an
entity's passages, the user's own highlights about it are listed
(:mod:`kbtui.session.annotation_entities`), each leading to its place.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, OptionList
from textual.widgets.option_list import Option
from textual.worker import Worker, get_current_worker

from kbtui.session.passages import Passage, PassageGroup, Target
from kbtui.ui.screens.framed import framed_list_css
from kbtui.ui.text import safe_line
from kbtui.view.sanitize import printable

if TYPE_CHECKING:  # the entities' modules load with the index, after the first paint
    from kbtui.session.annotation_entities import Highlight, Highlights
    from kbtui.session.searching import SearchPage  # with the first search (and SQLite)

BEFORE_CHARS = 16
"""Context kept before a match, so the match shows even in a narrow terminal."""


def passage_text(passage: Passage) -> Text:
    """One indented context line with the match in bold (all literal text).

    The line never wraps (a wrapped line started at the left edge, under the
    document titles); it is cut at the right edge instead. White space at the
    edges of the match is kept (``Dario Amodei``, not ``DarioAmodei``). A passage
    found through a regional variant ends with its label (``軟體 (Taiwan)``); one
    found by pinyin starts with ``pinyin``, a shared name taken for the entity from
    its context (a bare surname) with ``inferred``.
    """
    before = _flat(passage.before)
    if len(before) > BEFORE_CHARS:
        before = "…" + before[-BEFORE_CHARS:]
    line = Text("  ", no_wrap=True, overflow="ellipsis")
    if passage.pinyin:  # found by reading the query as pinyin: first, so no cut hides it
        line.append("pinyin ", style="italic dim")
    if passage.inferred:  # the name alone does not say who: the text around it did
        line.append("inferred ", style="italic dim")
    line.append(before.lstrip())
    line.append(_flat(passage.match), style="bold reverse")
    line.append(_flat(passage.after).rstrip())
    if passage.variant is not None:  # found through another region's word: say which
        line.append(f"  {_flat(passage.variant)}", style="italic")
    return line


def highlight_text(highlight: Highlight) -> Text:
    """One highlight about an entity: its colour, quote and note, and its document's title
    (literal text, one line cut at the right edge)."""
    line = Text("  ", no_wrap=True, overflow="ellipsis")
    if highlight.orphan:
        line.append("? ", style="bold red")
    else:
        line.append("▌ ", style=f"bold {highlight.colour}")
    line.append(_flat(highlight.quote) or "(no quote)")
    if highlight.note.strip():
        line.append(f"  {_flat(highlight.note)}", style="italic")
    line.append(f"  {_flat(highlight.title)}", style="dim")
    return line


def _flat(text: str) -> str:
    """``text`` printable, on one line, runs of white space made one space."""
    return re.sub(r"\s+", " ", printable(text, keep_newlines=False))


class PassageList(OptionList):
    """Documents as headings, passages under them; ``enter`` on a passage chooses it."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._targets: dict[str, Target] = {}
        self._groups = 0

    def show_groups(
        self, groups: Sequence[PassageGroup], highlights: Highlights | None = None
    ) -> None:
        """Replace the list: ``highlights`` (if any) first, then the groups."""
        self.clear_options()
        self._targets, self._groups = {}, 0
        if highlights is not None and highlights.items:
            self._show_highlights(highlights)
        self.add_groups(groups)
        if self.option_count:
            self.highlighted = 0

    def add_groups(self, groups: Iterable[PassageGroup]) -> None:
        """List ``groups`` after those listed (in one call: the list measures its new
        options once, not once per option)."""
        options = []
        for group in groups:
            g, self._groups = self._groups, self._groups + 1
            head = safe_line(group.title, 100, style="bold")
            head.append(f"  {group.total}", style="dim")
            options.append(Option(head, id=f"doc-{g}"))
            self._targets[f"doc-{g}"] = (
                group.doc_id,
                group.passages[0].start if group.passages else 0,
            )
            for p, passage in enumerate(group.passages):
                option_id = f"p-{g}-{p}"
                self._targets[option_id] = (group.doc_id, passage.start)
                options.append(Option(passage_text(passage), id=option_id))
        self.add_options(options)

    def _show_highlights(self, highlights: Highlights) -> None:
        """A heading (leading to the first), then one line per highlight leading to its place."""
        head = safe_line(highlights.heading, 100, style="bold")
        head.append(f"  {len(highlights.items)}", style="dim")
        first = highlights.items[0]
        self._targets["highlights"] = (first.doc_id, first.start)
        self.add_option(Option(head, id="highlights"))
        for h, highlight in enumerate(highlights.items):
            self._targets[f"h-{h}"] = (highlight.doc_id, highlight.start)
            self.add_option(Option(highlight_text(highlight), id=f"h-{h}"))
        self.add_option(None)

    def target(self, option_id: str | None) -> Target | None:
        """Where an option leads."""
        return self._targets.get(option_id or "")


class _PassageScreen(Screen[Target | None]):
    """A screen with a :class:`PassageList`; choosing a passage answers its target."""

    DEFAULT_CSS = (
        framed_list_css("passages", "search-input", "passage-list")
        + """
    #passage-list {
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """
    )
    """Parsed when passages or a search first show, not at start-up."""

    BINDINGS = [Binding("escape", "close", "Close", id="passages.close")]

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        target = self.query_one(PassageList).target(event.option.id)
        if target is not None:
            self.dismiss(target)

    def action_close(self) -> None:
        """Back to the reader."""
        self.dismiss(None)


class PassagesScreen(_PassageScreen):
    """A fixed list of passages (mentions of an entity, documents of an entity)."""

    def __init__(
        self, title: str, groups: Sequence[PassageGroup], highlights: Highlights | None = None
    ) -> None:
        """``highlights``: the user's own about the entity, listed first."""
        super().__init__()
        self._title = title
        self._groups = groups
        self._highlights = highlights

    def compose(self) -> ComposeResult:
        with Vertical(id="passages") as box:
            box.border_title = self._title
            yield PassageList(id="passage-list")
        yield Footer()

    def on_mount(self) -> None:
        passages = self.query_one(PassageList)
        passages.show_groups(self._groups, self._highlights)
        passages.focus()


class SearchScreen(_PassageScreen):
    """Search every document as you type, script-insensitively.

    The results come in pages (:func:`kbtui.session.searching.search_pages`): the
    first screenful is listed at once, the totals count up as the rest are found,
    and their rows are listed as the user scrolls towards them (a common word has
    30,000 rows, which the list would measure on the UI thread all at once).
    """

    ROWS_AHEAD = 200
    """Rows listed beyond the highlighted or last visible one."""

    def __init__(self, run: Callable[[str], Iterator[SearchPage]], query: str = "") -> None:
        """``run(query)`` gives the pages; it runs in a thread."""
        super().__init__()
        self._run = run
        self._query = query
        self._pending: deque[PassageGroup] = deque()
        """Groups found and not yet listed (see :meth:`_fill`)."""

    def compose(self) -> ComposeResult:
        with Vertical(id="passages") as box:
            box.border_title = "Search all documents"
            yield Input(value=self._query, placeholder="Search (any script)…", id="search-input")
            yield PassageList(id="passage-list")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        self.watch(self.query_one(PassageList), "scroll_y", self._fill)
        if self._query:
            self._search(self._query)

    @on(Input.Changed, "#search-input")
    def _changed(self, event: Input.Changed) -> None:
        self._search(event.value)

    @on(Input.Submitted, "#search-input")
    def _submitted(self) -> None:
        self.query_one(PassageList).focus()

    @on(OptionList.OptionHighlighted, "#passage-list")
    def _moved(self) -> None:
        self._fill()

    @work(thread=True, exclusive=True, group="search", description="search")
    def _search(self, query: str) -> None:
        worker = get_current_worker()
        if not query.strip():
            self.app.call_from_thread(self._show, worker, None, True)
            return
        first = True
        for page in self._run(query):
            if worker.is_cancelled:  # a newer query: stop computing this one
                return
            self.app.call_from_thread(self._show, worker, page, first)
            first = False

    def _show(self, worker: Worker[None], page: SearchPage | None, first: bool) -> None:
        """List a page (the first replaces the list; ``None``: no query, an empty list)
        and show the totals so far, unless a newer query cancelled the worker that
        found it (its page may be on its way)."""
        if worker.is_cancelled:
            return
        passages = self.query_one(PassageList)
        groups = [] if page is None else page.groups
        if first:
            self._pending.clear()
            passages.show_groups(groups)
        else:
            self._pending.extend(groups)
            self._fill()
        self.query_one("#passages").border_subtitle = "" if page is None else page.summary

    def _fill(self) -> None:
        """List pending groups until :data:`ROWS_AHEAD` rows are listed beyond the view."""
        passages = self.query_one(PassageList)
        seen = max(passages.highlighted or 0, round(passages.scroll_y) + passages.size.height)
        batch: list[PassageGroup] = []
        rows = passages.option_count
        while self._pending and rows < seen + self.ROWS_AHEAD:
            group = self._pending.popleft()
            batch.append(group)
            rows += 1 + len(group.passages)
        if batch:
            passages.add_groups(batch)
