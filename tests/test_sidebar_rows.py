"""The sidebar lists a big document's annotations in goes: the first before the screen is
painted, the others after it, and a newer listing stops an older one's."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import OptionList

from kbtui.annotations.model import Annotation
from kbtui.ui.sidebar import ROWS_AT_ONCE, Sidebar

SOURCE = "天地玄黄宇宙洪荒" * 100


class Holder(App[None]):
    def compose(self) -> ComposeResult:
        yield Sidebar()


def made(count: int) -> list[Annotation]:
    return [Annotation.from_source("a.md", SOURCE, i, i + 2) for i in range(count)]


def rows(app: Holder) -> int:
    return app.query_one("#annotation-list", OptionList).option_count


async def listed(app: Holder, pilot: Pilot[None], count: int) -> None:
    """Paint until the list holds ``count`` rows (a few paints at most)."""
    for _ in range(8):
        if rows(app) == count:
            return
        await pilot.pause()


async def test_the_first_rows_are_listed_at_once_and_the_rest_after_the_paint() -> None:
    annotations = made(ROWS_AT_ONCE * 2 + 5)
    app = Holder()
    async with app.run_test() as pilot:
        side = app.query_one(Sidebar)
        side.show_annotations(annotations, [a.quote for a in annotations])
        assert rows(app) == ROWS_AT_ONCE
        await listed(app, pilot, len(annotations))
        assert rows(app) == len(annotations)
        options = app.query_one("#annotation-list", OptionList)
        assert options.get_option_at_index(len(annotations) - 1).id == annotations[-1].id


async def test_a_newer_listing_stops_the_older_ones_rows() -> None:
    big, small = made(ROWS_AT_ONCE * 3), made(3)
    app = Holder()
    async with app.run_test() as pilot:
        side = app.query_one(Sidebar)
        side.show_annotations(big, [a.quote for a in big])
        side.show_annotations(small, [a.quote for a in small])
        for _ in range(3):
            await pilot.pause()
        assert rows(app) == 3


async def test_the_highlighted_row_is_highlighted_again_once_it_is_listed() -> None:
    annotations = made(ROWS_AT_ONCE + 10)
    app = Holder()
    async with app.run_test() as pilot:
        side = app.query_one(Sidebar)
        side.show_annotations(annotations, [a.quote for a in annotations])
        await listed(app, pilot, len(annotations))
        options = app.query_one("#annotation-list", OptionList)
        options.highlighted = ROWS_AT_ONCE + 7
        side.show_annotations(annotations, [a.quote for a in annotations])
        assert options.highlighted is None  # that row is not listed yet
        await listed(app, pilot, len(annotations))
        assert options.highlighted == ROWS_AT_ONCE + 7
