"""Entities: one node however a name is spelled; the sample list; user records."""

from __future__ import annotations

from pathlib import Path

import pytest

from kbtui.documents.metadata import STANDARD_ENTITY_LISTS
from kbtui.entities.entities_file import load_entities_file, parse_entities_yaml
from kbtui.entities.model import (
    EntityRecord,
    Kind,
    alias_record,
    merge_record,
    new_entity_record,
    rename_record,
)
from kbtui.entities.names import name_key
from kbtui.entities.registry import EntityRegistry


@pytest.fixture(scope="module")
def sample_registry() -> EntityRegistry:
    """The registry of the bundled corpus's entities.yaml."""
    root = Path(__file__).resolve().parents[1] / "corpus"
    return EntityRegistry.for_corpus(load_entities_file(root))


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("達里奧·阿莫代伊", "达里奥·阿莫代伊"),
        ("dario amodei", "Dario Amodei"),
        ("英偉達", "英伟达"),
        ("达里奥・阿莫代伊", "达里奥·阿莫代伊"),
        ("达里奥•阿莫代伊", "达里奥‧阿莫代伊"),
        ("Ｄａｒｉｏ　Ａｍｏｄｅｉ", "dario amodei"),
        ("  Dario \t\n Amodei ", "Dario Amodei"),
        ("黃仁勛", "黄仁勋"),
    ],
)
def test_spellings_of_one_name_share_a_key(one: str, other: str) -> None:
    assert name_key(one) == name_key(other)


def test_a_different_name_is_not_folded_together() -> None:
    assert name_key("輝達") != name_key("英伟达")
    assert name_key("") == name_key("   ") == ""


def test_every_spelling_leads_to_one_entity(sample_registry: EntityRegistry) -> None:
    spellings = [
        "Dario Amodei",
        "dario amodei",
        "达里奥·阿莫代伊",
        "達里奧·阿莫代伊",
        "達里奧",
        "Dario",
    ]
    found = {sample_registry.lookup(name).id for name in spellings}
    assert found == {"dario amodei"}


def test_taiwan_name_joins_only_as_a_declared_alias(sample_registry: EntityRegistry) -> None:
    assert sample_registry.lookup("輝達").id == sample_registry.lookup("英偉達").id == "nvidia"
    bare = EntityRegistry.build([EntityRecord("Nvidia", Kind.ORGANISATION, ("英伟达",))])
    assert bare.lookup("英偉達").id == "nvidia"
    assert bare.lookup("輝達") is None


def test_sample_list_names_the_people_organisations_and_products(
    sample_registry: EntityRegistry,
) -> None:
    expected = {
        Kind.PERSON: ["Dario Amodei", "Daniela Amodei", "Chris Olah", "Jared Kaplan", "Tom Brown",
                      "Jack Clark", "Sam Altman", "Jensen Huang", "Eric Schmidt", "Mike Krieger",
                      "Jan Leike", "Paul Christiano", "奧特曼", "黃仁勛", "丹妮拉"],
        Kind.ORGANISATION: ["Anthropic", "OpenAI", "Google Brain", "Google", "Amazon",
                            "Microsoft", "Nvidia", "Meta", "DeepSeek", "谷歌", "英伟达", "亞馬遜"],
        Kind.PRODUCT: ["Claude", "Claude Code", "GPT-2", "GPT 2", "GPT-3", "ChatGPT"],
    }  # fmt: skip
    for kind, names in expected.items():
        for name in names:
            entity = sample_registry.lookup(name)
            assert entity is not None and entity.kind is kind, name
    assert load_entities_file(Path(__file__).resolve().parents[1] / "corpus").problems == []


def test_shared_surname_is_ambiguous_not_given_to_one(sample_registry: EntityRegistry) -> None:
    amodei = sample_registry.lookup("Amodei")
    assert amodei is not None and amodei.kind is Kind.AMBIGUOUS
    assert {"dario amodei", "daniela amodei"} <= set(amodei.candidates)
    assert sample_registry.lookup("阿莫代伊") == amodei  # one ambiguous node, two spellings
    dario = sample_registry.get("dario amodei")
    assert dario is not None
    assert "Amodei" not in dario.aliases and "Amodei" in dario.shared


def test_canonical_name_wins_over_an_alias() -> None:
    registry = EntityRegistry.build(
        [EntityRecord("Claude", Kind.PRODUCT), EntityRecord("Anthropic", aliases=("Claude",))]
    )
    assert registry.lookup("claude").id == "claude"
    assert registry.get("anthropic").aliases == ()


def test_frontmatter_names_join_known_entities_or_make_new_ones(
    sample_registry: EntityRegistry,
) -> None:
    registry = EntityRegistry.build(
        [EntityRecord("Daniela Amodei", Kind.PERSON, ("丹妮拉·阿莫代伊",))],
        [("people", "丹妮拉·阿莫代伊"), ("people", "Some One"), ("media_books", "A Book")],
    )
    daniela = registry.lookup("丹妮拉·阿莫代伊")
    assert daniela is not None and daniela.id == "daniela amodei"
    assert daniela.sources == {"file", "frontmatter"}
    assert registry.lookup("some one").kind is Kind.PERSON
    assert registry.lookup("A Book").kind is Kind.OTHER
    assert len(registry) == 3


def test_for_corpus_reads_the_declared_entity_lists() -> None:
    entities_file = parse_entities_yaml("entity_lists: [media_books]\n")
    assert entities_file.entity_lists == (*STANDARD_ENTITY_LISTS, "media_books")
    metadata = [{"media_books": ["The Book"], "people": ["Ann"], "ignored": ["X Y"]}]
    registry = EntityRegistry.for_corpus(entities_file, metadata)
    assert registry.lookup("the book") is not None and registry.lookup("ann") is not None
    assert registry.lookup("x y") is None


def test_user_record_makes_a_new_entity_and_adds_aliases(
    sample_registry: EntityRegistry,
) -> None:
    records = [
        new_entity_record("  Vinay ", Kind.PERSON),
        alias_record(sample_registry.get("claude"), "克劳德"),
    ]
    registry = _rebuilt(records)
    assert registry.lookup("vinay").kind is Kind.PERSON
    assert registry.lookup("克勞德").id == "claude"
    assert registry.lookup("claude").sources == {"file", "user"}


def test_user_alias_resolves_an_ambiguity_by_choice(sample_registry: EntityRegistry) -> None:
    dario = sample_registry.get("dario amodei")
    registry = _rebuilt([alias_record(dario, "Amodei")])
    assert registry.lookup("Amodei").id == "dario amodei"
    assert registry.lookup("阿莫代伊").kind is Kind.AMBIGUOUS


def test_rename_keeps_the_old_name_as_alias(sample_registry: EntityRegistry) -> None:
    record = rename_record(sample_registry.get("jack clark"), "John Clark")
    registry = _rebuilt([record])
    renamed = registry.lookup("Jack Clark")
    assert renamed is not None and renamed.name == "John Clark" and renamed.id == "john clark"
    assert registry.get("jack clark") is None
    assert registry.lookup("Clark") == renamed


def test_merge_absorbs_the_other_entity(sample_registry: EntityRegistry) -> None:
    google = sample_registry.get("google")
    brain = sample_registry.get("google brain")
    registry = _rebuilt([merge_record(google, brain)])
    assert registry.get("google brain") is None
    assert registry.lookup("谷歌Brain").id == "google"
    assert len(registry) == len(sample_registry) - 1


def test_set_kind_and_later_records_win(sample_registry: EntityRegistry) -> None:
    meta = sample_registry.get("meta")
    registry = _rebuilt(
        [EntityRecord(meta.name, k, meta.aliases) for k in (Kind.PRODUCT, Kind.OTHER)]
    )
    assert registry.get("meta").kind is Kind.OTHER


def test_records_round_trip_and_reject_junk() -> None:
    stored = {"name": "达里奥", "kind": "person", "aliases": ["Dario"]}
    assert EntityRecord.from_dict(stored) == EntityRecord("达里奥", Kind.PERSON, ("Dario",))
    for junk in (
        None,
        [],
        "name",
        {"name": ""},
        {"name": None},
        {"name": ["x"]},
        {"kind": "person"},
    ):
        assert EntityRecord.from_dict(junk) is None
    odd = EntityRecord.from_dict({"name": 42, "kind": "spaceship", "aliases": "single"})
    assert odd == EntityRecord("42", Kind.OTHER, ("single",))


def test_broken_entities_file_is_reported_not_raised(tmp_path: Path) -> None:
    assert parse_entities_yaml("entities: [unclosed").problems
    assert parse_entities_yaml("- just a list").problems
    assert parse_entities_yaml("entities: 3").problems
    result = parse_entities_yaml("entities:\n  - kind: person\n  - name: Ann\n")
    assert [r.name for r in result.entities] == ["Ann"] and len(result.problems) == 1
    assert load_entities_file(tmp_path).entities == []  # no file: nothing declared
    (tmp_path / "entities.yaml").write_bytes(b"\xff\xfe\x00junk")
    assert load_entities_file(tmp_path).problems


def test_hostile_entities_file_is_reported_not_raised() -> None:
    deep = parse_entities_yaml("entities: " + "[" * 50_000)
    assert deep.entities == [] and "nested" in deep.problems[0]
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n"
    for level in "bcdef":
        bomb += f"{level}: &{level} [{', '.join([f'*{chr(ord(level) - 1)}'] * 9)}]\n"
    bomb += "entity_lists: [*f, *f, topics, 7]\nentities:\n  - name: Ann\n    kind: *f\n"
    result = parse_entities_yaml(bomb)  # lists are not names: none is spelled out
    assert result.entity_lists == (*STANDARD_ENTITY_LISTS, "topics", "7")
    assert result.entities == [EntityRecord("Ann", Kind.OTHER)]


def _rebuilt(user: list[EntityRecord]) -> EntityRegistry:
    root = Path(__file__).resolve().parents[1] / "corpus"
    return EntityRegistry.for_corpus(load_entities_file(root), user=user)


def test_an_ambiguous_name_cannot_be_edited_as_an_entity(sample_registry: EntityRegistry) -> None:
    amodei = sample_registry.lookup("Amodei")
    with pytest.raises(ValueError, match="shared"):
        alias_record(amodei, "阿莫迪")
    with pytest.raises(ValueError):
        merge_record(sample_registry.get("dario amodei"), amodei)
