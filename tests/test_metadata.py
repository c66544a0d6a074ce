"""Frontmatter parsing and metadata, declared and inferred."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kbtui.documents.frontmatter import MAX_NESTING, nesting_depth, parse_frontmatter
from kbtui.documents.metadata import MAX_TITLE_CHARS, Described, clean_line, describe, parse_date
from kbtui.locations import bundled_corpus
from kbtui.scripts.hanzi import Script
from kbtui.scripts.locales import Locale, locale_for

CORPUS = bundled_corpus()


def sample_path(prefix: str) -> Path:
    return next(CORPUS.glob(f"{prefix}_*"))


def described(prefix: str) -> Described:
    path = sample_path(prefix)
    return describe(path.read_text(encoding="utf-8"), path.name)


# The five samples


@pytest.mark.parametrize(
    ("prefix", "title", "inferred"),
    [
        ("000", "Anthropic的诞生与安全愿景：AGI概念的重新审视", False),
        ("002", "一群AI科學家不想創業，卻為了信任創立了巨頭Anthropic？", False),
        ("003", "Dario Amodei 访谈整理", False),
        ("004", "炮轟黃仁勛,決裂奧特曼!1700億美元估值背后,硅谷最不好惹的AI狂人", True),
    ],
)
def test_sample_titles(prefix: str, title: str, inferred: bool) -> None:
    meta = described(prefix).meta
    assert meta.title == title
    assert meta.title_inferred is inferred


def test_transcript_gets_a_sensible_inferred_title() -> None:
    meta = described("001").meta
    assert meta.title_inferred
    assert meta.title == "Anthropic的联合创始人丹妮拉·阿莫代伊"  # its whole line, no "…"
    assert 0 < len(meta.title) <= MAX_TITLE_CHARS


@pytest.mark.parametrize(
    ("prefix", "date"),
    [("000", "2026-01-08"), ("001", None), ("002", "2025-05-13"), ("003", "2025-08-04"),
     ("004", "2025-07-30")],
)  # fmt: skip
def test_sample_dates(prefix: str, date: str | None) -> None:
    assert described(prefix).meta.date == date


@pytest.mark.parametrize(
    ("prefix", "script"),
    [("000", Script.SIMPLIFIED), ("001", Script.SIMPLIFIED), ("002", Script.TRADITIONAL),
     ("003", Script.SIMPLIFIED), ("004", Script.TRADITIONAL)],
)  # fmt: skip
def test_sample_scripts(prefix: str, script: Script) -> None:
    assert described(prefix).script == script


def test_sample_000_fields() -> None:
    result = described("000")
    meta = result.meta
    text = sample_path("000").read_text(encoding="utf-8")
    assert text[result.body_start :].startswith("### Anthropic的诞生与安全愿景\n")
    assert text[: result.body_start].endswith("status: evergreen\n---\n")
    assert meta.source_url == "https://www.youtube.com/watch?v=1nqrRGO5KYE"
    assert meta.author == "Best Partners TV"
    assert meta.tags == ["ai-safety", "large-language-models", "enterprise-ai"]
    assert meta.entities == {
        "people": ["丹妮拉·阿莫代伊"],
        "companies_orgs": ["Anthropic", "OpenAI", "Google Brain"],
        "products_models": ["GPT-2", "GPT-3", "Claude"],
    }
    assert meta.frontmatter["layout"] == "post.njk"
    assert result.problems == []


def test_sample_002_fields() -> None:
    result = described("002")
    assert result.meta.source_url is None  # source_url: ""
    assert result.meta.frontmatter["date"] == "2025-05-13T23:30:17+08:00"
    json.dumps(result.meta.frontmatter)


def test_sample_003_tags_and_body() -> None:
    result = described("003")
    text = sample_path("003").read_text(encoding="utf-8")
    assert result.meta.tags == ["AI", "访谈"]
    assert text[result.body_start :].startswith("\n朋友们，大家好。")


def test_samples_without_frontmatter_start_the_body_at_0() -> None:
    assert described("001").body_start == 0
    assert described("004").body_start == 0


# Frontmatter shapes


def test_toml_frontmatter() -> None:
    text = '+++\ntitle = "标题"\ndate = 2024-03-05T10:00:00Z\ntags = ["a", "b"]\n+++\n正文'
    result = describe(text, "x.md")
    assert result.meta.title == "标题"
    assert result.meta.date == "2024-03-05"
    assert result.meta.tags == ["a", "b"]
    assert text[result.body_start :] == "正文"
    assert result.problems == []


@pytest.mark.parametrize(
    ("field", "tag", "locale"),
    [
        ("lang", "zh-TW", Locale.TW),
        ("language", "zh-TW", Locale.TW),
        ("lang", "zh-Hant-TW", Locale.TW),
        ("lang", "zh_hk", Locale.HK),
        ("language", "zh-cmn-Hans-CN", Locale.HANS),
        ("lang", "zh-Hant", Locale.HANT),
    ],
)
def test_a_declared_language_is_kept_and_names_the_locale(
    field: str, tag: str, locale: Locale
) -> None:
    result = describe(f"---\ntitle: 標題\n{field}: {tag}\n---\n軟體與資訊", "x.md")
    assert result.meta.lang == tag
    assert locale_for(result.script, result.meta.lang) is locale


def test_no_declared_language_leaves_the_locale_to_detection() -> None:
    result = describe("---\ntitle: 標題\n---\n軟體與資訊，這裡說的是什麼", "x.md")
    assert result.meta.lang is None
    assert locale_for(result.script, result.meta.lang) is Locale.HANT


def test_broken_yaml_is_a_problem_and_the_body_still_loads() -> None:
    text = "---\ntitle: [unclosed\ndate: 2024-01-01\n---\n# 真正的标题\n正文\n"
    result = describe(text, "broken.md")
    assert len(result.problems) == 1 and "YAML error" in result.problems[0]
    assert "line " in result.problems[0]
    assert text[result.body_start :] == "# 真正的标题\n正文\n"
    assert result.meta.title == "真正的标题"


def test_non_mapping_frontmatter() -> None:
    text = "---\n- a\n- b\n---\n正文第一行\n"
    result = describe(text, "list.md")
    assert result.problems == ["frontmatter is not a mapping (it is a list)"]
    assert result.meta.frontmatter == {}
    assert text[result.body_start :] == "正文第一行\n"


def test_invalid_date_value_is_a_problem() -> None:
    result = describe("---\ntitle: t\ndate: 2025-02-30\n---\nx\n", "d.md")
    assert result.problems and "invalid value" in result.problems[0]


def test_unclosed_frontmatter_keeps_everything_as_body() -> None:
    text = "---\ntitle: 没有结束\n\n正文\n"
    result = describe(text, "open.md")
    assert result.body_start == 0
    assert result.problems == ["frontmatter has no closing ---"]


def test_a_leading_thematic_break_is_not_frontmatter() -> None:
    text = "---\n\n这是一段正文，不是元数据。\n\n---\n第二段\n"
    result = describe(text, "hr.md")
    assert (result.body_start, result.problems) == (0, [])


def test_empty_frontmatter() -> None:
    fm = parse_frontmatter("---\n---\nbody")
    assert (fm.data, fm.body_start, fm.problem) == ({}, 8, None)


def test_closing_fence_at_end_of_text() -> None:
    fm = parse_frontmatter("---\ntitle: t\n---")
    assert fm.data == {"title": "t"}
    assert fm.body_start == len("---\ntitle: t\n---")


def test_yaml_dots_close_frontmatter() -> None:
    fm = parse_frontmatter("---\ntitle: t\n...\nbody")
    assert fm.data == {"title": "t"}


@pytest.mark.parametrize(
    "raw",
    [
        "a: " + "[" * 100_000,  # libyaml segfaults on this
        "a: " + "[" * 60_000,  # under the size limit: the nesting check stops it
        "a: " + "{" * 50 + "}" * 50,
        "- " * 30_000 + "x",
        "".join(" " * i + f"k{i}:\n" for i in range(300)),
    ],
    ids=["brackets-100k", "brackets-60k", "braces-50", "dashes-30k", "indent-300"],
)
def test_deep_nesting_is_refused_before_parsing(raw: str) -> None:
    result = describe(f"---\n{raw}\n---\n正文\n", "deep.md")
    assert len(result.problems) == 1
    assert "too large" in result.problems[0] or "nested too deeply" in result.problems[0]
    assert result.meta.title == "正文"


def test_nesting_depth_of_normal_frontmatter_is_small() -> None:
    raw = sample_path("000").read_text(encoding="utf-8").split("---\n")[1]
    assert nesting_depth(raw) <= 3 < MAX_NESTING


def test_alias_bomb_is_refused() -> None:
    lines = ["title: Kept", "a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]
    lines += ["author: Me", "date: 2025-01-02"]
    result = describe("---\n" + "\n".join(lines) + "\n---\nbody\n", "bomb.md")
    assert result.problems and "too complex" in result.problems[0]
    assert "'a1'" in result.problems[0] and "3 more" in result.problems[0]
    assert result.meta.title == "Kept"
    data = result.meta.frontmatter
    assert data["author"] == "Me" and data["date"] == "2025-01-02" and len(data["a0"]) == 9
    assert not any(f"a{i}" in data for i in range(1, 9))


def test_an_alias_refuses_only_its_field() -> None:
    result = describe("---\nbase: &b {k: 1}\ncopy: *b\n<<: *b\ntitle: T\n---\n", "a.md")
    assert result.meta.frontmatter == {"base": {"k": 1}, "title": "T"}
    assert result.problems == ["frontmatter too complex: aliases refused in 'copy', '<<'"]


def test_an_aliased_list_is_not_a_mapping() -> None:
    result = describe("---\n- &a 1\n- *a\n---\nbody\n", "l.md")
    assert result.problems == ["frontmatter is not a mapping (it is a list)"]


def test_frontmatter_values_are_json_safe() -> None:
    text = (
        "---\ntitle: t\n1: one\nnull: none\n2025-01-01: new year\n"
        "when: 2025-01-02 03:04:05\nratio: .nan\nblob: !!binary aGVsbG8=\n---\n"
    )
    data = describe(text, "j.md").meta.frontmatter
    json.dumps(data, allow_nan=False)
    assert data["1"] == "one"
    assert data["null"] == "none"
    assert data["2025-01-01"] == "new year"
    assert data["when"] == "2025-01-02T03:04:05"
    assert data["blob"] == "aGVsbG8="


# Fields


def test_source_url_keys_and_empty_values() -> None:
    text = '---\ntitle: t\nsource: ""\nsource_url: ""\nurl: https://example.com/a\n---\n'
    assert describe(text, "u.md").meta.source_url == "https://example.com/a"


def test_non_web_source_is_not_a_url() -> None:
    text = "---\ntitle: t\nsource: 36氪\nlink: javascript:alert(1)\n---\n"
    assert describe(text, "u.md").meta.source_url is None


def test_tags_as_comma_string_and_author_list() -> None:
    text = "---\ntitle: t\ntags: AI, 访谈，安全, AI\nauthors: [甲, 乙]\n---\n"
    meta = describe(text, "t.md").meta
    assert meta.tags == ["AI", "访谈", "安全"]
    assert meta.author == "甲, 乙"


def test_speaker_is_an_author() -> None:
    assert describe("---\ntitle: t\nspeaker: 丹妮拉\n---\n", "s.md").meta.author == "丹妮拉"


def test_extra_entity_lists() -> None:
    text = "---\ntitle: t\npeople: [达里奥]\nplaces: 旧金山, 北京\nother: [x]\n---\n"
    meta = describe(text, "e.md", entity_lists=["places"]).meta
    assert meta.entities == {"people": ["达里奥"], "places": ["旧金山", "北京"]}


def test_title_is_cleaned_but_source_is_not() -> None:
    text = '---\ntitle: "\\e[31m红色\\e]0;pwned\\a  标题\\t\\u202e反\\x00"\n---\n'
    meta = describe(text, "c.md").meta
    assert meta.title == "红色 标题 反"
    assert "\x1b" in parse_frontmatter(text).data["title"]  # type: ignore[operator]  # a str here


def test_clean_line() -> None:
    assert clean_line("  a\x1b[1mb\x1b[0m\n\r c\x9b2Jd  ") == "ab cd"


# Inference


def test_leading_heading_is_the_title() -> None:
    meta = describe("\n# 一个 **标题**\n\n正文。\n", "h.md").meta
    assert (meta.title, meta.title_inferred) == ("一个 标题", False)


def test_bold_heading_markers_are_dropped() -> None:
    assert describe("# **标题**\n正文\n", "h.md").meta.title == "标题"


def test_second_level_heading_title_is_inferred() -> None:
    meta = describe("## 小标题\n正文\n", "h.md").meta
    assert (meta.title, meta.title_inferred) == ("小标题", True)


def test_web_page_shape_with_navigation_junk() -> None:
    text = (
        "首页\n  • 登录\n  • 注册\n\n科技 > 正文\n\n"
        "真正的新闻标题\n\n2024年3月5日 08:00\n\n内容。\n"
    )
    meta = describe(text, "page.txt").meta
    assert meta.title == "真正的新闻标题"
    assert meta.date == "2024-03-05"


def test_long_first_line_is_cut_at_a_sentence() -> None:
    text = "这是第一句话，它不太长。" + "然后是非常长的第二句" * 20 + "\n"
    assert describe(text, "p.txt").meta.title == "这是第一句话，它不太长"


def test_long_sentence_is_trimmed_with_an_ellipsis() -> None:
    title = describe("长" * 200 + "\n", "p.txt").meta.title
    assert len(title) == MAX_TITLE_CHARS and title.endswith("…")


def test_images_and_shortcodes_are_not_titles() -> None:
    text = "---\ndraft: true\n---\n![封面](/a.jpg)\n{{< youtube\nabc >}}\n第一段正文。\n"
    assert describe(text, "s.md").meta.title == "第一段正文"


def test_author_line_is_found() -> None:
    assert describe("标题在此\n作者：张三\n正文\n", "a.txt").meta.author == "张三"


def test_file_name_is_the_last_resort() -> None:
    meta = describe("2024-01-01\n", "notes/my_file.md").meta
    assert (meta.title, meta.title_inferred) == ("my file", True)


def test_frontmatter_without_title_infers_from_body() -> None:
    meta = describe("---\ntags: [a]\n---\n\n正文的第一行\n", "n.md").meta
    assert meta.title == "正文的第一行"
    assert meta.title_inferred


@pytest.mark.parametrize(
    ("value", "date"),
    [
        ("2025-07-30 17:34", "2025-07-30"),
        ("2025/7/3", "2025-07-03"),
        ("2025.07.30", "2025-07-30"),
        ("发布于 2025年7月30日", "2025-07-30"),
        ("July 30, 2025", "2025-07-30"),
        ("2025-13-45", None),
        ("soon", None),
        (20250730, None),
    ],
)
def test_parse_date(value: object, date: str | None) -> None:
    assert parse_date(value) == date
