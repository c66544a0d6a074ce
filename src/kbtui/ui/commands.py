"""Command palette providers: actions, documents, entities and settings, from ``ctrl+p``.

Titles and entity names are untrusted text, and the palette would read a
plain string as markup, so hits are built as :class:`Content` that is never
parsed (:func:`highlighted`), matched on folded text so that 達里奧 finds 达里奥.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import partial
from typing import NamedTuple, Protocol, cast

from textual.binding import Binding, BindingType
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.dom import DOMNode
from textual.fuzzy import Matcher
from textual.markup import escape

from kbtui.scripts.chains import Backend, Variant
from kbtui.scripts.hanzi import fold
from kbtui.session import Session
from kbtui.session.entities import describe, entity_rows
from kbtui.ui.messages import (
    ConversionChosen,
    DefaultScriptChosen,
    OpenDocument,
    SettingToggled,
    ShowEntity,
)
from kbtui.view.sanitize import one_line

DISCOVERED = 50
"""How many documents or entities the palette lists before anything is typed."""

CONVERSION_HELP = {
    Backend.OPENCC: "OpenCC 1.4's data and algorithm (the default)",
    Backend.REIMPLEMENTED: "the older opencc-python-reimplemented 0.1.7 output",
}


class PaletteAction(NamedTuple):
    """A keyed action as the palette offers it."""

    label: str
    key: str
    """The key as the footer shows it (remapped keys included)."""
    action: str
    namespace: DOMNode
    """Where the action runs: where its key would."""


class PaletteHost(Protocol):
    """What the providers ask of the app. The App is one; this module never imports it
    (Textual makes the providers, and gives them only ``self.app``)."""

    session: Session

    def document_titles(self) -> list[tuple[str, str]]:
        """``(doc id, title)`` of every document the list holds."""
        ...

    def palette_actions(self) -> list[PaletteAction]:
        """Every keyed action the palette offers now."""
        ...


def _host(provider: Provider) -> PaletteHost:
    return cast(PaletteHost, provider.app)


def highlighted(matcher: Matcher, label: str) -> Content:
    """``label`` as literal content with the characters the query matched styled.

    Matching runs on folded text; folding maps one character to one, so the
    offsets it finds are offsets into ``label``.
    """
    content = Content(label)
    _, offsets = matcher.fuzzy_search.match(fold(matcher.query), fold(label))
    for offset in offsets:
        if not label[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


class DocumentCommands(Provider):
    """Every document of the corpus, matched by title (script-insensitively) or id."""

    async def startup(self) -> None:
        """Take the list once per palette opening."""
        self._docs = [
            (doc_id, one_line(title, 120)) for doc_id, title in _host(self).document_titles()
        ]

    def _open(self, doc_id: str) -> None:
        self.app.post_message(OpenDocument(doc_id))

    async def discover(self) -> Hits:
        for doc_id, title in self._docs[:DISCOVERED]:
            label = f"Open: {title}"
            yield DiscoveryHit(
                Content(label), partial(self._open, doc_id), text=label, help=escape(doc_id)
            )

    async def search(self, query: str) -> Hits:
        """Hits scored on what the palette shows ("Open: title", so typing ``Open: Dario``
        finds it), or on the id the help line shows."""
        matcher = self.matcher(fold(query))
        for doc_id, title in self._docs:
            label = f"Open: {title}"
            score = max(matcher.match(fold(label)), matcher.match(fold(doc_id)))
            if score > 0:
                yield Hit(
                    score,
                    highlighted(matcher, label),
                    partial(self._open, doc_id),
                    text=label,
                    help=escape(one_line(doc_id, 120)),
                )


SUGGESTIONS = ("Suggested entities", "names the corpus uses that no entity has")
"""The palette's way to the suggestions screen: its label and help."""


class EntityCommands(Provider):
    """Every entity, matched by any of its spellings in any script: opens its passages;
    and "Suggested entities", the names nobody registered."""

    async def startup(self) -> None:
        """Take the entities once per palette opening (none while the index builds)."""
        index = _host(self).session.mention_index
        rows = entity_rows(index) if index is not None else []
        self._entities = [
            (
                row.entity.id,
                one_line(f"Entity: {row.entity.name}", 120),
                fold(" ".join(row.entity.names)),
                one_line(f"{describe(row.entity)} · {row.documents} documents", 200),
            )
            for row in rows
        ]

    def _show(self, entity_id: str) -> None:
        self.app.post_message(ShowEntity(entity_id))

    def _suggestions(self) -> None:
        from kbtui.ui.screens.suggestions import open_suggestions

        open_suggestions(self.app, _host(self).session)

    async def discover(self) -> Hits:
        label, about = SUGGESTIONS
        yield DiscoveryHit(Content(label), self._suggestions, text=label, help=about)
        for entity_id, label, _, about in self._entities[:DISCOVERED]:
            yield DiscoveryHit(
                Content(label), partial(self._show, entity_id), text=label, help=escape(about)
            )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(fold(query))
        label, about = SUGGESTIONS
        if (score := matcher.match(fold(label))) > 0:
            yield Hit(score, highlighted(matcher, label), self._suggestions, text=label, help=about)
        for entity_id, label, names, about in self._entities:
            score = max(matcher.match(fold(label)), matcher.match(names))
            if score > 0:
                yield Hit(
                    score,
                    highlighted(matcher, label),
                    partial(self._show, entity_id),
                    text=label,
                    help=escape(about),
                )


TOGGLES = {
    "zhuyin": ("Zhuyin in the look-up panel", "ㄅㄆㄇ beside the pinyin, as Taiwan reads"),
    "pinyin_search": ("Pinyin search", "find and search take anquan for 安全 too"),
}
"""The reading aids' true-or-false settings: the palette's label and help for each."""


class SettingsCommands(Provider):
    """Settings that the palette changes (and saves): the default script, the conversion,
    the reading aids' switches (:data:`TOGGLES`)."""

    def _commands(self) -> list[tuple[str, Callable[[], object], str]]:
        settings = _host(self).session.settings
        scripts: list[tuple[str, Callable[[], object], str]] = [
            (
                f"Default script: {variant.display_name}"
                + current(variant.value == settings.default_script),
                partial(self.app.post_message, DefaultScriptChosen(variant)),
                "documents open in it; the list shows titles in it",
            )
            for variant in Variant
        ]
        return (
            scripts
            + [
                (
                    f"Conversion: {backend.value}" + current(backend.value == settings.conversion),
                    partial(self.app.post_message, ConversionChosen(backend)),
                    CONVERSION_HELP[backend],
                )
                for backend in Backend
            ]
            + self._toggles()
        )

    def _toggles(self) -> list[tuple[str, Callable[[], object], str]]:
        settings = _host(self).session.settings
        return [
            (
                f"{label}: turn {'off' if getattr(settings, name) else 'on'}",
                partial(self.app.post_message, SettingToggled(name)),
                about,
            )
            for name, (label, about) in TOGGLES.items()
        ]

    async def discover(self) -> Hits:
        for label, action, about in self._commands():
            yield DiscoveryHit(Content(label), action, text=label, help=about)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for label, action, about in self._commands():
            score = matcher.match(label)
            if score > 0:
                yield Hit(score, matcher.highlight(label), action, text=label, help=about)


def current(chosen: bool) -> str:
    """The mark after the choice now in use, part of the label (and so of what is matched)."""
    return " (current)" if chosen else ""


class ActionCommands(Provider):
    """Every action that has a key, by its name: "Highlight", "Export", "Notebook"…

    Each runs where its key would (the reader pane's actions on the pane), so
    the palette reaches what the footer and the help screen list. The help
    text names the key, remapped keys included.
    """

    async def startup(self) -> None:
        """Collect the actions once per palette opening (the reader's with a document open)."""
        self._actions = _host(self).palette_actions()
        self._actions.append(PaletteAction("Review moved annotations", "R", "review", self.app))
        self._actions.append(PaletteAction("Rescan corpus", "ctrl+r", "rescan", self.app))

    def _run(self, action: str, namespace: DOMNode) -> Callable[[], object]:
        return partial(self.app.run_action, action, namespace)

    async def discover(self) -> Hits:
        for label, key, action, namespace in self._actions:
            yield DiscoveryHit(
                Content(label), self._run(action, namespace), text=label, help=f"key: {key}"
            )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for label, key, action, namespace in self._actions:
            score = matcher.match(label)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(label),
                    self._run(action, namespace),
                    text=label,
                    help=f"key: {key}",
                )


def binding_key(binding: Binding, keymap: dict[str, str]) -> str:
    """The key a binding answers to, as the footer shows it (keymap applied)."""
    key = keymap.get(binding.id or "", binding.key)
    shown = binding.key_display or key
    return shown.replace("question_mark", "?").replace("slash", "/")


ActionGroup = tuple[str, DOMNode, Sequence[BindingType]]
"""A label prefix, where the actions run, and their bindings."""


def keyed_actions(groups: Iterable[ActionGroup], keymap: dict[str, str]) -> list[PaletteAction]:
    """The palette's actions from ``groups`` of bindings: those with a description that
    ``check_action`` allows now, without quit, the palette itself and escape (which mean
    nothing without a place)."""
    skip = {"quit", "command_palette"}
    actions = []
    for prefix, namespace, bindings in groups:
        for binding in bindings:
            if not isinstance(binding, Binding) or not binding.description:
                continue
            name = binding.action.partition("(")[0]
            if name in skip or "escape" in binding.key.split(","):
                continue
            if namespace.check_action(name, ()) is False:
                continue
            key = binding_key(binding, keymap)
            actions.append(
                PaletteAction(prefix + binding.description, key, binding.action, namespace)
            )
    return actions
