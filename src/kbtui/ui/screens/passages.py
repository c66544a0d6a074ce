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
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, OptionList
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from kbtui.session.passages import Passage, PassageGroup, Target
from kbtui.ui.text import safe_line
from kbtui.view.sanitize import printable

if TYPE_CHECKING:  # the entities' modules load with the index, after the first paint
    from kbtui.session.annotation_entities import Highlight, Highlights

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

    def show_groups(
        self, groups: Sequence[PassageGroup], highlights: Highlights | None = None
    ) -> None:
        """Replace the list: ``highlights`` (if any) first, then the groups."""
        self.clear_options()
        self._targets = {}
        if highlights is not None and highlights.items:
            self._show_highlights(highlights)
        for g, group in enumerate(groups):
            head = safe_line(group.title, 100, style="bold")
            head.append(f"  {group.total}", style="dim")
            self.add_option(Option(head, id=f"doc-{g}"))
            self._targets[f"doc-{g}"] = (
                group.doc_id,
                group.passages[0].start if group.passages else 0,
            )
            for p, passage in enumerate(group.passages):
                option_id = f"p-{g}-{p}"
                self._targets[option_id] = (group.doc_id, passage.start)
                self.add_option(Option(passage_text(passage), id=option_id))
        if self.option_count:
            self.highlighted = 0

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
    """Search every document as you type, script-insensitively."""

    def __init__(
        self, run: Callable[[str], tuple[list[PassageGroup], str]], query: str = ""
    ) -> None:
        """``run(query)`` returns the groups and a one-line summary; it runs in a thread."""
        super().__init__()
        self._run = run
        self._query = query

    def compose(self) -> ComposeResult:
        with Vertical(id="passages") as box:
            box.border_title = "Search all documents"
            yield Input(value=self._query, placeholder="Search (any script)…", id="search-input")
            yield PassageList(id="passage-list")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        if self._query:
            self._search(self._query)

    @on(Input.Changed, "#search-input")
    def _changed(self, event: Input.Changed) -> None:
        self._search(event.value)

    @on(Input.Submitted, "#search-input")
    def _submitted(self) -> None:
        self.query_one(PassageList).focus()

    @work(thread=True, exclusive=True, group="search")
    def _search(self, query: str) -> None:
        if not query.strip():
            self.app.call_from_thread(self._show, [], "")
            return
        groups, summary = self._run(query)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show, groups, summary)

    def _show(self, groups: list[PassageGroup], summary: str) -> None:
        self.query_one(PassageList).show_groups(groups)
        self.query_one("#passages").border_subtitle = summary
