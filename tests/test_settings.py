"""Settings: defaults, round trip, and broken files that must be reported, not replaced."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import SIZE, build, settle

from kbtui.settings import Settings, SettingsError, load_settings, save_settings


def test_missing_file_gives_defaults(tmp_path: Path) -> None:
    assert load_settings(tmp_path / "none.toml") == Settings()


def test_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    settings = Settings(default_script="taiwan", theme="nord", keys={"reader.find": "ctrl+g"})
    settings.colours["red"] = "#ff0000"
    save_settings(settings, path)
    assert load_settings(path) == settings


def test_only_the_hues_the_user_changed_are_their_own_colours() -> None:
    settings = Settings()
    assert settings.chosen_colours() == {}
    settings.colours["green"] = "#FF00FF"
    assert settings.chosen_colours() == {"green": "#FF00FF"}


def test_the_conversion_round_trips_and_defaults_to_opencc(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    assert Settings().conversion == "opencc"
    save_settings(Settings(conversion="opencc-python-reimplemented"), path)
    assert 'conversion = "opencc-python-reimplemented"' in path.read_text(encoding="utf-8")
    assert load_settings(path).conversion == "opencc-python-reimplemented"


@pytest.mark.parametrize(
    "text",
    [
        "default_script = ",
        'default_script = "klingon"',
        'conversion = "hanzi-magic"',
        "theme = 3",
        "[keys]\na = 1",
        "\x00",
        "theme = " + "[" * 100_000,
        '[colours]\nred = "crimson"',
        '[colours]\nteal = "#008080"',
    ],
    ids=[
        "empty value",
        "unknown script",
        "unknown conversion",
        "number",
        "key not a string",
        "NUL",
        "too deep",
        "colour not #rrggbb",
        "unknown hue",
    ],
)
def test_broken_file_is_an_error_naming_it(tmp_path: Path, text: str) -> None:
    path = tmp_path / "s.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SettingsError, match=r"s\.toml"):
        load_settings(path)
    assert path.read_text(encoding="utf-8") == text


async def test_a_theme_is_saved_when_the_user_changes_it_not_when_code_sets_it_first(
    sample_corpus: Path, tmp_path: Path
) -> None:
    app = build(sample_corpus, tmp_path)
    app.theme = "nord"  # before the app runs: not the user's choice
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert load_settings().theme == Settings().theme
        app.theme = "gruvbox"  # as the palette's theme picker does
        await pilot.pause()
        assert load_settings().theme == "gruvbox"
