"""The export dialog: what to export, how, in which script, and where; then write it.

``e`` in the reader asks the App for it
(:class:`~kbtui.ui.messages.ExportAnnotations`). The dialog is a form
(:class:`ExportScreen`) that also runs the export, so a bad path or a "no"
to overwriting leaves the user in the form to fix it instead of starting
over. The work itself is the CLI's (:func:`kbtui.exchange.pipeline.plan_export`,
``kbtui export``): collect the items, render, plan the files, write the plan. Collecting and
rendering run in a thread, since a large corpus takes a while; writing runs
in a second thread once the plan is known and, if it would overwrite files,
the user has agreed to that.

Keys: ``tab`` moves between fields, the arrows choose within a group,
``enter`` exports (except in a drop-down, where it opens or picks), and
``escape`` cancels.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.reactive import reactive
from textual.widgets import Button, Input, Label, RadioSet, Select
from textual.worker import Worker, WorkerState

from kbtui.exchange.filenames import write_plan
from kbtui.exchange.markdown import Scope, TemplateError
from kbtui.exchange.paths import (
    Layout,
    check_path,
    layout_for,
    path_for,
    split_path,
)
from kbtui.exchange.pipeline import ExportRequest, PlannedExport
from kbtui.exchange.wikilinks import LinkStyle
from kbtui.scripts.views import ConversionError, Variant
from kbtui.ui.screens.choices import Choice, ChoiceSet
from kbtui.ui.screens.dialogs import ConfirmScreen, Dialog
from kbtui.ui.text import safe_line
from kbtui.view.sanitize import one_line
from kbtui.wording import plural

_HINTS = {
    "file": "A Markdown file (.md)",
    "folder": "A folder: one Markdown file per document, named after its title",
    "entities": "A folder: a file per document, and a page per entity they name",
    "json": "A JSON file (W3C Web Annotation; the script does not apply)",
}
"""What each layout choice writes, by the choice's id."""

LINKS = [("Obsidian links", "obsidian"), ("Logseq links", "logseq"), ("No links", "none")]
"""How the pages of an export by entity link names (the setting's values)."""

EXPORT_ERRORS = (TemplateError, ConversionError, OSError, ValueError)
"""What an export may raise for reasons the user can act on (FileExistsError
is an OSError); each becomes one line. ValueError is the file planner's last
guard against an unsafe name."""


def error_line(error: BaseException) -> str:
    """One printable line about a failed export."""
    if isinstance(error, EXPORT_ERRORS):
        text = str(error) or type(error).__name__
    else:  # a bug: still one line, named, instead of a crash of the whole app
        text = f"{type(error).__name__}: {error}"
    return "Export failed: " + one_line(text, 300)


# -- the dialog -----------------------------------------------------------------


class ExportScreen(Dialog[PlannedExport | None]):
    """The export form; it runs the export and answers with what was written (``None``: nothing).

    ``plan`` does the work of :func:`plan_export` for the app's corpus and
    store; the screen never touches them itself.
    """

    DEFAULT_CSS = (Path(__file__).parent / "export.tcss").read_text(encoding="utf-8")
    """The form's look, kept in ``export.tcss`` next to this module."""

    BINDINGS = [
        Binding("enter", "run", "Export", id="export.run"),
        Binding("escape", "cancel", "Cancel", id="export.cancel"),
    ]

    busy: reactive[bool] = reactive(False, init=False)
    """An export is being planned or written: the form is locked."""

    def __init__(
        self,
        plan: Callable[[ExportRequest], PlannedExport],
        *,
        document: tuple[str, str] | None,
        tags: Sequence[str],
        script: str,
        path: str,
        folder: str,
        entities: Sequence[tuple[str, int]] = (),
        entity_pages: str = "",
    ) -> None:
        """``document`` is the open one (id, title); ``path`` is the remembered one ("" for
        none) and ``folder`` where to suggest files without it (:func:`default_folder`);
        ``entities`` are those annotations are about, with how many
        (:func:`kbtui.session.annotation_entities.marked_entities`); ``entity_pages`` is
        the remembered links of a page per entity (:data:`LINKS`; "": not chosen last)."""
        super().__init__()
        self._plan_export = plan
        self._document = document
        self._tags = list(tags)
        self._entities = list(entities)
        self._script = script if script in {v.value for v in Variant} else Variant.ORIGINAL.value
        self._path = path
        self._entity_pages = entity_pages
        self._fallback = folder
        self._writing = False
        self._file_name: str | None = None
        """The last file name in the path, kept while the folder layout hides it."""

    def compose(self) -> ComposeResult:
        layout = layout_for(self._path)
        choice = self._first_choice(layout)
        with Vertical(classes="dialog export") as box:
            box.border_title = "Export annotations"
            box.border_subtitle = "tab next field · enter export · escape cancel"
            with Horizontal(id="export-form"):
                with Vertical(classes="column"):
                    yield Label("Scope", classes="heading")
                    yield from self._scope_fields()
                with Vertical(classes="column"):
                    yield Label("Layout", classes="heading")
                    with ChoiceSet(id="export-layout"):
                        yield Choice("One file", value=choice == "file", id="file")
                        yield Choice("One file per document", value=choice == "folder", id="folder")
                        yield Choice("A page per entity", value=choice == "entities", id="entities")
                        yield Choice("JSON (W3C)", value=choice == "json", id="json")
                    yield Select(
                        LINKS,
                        value=self._entity_pages or LINKS[0][1],
                        allow_blank=False,
                        disabled=choice != "entities",
                        id="export-links",
                    )
                    yield Select(
                        [(v.display_name, v.value) for v in Variant],
                        value=self._script,
                        allow_blank=False,
                        id="export-script",
                    )
            yield Label("Path", classes="heading")
            yield Input(path_for(layout, self._path, self._fallback), id="export-path")
            yield Label(_HINTS[choice], id="export-hint", classes="detail")
            with Horizontal(classes="buttons"):
                yield Label("", id="export-status")
                yield Button("Export (enter)", variant="primary", id="export-run")
                yield Button("Cancel (escape)", id="export-cancel")

    def _first_choice(self, layout: Layout) -> str:
        """The layout choice the form opens with: the remembered path's, or a page per
        entity when that is what the folder was written with last."""
        if layout is Layout.PER_DOCUMENT and self._entity_pages in {v for _, v in LINKS}:
            return "entities"
        return {Layout.FILE: "file", Layout.PER_DOCUMENT: "folder", Layout.JSON: "json"}[layout]

    def _scope_fields(self) -> ComposeResult:
        with ChoiceSet(id="export-scope"):
            if self._document is not None:
                label = safe_line(f"This document: {self._document[1]}", 48)
                yield Choice(label, value=True, id="doc")
            yield Choice("All documents", value=self._document is None, id="all")
            yield Choice("Documents or annotations tagged", id="tag", disabled=not self._tags)
            yield Choice("Annotations about", id="entity", disabled=not self._entities)
        yield Select(
            [(safe_line(tag, 40), tag) for tag in self._tags],
            prompt="no tags yet" if not self._tags else "Select a tag",
            allow_blank=not self._tags,
            disabled=True,
            id="export-tag",
        )
        yield Select(
            [(safe_line(f"{name} ({count})", 40), name) for name, count in self._entities],
            prompt="Select an entity" if self._entities else "nothing marked names one",
            allow_blank=not self._entities,
            disabled=True,
            id="export-entity",
        )

    def on_mount(self) -> None:
        self._layout_changed()
        self.query_one("#export-scope").focus()

    # -- reading the form -------------------------------------------------------

    def _choice(self, set_id: str) -> str:
        """The id of the pressed button in a set ("" if none is)."""
        button = self.query_one(set_id, RadioSet).pressed_button
        return (button.id or "") if button is not None else ""

    @property
    def chosen_layout(self) -> Layout:
        """The layout chosen in the form (a page per entity is a folder's)."""
        choice = self._choice("#export-layout") or Layout.FILE
        return Layout.PER_DOCUMENT if choice == "entities" else Layout(choice)

    def _links(self) -> tuple[bool, LinkStyle | None]:
        """Whether the form asks for a page per entity, and how its names link."""
        if self._choice("#export-layout") != "entities":
            return False, None
        links = str(self.query_one("#export-links", Select).value)
        return True, None if links == "none" else LinkStyle(links)

    def form_request(self) -> ExportRequest | str:
        """The request the form describes, or why it is not complete."""
        scope = Scope()
        choice = self._choice("#export-scope")
        if choice == "doc" and self._document is not None:
            scope = Scope(doc_id=self._document[0])
        elif choice == "tag":
            tag = self.query_one("#export-tag", Select).selection
            if tag is None:
                return "Choose a tag to export"
            scope = Scope(tag=str(tag))
        elif choice == "entity":
            name = self.query_one("#export-entity", Select).selection
            if name is None:
                return "Choose an entity to export"
            scope = Scope(entity=str(name))
        path = self.query_one("#export-path", Input).value
        problem = check_path(self.chosen_layout, path)
        if problem is not None:
            return problem
        path = path.strip()
        if self.chosen_layout is Layout.PER_DOCUMENT:
            path = os.path.join(path, "")  # remembered as a folder, unmistakably
        script = str(self.query_one("#export-script", Select).value)
        by_entity, links = self._links()
        return ExportRequest(scope, self.chosen_layout, script, path, None, by_entity, links)

    # -- reacting to the form ---------------------------------------------------

    @on(RadioSet.Changed, "#export-scope")
    def _scope_changed(self) -> None:
        """A drop-down is live only while its scope is chosen (tab skips it)."""
        choice = self._choice("#export-scope")
        self.query_one("#export-tag", Select).disabled = choice != "tag"
        self.query_one("#export-entity", Select).disabled = choice != "entity"

    @on(RadioSet.Changed, "#export-layout")
    def _layout_changed(self) -> None:
        """Keep the path, hint and script in step with the layout."""
        layout = self.chosen_layout
        path = self.query_one("#export-path", Input)
        self._file_name = split_path(path.value)[1] or self._file_name
        path.value = path_for(layout, path.value, self._fallback, self._file_name)
        path.cursor_position = len(path.value)
        self.query_one("#export-hint", Label).update(_HINTS[self._choice("#export-layout")])
        self.query_one("#export-script", Select).disabled = layout is Layout.JSON
        self.query_one("#export-links", Select).disabled = not self._links()[0]

    def watch_busy(self, busy: bool) -> None:
        self.query_one("#export-form").disabled = busy
        self.query_one("#export-path").disabled = busy
        self.query_one("#export-run").disabled = busy
        self._status("Exporting…" if busy else "")
        if not busy:
            self.query_one("#export-path").focus()

    def _status(self, text: str) -> None:
        self.query_one("#export-status", Label).update(text)

    # -- running ------------------------------------------------------------------

    @on(Input.Submitted, "#export-path")
    @on(Button.Pressed, "#export-run")
    def action_run(self) -> None:
        """Check the form and start the export."""
        if self.busy:
            return
        request = self.form_request()
        if isinstance(request, str):
            self.app.notify(one_line(request, 300), severity="error", markup=False)
            return
        self.busy = True
        self._plan(request)

    @work(
        thread=True,
        exclusive=True,
        group="export",
        name="plan",
        exit_on_error=False,
        description="plan",
    )
    def _plan(self, request: ExportRequest) -> PlannedExport:
        """Collect and render off the UI thread; nothing is written here."""
        return self._plan_export(request)

    @work(
        thread=True,
        exclusive=True,
        group="export",
        name="write",
        exit_on_error=False,
        description="write",
    )
    def _write(self, planned: PlannedExport, force: bool) -> PlannedExport:
        """Write the planned files (``force``: the user agreed to overwrite)."""
        write_plan(planned.plan, force=force)
        return planned

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group != "export" or worker.is_cancelled:
            return
        if event.state is WorkerState.ERROR:
            self._writing = False
            self.busy = False
            error = worker.error or RuntimeError("unknown error")
            self.log.error("export failed", error)
            self.app.notify(error_line(error), severity="error", markup=False)
        elif event.state is WorkerState.SUCCESS and isinstance(worker.result, PlannedExport):
            if worker.name == "plan":
                self._planned(worker.result)
            else:
                self._writing = False
                self.dismiss(worker.result)

    def _planned(self, planned: PlannedExport) -> None:
        """Write at once, or ask first when files would be overwritten."""
        existing = planned.plan.existing
        if not planned.plan.files:
            self.busy = False
            self.app.notify("Nothing to export in this scope", severity="warning")
            return
        if not existing:
            self._start_write(planned, force=False)
            return
        files = plural(len(existing), "file")
        verb = "exists" if len(existing) == 1 else "exist"
        question = ConfirmScreen(
            "Export", f"{files} {verb}: overwrite?", ", ".join(map(str, existing))
        )

        def answered(overwrite: bool | None) -> None:
            if overwrite:
                self._start_write(planned, force=True)
            else:
                self.busy = False
                self._status("Not written: change the path, or export again to overwrite")

        self.app.push_screen(question, answered)

    def _start_write(self, planned: PlannedExport, *, force: bool) -> None:
        self._writing = True
        self._status("Writing…")
        self._write(planned, force)

    @on(Button.Pressed, "#export-cancel")
    def action_cancel(self) -> None:
        """Close without exporting; a planning export is dropped, a write is let finish."""
        if self._writing:
            self.app.notify("Writing files: a moment…")
            return
        self.workers.cancel_group(self, "export")
        self.dismiss(None)
