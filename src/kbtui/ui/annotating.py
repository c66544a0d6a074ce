"""The annotation keys of the reader pane: highlight, colour, note, tag, delete, undo.

Everything here works in source offsets: the selection is mapped back from
whatever script view it was made in, so a highlight made in the Traditional
view of a Simplified document stores the Simplified source quote.
"""

from __future__ import annotations

from functools import partial

from textual.binding import Binding

from kbtui.annotations.model import Annotation, Colour, Kind
from kbtui.ui.pane_base import PaneBase

COLOURS = list(Colour)
"""Colour 1–5 in key order."""


def parse_tags(text: str) -> list[str]:
    """Comma-separated tags, trimmed, without a leading ``#``, de-duplicated in order."""
    tags: list[str] = []
    for raw in text.split(","):
        tag = " ".join(raw.strip().lstrip("#").split())
        if tag and tag not in tags:
            tags.append(tag)
    return tags


class AnnotationActions(PaneBase):
    """The annotation keys, one of the groups :class:`~kbtui.ui.pane.DocumentPane` is made of."""

    ANNOTATION_BINDINGS = [
        Binding("h", "highlight", "Highlight", id="reader.highlight"),
        *(
            Binding(
                str(i + 1),
                f"colour({i})",
                f"Highlight {c.value}",
                show=False,
                id=f"reader.colour{i + 1}",
            )
            for i, c in enumerate(COLOURS)
        ),
        Binding("c", "recolour", "Colour", id="reader.recolour", show=False),
        Binding("U", "toggle_style", "Underline / highlight", id="reader.style", show=False),
        Binding("a", "note", "Note", id="reader.note"),
        Binding("t", "tag", "Tag", id="reader.tag"),
        Binding("d", "delete_annotation", "Delete", id="reader.delete", show=False),
        Binding("u", "undo", "Undo", id="reader.undo", show=False),
        Binding(
            "left_square_bracket",
            "previous_annotation",
            "Prev annotation",
            key_display="[",
            id="reader.prev_annotation",
            show=False,
        ),
        Binding(
            "right_square_bracket",
            "next_annotation",
            "Next annotation",
            key_display="]",
            id="reader.next_annotation",
            show=False,
        ),
        Binding("B", "bookmark", "Bookmark", id="reader.bookmark", show=False),
        Binding("y", "copy", "Copy", id="reader.copy", show=False),
    ]

    def annotation_at_cursor(self) -> Annotation | None:
        """The innermost placed annotation under the cursor, bookmarks last."""
        cursor = self.reader.cursor_source
        hits = [
            a
            for a in self.annotations
            if a.placed and (a.start <= cursor < a.end or (a.start == a.end == cursor))
        ]
        hits.sort(key=lambda a: (a.kind == Kind.BOOKMARK, a.end - a.start))
        return hits[0] if hits else None

    def _create(self, start: int, end: int, **fields: object) -> Annotation | None:
        if self.doc is None:
            return None
        annotation = Annotation.from_source(
            self.doc.id, self.doc.source, start, end, text_hash=self.doc.text_hash, **fields
        )
        if not self.write(lambda: self.store.add(annotation), f"The new {annotation.kind}"):
            return None
        self.reader.clear_selection()
        self.refresh_changed(annotation.id)
        return annotation

    def _changed(self, annotation: Annotation) -> bool:
        saved = self.write(lambda: self.store.update(annotation), f"The {annotation.kind}")
        self.refresh_changed(annotation.id)  # the store's version, should the change have failed
        return saved

    def action_highlight(self) -> None:
        """Highlight the selection in the default colour."""
        self._highlight_or_recolour(None)

    def action_colour(self, index: int) -> None:
        """Highlight the selection in colour ``index`` (or recolour the one at the cursor)."""
        self._highlight_or_recolour(COLOURS[index])

    def _highlight_or_recolour(self, colour: Colour | None) -> None:
        selection = self._selection()
        if selection is not None:
            self._create(*selection, colour=colour or Colour.YELLOW)
            return
        annotation = self.annotation_at_cursor()
        if annotation is not None and colour is not None:
            annotation.colour = colour
            self._changed(annotation)
            return
        self.app.notify("Select text first: v, then move (or shift+arrows)")

    def action_recolour(self) -> None:
        """Cycle the colour of the annotation at the cursor."""
        annotation = self.annotation_at_cursor()
        if annotation is None:
            self.app.notify("No annotation at the cursor")
            return
        annotation.colour = annotation.colour.next()
        self._changed(annotation)

    def action_toggle_style(self) -> None:
        """Draw the annotation at the cursor as an underline, or as a highlight again."""
        annotation = self.annotation_at_cursor()
        if annotation is None or annotation.kind == Kind.BOOKMARK:
            self.app.notify("No highlight at the cursor")
            return
        underline = annotation.kind == Kind.HIGHLIGHT
        annotation.kind = Kind.UNDERLINE if underline else Kind.HIGHLIGHT
        self._changed(annotation)

    def action_note(self) -> None:
        """Add or edit the note of the annotation at the cursor (or of a new one)."""
        selection = self._selection()
        annotation = None if selection else self.annotation_at_cursor()
        if annotation is not None:
            quote = annotation.quote
        elif selection is not None:
            quote = self._quote(*selection)
        else:
            self.app.notify("Select text or move onto an annotation to add a note")
            return

        def save(note: str) -> bool:
            """Store the note; if that fails it stays in its editor, not lost."""
            if annotation is not None:
                annotation.note = note
                return self._changed(annotation)
            return selection is not None and self._create(*selection, note=note) is not None

        from kbtui.ui.screens.dialogs import NoteEditorScreen

        editor = NoteEditorScreen("Note", annotation.note if annotation else "", quote, save=save)
        self.app.push_screen(editor)

    def _quote(self, start: int, end: int) -> str:
        return self.doc.source[start:end] if self.doc else ""

    def action_tag(self) -> None:
        """Tag the annotation at the cursor, or the document when there is none."""
        if self.doc is None:
            return
        annotation = self.annotation_at_cursor()
        doc_id = self.doc.id
        current = annotation.tags if annotation else self.store.doc_state(doc_id).tags
        documents = {tag for entry in self.session.corpus.entries() for tag in entry.meta.tags}
        known = sorted({*self.store.all_tags(), *documents}, key=lambda t: (t.casefold(), t))
        hint = "Comma separated; → completes a tag already in use."
        title = "Tags of the annotation" if annotation else "Tags of the document"

        def entered(text: str | None) -> None:
            if text is None:
                return
            tags = parse_tags(text)
            if annotation is not None:
                annotation.tags = tags
                self._changed(annotation)
            elif self.write(lambda: self.store.set_doc_tags(doc_id, tags), "The tags"):
                self.refresh_changed()

        from kbtui.ui.screens.dialogs import LineInputScreen

        dialog = LineInputScreen(title, ", ".join(current), hint=hint, suggestions=known)
        self.app.push_screen(dialog, entered)

    def action_delete_annotation(self) -> None:
        """Delete the annotation at the cursor (``u`` brings it back)."""
        annotation = self.annotation_at_cursor()
        if annotation is None:
            self.app.notify("No annotation at the cursor")
            return
        if self.write(lambda: self.store.delete(annotation.id), "The deletion"):
            self.refresh_changed(annotation.id)
            self.app.notify("Annotation deleted (u to undo)")

    def action_undo(self) -> None:
        """Undo the last annotation change."""
        done: list[str | None] = []
        if not self.write(lambda: done.append(self.store.undo()), "The undo"):
            return
        description = done[0]
        if description is None:
            self.app.notify("Nothing to undo")
            return
        self.refresh_annotations()
        self.app.notify(f"Undone: {description}")

    def action_bookmark(self) -> None:
        """Toggle a bookmark at the cursor."""
        if self.doc is None:
            return
        cursor = self.reader.cursor_source
        for annotation in self.annotations:
            if annotation.kind == Kind.BOOKMARK and annotation.start == cursor:
                removal = partial(self.store.delete, annotation.id)
                if self.write(removal, "The bookmark's removal"):
                    self.refresh_changed(annotation.id)
                return
        line_end = self.doc.source.find("\n", cursor)
        end = min(len(self.doc.source), cursor + 40 if line_end < 0 else line_end)
        self._create(cursor, max(cursor, end), kind=Kind.BOOKMARK)

    def _step_annotation(self, forward: bool) -> None:
        cursor = self.reader.cursor_source
        placed = sorted(
            (a for a in self.annotations if a.placed),
            key=lambda a: a.start,
        )
        if forward:
            target = next((a for a in placed if a.start > cursor), None)
        else:
            target = next((a for a in reversed(placed) if a.start < cursor), None)
        if target is None:
            self.app.notify("No more annotations" if placed else "No annotations yet")
            return
        self.jump(target.start)

    def action_next_annotation(self) -> None:
        """Jump to the next annotation."""
        self._step_annotation(forward=True)

    def action_previous_annotation(self) -> None:
        """Jump to the previous annotation."""
        self._step_annotation(forward=False)

    def action_copy(self) -> None:
        """Copy the selection as shown (in the current script) to the clipboard."""
        selection = self.reader.selection
        if selection is None or self.view is None:
            self.app.notify("Select text first")
            return
        self.app.copy_to_clipboard(self.view.text[selection[0] : selection[1]])
        self.app.notify("Copied")
