"""The reader widget, driven by keys and the mouse inside a tiny app."""

from __future__ import annotations

import random

from rich.cells import cell_len
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.strip import Strip

from kbtui.ui.reader import Reader
from kbtui.view.markdown import render
from kbtui.view.offsets import OffsetMapBuilder
from kbtui.view.textview import Span, TextView
from kbtui.view.wrap import CLOSING

SIZE = (60, 20)
"""Terminal size: the reader gets 60 - 2 (padding) - 2 (scrollbar) = 56 cells, wraps at 55."""


class ReaderApp(App[None]):
    """One reader and a record of what it said."""

    BINDINGS = [Binding("escape", "escaped", "Escape")]

    def __init__(self, view: TextView | None = None) -> None:
        super().__init__()
        self.view = view
        self.moves: list[int] = []
        self.selections: list[tuple[int, int] | None] = []
        self.escapes = 0

    def compose(self) -> ComposeResult:
        yield Reader()

    def on_mount(self) -> None:
        reader = self.query_one(Reader)
        reader.focus()
        if self.view is not None:
            reader.show(self.view)

    def on_reader_cursor_moved(self, message: Reader.CursorMoved) -> None:
        self.moves.append(message.source_offset)

    def on_reader_selection_changed(self, message: Reader.SelectionChanged) -> None:
        self.selections.append(message.selection_source)

    def action_escaped(self) -> None:
        self.escapes += 1


def screen_rows(reader: Reader) -> list[str]:
    """The text of every window row, right spaces stripped."""
    height = reader.scrollable_content_region.height
    return [reader.render_line(y).text.rstrip() for y in range(height)]


def cursor_cells(strip: Strip, reader: Reader) -> list[str]:
    """Texts of the strip's segments painted in the cursor style."""
    cursor = reader.get_component_rich_style("reader--cursor")
    return [seg.text for seg in strip if seg.style and seg.style.bgcolor == cursor.bgcolor]


def markdown_like_view(tail: str = "") -> TextView:
    """``# 标题\\n你好 **世界**`` shown as ``标题\\n你好 世界`` with a real map, then ``tail``."""
    builder = OffsetMapBuilder()
    builder.block(0, 2)  # "# " dropped
    builder.aligned(3)  # 标题\n
    builder.aligned(3)  # 你好 (and the space)
    builder.block(0, 2)  # **
    builder.aligned(2)  # 世界
    builder.block(0, 2)  # **
    builder.aligned(len(tail))
    return TextView(
        "标题\n你好 世界" + tail,
        builder.build(),
        spans=(Span(0, 2, "heading1"), Span(6, 8, "strong")),
    )


# ------------------------------------------------------------------------- cursor


async def test_arrows_move_by_character_and_row() -> None:
    app = ReaderApp(TextView.plain("abc\ndefgh\nij"))
    async with app.run_test(size=SIZE) as pilot:
        reader = app.query_one(Reader)
        await pilot.press("right", "right")
        assert reader.cursor == 2
        await pilot.press("down")
        assert reader.cursor == 6  # same column on the next line
        await pilot.press("down")
        assert reader.cursor == 12  # the last line is short: its end
        await pilot.press("k")
        assert reader.cursor == 6  # the goal column survives a short line
        await pilot.press("end")
        assert reader.cursor == 9  # the line end, on the newline
        await pilot.press("right")
        assert reader.cursor == 10
        await pilot.press("left", "left")
        assert reader.cursor == 8
        await pilot.press("home")
        assert reader.cursor == 4


async def test_up_and_down_keep_the_cell_column_across_scripts() -> None:
    app = ReaderApp(TextView.plain("abcdef\n中文字体\nabcdef"))
    async with app.run_test(size=SIZE) as pilot:
        reader = app.query_one(Reader)
        await pilot.press("right", "right", "right")  # column 3
        await pilot.press("down")
        assert reader.view.text[reader.cursor] == "文"  # covers cells 2-3
        await pilot.press("down")
        assert reader.cursor == 12 + 3


async def test_cursor_is_two_cells_on_cjk_and_one_at_a_line_end() -> None:
    app = ReaderApp(TextView.plain("中文\nab"))
    async with app.run_test(size=SIZE) as pilot:
        reader = app.query_one(Reader)
        await pilot.pause()
        assert cursor_cells(reader.render_line(0), reader) == ["中"]
        await pilot.press("end")
        assert reader.cursor == 2
        strip = reader.render_line(0)
        assert cursor_cells(strip, reader) == [" "]
        assert strip.text.startswith("中文 ")


async def test_g_and_G_go_to_the_ends() -> None:
    text = "\n".join(f"line {i}" for i in range(500))
    app = ReaderApp(TextView.plain(text))
    async with app.run_test(size=SIZE) as pilot:
        reader = app.query_one(Reader)
        await pilot.press("G")
        assert reader.cursor == len(text)
        assert screen_rows(reader)[-1] == "line 499"
        await pilot.press("g")
        assert reader.cursor == 0
        assert screen_rows(reader)[0] == "line 0"


async def test_page_down_moves_cursor_and_window_together() -> None:
    text = "\n".join(f"line {i}" for i in range(100))
    app = ReaderApp(TextView.plain(text))
    async with app.run_test(size=SIZE) as pilot:
        reader = app.query_one(Reader)
        await pilot.press("down", "down", "pagedown")
        assert text[reader.cursor :].startswith("line 21")
        assert screen_rows(reader)[2] == "line 21"
        await pilot.press("space")
        assert text[reader.cursor :].startswith("line 40")
        await pilot.press("b", "pageup")
        assert text[reader.cursor :].startswith("line 2")


async def test_paging_reaches_both_ends() -> None:
    text = "\n".join(f"line {i} " + "word " * (i % 7) for i in range(60))
    app = ReaderApp(TextView.plain(text))
    async with app.run_test(size=SIZE) as pilot:
        reader = app.query_one(Reader)
        await pilot.press("right", "right", *["pagedown"] * 10)
        assert reader.cursor == len(text)
        await pilot.press(*["pageup"] * 10)
        assert reader.cursor == 0


async def test_cursor_moved_reports_source_offsets() -> None:
    app = ReaderApp(markdown_like_view())
    async with app.run_test(size=SIZE) as pilot:
        reader = app.query_one(Reader)
        await pilot.press("down", "right", "right", "right")
        await pilot.pause()
        assert reader.cursor == 6  # 世
        assert reader.cursor_source == 10
        assert app.moves[-1] == 10


# ---------------------------------------------------------------------- selection


async def test_v_selects_and_motions_extend() -> None:
    app = ReaderApp(markdown_like_view())
    async with app.run_test(size=SIZE) as pilot:
        reader = app.query_one(Reader)
        await pilot.press("down", "right", "right", "right", "v", "right")
        assert reader.selection == (6, 8)
        assert reader.selection_source == (10, 12)
        await pilot.press("v")  # stop extending: the selection stays
        assert reader.selection == (6, 8)
        await pilot.press("left")  # a plain motion now drops it
        assert reader.selection is None
        await pilot.pause()
        assert app.selections[-1] is None


async def test_shift_arrows_select_and_escape_cancels() -> None:
    app = ReaderApp(TextView.plain("hello world\nsecond line"))
    async with app.run_test(size=SIZE) as pilot:
        reader = app.query_one(Reader)
        await pilot.press("shift+right", "shift+right")
        assert reader.selection == (0, 3)
        await pilot.press("shift+down")
        assert reader.selection == (0, 15)
        await pilot.press("escape")
        assert reader.selection is None
        assert app.escapes == 0  # the reader used it
        await pilot.press("escape")
        assert app.escapes == 1  # nothing to cancel: escape goes on to the app


async def test_extending_a_selection_repaints_only_the_rows_it_crossed() -> None:
    app = ReaderApp(TextView.plain("\n".join(f"line {i}" for i in range(40))))
    async with app.run_test(size=SIZE) as pilot:
        reader = app.query_one(Reader)
        await pilot.press("shift+down")
        await pilot.pause()
        painted: list[int] = []
        paint = reader.render_line

        def spy(y: int) -> Strip:
            painted.append(y)
            return paint(y)

        reader.render_line = spy  # type: ignore[method-assign]  # records what is painted
        await pilot.press("shift+down")
        await pilot.pause()
        assert sorted(set(painted)) == [1, 2]  # not the whole window
        selection = reader.get_component_rich_style("reader--selection").bgcolor
        assert [s.style.bgcolor for s in paint(1) if s.text.strip()] == [selection]


async def test_move_to_source_selects_a_source_range() -> None:
    app = ReaderApp(markdown_like_view())
    async with app.run_test(size=SIZE) as pilot:
        reader = app.query_one(Reader)
        reader.move_to_source(8, select_to=14)  # **世界** in the source
        await pilot.pause()
        assert reader.cursor == 6
        assert reader.selection == (6, 8)
        reader.move_to_source(4)
        assert reader.cursor == 2 and reader.selection is None


async def test_selection_is_painted_under_the_cursor() -> None:
    app = ReaderApp(TextView.plain("abcdef"))
    async with app.run_test(size=SIZE) as pilot:
        reader = app.query_one(Reader)
        await pilot.press("v", "right", "right")
        selection = reader.get_component_rich_style("reader--selection").bgcolor
        strip = reader.render_line(0)
        painted = {seg.text: seg.style.bgcolor for seg in strip if seg.text.strip()}
        assert painted["ab"] == selection
        assert cursor_cells(strip, reader) == ["c"]


# -------------------------------------------------------------------------- mouse


async def test_click_places_cursor_and_drag_selects() -> None:
    app = ReaderApp(TextView.plain("hello world\n中文字体和标点"))
    async with app.run_test(size=SIZE) as pilot:
        reader = app.query_one(Reader)
        # content starts one cell in (padding); 中文字 is cells 0-5 of row 1
        await pilot.click(Reader, offset=(1 + 4, 1))
        assert reader.cursor == 12 + 2  # 字
        await pilot.mouse_down(Reader, offset=(1 + 0, 0))
        await pilot.hover(Reader, offset=(1 + 4, 0))
        await pilot.mouse_up(Reader, offset=(1 + 4, 0))
        assert reader.selection == (0, 5)
        assert reader.cursor == 4


# -------------------------------------------------------------------------- paint


async def test_cjk_wraps_at_the_cell_width_without_leading_punctuation() -> None:
    sentence = "大家好，这里是最佳拍档。" * 12
    app = ReaderApp(TextView.plain(sentence))
    async with app.run_test(size=SIZE) as pilot:
        reader = app.query_one(Reader)
        await pilot.pause()
        rows = [row for row in screen_rows(reader) if row]
        assert "".join(rows) == sentence
        assert all(cell_len(row) <= 55 for row in rows)
        assert any(cell_len(row) >= 52 for row in rows)
        assert not any(row[0] in CLOSING for row in rows)


async def test_markup_and_escape_sequences_show_literally() -> None:
    text = "[bold]x[/] [@click=app.quit]quit[/] \x1b[31mred\x1b[0m\x07"
    app = ReaderApp(TextView.plain(text))
    async with app.run_test(size=SIZE) as pilot:
        reader = app.query_one(Reader)
        await pilot.pause()
        strip = reader.render_line(0)
        assert strip.text.rstrip() == "[bold]x[/] [@click=app.quit]quit[/] ␛[31mred␛[0m␇"
        assert not any(seg.style and seg.style.meta for seg in strip)
        assert all(ch.isprintable() for ch in strip.text)
        await pilot.press("right")
        assert app.return_code is None  # nothing ran the quit action


async def test_view_styles_and_overlays_are_layered() -> None:
    app = ReaderApp(markdown_like_view())
    async with app.run_test(size=SIZE) as pilot:
        reader = app.query_one(Reader)
        reader.set_highlights([(8, 14, "green")])  # **世界** in source offsets
        reader.set_mentions([(3, 5)])  # 标题
        await pilot.pause()
        heading = reader.get_component_rich_style("reader--heading1", partial=True)
        green = reader.get_component_rich_style("reader--highlight-green").bgcolor
        row0 = {seg.text: seg.style for seg in reader.render_line(0) if seg.text.strip()}
        assert row0["标"].bgcolor is not None  # the cursor
        assert row0["题"].bold == heading.bold and row0["题"].underline
        row1 = {seg.text: seg.style for seg in reader.render_line(1) if seg.text.strip()}
        assert row1["世界"].bgcolor == green and row1["世界"].bold


async def test_highlight_keys_and_unknown_keys() -> None:
    app = ReaderApp(TextView.plain("one two three"))
    async with app.run_test(size=SIZE) as pilot:
        reader = app.query_one(Reader)
        reader.set_highlights([(4, 7, "bookmark"), (8, 13, "no-such-colour")])
        await pilot.press("end")
        styles = {seg.text: seg.style for seg in reader.render_line(0)}
        bookmark = reader.get_component_rich_style("reader--highlight-bookmark")
        yellow = reader.get_component_rich_style("reader--highlight-yellow")
        assert styles["two"].bgcolor == bookmark.bgcolor and styles["two"].underline
        assert styles["three"].bgcolor == yellow.bgcolor


async def test_find_matches_stress_the_current_one() -> None:
    app = ReaderApp(TextView.plain("ab ab ab"))
    async with app.run_test(size=SIZE) as pilot:
        reader = app.query_one(Reader)
        reader.set_matches([(0, 2), (3, 5), (6, 8)], current=1)
        await pilot.press("end")
        match = reader.get_component_rich_style("reader--match").bgcolor
        current = reader.get_component_rich_style("reader--match-current").bgcolor
        styles = [seg.style.bgcolor for seg in reader.render_line(0) if seg.text == "ab"]
        assert styles == [match, current, match]


# ---------------------------------------------------------------- views and size


async def test_show_keeps_the_passage_under_the_cursor() -> None:
    lines = [f"第{i}行，内容" for i in range(300)]
    text = "\n".join(lines)
    app = ReaderApp(TextView.plain("another document"))
    async with app.run_test(size=SIZE) as pilot:
        reader = app.query_one(Reader)
        target = text.index("第150行")
        reader.show(TextView.plain(text), cursor_source=target)  # opening: a third down
        await pilot.pause()
        assert reader.cursor == target
        rows = screen_rows(reader)
        assert rows[20 // 3] == "第150行，内容"
        # a script switch (same source) keeps the cursor's screen row
        await pilot.press("down", "down")
        before = screen_rows(reader).index("第152行，内容")
        switched = TextView.plain(text.replace("内容", "內容"))
        reader.show(switched, cursor_source=reader.cursor_source)
        await pilot.pause()
        assert screen_rows(reader).index("第152行，內容") == before


async def test_resize_rewraps_and_keeps_the_cursor_in_view() -> None:
    text = "\n".join("字" * 100 for _ in range(200))
    app = ReaderApp(TextView.plain(text))
    async with app.run_test(size=SIZE) as pilot:
        reader = app.query_one(Reader)
        reader.move_to_source(101 * 120 + 30)
        await pilot.pause()
        await pilot.resize_terminal(40, 20)
        await pilot.pause()
        rows = screen_rows(reader)
        assert all(cell_len(row) <= 35 for row in rows)
        strips = [reader.render_line(y) for y in range(20)]
        assert any(cursor_cells(strip, reader) for strip in strips)


async def test_a_large_view_opens_and_ends_quickly() -> None:
    paragraph = "大家好，这里是最佳拍档。Anthropic 的联合创始人分享了创业心路。" * 3
    text = "\n".join(f"{i} {paragraph}" for i in range(8_000))  # ~2.2 MB of UTF-8
    app = ReaderApp()
    async with app.run_test(size=SIZE) as pilot:
        reader = app.query_one(Reader)
        reader.show(TextView.plain(text))
        await pilot.pause()
        await pilot.press("G")
        assert reader.cursor == len(text)
        rows = [row for row in screen_rows(reader) if row]
        assert rows[-1].endswith("创业心路。")
        assert text[text.rindex("\n") + 1 :].startswith("7999 ")
        await pilot.press("g", "pagedown", "down")
        assert screen_rows(reader)[0]


def test_snapshot_of_a_styled_view(snap_compare) -> None:
    """Headings, strong text, a highlight, a selection and the cursor, as painted."""
    paragraph = "大家好，这里是最佳拍档。Anthropic 的联合创始人丹妮拉·阿莫代伊最近罕见公开亮相。"
    view = markdown_like_view("\n\n" + paragraph * 2)
    text = view.text

    async def run_before(pilot) -> None:
        reader = pilot.app.query_one(Reader)
        reader.set_highlights([(8, 14, "yellow")])
        mention = view.map.to_source(text.index("丹妮拉"))
        reader.set_mentions([(mention, mention + 3)])
        await pilot.press("down", "down", "down", "v", "right", "right", "right")

    assert snap_compare(ReaderApp(view), terminal_size=SIZE, run_before=run_before)


async def test_random_keys_keep_the_cursor_valid_and_visible() -> None:
    """A seeded walk of keys and resizes over awkward text: nothing breaks, the cursor shows."""
    keys = [
        *("up", "down", "left", "right", "pageup", "pagedown", "g", "G", "home", "end"),
        *("v", "shift+up", "shift+down", "shift+left", "shift+right", "escape"),
    ]
    alphabet = list("ab ，。「」中文字\n\n e\u0301😀\t\x1b")
    for seed in range(3):
        rnd = random.Random(seed)
        text = "".join(rnd.choice(alphabet) for _ in range(300))
        app = ReaderApp(TextView.plain(text))
        async with app.run_test(size=(rnd.randint(8, 40), rnd.randint(4, 12))) as pilot:
            reader = app.query_one(Reader)
            for _ in range(30):
                if rnd.random() < 0.1:
                    await pilot.resize_terminal(rnd.randint(8, 40), rnd.randint(4, 12))
                else:
                    await pilot.press(rnd.choice(keys))
                assert 0 <= reader.cursor <= len(text)
                region = reader.scrollable_content_region
                strips = [reader.render_line(y) for y in range(region.height)]
                assert all(strip.cell_length == region.width for strip in strips)
                assert any(cursor_cells(strip, reader) for strip in strips)


async def test_f_jumps_from_a_footnote_marker_to_its_note_and_back() -> None:
    filler = "".join(f"第{i}行\n" for i in range(60))
    source = f"正文[^1]，又见[^1]。\n{filler}\n[^1]: 注释\n"
    view = render(source)
    app = ReaderApp(view)
    async with app.run_test(size=SIZE) as pilot:
        reader = app.query_one(Reader)
        second = view.text.index("¹", 3)
        reader.cursor = second
        await pilot.press("F")
        note = view.text.rindex("¹")
        assert reader.cursor == note
        assert "¹ 注释" in screen_rows(reader)  # scrolled to the note
        await pilot.press("F")
        assert reader.cursor == second  # back to the marker it came from
        reader.cursor = second + 1  # not on a marker: the key does nothing
        await pilot.press("F")
        assert reader.cursor == second + 1


async def test_wrapped_list_items_and_quotes_hang_under_their_text() -> None:
    view = render("- " + "很长" * 40 + "\n> " + "引用" * 40 + "\n")
    app = ReaderApp(view)
    async with app.run_test(size=SIZE) as pilot:
        reader = app.query_one(Reader)
        rows = screen_rows(reader)
        assert rows[0].startswith("• 很长") and rows[1].startswith("  很长")
        quoted = next(i for i, r in enumerate(rows) if r.startswith("▎ 引用"))
        assert rows[quoted + 1].startswith("▎ 引用")  # the bar goes on down the quote
        reader.cursor = len("• ") + 1  # 长, cells 4 and 5
        await pilot.press("down")
        assert reader.cursor == len(rows[0]) + 1  # the 长 below it: the hang counts as cells
