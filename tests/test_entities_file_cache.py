"""entities.yaml parsed once per content: start-up reads the cache, not the YAML."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from kbtui.entities import entities_file
from kbtui.entities.entities_file import load_entities_file
from kbtui.entities.model import Kind

TEXT = """\
entity_lists: [people, media_books]
entities:
  - name: Dario Amodei
    kind: person
    aliases: [达里奥, 達里奧]
  - name: Anthropic
    kind: organization
  - kind: person
"""


def _parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []
    real = entities_file.parse_entities_yaml
    monkeypatch.setattr(
        entities_file, "parse_entities_yaml", lambda t: (seen.append(t), real(t))[1]
    )
    return seen


def test_the_second_load_does_not_parse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "entities.yaml").write_text(TEXT, encoding="utf-8")
    parses = _parses(monkeypatch)
    first = load_entities_file(tmp_path)
    second = load_entities_file(tmp_path)
    assert len(parses) == 1
    assert second == first
    assert [(r.name, r.kind, r.aliases) for r in second.entities] == [
        ("Dario Amodei", Kind.PERSON, ("达里奥", "達里奧")),
        ("Anthropic", Kind.ORGANISATION, ()),
    ]
    assert second.problems and second.entity_lists == first.entity_lists


def test_a_changed_file_is_parsed_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "entities.yaml"
    path.write_text(TEXT, encoding="utf-8")
    load_entities_file(tmp_path)
    path.write_text("entities:\n  - name: Claude\n", encoding="utf-8")
    parses = _parses(monkeypatch)
    assert [r.name for r in load_entities_file(tmp_path).entities] == ["Claude"]
    assert len(parses) == 1


@pytest.mark.parametrize("damage", [b"", b"{", b'{"key": 1}', b"[1, 2]", b'{"key": "x"}'])
def test_a_damaged_cache_is_parsed_past(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: bytes
) -> None:
    (tmp_path / "entities.yaml").write_text(TEXT, encoding="utf-8")
    expected = load_entities_file(tmp_path)
    cache = next(Path(entities_file.corpus_cache_file("x", tmp_path)).parent.glob("entities-*"))
    cache.write_bytes(damage)
    assert load_entities_file(tmp_path) == expected


def test_yaml_is_not_imported_on_a_cached_start(tmp_path: Path) -> None:
    (tmp_path / "entities.yaml").write_text(TEXT, encoding="utf-8")
    load_entities_file(tmp_path)
    saved = {name: sys.modules.pop(name) for name in list(sys.modules) if name.startswith("yaml")}
    try:
        load_entities_file(tmp_path)
        assert "yaml" not in sys.modules
    finally:
        sys.modules.update(saved)
