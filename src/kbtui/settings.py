"""User settings: a TOML file in the config directory, read at start and saved on change.

``settings.toml`` holds the default script, the theme, the five highlight
colours and key overrides by binding id (as posting does)::

    default_script = "traditional"
    conversion = "opencc"
    theme = "textual-dark"

    [colours]
    yellow = "#5c4b00"

    [keys]
    "reader.highlight" = "ctrl+h"

A file that does not parse is reported and left untouched: kbtui runs on
defaults and will not save over it.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path

from kbtui.atomic import atomic_write_text
from kbtui.locations import config_dir

SCRIPTS = ("original", "simplified", "traditional", "taiwan", "hongkong")
"""The script names a user may choose as the default."""

SORT_ORDERS = ("date-desc", "date-asc", "title")
"""The document list's orders, newest first by default (the list's ``r`` cycles them)."""

ENTITY_PAGES = ("", "obsidian", "logseq", "none")
"""The export dialog's remembered links of a page per entity ("": its last export was
not by entity; the values of ``kbtui.ui.screens.export.LINKS``)."""

CONVERSIONS = ("opencc", "opencc-python-reimplemented")
"""Whose conversion the views show (:class:`kbtui.scripts.chains.Backend`'s values; the
settings sit below the scripts, so they name them rather than import them)."""

DEFAULT_COLOURS = {
    "yellow": "#6b5900",
    "green": "#1f5c2e",
    "blue": "#1f4670",
    "red": "#6e2626",
    "purple": "#53306e",
}
"""The colours written for the five highlight hues until the user sets one.

They are placeholders: the reader draws a hue left at its default from its
stylesheet, which tints it into the theme's background (and chooses apart
colours below truecolor); a hue set to anything else is drawn in that colour.
"""

_HEX_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3}){1,2}")


class SettingsError(Exception):
    """The settings file exists but cannot be used; the message names it."""


@dataclass(slots=True)
class Settings:
    """Every user setting, with its default."""

    default_script: str = "original"
    conversion: str = CONVERSIONS[0]
    """OpenCC 1.4 (the default) or the older opencc-python-reimplemented output."""
    theme: str = "textual-dark"
    colours: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_COLOURS))
    keys: dict[str, str] = field(default_factory=dict)
    export_path: str = ""
    """Where the export dialog wrote last ("" until the first export)."""
    export_entity_pages: str = ENTITY_PAGES[0]
    """How the dialog's last export by entity linked names ("obsidian", "logseq",
    "none"); "" when its last export was not by entity."""
    zhuyin: bool = False
    """Show zhuyin beside pinyin in the look-up panel (Taiwan readers learn by it)."""
    pinyin_search: bool = True
    """Find toneless pinyin (``anquan``) as Chinese too; off for Latin-heavy corpora."""
    sort: str = SORT_ORDERS[0]
    """The document list's order (``r`` cycles it), kept across starts."""
    review_threshold: float = 0.9
    """Moved annotations scoring under this go to the review queue (``R``); the default is
    :data:`kbtui.annotations.review.REVIEW_THRESHOLD`, whose docstring says why."""

    def chosen_colours(self) -> dict[str, str]:
        """The highlight hues the user set to a colour of their own (the rest follow the theme)."""
        return {h: c for h, c in self.colours.items() if c.lower() != DEFAULT_COLOURS[h]}

    def to_toml(self) -> str:
        """The settings as TOML text."""
        import tomli_w  # only saving needs it

        return tomli_w.dumps({f.name: getattr(self, f.name) for f in fields(self)})


def settings_path() -> Path:
    """Where ``settings.toml`` lives."""
    return config_dir() / "settings.toml"


def load_settings(path: Path | None = None) -> Settings:
    """Read the settings; a missing file gives the defaults.

    Raises :class:`SettingsError` for a file that cannot be read or parsed,
    or that holds a value of the wrong type.
    """
    path = path or settings_path()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Settings()
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError) as exc:
        raise SettingsError(f"{path}: cannot read settings: {exc}") from exc
    return _from_mapping(raw, path)


def _from_mapping(raw: dict[str, object], path: Path) -> Settings:
    settings = Settings()
    settings.default_script = _one_of(raw, "default_script", SCRIPTS, path)
    settings.conversion = _one_of(raw, "conversion", CONVERSIONS, path)
    settings.theme = _str(raw.get("theme", settings.theme), "theme", path)
    settings.colours.update(_colours(raw.get("colours", {}), path))
    settings.keys = _str_table(raw.get("keys", {}), "keys", path)
    settings.export_path = _str(raw.get("export_path", ""), "export_path", path)
    settings.export_entity_pages = _one_of(raw, "export_entity_pages", ENTITY_PAGES, path)
    settings.zhuyin = _bool(raw.get("zhuyin", settings.zhuyin), "zhuyin", path)
    settings.pinyin_search = _bool(raw.get("pinyin_search", True), "pinyin_search", path)
    settings.sort = _one_of(raw, "sort", SORT_ORDERS, path)
    threshold = raw.get("review_threshold", settings.review_threshold)
    settings.review_threshold = _fraction(threshold, "review_threshold", path)
    return settings


def _one_of(raw: dict[str, object], name: str, choices: tuple[str, ...], path: Path) -> str:
    """The value of ``name``, one of ``choices`` (the first when it is absent)."""
    value = raw.get(name, choices[0])
    if value not in choices:
        raise SettingsError(f"{path}: {name} must be one of {', '.join(choices)}")
    return str(value)


def _str(value: object, name: str, path: Path) -> str:
    if not isinstance(value, str):
        raise SettingsError(f"{path}: {name} must be a string")
    return value


def _bool(value: object, name: str, path: Path) -> bool:
    if not isinstance(value, bool):
        raise SettingsError(f"{path}: {name} must be true or false")
    return value


def _colours(value: object, path: Path) -> dict[str, str]:
    """The ``[colours]`` table: one of the five hues, each a ``#rrggbb`` (or ``#rgb``) colour."""
    table = _str_table(value, "colours", path)
    for hue, colour in table.items():
        if hue not in DEFAULT_COLOURS:
            raise SettingsError(f"{path}: [colours] has {hue!r}: use {', '.join(DEFAULT_COLOURS)}")
        if not _HEX_COLOUR.fullmatch(colour):
            raise SettingsError(f"{path}: [colours] {hue} = {colour!r} is not a #rrggbb colour")
    return table


def _fraction(value: object, name: str, path: Path) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise SettingsError(f"{path}: {name} must be a number from 0 to 1")
    return float(value)


def _str_table(value: object, name: str, path: Path) -> dict[str, str]:
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise SettingsError(f"{path}: [{name}] must be a table of strings")
    return {str(k): v for k, v in value.items()}


def save_settings(settings: Settings, path: Path | None = None) -> None:
    """Write the settings atomically: the file is the old one or the new one, never torn.

    Raises :class:`SettingsNotSaved` (an ``OSError``) naming the file when it
    cannot be written (a full disk, a read-only folder).
    """
    target = path or settings_path()
    try:
        atomic_write_text(target, settings.to_toml())
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise SettingsNotSaved(exc.errno, f"{target}: {reason}; the file is as it was") from exc


class SettingsNotSaved(OSError):
    """The settings file could not be written; it is as it was, and the settings in
    memory still apply (they are the user's choices: lost only if kbtui quits)."""

    def __str__(self) -> str:
        return str(self.strerror)  # no "[Errno 28]": the message names the reason
