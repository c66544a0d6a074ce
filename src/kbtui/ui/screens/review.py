"""The review screen: moved and orphaned annotations, one at a time, old text beside new.

The list holds the queue (:class:`~kbtui.session.review.ReviewQueue`); for
the highlighted annotation the left pane shows the text it was made on, the
right one a candidate passage of the current text, each with its context
(dim) and what differs marked (red: gone, green: new), and the candidate's
score. ``n`` shows the next candidate, ``a`` (or ``enter``) accepts the one
shown, ``s`` goes to the reader with it selected to place the annotation by
hand, ``d`` deletes, ``u`` undoes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from kbtui.annotations.errors import DatabaseError
from kbtui.annotations.review import Passage, Piece, Placement, differences
from kbtui.session.review import ReviewItem, ReviewQueue
from kbtui.ui.text import cut, safe
from kbtui.view.sanitize import one_line

STYLES = {"same": "", "gone": "bold red reverse", "new": "bold green reverse"}
"""How a piece of text is marked by how it differs."""


@dataclass(frozen=True, slots=True)
class Reselect:
    """The screen's answer when the user places an annotation by hand: where to start."""

    annotation_id: str
    doc_id: str
    start: int
    end: int
    point: bool = False
    """A bookmark, which quotes nothing: placed at the cursor, not on a selection."""


def passage_text(passage: Passage, pieces: list[Piece]) -> Text:
    """A passage with its context dim and ``pieces`` (its text, cut by how it differs)
    marked: literal text, never markup."""
    out = safe(passage.prefix, style="dim")
    for kind, text in pieces:
        out.append_text(safe(text, style=STYLES[kind]))
    out.append_text(safe(passage.suffix, style="dim"))
    return out


def item_label(item: ReviewItem, title: str) -> Text:
    """One line of the list: the score (or "orphan"), the document, the old quote."""
    a = item.annotation
    label = Text(no_wrap=True, overflow="ellipsis")
    if a.placed:
        label.append(f"{a.score or 0:.2f} ", style="yellow")
    else:
        label.append("orphan ", style="bold red")
    label.append_text(cut(title, 30, style="dim"))
    label.append("  ")
    label.append_text(cut(item.before.quote or "🔖", 60))
    return label


class ReviewScreen(Screen[Reselect | None]):
    """The review queue; answers a :class:`Reselect` to place one by hand, else ``None``."""

    DEFAULT_CSS = """
    ReviewScreen #review-list { height: 1fr; border: round $primary; }
    ReviewScreen #review-sides { height: 2fr; }
    ReviewScreen .review-side { width: 1fr; border: round $secondary; padding: 0 1; }
    ReviewScreen #review-score { height: 1; padding: 0 1; }
    """

    BINDINGS = [
        Binding("a", "accept", "Accept", id="review.accept"),
        Binding("n", "next", "Next candidate", id="review.next"),
        Binding("s", "reselect", "Select by hand", id="review.reselect"),
        Binding("d", "delete", "Delete", id="review.delete"),
        Binding("u", "undo", "Undo", id="review.undo"),
        Binding("escape", "close", "Close", id="review.close"),
    ]

    def __init__(self, queue: ReviewQueue, title_of: Callable[[str], str]) -> None:
        super().__init__()
        self.queue = queue
        self._title_of = title_of
        self._items: list[ReviewItem] = []
        self._candidates: list[Placement] = []
        self.shown = 0
        """The index of the candidate shown among :attr:`candidates`."""

    def compose(self) -> ComposeResult:
        yield OptionList(id="review-list")
        yield Static(id="review-score")
        with Horizontal(id="review-sides"):
            yield Static(id="review-old", classes="review-side")
            yield Static(id="review-new", classes="review-side")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#review-old", Static).border_title = "As annotated"
        self._fill()
        self.query_one(OptionList).focus()

    # -- what is shown -----------------------------------------------------------

    @property
    def item(self) -> ReviewItem | None:
        """The highlighted annotation."""
        index = self.query_one(OptionList).highlighted
        return self._items[index] if index is not None and index < len(self._items) else None

    @property
    def candidate(self) -> Placement | None:
        """The candidate shown (``None``: the annotation fits nowhere)."""
        return self._candidates[self.shown] if self.shown < len(self._candidates) else None

    def _fill(self, keep: int | None = None) -> None:
        """List the queue anew, the highlight at ``keep`` (or where it was)."""
        options = self.query_one(OptionList)
        at = options.highlighted if keep is None else keep
        self._items = self.queue.items()
        options.clear_options()
        options.add_options(
            Option(item_label(i, self._title_of(i.annotation.doc_id)), id=i.annotation.id)
            for i in self._items
        )
        count = len(self._items)
        options.border_title = f"{count} to review" if count else "Nothing to review"
        if count:
            options.highlighted = min(at or 0, count - 1)
        self._show_item()

    @on(OptionList.OptionHighlighted, "#review-list")
    def _highlighted(self) -> None:
        self._show_item()

    def _show_item(self) -> None:
        item = self.item
        self._candidates = [] if item is None else self.queue.candidates(item)
        self.shown = 0
        self._show_candidate()

    def _show_candidate(self) -> None:
        old_pane = self.query_one("#review-old", Static)
        new_pane = self.query_one("#review-new", Static)
        item, candidate = self.item, self.candidate
        if item is None:
            old_pane.update("")
            new_pane.update("")
            self._say("")
            return
        new_text = candidate.passage.text if candidate is not None else ""
        old_pieces, new_pieces = differences(item.before.quote, new_text)
        old_pane.update(passage_text(item.old, old_pieces))
        if candidate is None:
            new_pane.border_title = "Now: found nowhere"
            new_pane.update(Text("Its text is gone: s to place it by hand, d to delete it."))
        else:
            new_pane.border_title = f"Now: candidate {self.shown + 1} of {len(self._candidates)}"
            new_pane.update(passage_text(candidate.passage, new_pieces))
        self._say(self._score_line(item, candidate))

    def _score_line(self, item: ReviewItem, candidate: Placement | None) -> str:
        state = "placed here" if item.annotation.placed and self.shown == 0 else "candidate"
        parts = [f"score {candidate.score:.2f} ({state})" if candidate else "orphan"]
        if not item.known_before:
            parts.append("the text before the change was not kept: shown as it stands")
        if item.annotation.note:
            parts.append(f"note: {one_line(item.annotation.note, 60)}")
        return " · ".join(parts)

    def _say(self, line: str) -> None:
        self.query_one("#review-score", Static).update(Text(one_line(line, 300)))

    # -- actions -------------------------------------------------------------------

    def action_next(self) -> None:
        """Show the next candidate (after the last, the first again)."""
        if len(self._candidates) > 1:
            self.shown = (self.shown + 1) % len(self._candidates)
            self._show_candidate()

    @on(OptionList.OptionSelected, "#review-list")
    def _selected(self) -> None:
        self.action_accept()

    def action_accept(self) -> None:
        """Place the annotation on the candidate shown: exact from now on, score 1."""
        item, candidate = self.item, self.candidate
        if item is None or candidate is None:
            return
        if self._write(lambda: self.queue.accept(item, candidate.start, candidate.end)):
            self.notify("Placed: the annotation now stands on the text shown")

    def action_delete(self) -> None:
        """Delete the annotation (``u`` brings it back)."""
        item = self.item
        if item is not None and self._write(lambda: self.queue.delete(item)):
            self.notify("Deleted (u to undo)")

    def action_undo(self) -> None:
        """Take back the last change (here or in the reader)."""
        done: list[str | None] = []
        if self._write(lambda: done.append(self.queue.undo())):
            self.notify(f"Undone: {done[0]}" if done[0] else "Nothing to undo")

    def action_reselect(self) -> None:
        """Go to the reader with the candidate (or the old place) selected."""
        item = self.item
        if item is None:
            return
        a, candidate = item.annotation, self.candidate
        start, end = (candidate.start, candidate.end) if candidate else (a.start, a.end)
        self.dismiss(Reselect(a.id, a.doc_id, start, end, point=not a.quote))

    def action_close(self) -> None:
        """Back to the reader."""
        self.dismiss(None)

    def _write(self, change: Callable[[], object]) -> bool:
        """Make a change through the queue; a failed write is a message, never a crash."""
        try:
            change()
        except (DatabaseError, OSError, KeyError, LookupError, ValueError) as exc:
            self.notify(one_line(f"Not changed: {exc}", 300), severity="error", markup=False)
            return False
        self._fill()
        return True
