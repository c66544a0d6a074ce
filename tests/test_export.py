"""Markdown export: golden files for the sample corpus, hostile text, templates, scope."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import jinja2
import opencc
import pytest
import yaml
from export_samples import EXPORTED, HOSTILE_NOTE, annotations, document, documents, items
from hypothesis import example, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from kbtui.annotations.model import Annotation
from kbtui.documents.metadata import describe
from kbtui.documents.model import Document, Metadata
from kbtui.exchange import w3c
from kbtui.exchange.filenames import MAX_NAME_BYTES
from kbtui.exchange.markdown import (
    AnnotationView,
    Counts,
    DocumentView,
    ExportContext,
    ExportItem,
    MarkdownOptions,
    Scope,
    open_command,
    render_markdown,
    render_per_document,
    select,
)
from kbtui.exchange.outline import Outline
from kbtui.exchange.template import TemplateError, compile_template, load_template

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("KBTUI_UPDATE_GOLDEN") == "1"
"""Set ``KBTUI_UPDATE_GOLDEN=1`` to rewrite the golden files after a deliberate change."""

BREAKING_TOKENS = {"fence", "hr", "html_block", "heading_open"}
"""Blocks that text from a document or a note must never produce (indented code may:
it ends at the first line that is not indented, so it cannot reach past the note)."""

MARKDOWN_BITS = st.sampled_from(
    [
        *["\n", "\n\n", " ", "   ", "    ", "\t", "#", "# ", "###### ", "-", "- ", "---"],
        *["***", "___", "=", "===", "*", "_", "+ ", "1. ", "2) ", ">", "> ", "```", "~~~"],
        *["<div>", "</p>", "<!--", "-->", "%%", "$$", "[a]: /u", "[^1]: x", "|", "`", "\\"],
        *["\r", "\r\n", "\x1b", "\x85", "\u2028", "text", "文字", "{{ x }}", "{% raw %}"],
        *["[@click=app.quit]", "::"],
    ]
)
hostile_text = st.lists(MARKDOWN_BITS | st.text(max_size=4), max_size=30).map("".join)
"""Text built from the pieces Markdown gives meaning to, in any order."""


def options(**kw: object) -> MarkdownOptions:
    """Export options with the fixed export time."""
    return MarkdownOptions(exported=EXPORTED, **kw)  # type: ignore[arg-type]  # fields of any type


def s2t(text: str) -> str:
    """Simplified to Traditional, as the ``traditional`` script does."""
    return _S2T.convert(text)


_S2T = opencc.OpenCC("s2t")


def traditional(doc: Document) -> Callable[[str], str]:
    """The converter for every document: plain s2t (what a Simplified source gets)."""
    return s2t


def assert_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"differs from {path}"


def header(text: str) -> dict[str, object]:
    """The YAML header of an export, parsed."""
    assert text.startswith("---\n")
    return yaml.safe_load(text[4 : text.index("\n---\n")])


def block_tokens(text: str) -> list[tuple[str, str]]:
    """(type, text) of the block-level tokens of a Markdown body (after the header)."""
    body = text[text.index("\n---\n") + 5 :]
    tokens = MarkdownIt("commonmark").parse(body)
    return [
        (t.type, tokens[i + 1].content if t.type == "heading_open" else "")
        for i, t in enumerate(tokens)
    ]


def headings(text: str) -> list[str]:
    return [content for kind, content in block_tokens(text) if kind == "heading_open"]


# --- golden files ---------------------------------------------------------------------------


def test_golden_all_documents() -> None:
    assert_golden("all.md", render_markdown(items(), options()))


def test_golden_one_document_in_traditional() -> None:
    scope = Scope(doc_id="000_7aa956d427ec0c4c.txt")
    text = render_markdown(
        items(), options(scope=scope, script="traditional", converter=traditional)
    )
    assert_golden("000-traditional.md", text)


def test_golden_tag_scope() -> None:
    assert_golden("tag-founders.md", render_markdown(items(), options(scope=Scope(tag="founders"))))


def test_golden_document_without_annotations() -> None:
    scope = Scope(doc_id="004_6b75a25af0571ee2.txt")
    assert_golden("004-empty.md", render_markdown(items(), options(scope=scope)))


def test_golden_one_file_per_document() -> None:
    files = render_per_document(items(), options())
    names = [name for name, _ in files]
    assert names == [
        "Anthropic的诞生与安全愿景：AGI概念的重新审视.md",
        "Anthropic的联合创始人丹妮拉·阿莫代伊.md",
        "一群AI科學家不想創業，卻為了信任創立了巨頭Anthropic？.md",
        "Dario Amodei 访谈整理.md",
    ]
    for name, text in files:
        assert_golden(f"per-document/{name}", text)
        assert header(text)["documents"] == 1


def test_json_round_trip_gives_the_same_markdown() -> None:
    """Export JSON, import into nothing, export Markdown: the same text.

    Only what the database holds goes through JSON (annotations, document
    tags); the documents and their entities come from the corpus again.
    """
    before = items()
    exported = w3c.dumps(
        (a for item in before for a in item.annotations),
        {item.document.id: item.user_tags for item in before},
    )
    result = w3c.loads(exported.encode("utf-8"))
    assert result.rejections == []
    after = [
        replace(
            item,
            annotations=[a for a in result.annotations if a.doc_id == item.document.id],
            user_tags=result.document_tags.get(item.document.id, []),
        )
        for item in before
    ]
    assert any(item.user_tags for item in after)
    assert render_markdown(after, options()) == render_markdown(before, options())


# --- structure and hostile text -------------------------------------------------------------


def test_header_is_yaml_with_counts() -> None:
    meta = header(render_markdown(items(), options()))
    assert meta == {
        "exported": EXPORTED,
        "scope": "all documents",
        "script": "original",
        "documents": 4,
        "annotations": 8,
        "orphans": 1,
    }


def test_only_titles_and_the_orphan_section_are_headings() -> None:
    text = render_markdown(items(), options())
    assert headings(text) == [
        "Anthropic的诞生与安全愿景：AGI概念的重新审视",
        "Orphaned annotations",
        "Anthropic的联合创始人丹妮拉·阿莫代伊",
        "一群AI科學家不想創業，卻為了信任創立了巨頭Anthropic？",
        "Dario Amodei 访谈整理",
    ]
    kinds = {kind for kind, _ in block_tokens(text)}
    assert not kinds & (BREAKING_TOKENS - {"heading_open"})


def test_hostile_note_is_kept_as_text() -> None:
    text = render_markdown(items(), options())
    assert "[@click=app.quit] {{ 7*7 }} ␛[31mred␛[0m" in text
    assert "\x1b" not in text
    for line in ("\\# heading in a note", "\\---", "\\> not a quote", "\\```", "\\===", "\\<div>"):
        assert f"\n{line}\n" in text


def test_quote_of_a_source_block_quote_stays_literal() -> None:
    text = render_markdown(items(), options())
    assert "> \\> Dario Amodei 以及它背后的 Anthropic 公司\n" in text


def hostile_item(title: str, note: str, quote_text: str = "quoted") -> ExportItem:
    source = f"# Intro\n\n{quote_text}\n"
    doc = Document("dir/a b$(x).txt", Path("a"), source, Metadata(title=title))
    start = source.index(quote_text)
    anno = Annotation.from_source(doc.id, source, start, start + len(quote_text), note=note)
    return ExportItem(doc, [anno], ["tag with spaces"], ["Entity [x]"])


@pytest.mark.parametrize(
    "title",
    [
        "../../x/a:b|c",
        "# heading",
        "---",
        "> quote",
        "title ##",
        "a\nb\r\nc\x1b[2J",
        "[@click=app.quit]",
    ],
)
def test_hostile_titles_stay_one_heading(title: str) -> None:
    text = render_markdown([hostile_item(title, "note")], options())
    assert len(headings(text)) == 1
    assert "\x1b" not in text


@settings(max_examples=500, deadline=None)
@given(note=hostile_text, quote_text=hostile_text.filter(bool), title=hostile_text)
@example(note="*\n    #", quote_text="\n", title="")  # a heading inside a list item
def test_any_text_keeps_the_structure(note: str, quote_text: str, title: str) -> None:
    """Whatever the note, quote and title hold, the outline and header are kbtui's."""
    text = render_markdown([hostile_item(title, note, quote_text)], options())
    assert len(headings(text)) == 1
    kinds = [kind for kind, _ in block_tokens(text)]
    assert not set(kinds) & (BREAKING_TOKENS - {"heading_open"})
    assert header(text)["annotations"] == 1
    assert not any(ch in text for ch in "\x1b\x9b\r\x00")


def test_tags_are_safe_hashtags() -> None:
    text = render_markdown(items(), options())
    assert "#founders #ai-safety" in text
    assert "#_1984 #a-b-c" in text
    assert "- Tags: #to-read #trust" in text


def test_open_command_is_shell_quoted() -> None:
    assert open_command("000.txt", 12) == "kbtui --open '000.txt#12'"
    assert open_command("a b$(rm -rf ~).txt", None) == "kbtui --open 'a b$(rm -rf ~).txt'"
    assert open_command("x.txt", 3, "/my corpus") == "kbtui --corpus '/my corpus' --open 'x.txt#3'"


def test_each_annotation_shows_its_reference() -> None:
    text = render_markdown(items(), options(corpus="/data/kb"))
    for item in items():
        for a in item.annotations:
            if a.anchor != "orphan":
                assert f"--open '{a.doc_id}#{a.start}'" in text


def test_script_applies_to_document_text_not_to_notes_or_tags() -> None:
    doc = Document("d.txt", Path("d"), "# 软件\n\n信息软件\n", Metadata(title="软件说明"))
    anno = Annotation.from_source("d.txt", doc.source, 6, 10, note="软件笔记", tags=["软件"])
    text = render_markdown(
        [ExportItem(doc, [anno])], options(converter=traditional, script="traditional")
    )
    assert "# 軟件說明" in text
    assert "> 信息軟件" in text
    assert "§ 軟件 ·" in text
    assert "\n软件笔记\n" in text
    assert "#软件" in text


# --- where an annotation stands -------------------------------------------------------------


def test_outline_skips_fenced_code_and_closing_hashes() -> None:
    source = "---\ntitle: x\n---\n# One #\ntext\n```\n# not a heading\n```\n## Two\nmore\n"
    doc = Document("d", Path("d"), source, Metadata(title="x"), body_start=source.index("# One"))
    outline = Outline.of(doc)
    assert outline.titles == ["One", "Two"]
    assert outline.place(source.index("# not"))[0] == "One"
    assert outline.place(source.index("more"))[0] == "Two"
    assert outline.place(source.index("## Two"))[0] == "Two"
    assert outline.place(0) == ("", 0)
    assert outline.place(len(source)) == ("Two", 100)


def test_percent_is_through_the_body() -> None:
    doc = document("000_7aa956d427ec0c4c.txt")
    outline = Outline.of(doc)
    assert outline.place(doc.body_start)[1] == 0
    middle = doc.body_start + (len(doc.source) - doc.body_start) // 2
    assert outline.place(middle)[1] == 50


# --- scope ----------------------------------------------------------------------------------


def test_select_by_document_keeps_an_empty_document() -> None:
    chosen = select(items(), Scope(doc_id="004_6b75a25af0571ee2.txt"))
    assert [i.document.id for i in chosen] == ["004_6b75a25af0571ee2.txt"]
    assert select(items(), Scope(doc_id="missing")) == []


def test_select_by_tag_takes_tagged_documents_whole_and_tagged_annotations() -> None:
    by_doc_tag = select(items(), Scope(tag="#TRUST"))
    assert [len(i.annotations) for i in by_doc_tag] == [1]
    by_anno_tag = select(items(), Scope(tag="founders"))
    assert [(i.document.id[:3], len(i.annotations)) for i in by_anno_tag] == [
        ("000", 1),
        ("003", 1),
    ]
    assert (
        select(items(), Scope(doc_id="003_0b861dc1db151f35.txt", tag="nothing"))[0].annotations
        == []
    )


def test_scope_label_in_header_survives_hostile_tags() -> None:
    text = render_markdown(items(), options(scope=Scope(tag='a: "b"\n---\n\x85x')))
    assert header(text)["scope"] == 'tag a: "b"\n---\n\x85x'


# --- templates ------------------------------------------------------------------------------


def test_user_template_sees_documented_variables(tmp_path: Path) -> None:
    path = tmp_path / "t.md.j2"
    path.write_text(
        "{{ scope }}|{{ counts.annotations }}\n"
        "{% for d in documents %}{{ d.title_raw }}:{% for a in d.annotations %}"
        "{{ a.ref }} {{ a.percent }} {{ a.hashtags | join(',') }};{% endfor %}\n{% endfor %}",
        encoding="utf-8",
    )
    scope = Scope(doc_id="003_0b861dc1db151f35.txt")
    text = render_markdown(items(), options(scope=scope, template=load_template(path)))
    assert text == (
        "document 003_0b861dc1db151f35.txt|2\n"
        "Dario Amodei 访谈整理:003_0b861dc1db151f35.txt#137 0 #founders;"
        "003_0b861dc1db151f35.txt#222 2 ;\n"
    )


def test_template_syntax_error_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.md.j2"
    path.write_text("line one\n{% for d in documents %}\n{{ d.title }\n", encoding="utf-8")
    with pytest.raises(TemplateError, match=rf"^{path}:3: "):
        load_template(path)


def test_template_runtime_error_names_the_line() -> None:
    template = compile_template("ok\n\n{{ documents[0].no_such_field }}\n", "mine.j2")
    with pytest.raises(TemplateError, match=r"^mine.j2:3: .*no_such_field"):
        render_markdown(items(), options(template=template))
    divide = compile_template("{{ 1 / 0 }}", "div.j2")
    with pytest.raises(TemplateError, match=r"^div.j2:1: division by zero"):
        render_markdown(items(), options(template=divide))


def test_template_is_sandboxed() -> None:
    template = compile_template("{{ documents.__class__.__mro__ }}", "evil.j2")
    with pytest.raises(TemplateError, match=r"^evil\.j2"):
        render_markdown(items(), options(template=template))
    call = compile_template("{{ documents[0].annotations[0].__init__.__globals__ }}", "evil2.j2")
    with pytest.raises(TemplateError):
        render_markdown(items(), options(template=call))


def test_unreadable_template_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match="cannot read the template"):
        load_template(tmp_path / "missing.j2")
    binary = tmp_path / "binary.j2"
    binary.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(TemplateError, match="cannot read the template"):
        load_template(binary)


def test_every_template_variable_is_documented() -> None:
    """docs/export.md lists every field a template sees, and every filter."""
    doc = (Path(__file__).resolve().parents[1] / "docs" / "export.md").read_text(encoding="utf-8")
    views = (ExportContext, DocumentView, AnnotationView, Counts)
    names = {name for view in views for name in view.__dataclass_fields__}
    names |= set(compile_template("", "x").environment.filters) - set(jinja2.filters.FILTERS)
    assert {name for name in names if f"`{name}`" not in doc} == set()


def test_default_template_is_package_data() -> None:
    from importlib.resources import files

    assert files("kbtui.exchange").joinpath("templates", "export.md.j2").is_file()


def test_sample_metadata_is_what_the_loader_finds() -> None:
    from kbtui.documents.corpus import Corpus

    for doc in documents():
        loaded = Corpus(doc.path.parent).load(doc.id).meta
        assert (doc.meta.whole_title, doc.meta.date, doc.meta.source_url, doc.meta.tags) == (
            loaded.whole_title,
            loaded.date,
            loaded.source_url,
            loaded.tags,
        )
        assert doc.meta.title == loaded.title
        assert doc.body_start == Corpus(doc.path.parent).load(doc.id).body_start


def test_samples_cover_the_cases() -> None:
    """The fixed annotations keep covering what the golden files are meant to show."""
    annos = annotations({d.id: d for d in documents()})
    assert {a.kind for a in annos} == {"highlight", "underline", "bookmark"}
    assert any(a.anchor == "orphan" for a in annos)
    assert any(a.note == HOSTILE_NOTE for a in annos)
    assert any(not a.note for a in annos)


def test_file_names_come_from_whole_titles_cut_at_the_byte_budget() -> None:
    long = "很长的标题" * 30  # 150 characters: shown cut to 60 with "…"
    doc = Document("x.md", Path("x.md"), f"# {long}\n\n正文\n", Metadata(title=""))
    loaded = replace(doc, meta=describe(doc.source, "x.md").meta)
    assert loaded.meta.title.endswith("…") and loaded.meta.whole_title == long
    scope = Scope(doc_id="x.md")
    [(name, _text)] = render_per_document([ExportItem(loaded, [], [])], options(scope=scope))
    assert "…" not in name and name.endswith(".md") and long.startswith(name[:-3])
    assert len(name.encode()) <= MAX_NAME_BYTES and len(name) > 60
