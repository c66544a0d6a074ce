"""Highlight colours that stay apart in truecolor, 256-colour and 16-colour terminals.

The painted segments are read back and their colours rounded as the terminal
would round them (Rich's ``Color.downgrade``, which Textual's output uses): the
five highlights, the selection, the cursor and the page's own background must
stay pairwise different at every depth, on a dark, a light and the
high-contrast theme.
"""

from __future__ import annotations

from itertools import combinations

import pytest
import textual.constants
from rich.color import Color, ColorSystem
from textual.app import App, ComposeResult
from textual.color import Color as TextualColor

from kbtui.ui.reader import Reader
from kbtui.ui.reader.palette import HIGH_CONTRAST, HUES, depth, role_style
from kbtui.view.textview import TextView

WORDS = [*HUES, "plain", "selected", "underlined", "cursor"]
TEXT = " ".join(WORDS)
SYSTEMS = {"truecolor": ColorSystem.TRUECOLOR, "256": ColorSystem.EIGHT_BIT,
           "standard": ColorSystem.STANDARD}  # fmt: skip
THEMES = ("textual-dark", "textual-light", HIGH_CONTRAST.name)


class ColourApp(App[None]):
    def __init__(self, colours: dict[str, str] | None = None) -> None:
        super().__init__()
        self.colours = colours

    def compose(self) -> ComposeResult:
        yield Reader(colours=self.colours)

    def on_mount(self) -> None:
        self.register_theme(HIGH_CONTRAST)


def _span(word: str) -> tuple[int, int]:
    start = TEXT.index(word)
    return start, start + len(word)


def _cells(reader: Reader) -> list[tuple[Color | None, Color | None, bool]]:
    """(background, text colour, underline) of each character of the first row, as
    Textual sends it: after its line filters (ANSI colours turned into its RGB)."""
    cells = []
    segments = list(reader.render_line(0))
    for line_filter in reader.app.get_line_filters():
        segments = line_filter.apply(segments, TextualColor(0, 0, 0))
    for segment in segments:
        style = segment.style
        assert style is not None
        cells += [(style.bgcolor, style.color, bool(style.underline))] * len(segment.text)
    return cells


async def _painted(
    theme: str, colours: dict[str, str] | None = None
) -> dict[str, tuple[Color | None, Color | None, bool]]:
    """Each word's (background, text colour, underline) as painted, and the cursor's."""
    app = ColourApp(colours)
    async with app.run_test(size=(80, 10)) as pilot:
        app.theme = theme
        reader = app.query_one(Reader)
        reader.focus()
        reader.show(TextView.plain(TEXT))
        await pilot.pause()
        highlights = [(*_span(hue), hue) for hue in HUES]
        reader.set_highlights([*highlights, (*_span("underlined"), "underline-red")])
        reader.move_to_source(*_span("selected"))  # the cursor stands on its first letter
        await pilot.pause()
        cells = _cells(reader)
        styles = {word: cells[_span(word)[1] - 1] for word in WORDS}
        await pilot.press("escape", "end", "left")  # the cursor on the last letter alone
        styles["cursor"] = _cells(reader)[len(TEXT) - 1]
        return styles


def _shown(color: Color, system: ColorSystem) -> object:
    """What the terminal is sent for ``color`` at ``system``: an RGB triplet or a number.

    (A rounded Color keeps its original name, so Colors themselves never compare equal.)
    """
    rounded = color.downgrade(system)
    return rounded.triplet if rounded.number is None else rounded.number


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("name", SYSTEMS)
async def test_highlights_selection_and_cursor_stay_apart(
    name: str, theme: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(textual.constants, "COLOR_SYSTEM", name)
    system = SYSTEMS[name]
    styles = await _painted(theme)
    roles = [*HUES, "selected", "cursor", "plain"]
    assert set(roles) <= set(styles), styles.keys()
    backgrounds = {}
    for role in roles:
        background = styles[role][0]
        assert background is not None, role
        backgrounds[role] = _shown(background, system)
    for a, b in combinations(roles, 2):
        assert backgrounds[a] != backgrounds[b], (name, theme, a, b, backgrounds[a])
    # an underline annotation shows: underlined, with a tint or a text colour of its own
    tint, colour, underline = styles["underlined"]
    plain_tint, plain_colour, _ = styles["plain"]
    assert underline
    shown = [None if c is None else _shown(c, system) for c in (tint, colour)]
    shown_plain = [None if c is None else _shown(c, system) for c in (plain_tint, plain_colour)]
    assert shown != shown_plain


async def test_256_colours_are_not_rounded_together() -> None:
    """The issue's case: tmux's 256 colours made green, blue and the selection one colour."""
    eight_bit = [role_style(f"highlight-{hue}", ColorSystem.EIGHT_BIT, True) for hue in HUES]
    numbers = [style.bgcolor.number for style in eight_bit if style and style.bgcolor]
    assert len(set(numbers)) == 5 and 23 not in numbers


def test_depth_names() -> None:
    assert depth("256") == ColorSystem.EIGHT_BIT
    assert depth("standard") == depth("windows") == ColorSystem.STANDARD
    assert depth("truecolor") == depth(None) == ColorSystem.TRUECOLOR
    assert role_style("selection", ColorSystem.TRUECOLOR, True) is None
    assert role_style("highlight-bookmark", ColorSystem.EIGHT_BIT, True) is None


@pytest.mark.parametrize("name", SYSTEMS)
async def test_a_colour_the_user_chose_is_the_one_painted(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """settings.toml's [colours] wins over the theme's tint and the depth's table."""
    monkeypatch.setattr(textual.constants, "COLOR_SYSTEM", name)
    system = SYSTEMS[name]
    styles = await _painted("textual-dark", {"green": "#ffd7ff", "red": "#00af00"})
    background, text, _ = styles["green"]
    assert background is not None and text is not None
    assert _shown(background, system) == _shown(Color.parse("#ffd7ff"), system)
    assert _shown(text, system) == _shown(Color.parse("#000000"), system)  # dark on light
    _, colour, underline = styles["underlined"]  # an underline annotation in red
    assert underline and colour is not None
    assert _shown(colour, system) == _shown(Color.parse("#00af00"), system)
    untouched = await _painted("textual-dark")
    assert styles["blue"] == untouched["blue"]
