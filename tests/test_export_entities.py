"""Annotations that know their entities, and the export by entity (issue 14).

Golden files for ``kbtui export --entity`` and for the entity pages of
``--by entity``; the wiki links of a whole folder resolve to files it holds;
links never land in code or in other links; the CLI's errors are one line.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from export_samples import CORPUS, documents, items
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from test_cli import DOC_000, annotate, run
from test_export import MARKDOWN_BITS, assert_golden, options

from kbtui.annotations.model import AnchorState, Annotation
from kbtui.documents.model import Metadata
from kbtui.entities.entities_file import load_entities_file
from kbtui.entities.mentions import MentionIndex
from kbtui.entities.registry import EntityRegistry
from kbtui.exchange.about import About, find_entity
from kbtui.exchange.entity_pages import plan_pages
from kbtui.exchange.markdown import ExportItem, Scope, render_markdown
from kbtui.exchange.mdsafe import escape_block
from kbtui.exchange.pipeline import about_entity
from kbtui.exchange.wikilinks import LinkStyle, WikiLinker, link, protected_spans

NAMES = ["Anthropic", "达里奥·阿莫代伊", "Dario Amodei", "`", "[[", "]]", "](", "<", ">", "|"]

WIKILINK = re.compile(r"\[\[([^\]|]+)(?:\|[^\]]*)?\]\]")


@pytest.fixture(scope="module")
def index() -> MentionIndex:
    """The sample corpus's entities (its ``entities.yaml``) indexed over its documents."""
    registry = EntityRegistry.for_corpus(load_entities_file(CORPUS))
    return MentionIndex.from_documents(registry, documents())


def titles() -> dict[str, str]:
    return {doc.id: doc.meta.title for doc in documents()}


def pages(index: MentionIndex, **kw: object) -> dict[str, str]:
    planned = plan_pages(items(), index, options(), titles(), **kw)  # type: ignore[arg-type]
    return dict(planned)


def entity_export(index: MentionIndex, name: str) -> str:
    entity = find_entity(index, name)
    chosen = about_entity(items(), About(index), entity)
    return render_markdown(chosen, options(scope=Scope(entity=name)))


# --- what an annotation is about ------------------------------------------------------------


def by_id(n: int) -> Annotation:
    return next(a for item in items() for a in item.annotations if a.id.endswith(f"{n:012d}"))


def names(index: MentionIndex, annotation: Annotation) -> list[str]:
    return [e.name for e in About(index).entities(annotation)]


def test_the_quote_names_its_entities_in_order(index: MentionIndex) -> None:
    assert names(index, by_id(1)) == ["Daniela Amodei", "Dario Amodei"]
    assert names(index, by_id(2)) == ["OpenAI", "Google", "Meta"]


def test_a_note_names_entities_the_quote_does_not(index: MentionIndex) -> None:
    annotation = replace(by_id(5), note="Compare 黃仁勛 with Jensen Huang")
    assert names(index, annotation) == ["Anthropic", "Jensen Huang"]


def test_half_a_name_in_the_quote_still_names_it(index: MentionIndex) -> None:
    whole = by_id(7)
    cut = replace(whole, start=whole.start + 4, end=whole.start + 8)  # "Dario Amodei" from "rio"
    assert names(index, cut) == ["Dario Amodei"]


def test_an_orphan_is_read_by_its_quote(index: MentionIndex) -> None:
    orphan = replace(by_id(4), quote="克里斯·奥拉离开了OpenAI", note="")
    assert orphan.anchor == AnchorState.ORPHAN
    assert names(index, orphan) == ["Chris Olah", "OpenAI"]


def test_a_surname_the_index_resolved_names_the_person(index: MentionIndex) -> None:
    """Why the quote is read through the index: alone, ``Amodei`` is a shared name."""
    doc = "004_6b75a25af0571ee2.txt"
    inferred = next(m for m in index.mentions_in(doc) if m.inferred)
    source = next(d for d in documents() if d.id == doc).source
    assert source[inferred.start : inferred.end] == "Amodei"
    quote = Annotation.from_source(doc, source, inferred.start - 3, inferred.end + 3)
    assert inferred.entity_id == "dario amodei" and names(index, quote) == ["Dario Amodei"]
    assert names(index, replace(quote, anchor=AnchorState.ORPHAN)) == []


def test_a_shared_name_names_nobody(index: MentionIndex) -> None:
    assert names(index, replace(by_id(5), note="Amodei")) == ["Anthropic"]


# --- export by entity -----------------------------------------------------------------------


def test_golden_entity_export(index: MentionIndex) -> None:
    assert_golden("entity-dario-amodei.md", entity_export(index, "Dario Amodei"))


def test_entity_export_takes_any_spelling_in_any_script(index: MentionIndex) -> None:
    golden = entity_export(index, "Dario Amodei").replace("entity Dario Amodei", "")
    for name in ("達里奧·阿莫代伊", "dario amodei"):
        assert entity_export(index, name).replace(f"entity {name}", "") == golden


def test_unknown_and_shared_names_are_refused(index: MentionIndex) -> None:
    with pytest.raises(LookupError, match="no entity is called 'Nobody'"):
        find_entity(index, "Nobody")
    with pytest.raises(LookupError, match=r"shared by .*Dario Amodei"):
        find_entity(index, "Amodei")


@pytest.mark.parametrize("name", ["Anthropic.md", "Chris Olah.md"])
def test_golden_entity_pages(index: MentionIndex, name: str) -> None:
    assert_golden(f"entity-pages/{name}", pages(index, wikilinks=LinkStyle.OBSIDIAN)[name])


def test_every_wiki_link_resolves_to_a_file_of_the_folder(index: MentionIndex) -> None:
    written = pages(index, wikilinks=LinkStyle.OBSIDIAN)
    stems = {name.removesuffix(".md") for name in written}
    links = [(name, target) for name, text in written.items() for target in WIKILINK.findall(text)]
    assert len(links) > 100
    assert [(name, t) for name, t in links if t not in stems] == []


def test_logseq_links_read_the_name_as_written(index: MentionIndex) -> None:
    obsidian = pages(index, wikilinks=LinkStyle.OBSIDIAN)
    logseq = pages(index, wikilinks=LinkStyle.LOGSEQ)
    assert obsidian.keys() == logseq.keys()
    aliased = re.compile(r"\[\[([^\]|]+)\|([^\]]*)\]\]")
    for name, text in obsidian.items():
        assert logseq[name] == aliased.sub(r"[\2]([[\1]])", text), name
    assert not any(aliased.search(text) for text in logseq.values())
    assert any("[达里奥·阿莫代伊]([[Dario Amodei]])" in text for text in logseq.values())


def test_a_link_names_its_page_alone_when_the_text_is_the_page() -> None:
    for style in LinkStyle:
        assert link("Anthropic", "Anthropic", style) == "[[Anthropic]]"
    assert link("Dario Amodei", "达里奥", LinkStyle.LOGSEQ) == "[达里奥]([[Dario Amodei]])"
    assert link("Dario Amodei", "达里奥", LinkStyle.OBSIDIAN) == "[[Dario Amodei|达里奥]]"


def test_front_matter_is_yaml_with_aliases(index: MentionIndex) -> None:
    page = pages(index)["Dario Amodei.md"]
    fields = yaml.safe_load(page[4 : page.index("\n---\n")])
    assert fields["aliases"] == ["达里奥·阿莫代伊", "达里奥", "Dario"]
    assert fields["alias"] == "达里奥·阿莫代伊, 达里奥, Dario" and fields["kind"] == "person"


def test_the_notes_are_those_of_a_folder_export(index: MentionIndex) -> None:
    written = pages(index)
    notes = ["Anthropic的诞生与安全愿景：AGI概念的重新审视.md", "Dario Amodei 访谈整理.md"]
    for note in notes:
        golden = (Path(__file__).parent / "golden" / "per-document" / note).read_text("utf-8")
        assert written[note] == golden


def test_an_entity_page_never_takes_a_notes_name(index: MentionIndex) -> None:
    listed = items()
    doc = listed[0].document
    titled = replace(doc, meta=Metadata(title="Anthropic"))
    listed[0] = ExportItem(titled, listed[0].annotations)
    planned = dict(plan_pages(listed, index, options(), titles(), wikilinks=LinkStyle.OBSIDIAN))
    assert "Anthropic.md" in planned and "Anthropic (2).md" in planned
    assert "# Anthropic\n" in planned["Anthropic (2).md"]
    assert "- [[Anthropic]] (14)" in planned["Anthropic (2).md"]  # the note, not the page


def test_one_entity_gets_one_page(index: MentionIndex) -> None:
    only = find_entity(index, "Chris Olah")
    planned = plan_pages(items(), index, options(), titles(), only=only)
    assert [name for name, _ in planned][-1] == "Chris Olah.md"
    assert not any(name == "Anthropic.md" for name, _ in planned)


# --- wiki links -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def linker(index: MentionIndex) -> WikiLinker:
    ids = {name: find_entity(index, name).id for name in ("Anthropic", "Dario Amodei")}
    return WikiLinker(index.matcher, {ids["Anthropic"]: "Anthropic", ids["Dario Amodei"]: "DA"})


@pytest.mark.parametrize(
    "text",
    [
        "`Anthropic`",
        "``a `Anthropic` b``",
        "```\nAnthropic\n```",
        "[[Anthropic]]",
        "[Anthropic](https://anthropic.com)",
        "<https://anthropic.com/Anthropic>",
        "see https://x.org/Anthropic/page",
        "#Anthropic",
        "    Anthropic in indented code",
        "$Anthropic$",
        "\\Anthropic",
    ],
)
def test_no_link_in_code_links_urls_or_tags(linker: WikiLinker, text: str) -> None:
    assert linker(text) == text


def test_names_elsewhere_are_linked_keeping_the_text(linker: WikiLinker) -> None:
    text = "**達里奧·阿莫代伊** left; `Anthropic` then Anthropic."
    assert linker(text) == "**[[DA|達里奧·阿莫代伊]]** left; `Anthropic` then [[Anthropic]]."


@settings(max_examples=300, deadline=None)
@given(st.lists(MARKDOWN_BITS | st.sampled_from(NAMES) | st.text(max_size=3), max_size=25))
def test_links_never_change_the_structure(linker: WikiLinker, bits: list[str]) -> None:
    """Whatever the text around them, links add no block and land outside code."""
    text = escape_block("".join(bits))
    linked = linker(text)
    assert block_types(linked) == block_types(text)
    assert linked.replace("[[Anthropic]]", "Anthropic").replace("[[DA|", "").replace(
        "]]", ""
    ) == text.replace("]]", "")


def block_types(text: str) -> list[str]:
    return [t.type for t in MarkdownIt("commonmark").parse(text) if t.type != "inline"]


def test_protected_spans_cover_a_fence_to_its_end() -> None:
    text = "a\n```\nx\n```\nb"
    assert protected_spans(text) == [(2, 12)]


# --- the CLI --------------------------------------------------------------------------------


def test_cli_export_by_entity(
    capsys: pytest.CaptureFixture[str], sample_corpus: Path, tmp_path: Path
) -> None:
    db = tmp_path / "db.json"
    annotate(db, sample_corpus, DOC_000, "达里奥·阿莫代伊")
    annotate(db, sample_corpus, DOC_000, "安全护栏")
    code, markdown, _ = run(capsys, "export", "--db", str(db), "--entity", "Dario Amodei")
    assert code == 0 and markdown.count("\n> ") == 1 and "> 达里奥·阿莫代伊" in markdown
    code, text, _ = run(capsys, "export", "--db", str(db), "--entity", "dario", "--format", "json")
    assert code == 0 and len(json.loads(text)) == 1


@pytest.mark.parametrize(
    ("argv", "status", "message"),
    [
        (["--entity", "Nobody"], 1, "no entity is called 'Nobody'"),
        (["--entity", "Amodei"], 1, "is a name shared by"),
        (["--entity", " "], 2, "--entity needs a name"),
        (["--by", "entity"], 2, "into a folder: --out DIR/"),
        (["--by", "entity", "--format", "json", "--out", "x/"], 2, "Markdown pages"),
        (["--wikilinks", "--out", "x/"], 2, "add --by entity"),
    ],
)
def test_cli_errors_are_one_line(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    argv: list[str],
    status: int,
    message: str,
) -> None:
    code, out, err = run(capsys, "export", "--db", str(tmp_path / "db.json"), *argv)
    assert (code, out, err.count("\n")) == (status, "", 1) and message in err


def test_cli_names_the_link_styles(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    argv = ["--by", "entity", "--wikilinks", "roam", "--out", f"{tmp_path}/x/"]
    code, out, err = run(capsys, "export", "--db", str(tmp_path / "db.json"), *argv)
    assert (code, out) == (2, "") and "'obsidian', 'logseq'" in err.splitlines()[-1]
    assert not (tmp_path / "x").exists()


def test_cli_writes_pages_whose_links_resolve(
    capsys: pytest.CaptureFixture[str], sample_corpus: Path, tmp_path: Path
) -> None:
    db = tmp_path / "db.json"
    annotate(db, sample_corpus, DOC_000, "达里奥·阿莫代伊", note="with Jensen Huang")
    out = tmp_path / "vault"
    argv = ["export", "--db", str(db), "--by", "entity", "--wikilinks", "--out", f"{out}/"]
    code, _, _ = run(capsys, *argv)
    assert code == 0
    stems = {path.stem for path in out.iterdir()}
    page = (out / "Jensen Huang.md").read_text("utf-8")
    assert "> [[Dario Amodei|达里奥·阿莫代伊]]" in page and "with [[Jensen Huang]]" in page
    for path in out.iterdir():
        assert set(WIKILINK.findall(path.read_text("utf-8"))) <= stems, path.name
    code, _, _ = run(capsys, *argv[:-2], "logseq", "--out", f"{out}-logseq/", "--force")
    page = (tmp_path / "vault-logseq" / "Jensen Huang.md").read_text("utf-8")
    assert code == 0 and "> [达里奥·阿莫代伊]([[Dario Amodei]])" in page
