"""The reading text: Markdown rendered to styled text with a map back to the source."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kbtui.view import footnotes
from kbtui.view.blocks import BULLET, QUOTE_BAR, RULE
from kbtui.view.markdown import render
from kbtui.view.sanitize import clean
from kbtui.view.textview import STYLE_NAMES, TextView
from kbtui.view.wrap import cell_widths

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def styled(view: TextView, style: str) -> list[str]:
    """The view text of every span of ``style``, in order."""
    return [view.text[s.start : s.end] for s in view.spans if s.style == style]


def source_of(view: TextView, source: str, text: str, nth: int = 0) -> str:
    """The source text that the ``nth`` occurrence of ``text`` in the view maps to."""
    start = -1
    for _ in range(nth + 1):
        start = view.text.index(text, start + 1)
    s, e = view.map.range_to_source(start, start + len(text))
    return source[s:e]


def has_source(view: TextView, p: int) -> bool:
    """Whether view character ``p`` stands for some source text (is not inserted)."""
    s, e = view.map.range_to_source(p, p + 1)
    return e > s


def check_invariants(view: TextView, source: str) -> None:
    """What every rendering must satisfy, whatever the input."""
    text, m = view.text, view.map
    assert (m.view_len, m.source_len) == (len(text), len(source))
    assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029]", text)
    for seg in m.segments():
        if seg.aligned:
            expected = clean(source[seg.source_start : seg.source_end])
            assert text[seg.view_start : seg.view_end] == expected
    starts = [s.start for s in view.spans]
    assert starts == sorted(starts)
    for span in view.spans:
        assert 0 <= span.start < span.end <= len(text) and span.style in STYLE_NAMES
    assert [h.start for h in view.headings] == sorted(h.start for h in view.headings)
    for h in view.headings:
        assert 1 <= h.level <= 6 and 0 <= h.start < len(text)
        assert any(s.start == h.start and s.style == f"heading{h.level}" for s in view.spans)


# -- headings ------------------------------------------------------------------


def test_atx_headings_drop_their_marks_and_are_listed() -> None:
    source = "# 一\n\n### 三 ###\n\n###### six\n"
    view = render(source)
    assert view.text == "一\n\n三\n\nsix\n"
    assert [(h.level, h.start, h.title) for h in view.headings] == [
        (1, 0, "一"),
        (3, 3, "三"),
        (6, 6, "six"),
    ]
    assert styled(view, "heading3") == ["三"]
    assert source_of(view, source, "三") == "三"
    check_invariants(view, source)


def test_hashes_that_are_not_headings_stay() -> None:
    view = render("#话题# 不是标题\n####### seven\n# C#\n")
    assert view.text == "#话题# 不是标题\n####### seven\nC#\n"
    assert [h.title for h in view.headings] == ["C#"]


def test_setext_headings_under_a_one_line_paragraph() -> None:
    source = "标题一\n===\n\n标题二\n---\n正文\n"
    view = render(source)
    assert view.text == "标题一\n\n标题二\n正文\n"
    assert [(h.level, h.title) for h in view.headings] == [(1, "标题一"), (2, "标题二")]
    check_invariants(view, source)


def test_dashes_under_a_longer_paragraph_or_a_blank_line_are_a_rule() -> None:
    view = render("第一行\n第二行\n---\n\n---\n")
    assert view.text == f"第一行\n第二行\n{RULE}\n\n{RULE}\n"
    assert styled(view, "rule") == [RULE, RULE]
    assert view.headings == ()


# -- inline --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "text", "style", "word"),
    [
        ("正文**粗体**结束", "正文粗体结束", "strong", "粗体"),
        ("正文__粗体__ 结束", "正文粗体 结束", "strong", "粗体"),
        ("正文*斜体*结束", "正文斜体结束", "emphasis", "斜体"),
        ("a _emph_ b", "a emph b", "emphasis", "emph"),
        ("删除~~这些~~了", "删除这些了", "strike", "这些"),
        ("代码`x = 1`呢", "代码x = 1呢", "code", "x = 1"),
        ("两个`` a`b ``反引号", "两个a`b反引号", "code", "a`b"),
        ("见[链接](https://x.org/a_(b) '标题')了", "见链接了", "link", "链接"),
        ("<https://a.b/c>", "https://a.b/c", "link", "https://a.b/c"),
        (
            "访谈链接： https://youtu.be/x_y.",
            "访谈链接： https://youtu.be/x_y.",
            "link",
            "https://youtu.be/x_y",
        ),
    ],
)
def test_inline_markup_is_dropped_and_styled(source: str, text: str, style: str, word: str) -> None:
    view = render(source)
    assert view.text == text
    assert styled(view, style) == [word]
    assert source_of(view, source, word) == word  # the styled word maps to itself, no markers
    check_invariants(view, source)


def test_nested_emphasis_and_a_link_inside_a_heading() -> None:
    source = "## 关于 ***很*重要** 的[*事*](u)\n"
    view = render(source)
    assert view.text == "关于 很重要 的事\n"
    assert styled(view, "strong") == ["很重要"]
    assert styled(view, "emphasis") == ["很", "事"]
    assert styled(view, "link") == ["事"]
    assert view.headings[0].title == "关于 很重要 的事"
    assert view.extra["links"] == ((8, 9, "u"),)
    check_invariants(view, source)


def test_emphasis_next_to_chinese_punctuation_works() -> None:
    source = "这是**“引用”**的，**关于“回报递减”的担忧：** 他说"
    view = render(source)
    assert view.text == "这是“引用”的，关于“回报递减”的担忧： 他说"
    assert styled(view, "strong") == ["“引用”", "关于“回报递减”的担忧："]


def test_markers_that_do_not_pair_stay_as_text() -> None:
    for source in (
        "3~5年",
        "a * b * c",
        "snake_case_name",
        "**未闭合",
        "`未闭合",
        "5$ 和 $6",
        "$5 and $10",
    ):
        view = render(source)
        assert view.text == source, source
        assert view.spans == ()


def test_escapes_drop_the_backslash() -> None:
    source = "\\*不是强调\\* \\# \\\\ \\中"
    view = render(source)
    assert view.text == "*不是强调* # \\ \\中"
    assert source_of(view, source, "不是强调") == "不是强调"
    check_invariants(view, source)


def test_entities_and_html() -> None:
    source = "A&amp;B&nbsp;C &bogus; <b>粗</b><br/> <span class='x'>字</span> <!-- 注释 --> 完"
    view = render(source)
    assert view.text == "A&B C &bogus; 粗\n字  完"  # <br> inside a line breaks it
    check_invariants(view, source)


def test_sup_sub_and_br() -> None:
    source = "m<sup>2</sup>，H<sub>2</sub>O，x<sup>ab</sup>，<sup>π</sup>\n"
    source += "行一<br>行二<br/>\n末<br>\n<br>头\n"
    view = render(source)
    assert view.text == "m²，H₂O，xᵃᵇ，π\n行一\n行二\n末\n头\n"  # π has no superscript form
    assert source_of(view, source, "²") == "<sup>2</sup>"
    check_invariants(view, source)
    assert render("a<br><br><br>b").text == "a\nb"  # a run of breaks is one


def test_images_become_placeholders() -> None:
    source = "![封面圖](/a.jpg) ![](/b.png) ![**粗**的 alt](c.png) <img src='d.png' alt='圖'>"
    view = render(source)
    assert view.text == "[image: 封面圖] [image] [image: 粗的 alt] [image: 圖]"
    assert styled(view, "placeholder") == [
        "[image: 封面圖]",
        "[image]",
        "[image: 粗的 alt]",
        "[image: 圖]",
    ]
    s, e = view.map.range_to_source(0, len("[image: 封面圖]"))
    assert source[s:e] == "![封面圖](/a.jpg)"
    assert [url for _, _, url in view.extra["links"]] == ["/a.jpg", "/b.png", "c.png", "d.png"]
    check_invariants(view, source)


def test_reference_links_resolve_and_their_definitions_vanish() -> None:
    source = (
        "见[官网][site]和[Site][]，还有[ site ]，![图][img]。[未定义][nope]\n\n"
        '[site]: https://example.com "标题"\n  [img]: </a.png>\n正文\n'
    )
    view = render(source)
    assert view.text == "见官网和Site，还有 site ，[image: 图]。[未定义][nope]\n\n正文\n"
    assert [url for _, _, url in view.extra["links"]] == ["https://example.com"] * 3 + ["/a.png"]
    assert styled(view, "link") == ["官网", "Site", " site "]
    assert source_of(view, source, "官网") == "官网"
    check_invariants(view, source)
    assert render("[a]\n").text == "[a]\n"  # no definitions, no links


def test_an_image_inside_a_link() -> None:
    view = render("[![alt](i.png)](http://x)")
    assert view.text == "[image: alt]"
    assert styled(view, "link") == ["[image: alt]"]
    assert styled(view, "placeholder") == ["[image: alt]"]


def test_brackets_that_look_like_rich_markup_stay_verbatim() -> None:
    source = "[bold]粗[/bold] [/] [@click=app.quit]退出[/] [red] [link=https://x.y]z[/link]"
    view = render(source)
    assert view.text == source
    assert styled(view, "link") == ["https://x.y"]  # a bare URL, styled where it stands
    assert len(view.map) == 1


# -- shortcodes ----------------------------------------------------------------


def test_shortcodes_become_placeholders_even_over_several_lines() -> None:
    source = (
        "前\n\n{{< youtube dVq6R8v3NVE >}}\n\n"
        '{{< youtube\n  id="abc"\n>}} 后\n\n中{{< tweet 123 >}}间\n'
    )
    view = render(source)
    assert view.text == (
        "前\n\n[video: youtube dVq6R8v3NVE]\n\n[video: youtube abc] 后\n\n中[tweet: 123]间\n"
    )
    assert styled(view, "placeholder") == [
        "[video: youtube dVq6R8v3NVE]",
        "[video: youtube abc]",
        "[tweet: 123]",
    ]
    assert source_of(view, source, "[video: youtube abc]") == '{{< youtube\n  id="abc"\n>}}'
    check_invariants(view, source)


def test_paired_shortcodes_keep_their_content() -> None:
    source = '{{< figure src="/a/b.jpg" caption="說明" >}}\n{{% notice %}}內容{{% /notice %}}\n'
    view = render(source)
    assert view.text == "[image: 說明]\n[notice]內容\n"


def test_a_stray_shortcode_opening_is_text() -> None:
    assert render("{{< 沒有結尾\n正文\n").text == "{{< 沒有結尾\n正文\n"


# -- blocks --------------------------------------------------------------------


def test_fenced_code_is_verbatim_and_fences_are_dropped() -> None:
    source = "前\n```python\ndef f():\n\n\n    return **1**  \n```\n~~~\n`x`\n~~~\n後\n"
    view = render(source)
    assert view.text == "前\ndef f():\n\n\n    return **1**  \n`x`\n後\n"
    assert styled(view, "code_block") == ["def f():\n\n\n    return **1**  ", "`x`"]
    check_invariants(view, source)


def test_an_unclosed_fence_runs_to_the_end() -> None:
    view = render("```\n**a**\n\n\n")
    assert view.text == "**a**\n\n\n"
    assert styled(view, "code_block") == ["**a**\n\n"]


def test_indented_code_only_when_it_looks_like_code() -> None:
    source = "前文\n\n    def f(x):\n        return x  # 注\n\n\tprint(1)\n\n后文\n"
    view = render(source)
    assert view.text == "前文\n\ndef f(x):\n    return x  # 注\n\nprint(1)\n\n后文\n"
    assert styled(view, "code_block") == ["def f(x):\n    return x  # 注\n\nprint(1)"]
    assert source_of(view, source, "return x") == "return x"
    check_invariants(view, source)
    for prose in (
        "    中文段落缩进了四个空格。\n    第二行。\n\n    又一段。\n",  # Chinese: not code
        "- 项\n\n    continuation text\n",  # a list item's own paragraph
        "1. a\n    - nested\n",
        "段落\n    not code after a paragraph line\n",
    ):
        view = render(prose)
        assert "code_block" not in [s.style for s in view.spans], prose


def test_display_math_block() -> None:
    source = "前\n$$\nE = mc^2\n$$\n后\n"
    view = render(source)
    assert view.text == "前\nE = mc²\n后\n"
    assert styled(view, "math") == ["E = mc²"]
    assert source_of(view, source, "mc²") == "E = mc^2"  # a formula maps to its whole source
    check_invariants(view, source)


@pytest.mark.parametrize(
    ("source", "text", "latex"),
    [
        ("只完成了$\\frac{1}{16}$。", "只完成了1/16。", "\\frac{1}{16}"),
        ("角$\\alpha + \\beta \\le \\pi$呢", "角α + β ≤ π呢", "\\alpha + \\beta \\le \\pi"),
        ("$x^{10} + a_i$", "x¹⁰ + aᵢ", "x^{10} + a_i"),
        ("$e^{i\\pi}$", "e^(iπ)", "e^{i\\pi}"),  # no superscript π: kept as a caret
        ("$\\frac{a+b}{c}$", "(a+b)/c", "\\frac{a+b}{c}"),
        ("集合$\\mathbb{R}$上", "集合ℝ上", "\\mathbb{R}"),
        ("行内$$\\sum_{i=1}^n i$$块", "行内∑ᵢ₌₁ⁿ i块", "\\sum_{i=1}^n i"),
    ],
)
def test_math_is_shown_as_unicode(source: str, text: str, latex: str) -> None:
    view = render(source)
    assert view.text == text
    (formula,) = styled(view, "math")
    assert source_of(view, source, formula) == latex  # the markers are not part of it
    check_invariants(view, source)


def test_broken_math_never_breaks_the_view() -> None:
    for source in ("$\\frac{$", "$\\begin{x$", "$}}{{$", "$\\\\$", "$^$"):
        check_invariants(render(source), source)


# -- tables --------------------------------------------------------------------


def test_tables_are_drawn_with_columns_in_terminal_cells() -> None:
    source = "前\n| 名字 | Age | 备注 |\n|:--|--:|:-:|\n| 张三 | 30 | **好** |\n| Bob | 4 |\n后\n"
    view = render(source)
    assert view.text == (
        "前\n"
        "┌──────┬─────┬──────┐\n"
        "│ 名字 │ Age │ 备注 │\n"
        "├──────┼─────┼──────┤\n"
        "│ 张三 │  30 │  好  │\n"
        "│ Bob  │   4 │      │\n"
        "└──────┴─────┴──────┘\n"
        "后\n"
    )
    assert styled(view, "strong") == ["名字", "Age", "备注", "好"]
    assert source_of(view, source, "张三") == "张三"  # cells map exactly
    assert source_of(view, source, "│ 张三") == "| 张三"
    assert source_of(view, source, "好") == "好"
    check_invariants(view, source)


def test_a_cell_too_wide_wraps_inside_its_column() -> None:
    long = "很长" * 20
    source = f"| 甲 | 乙 |\n|---|---|\n| {long} | x |\n"
    view = render(source)
    rows = view.text.splitlines()
    assert [r[0] for r in rows] == ["┌", "│", "├", "│", "│", "│", "└"]
    assert len({sum(cell_widths(r)) for r in rows}) == 1  # every line as wide, in cells
    assert "".join(r.split("│")[1].strip() for r in rows[3:-1]) == long
    assert source_of(view, source, "x") == f"| {long} | x |"  # a wrapped row maps as a whole
    check_invariants(view, source)


def test_pipes_without_a_delimiter_row_are_text() -> None:
    for source in ("a | b\nc | d\n", "| a |\n| - | - |\n", "命令 `a | b`\n"):
        assert render(source).text == source.replace("`", "")


def test_footnotes_become_superscript_markers_and_numbered_notes() -> None:
    source = "正文[^1]，还有[^note]，再提[^1]。\n\n[^1]: 第一条 **粗**\n[^note]: 第二条\n"
    view = render(source)
    assert view.text == "正文¹，还有²，再提¹。\n\n¹ 第一条 粗\n² 第二条\n"
    assert styled(view, "footnote") == ["¹", "²", "¹", "¹", "²"]
    assert view.extra["footnotes"] == (
        (2, 3, "1", False),
        (6, 7, "note", False),
        (10, 11, "1", False),
        (14, 15, "1", True),
        (22, 23, "note", True),
    )
    assert source_of(view, source, "²") == "[^note]"
    assert source_of(view, source, "第一条") == "第一条"
    check_invariants(view, source)


def test_the_footnote_key_goes_from_a_marker_to_its_note_and_back() -> None:
    view = render("甲[^a]乙[^a]丙[^b]\n\n[^a]: 注一\n[^b]: 注二\n")
    markers = view.extra["footnotes"]
    note_a, note_b = view.text.index("¹ 注一"), view.text.index("² 注二")
    assert footnotes.jump(markers, 3, None) == note_a
    assert footnotes.jump(markers, note_a, 3) == 3  # back where it came from
    assert footnotes.jump(markers, note_a, None) == 1  # else to the first reference
    assert footnotes.jump(markers, note_b, 3) == 5
    assert footnotes.jump(markers, 0, None) is None


def test_bracketed_carets_that_are_not_footnotes_stay() -> None:
    for source in ("[^ 有空格]", "[^]", "a[^b", "![^1](x.png)"):
        view = render(source)
        assert "footnote" not in [s.style for s in view.spans], source


def test_block_quotes_get_a_bar() -> None:
    source = "> 引用 **粗**\n续行\n>\n> > 套娃\n>## 标题\n\n正文\n"
    view = render(source)
    bar = QUOTE_BAR
    assert view.text == (f"{bar}引用 粗\n{bar}续行\n{bar}\n{bar}{bar}套娃\n{bar}标题\n\n正文\n")
    assert len(styled(view, "quote")) == 5
    assert [h.title for h in view.headings] == ["标题"]
    assert source_of(view, source, "引用") == "引用"
    check_invariants(view, source)


def test_lists_keep_numbers_and_indentation() -> None:
    source = "- 一\n* 二\n+ 三\n  - 嵌套\n\t1. 制表\n    2) 空格\n- [ ] 待办\n- [x] 完成\n-\n"
    view = render(source)
    b = BULLET
    assert view.text == (
        f"{b}一\n{b}二\n{b}三\n  {b}嵌套\n    1. 制表\n    2) 空格\n{b}☐ 待办\n{b}☑ 完成\n{b}\n"
    )
    assert styled(view, "list_marker")[:6] == ["•", "•", "•", "•", "1.", "2)"]
    assert source_of(view, source, "嵌套") == "嵌套"
    check_invariants(view, source)


def test_rules() -> None:
    view = render("前\n\n***\n\n- - -\n\n___\n")
    assert view.text == f"前\n\n{RULE}\n\n{RULE}\n\n{RULE}\n"


def test_html_comment_lines_and_tag_lines_leave_no_trace() -> None:
    source = '一\n<!-- 单行 -->\n二\n\n<!--\n多行\n-->\n\n<div align="center">\n三\n</div>\n'
    view = render(source)
    assert view.text == "一\n二\n\n三\n"
    check_invariants(view, source)


# -- lines and blank lines -----------------------------------------------------


def test_lines_are_never_joined() -> None:
    source = "大家好，这里是最佳拍档\nAnthropic的联合创始人\n最近罕见公开亮相\n"
    view = render(source)
    assert view.text == source
    assert len(view.map) == 1


def test_blank_runs_collapse_and_trailing_space_goes() -> None:
    source = "\n\n  \n一  \n\n\n \t\n二\t\n\n\n"
    view = render(source)
    assert view.text == "一\n\n二\n"
    check_invariants(view, source)


def test_crlf_line_ends() -> None:
    source = "# 標題\r\n\r\n正文\r\n"
    view = render(source)
    assert view.text == "標題\n\n正文\n"
    assert "\r" not in view.text
    check_invariants(view, source)


def test_frontmatter_is_a_block_of_view_length_zero() -> None:
    source = "---\ntitle: x\n---\n\n正文\n"
    body = source.index("\n\n") + 1
    view = render(source, body)
    assert view.text == "正文\n"
    assert view.map.to_source(0) == source.index("正文")
    assert view.map.range_to_view(0, body) == (0, 0)
    assert render(source, 10_000).text == "" and render(source, -3).text == render(source).text


def test_render_starts_at_the_body() -> None:
    source = "---\ntitle: x\n---\n**正文**\n"
    assert render(source, 16).text == "正文\n"


def test_plain_mode_shows_markup_as_it_is() -> None:
    source = "# 不是标题\n\n\n**不粗**  \n\x1b[1m\n"
    view = render(source, markdown=False)
    assert view.text == "# 不是标题\n\n**不粗**\n␛[1m\n"
    check_invariants(view, source)


def test_plain_text_is_one_segment_whatever_its_size() -> None:
    line = "这是一行没有任何标记的中文文本，Anthropic 与 OpenAI。\n"
    source = line * 20_000
    view = render(source)
    assert view.text == source and len(view.map) == 1
    paragraphs = "\n".join([line * 3] * 5_000)
    assert len(render(paragraphs).map) == 1


# -- hostile input -------------------------------------------------------------


def test_control_characters_are_replaced_one_for_one() -> None:
    source = "a\x1b[31mb\x07c\x9bd\x00e\u2028f\tg **\x1b]0;title\x07粗**"
    view = render(source)
    assert len(view.text) == len(source) - 4
    assert "\x1b" not in view.text and "\x9b" not in view.text and "\x07" not in view.text
    assert view.text.startswith("a␛[31mb")
    assert source_of(view, source, "b") == "b"
    assert source_of(view, source, "g") == "g"
    assert styled(view, "strong") == ["␛]0;title\ufffd粗"]
    check_invariants(view, source)


def test_escape_sequences_inside_placeholders_and_titles_are_replaced() -> None:
    source = "# 標\x1b[2J題\n![a\x1bb](u\x1b)\n{{< youtube \x1b[5m >}}\n"
    view = render(source)
    assert "\x1b" not in view.text
    assert view.headings[0].title == "標␛[2J題"
    assert all("\x1b" not in url for _, _, url in view.extra["links"])
    check_invariants(view, source)


def test_pathological_lines_render_in_linear_time() -> None:
    units = ("[", "*a", "`", "<!--", "{{<", "$a", "](", "[a](", "**“", "_中", "~~", "\n\n    中文")
    for unit in units:
        source = unit * 10_000
        view = render(source)
        check_invariants(view, source)


# -- the sample corpus -----------------------------------------------------------


def sample(name: str) -> tuple[str, TextView]:
    path = next(CORPUS.glob(f"{name}_*.txt"))
    source = path.read_text(encoding="utf-8")
    body = source.index("\n---\n", 4) + 5 if source.startswith("---\n") else 0
    return source, render(source, body)


@pytest.mark.parametrize("name", ["000", "001", "002", "003", "004"])
def test_samples_read_without_markup(name: str) -> None:
    source, view = sample(name)
    check_invariants(view, source)
    for markup in ("**", "###", "## ", "{{<", ">}}", "![", "](", "\n> ", "\n- ", "\n* ", "title:"):
        assert markup not in view.text, markup
    assert "\n\n\n" not in view.text and not view.text.startswith("\n")


def test_sample_000_headings() -> None:
    _, view = sample("000")
    assert len(view.headings) == 8
    assert view.headings[0].title == "Anthropic的诞生与安全愿景"
    assert view.headings[0].start == 0 and view.headings[0].level == 3


def test_sample_001_is_its_own_reading_text() -> None:
    source, view = sample("001")
    assert view.text == source.rstrip("\n") + "\n" and len(view.map) == 1


def test_sample_002_placeholders() -> None:
    _, view = sample("002")
    assert view.text.startswith("[image: 封面圖]\n\n「沒有人想要創辦一家公司")
    assert "\n[video: youtube dVq6R8v3NVE]\n" in view.text
    assert [h.title for h in view.headings][:2] == [
        "偶然聚集的天才團隊",
        "從懷疑到確信：AI發展的轉捩點",
    ]
    assert "1. 解釋性AI：不僅是安全的關鍵" in view.text


def test_sample_003_quotes_lists_math_and_headings() -> None:
    source, view = sample("003")
    assert [(h.level, h.title) for h in view.headings] == [
        (3, "不愿被称为“悲观主义”的AI领导者"),
        (3, "AI 的指数级发展与 Dario 的“短时间线”"),
        (3, "Anthropic 如何应对行业质疑"),
        (3, "Anthropic 的商业模式与增长哲学"),
        (3, "AI 治理：非零和博弈与“竞相向上”"),
        (2, "一些思索"),
    ]
    assert styled(view, "math") == ["1/16"]
    assert "Dario Amodei" in styled(view, "strong")
    assert f"\n{QUOTE_BAR}访谈链接： https://www.youtube.com/watch?v=mYDSSRS-B5U\n" in view.text
    assert f"\n{BULLET}关于“回报递减”的担忧： 他表示" in view.text
    assert f"\n{RULE}\n" in view.text
    assert source_of(view, source, "指数级增长") == "指数级增长"


def test_sample_004_scraped_page_is_kept_as_it_is() -> None:
    _, view = sample("004")
    assert view.text.startswith("繁體\n  • 简体中文\n  • 繁體中文\n\n熱門資訊> 正文\n")
    assert "\n2025-07-30 17:34\n" in view.text


# -- properties ------------------------------------------------------------------

TOKENS = [
    *["# ", "## ", "###### ", "#", "> ", ">", "- ", "* ", "+ ", "1. ", "2) ", "- [ ] "],
    *["**", "*", "_", "__", "~~", "~", "`", "``", "```", "~~~", "$", "$$", "\\", "\\*"],
    *["[", "]", "(", ")", "![", "](", "](http://x.y/a_b)", "](<a b>)", '](u "t")'],
    *["<", ">", "<!--", "-->", "<br>", "<img alt='x'>", "<div>", "</p>", "<a@b.c>", "<http://q>"],
    *["{{<", ">}}", "{{< youtube ", "{{%", "%}}", "{{< /x >}}", "&amp;", "&#0;", "&", ";"],
    *["---", "===", "***", "___", "-", "=", "|", "!", "http://a.b/c_d", "https://x.y/(z)"],
    *["\n", "\n", "\n", "\n", "\n\n", " ", "  ", "    ", "\t", "\r", "\r\n", "\u3000"],
    *[
        "[^1]",
        "[^注]",
        "[^1]: ",
        "[a]: /u",
        "[a]",
        "[A][]",
        "[x][a]",
        "\x1b[31m",
        "\x00",
        "\x07",
        "\x9b",
        "\u2028",
        "\u202e",
    ],
    *["“", "”", "，", "。", "：", "中", "文", "繁體", "abc", "Dario", "1", "10"],
]

WORDS = ["中文", "繁體", "abc", "Dario", "“引用”", "1", "：", "，", " ", "a b", "x_y", ""]
PAIRS = [
    *[("**", "**"), ("*", "*"), ("_", "_"), ("__", "__"), ("~~", "~~"), ("`", "`"), ("$", "$")],
    *[("[", "](http://u)"), ("![", "](i.png)"), ("{{< youtube ", " >}}"), ("<!--", "-->")],
    *[("<b>", "</b>"), ("\\", ""), ("&amp;", ""), ("<", ">"), ("**", ""), ("", "*")],
]
PREFIXES = ["", "", "", "# ", "### ", "> ", "> > ", "- ", "* ", "1. ", "  - ", "\t", "    "]
WHOLE_LINES = [
    "",
    "",
    "```",
    "~~~",
    "---",
    "===",
    "$$",
    "***",
    "{{< youtube",
    ">}}",
    "<!--",
    "<div>",
    "| 名字 | a |",
    "|---|:-:|",
    "a | **b** | c",
    "--|--:",
    "| 很长很长很长很长很长很长很长很长很长很长很长很长很长很长 |",
]

wrapped = st.recursive(
    st.sampled_from(WORDS),
    lambda inner: st.builds(lambda w, m: m[0] + w + m[1], inner, st.sampled_from(PAIRS)),
    max_leaves=4,
)
inline = st.lists(st.one_of(wrapped, st.sampled_from(TOKENS)), max_size=6).map("".join)
line = st.one_of(
    st.builds(str.__add__, st.sampled_from(PREFIXES), inline), st.sampled_from(WHOLE_LINES)
)
noise = st.lists(
    st.one_of(st.sampled_from(TOKENS), st.text(alphabet="中文字ab *_\n", max_size=4)), max_size=40
).map("".join)
markdownish = st.one_of(st.lists(line, max_size=12).map("\n".join), noise)
"""Documents made of Markdown-like lines, or of Markdown tokens thrown together."""


@settings(max_examples=200, deadline=None)
@given(markdownish, st.booleans())
def test_any_input_gives_a_consistent_view(source: str, markdown: bool) -> None:
    view = render(source, markdown=markdown)
    check_invariants(view, source)
    verbatim = any(s.style == "code_block" for s in view.spans)  # indented code keeps blanks
    if not verbatim and not any(fence in source for fence in ("```", "~~~", "$$")):
        assert "\n\n\n" not in view.text


@settings(max_examples=200, deadline=None)
@given(markdownish, st.data())
def test_ranges_round_trip_through_the_source(source: str, data: st.DataObject) -> None:
    view = render(source)
    m = view.map
    aligned = {
        p for seg in m.segments() if seg.aligned for p in range(seg.view_start, seg.view_end)
    }
    for _ in range(10):
        a = data.draw(st.integers(0, m.view_len))
        b = data.draw(st.integers(a, m.view_len))
        s, e = m.range_to_source(a, b)
        a2, b2 = m.range_to_view(s, e)
        with_source = [p for p in range(a, b) if has_source(view, p)]
        if with_source:
            assert a2 <= with_source[0] and with_source[-1] < b2
        if a < b and a in aligned and b - 1 in aligned:
            assert (a2, b2) == (a, b)
        carets = [m.to_source(p) for p in range(a, b + 1)]
        assert carets == sorted(carets)
