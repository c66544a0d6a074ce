"""The reader against the CommonMark spec's examples: the text a renderer keeps survives.

For each of the spec's 655 examples, the reading text kbtui shows is compared
with the text a browser shows for the HTML the spec expects (its visible text:
no tags, no script or style, an image as its alt text, an ordered item with
its number). White space is left out of both, and so are the marks the reader
adds in place of markup (the bullet, the quote bar, the rule, ``[image: …]``
around an alt text). Equal means nothing the author wrote was lost and no
syntax a CommonMark renderer drops shows as raw text.

Where kbtui differs on purpose or has not caught up, the example is listed in
``DIVERGENCES`` with the reason, as a strict xfail: a fix makes it pass and the
list must shrink.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from kbtui.view.markdown import render

SPEC = json.loads(
    (Path(__file__).parent / "commonmark" / "spec-0.31.2.json").read_text(encoding="utf-8")
)

DIVERGENCES: dict[str, tuple[int, ...]] = {
    # On purpose: what a reader of clippings wants, not what a browser does.
    "Markdown inside an HTML block is rendered (clippings wrap paragraphs in <div> and <p>)": (
        148,
        150,
        151,
        155,
        156,
        158,
        159,
        161,
        163,
        164,
        165,
        166,
        167,
        173,
        179,
        180,
        188,
        191,
    ),
    "hidden HTML (a processing instruction, an indented comment or tag) is hidden whole": (
        182,
        185,
        186,
        193,
    ),
    "indented code is code only when it looks like code (Chinese prose is indented too)": (
        110,
        134,
    ),
    "an image without alt text shows its title in the placeholder": (477,),
    "a character reference to a control character stays as written": (39, 40),
    # Not yet: the renderer goes line by line.
    "a span goes on over a line break only from a paragraph line that starts with text": (
        81,
        82,
        121,
        153,
        154,
        162,
        170,
        175,
        337,
        338,
        493,
        512,
        617,
        618,
        645,
        646,
    ),
    "a hard line break (a backslash at the end of a line) inside emphasis": (642,),
    "link reference definitions only on one line, collected from the whole body": (
        195,
        196,
        197,
        198,
        200,
        202,
        204,
        210,
        214,
        215,
        219,
        220,
        543,
        551,
    ),
    "block structure nested inside list items and quotes beyond one level": (
        61,
        128,
        239,
        240,
        256,
        262,
        265,
        287,
        288,
        289,
        290,
        292,
        294,
        295,
        300,
        301,
        302,
        314,
        320,
        326,
        369,
    ),
    "indentation of a continuation line or a closing fence": (49, 87, 137),
    "a trailing backslash at the end of a block is dropped as a line break": (90, 647, 649),
    "an ordered list number keeps its leading zeros": (270,),
    "a nested image or link inside an image's alt text keeps its brackets or loses its text": (
        522,
        576,
        577,
    ),
    "an empty comment (<!--> and <!--->) is not closed at once": (628,),
}


class _Visible(HTMLParser):
    """The text a browser shows for an HTML fragment."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0
        self.numbers: list[int] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag in ("script", "style"):
            self.hidden += 1
        elif tag == "img":
            self.parts.append(found.get("alt") or "")
        elif tag == "ol":
            self.numbers.append(int(found.get("start") or 1))
        elif tag == "ul":
            self.numbers.append(-1)
        elif tag == "li" and self.numbers and self.numbers[-1] >= 0:
            self.parts.append(f"{self.numbers[-1]}.")
            self.numbers[-1] += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self.hidden:
            self.hidden -= 1
        elif tag in ("ol", "ul") and self.numbers:
            self.numbers.pop()

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    """What a browser shows for ``html``, white space left out."""
    parser = _Visible()
    parser.feed(html)
    parser.close()
    return re.sub(r"\s+", "", "".join(parser.parts))


_MARKS = re.compile(r"[▎•─]")
_IMAGE = re.compile(r"\[image(?:: ?([^\]]*))?\]")
_ORDERED = re.compile(r"^([ ▎]*\d{1,9})\)", re.M)


def reading_text(markdown: str) -> str:
    """What the reader shows for ``markdown``, its own marks and white space left out."""
    text = _ORDERED.sub(r"\1.", _MARKS.sub("", render(markdown).text))
    return re.sub(r"\s+", "", _IMAGE.sub(r"\1", text))


def _cases() -> list[Any]:
    reasons = {n: reason for reason, numbers in DIVERGENCES.items() for n in numbers}
    return [
        pytest.param(
            e,
            id=f"{e['example']}-{e['section']}",
            marks=[pytest.mark.xfail(strict=True, reason=reasons[e["example"]])]
            if e["example"] in reasons
            else [],
        )
        for e in SPEC
    ]


@pytest.mark.parametrize("example", _cases())
def test_the_text_of_a_spec_example_survives(example: dict[str, Any]) -> None:
    assert reading_text(example["markdown"]) == visible_text(example["html"])


def test_the_divergences_are_few_and_each_listed_once() -> None:
    listed = [n for numbers in DIVERGENCES.values() for n in numbers]
    assert len(listed) == len(set(listed))
    assert len(listed) <= len(SPEC) // 5


def test_a_link_to_a_page_with_parentheses_goes_to_the_whole_url() -> None:
    view = render(
        '见[维基百科](https://zh.wikipedia.org/wiki/A_(B_(模型))) 和 [b](/u\\( "说 \\"好\\"")'
    )
    assert view.text == "见维基百科 和 b"
    assert [url for _, _, url in view.extra["links"]] == [
        "https://zh.wikipedia.org/wiki/A_(B_(模型))",
        "/u(",
    ]


def test_html_a_browser_hides_is_hidden_and_text_in_angle_brackets_is_not() -> None:
    source = '<script>\nvar 广告 = 1;\n</script>\n正文<responsive-image src="a.jpg" />在此\n'
    source += "<论语>与 a < b 和 <?php echo 1; ?>结束 <!DOCTYPE html>\n"
    assert render(source).text.split() == ["正文在此", "<论语>与", "a", "<", "b", "和", "结束"]


def test_emphasis_goes_on_over_a_paragraph_line_break_and_keeps_the_break() -> None:
    source = "正文**跨行\n的强调**之后，`代码\n片段`。\n第三行<br>第四行\n"
    view = render(source)
    assert view.text == "正文跨行\n的强调之后，代码\n片段。\n第三行\n第四行\n"
    spans = {(view.text[s.start : s.end], s.style) for s in view.spans}
    assert {("跨行\n的强调", "strong"), ("代码\n片段", "code")} <= spans
    start = view.text.index("强调")
    assert source[slice(*view.map.range_to_source(start, start + 2))] == "强调"


def test_a_span_does_not_go_on_past_a_block_or_into_a_setext_heading() -> None:
    assert render("甲*乙\n\n丙*丁\n").text == "甲*乙\n\n丙*丁\n"
    assert render("甲 *乙\n# 丙*\n").text == "甲 *乙\n丙*\n"
    heading = render("标题*一\n===\n正文*二\n")
    assert [h.title for h in heading.headings] == ["标题*一"]


def test_a_definition_list_indents_each_definition_under_its_term() -> None:
    source = "大语言模型\n: 用大量文本训练的**模型**。\n: 又称 LLM。\n\n正文 : 照常\n: 开头的冒号\n"
    view = render(source)
    assert view.text == (
        "大语言模型\n    用大量文本训练的模型。\n    又称 LLM。\n\n正文 : 照常\n    开头的冒号\n"
    )
    start = view.text.index("又称")
    assert source[slice(*view.map.range_to_source(start, start + 2))] == "又称"
    assert render(": 没有术语\n").text == ": 没有术语\n"
