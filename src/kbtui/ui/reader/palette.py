"""Highlight, selection and cursor colours that stay apart at every colour depth.

The reader's stylesheet tints highlights by blending a hue into the theme's
background, which reads well in a truecolor terminal. A 256-colour terminal
(tmux's default, with no ``COLORTERM``) gets those tints rounded to the nearest
xterm colour, and dark tints round together: green, blue and the selection all
became colour 23, yellow and red colour 58; in 16 colours every tint became
black. So below truecolor the reader does not round: it takes colours chosen
here, one per role, apart from each other and from the theme's background, and
gives each a text colour that reads on it. Underline annotations, whose faint
tint vanishes when rounded, show as underlined text in the hue instead.

Colours are xterm numbers: 0-15 are the terminal's own 16 (its theme decides
their shades, but they are distinct by construction), 16-255 the fixed cube and
grey ramp. The 16 go out as the RGB values Rich rounds back to exactly that
number: Textual turns ANSI-numbered colours into its own theme's RGB before
rounding (its ``ANSIToTruecolor`` filter), which moved yellow to bright cyan.
The truecolor look stays the stylesheet's (``reader.tcss``), which
also serves the high-contrast theme below. A hue the user set in
``settings.toml`` is drawn in their colour at every depth (:func:`chosen_style`).
"""

from __future__ import annotations

from rich._palettes import STANDARD_PALETTE  # the table Color.downgrade matches against
from rich.color import Color, ColorSystem
from rich.color_triplet import ColorTriplet
from rich.style import Style
from textual.theme import Theme

HIGH_CONTRAST = Theme(
    name="kbtui-high-contrast",
    primary="#00d7ff",
    secondary="#ffaf00",
    accent="#ff87ff",
    foreground="#ffffff",
    background="#000000",
    surface="#000000",
    panel="#1c1c1c",
    dark=True,
    variables={"block-cursor-background": "#ffffff", "block-cursor-foreground": "#000000"},
)
"""Pure white on black with a white block cursor, for low vision and bright rooms."""

HUES = ("yellow", "green", "blue", "red", "purple")

# role -> (background, text) per depth and theme lightness; underline: text colour only
_EIGHT_BIT_DARK = {
    "yellow": (58, 255),
    "green": (22, 255),
    "blue": (25, 255),
    "red": (88, 255),
    "purple": (54, 255),
    "selection": (239, 255),
    "cursor": (252, 16),
    "cursor-blurred": (244, 16),
}
_EIGHT_BIT_LIGHT = {
    "yellow": (229, 16),
    "green": (157, 16),
    "blue": (153, 16),
    "red": (217, 16),
    "purple": (183, 16),
    "selection": (247, 16),
    "cursor": (238, 255),
    "cursor-blurred": (242, 255),
}
_STANDARD_DARK = {
    "yellow": (3, 0),
    "green": (2, 0),
    "blue": (4, 15),
    "red": (1, 15),
    "purple": (5, 15),
    "selection": (6, 0),
    "cursor": (7, 0),
    "cursor-blurred": (8, 15),
}
_STANDARD_LIGHT = {
    "yellow": (11, 0),
    "green": (10, 0),
    "blue": (12, 0),
    "red": (9, 0),
    "purple": (13, 0),
    "selection": (6, 0),
    "cursor": (0, 15),
    "cursor-blurred": (8, 15),
}
_UNDERLINE = {
    (ColorSystem.EIGHT_BIT, True): dict(zip(HUES, (220, 114, 75, 203, 177), strict=True)),
    (ColorSystem.EIGHT_BIT, False): dict(zip(HUES, (136, 28, 25, 160, 91), strict=True)),
    (ColorSystem.STANDARD, True): dict(zip(HUES, (11, 10, 12, 9, 13), strict=True)),
    (ColorSystem.STANDARD, False): dict(zip(HUES, (3, 2, 4, 1, 5), strict=True)),
}
_FILLS = {
    (ColorSystem.EIGHT_BIT, True): _EIGHT_BIT_DARK,
    (ColorSystem.EIGHT_BIT, False): _EIGHT_BIT_LIGHT,
    (ColorSystem.STANDARD, True): _STANDARD_DARK,
    (ColorSystem.STANDARD, False): _STANDARD_LIGHT,
}


def depth(color_system: str | None) -> ColorSystem:
    """The colour depth a Rich console's ``color_system`` name stands for.

    Windows' legacy console has the same 16 colours as a standard terminal; no
    colour at all is treated as truecolor, as nothing is rounded then.
    """
    return {
        "256": ColorSystem.EIGHT_BIT,
        "standard": ColorSystem.STANDARD,
        "windows": ColorSystem.STANDARD,
    }.get(color_system or "", ColorSystem.TRUECOLOR)


def role_style(role: str, system: ColorSystem, dark: bool) -> Style | None:
    """The style of ``role`` (``highlight-red``, ``selection``, ``cursor``…) at ``system``.

    ``None`` keeps the stylesheet's: at truecolor, and for the roles this
    module does not colour (bookmarks, matches, mentions).
    """
    if system == ColorSystem.TRUECOLOR:
        return None
    hue = role.removeprefix("highlight-underline-")
    if hue != role:
        colour = _UNDERLINE[system, dark].get(hue)
        return None if colour is None else Style(color=_colour(colour, system), underline=True)
    fill = _FILLS[system, dark].get(role.removeprefix("highlight-"))
    if fill is None:
        return None
    background, text = fill
    return Style(bgcolor=_colour(background, system), color=_colour(text, system))


def chosen_style(colour: str, underline: bool) -> Style:
    """A highlight in a colour the user chose (``#rrggbb``): the background, or for an
    underline annotation the text colour, with black or white text, whichever reads on it.

    Below truecolor Rich rounds it to the nearest colour the terminal has.
    """
    chosen = Color.parse(colour)
    if underline:
        return Style(color=chosen, underline=True)
    red, green, blue = chosen.get_truecolor()
    light = 0.299 * red + 0.587 * green + 0.114 * blue > 140
    return Style(bgcolor=chosen, color=Color.parse("#000000" if light else "#ffffff"))


def _colour(number: int, system: ColorSystem) -> Color:
    """Colour ``number`` as it must be given to reach the terminal as that number."""
    if system == ColorSystem.STANDARD:
        return Color.from_triplet(ColorTriplet(*STANDARD_PALETTE[number]))
    return Color.from_ansi(number)
