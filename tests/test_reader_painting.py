"""The reader's pure parts, without an app: painting a row, overlays, where the window goes."""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style

from kbtui.ui.reader.display import scroll_target
from kbtui.ui.reader.painting import Layer, Overlays, RowPainter, styled_segments
from kbtui.view.layout import TextLayout
from kbtui.view.offsets import OffsetMapBuilder
from kbtui.view.textview import Span, TextView

BASE = Style(color="white")
STYLES = {
    "reader--heading1": Style(bold=True),
    "reader--highlight-yellow": Style(bgcolor="yellow"),
    "reader--highlight-green": Style(bgcolor="green"),
    "reader--mention": Style(underline=True),
    "reader--match": Style(bgcolor="blue"),
    "reader--match-current": Style(bgcolor="red"),
    "reader--selection": Style(bgcolor="magenta"),
    "reader--cursor": Style(reverse=True),
    "reader--cursor-blurred": Style(dim=True),
}


def painter_for(view: TextView, width: int) -> tuple[RowPainter, TextLayout]:
    layout = TextLayout(view.text, width=width)
    return RowPainter(STYLES.__getitem__, view, layout), layout


Live = tuple[tuple[int, int] | None, int]
"""Selection and cursor, as :meth:`RowPainter.live` takes them."""


def paint(
    painter: RowPainter, layout: TextLayout, row: int, width: int, live: Live | None = None
) -> list[tuple[str, Style | None]]:
    """Row ``row`` as ``(text, style)`` pairs, with the cursor and selection of ``live``."""
    seg, sub_row, line = layout.locate(row)
    layers = [] if live is None else painter.live(seg, sub_row, *live)
    return [(s.text, s.style) for s in painter.row(seg, sub_row, line, layers, width, BASE)]


def test_styled_segments_layer_in_order() -> None:
    red, bold = Style(bgcolor="red"), Style(bold=True)
    segments = styled_segments("abcdef", BASE, [Layer(1, 4, red), Layer(3, 5, bold)])
    assert [seg.text for seg in segments] == ["a", "bc", "d", "e", "f"]
    assert segments[2].style == BASE + red + bold
    assert segments[3].style == BASE + bold


def test_overlays_come_back_in_view_offsets_lowest_layer_first() -> None:
    builder = OffsetMapBuilder()
    builder.block(0, 2)  # "# " is not in the view
    builder.aligned(6)
    view_map = builder.build()
    overlays = Overlays()
    assert not overlays
    overlays.set_matches([(2, 4), (6, 8)], current=1)
    overlays.set_highlights([(3, 5, "no-such-colour")])
    overlays.set_mentions([(2, 3)])
    assert overlays.over(view_map, 0, 6) == [
        (0, 1, "reader--mention"),
        (1, 3, "reader--highlight-yellow"),  # an unknown key shows as yellow
        (0, 2, "reader--match"),
        (4, 6, "reader--match-current"),
    ]
    assert overlays.over(view_map, 5, 6) == [(4, 6, "reader--match-current")]
    overlays.clear()
    assert not overlays


def test_a_row_layers_view_styles_overlays_and_pads_to_the_width() -> None:
    view = TextView("标题 text", TextView.plain("标题 text").map, spans=(Span(0, 2, "heading1"),))
    painter, layout = painter_for(view, 20)
    painter.overlays.set_highlights([(1, 4, "green")])
    painter.clear()
    row = paint(painter, layout, 0, 20)
    bold, green = STYLES["reader--heading1"], STYLES["reader--highlight-green"]
    assert row == [
        ("标", BASE + bold),
        ("题", BASE + bold + green),
        (" t", BASE + green),
        ("ext", BASE),
        (" " * 11, BASE),  # 9 cells of text, padded to 20
    ]


def test_rows_are_cached_until_cleared() -> None:
    view = TextView.plain("abc")
    painter, layout = painter_for(view, 10)
    before = paint(painter, layout, 0, 10)
    painter.overlays.set_mentions([(0, 3)])
    assert paint(painter, layout, 0, 10) == before  # the overlay shows after clear()
    painter.clear()
    assert paint(painter, layout, 0, 10)[0] == ("abc", BASE + STYLES["reader--mention"])


def test_cursor_at_a_line_end_and_a_selection_paint_one_cell_past_the_text() -> None:
    painter, layout = painter_for(TextView.plain("ab\ncd"), 10)
    painter.focused = True
    row = paint(painter, layout, 0, 10, ((1, 3), 2))
    selected, cursor = STYLES["reader--selection"], STYLES["reader--cursor"]
    assert row == [
        ("a", BASE),
        ("b", BASE + selected),
        (" ", BASE + selected + cursor),  # the line end
        (" " * 7, BASE),
    ]
    painter.focused = False
    blurred = paint(painter, layout, 1, 10, (None, 3))
    assert blurred[0] == ("c", BASE + STYLES["reader--cursor-blurred"])


def test_a_wide_character_in_a_one_cell_window_is_cropped_keeping_the_cursor() -> None:
    painter, layout = painter_for(TextView.plain("中"), 1)
    seg, sub_row, line = layout.locate(0)
    painter.focused = True
    live = painter.live(seg, sub_row, None, 1)  # the cursor on the line end
    segments = painter.row(seg, sub_row, line, live, 1, BASE)
    assert Segment.get_line_length(segments) == 1
    assert segments[-1].style == BASE + STYLES["reader--cursor"]


def test_scroll_target_moves_the_window_only_as_asked() -> None:
    # row 15 in a 10-row window whose top is row 10: already visible
    assert scroll_target(15, 10, 10, third=False, screen_row=None, always=False) is None
    assert scroll_target(15, 10, 10, third=True, screen_row=None, always=False) is None
    assert scroll_target(15, 10, 10, third=True, screen_row=None, always=True) == 12
    assert scroll_target(15, 10, 10, third=False, screen_row=4, always=False) == 11
    assert scroll_target(15, 10, 10, third=False, screen_row=30, always=False) == 6  # shrunk
    assert scroll_target(25, 10, 10, third=False, screen_row=None, always=False) == 16
    assert scroll_target(3, 10, 10, third=False, screen_row=None, always=False) == 3
    assert scroll_target(1, 10, 10, third=True, screen_row=None, always=False) == 0
