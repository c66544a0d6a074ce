"""User settings: a TOML file in the config directory, read at start and saved on change.

``settings.toml`` holds the default script, the theme, the five highlight
colours and key overrides by binding id (as posting does)::

    default_script = "traditional"
    theme = "textual-dark"

    [colours]
    yellow = "#5c4b00"

    [keys]
    "reader.highlight" = "ctrl+h"

A file that does not parse is reported and left untouched: kbtui runs on
defaults and will not save over it.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path

import tomli_w

from kbtui.atomic import atomic_write_text
from kbtui.locations import config_dir

SCRIPTS = ("original", "simplified", "traditional", "taiwan", "hongkong")
"""The script names a user may choose as the default."""

DEFAULT_COLOURS = {
    "yellow": "#6b5900",
    "green": "#1f5c2e",
    "blue": "#1f4670",
    "red": "#6e2626",
    "purple": "#53306e",
}
"""Highlight backgrounds that keep text readable on dark and light themes."""


class SettingsError(Exception):
    """The settings file exists but cannot be used; the message names it."""


@dataclass(slots=True)
class Settings:
    """Every user setting, with its default."""

    default_script: str = "original"
    theme: str = "textual-dark"
    colours: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_COLOURS))
    keys: dict[str, str] = field(default_factory=dict)
    export_path: str = ""
    """Where the export dialog wrote last ("" until the first export)."""

    def to_toml(self) -> str:
        """The settings as TOML text."""
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
    script = raw.get("default_script", settings.default_script)
    if script not in SCRIPTS:
        raise SettingsError(f"{path}: default_script must be one of {', '.join(SCRIPTS)}")
    settings.default_script = str(script)
    settings.theme = _str(raw.get("theme", settings.theme), "theme", path)
    settings.colours.update(_str_table(raw.get("colours", {}), "colours", path))
    settings.keys = _str_table(raw.get("keys", {}), "keys", path)
    settings.export_path = _str(raw.get("export_path", ""), "export_path", path)
    return settings


def _str(value: object, name: str, path: Path) -> str:
    if not isinstance(value, str):
        raise SettingsError(f"{path}: {name} must be a string")
    return value


def _str_table(value: object, name: str, path: Path) -> dict[str, str]:
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise SettingsError(f"{path}: [{name}] must be a table of strings")
    return {str(k): v for k, v in value.items()}


def save_settings(settings: Settings, path: Path | None = None) -> None:
    """Write the settings atomically."""
    atomic_write_text(path or settings_path(), settings.to_toml())
