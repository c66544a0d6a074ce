"""``entities.yaml``: the curated entity list at a corpus root, and what is wrong with it.

The file is optional and written by hand, so a broken one is reported (in
:attr:`EntitiesFile.problems`, shown with the corpus's other problems) and
never stops the corpus from opening. It is untrusted input too: YAML aliases
can make a few lines stand for millions of items, and deep nesting can
exhaust the parser, so nothing is ever spelled out that is not a name.

Apart from the registry because reading and judging a file is a different
job from resolving names: the registry takes the records, wherever they
came from.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from kbtui.documents.metadata import STANDARD_ENTITY_LISTS
from kbtui.entities.model import EntityRecord
from kbtui.entities.names import as_name

ENTITIES_FILE = "entities.yaml"
"""The curated entity list at a corpus root."""


@dataclass(slots=True)
class EntitiesFile:
    """What a corpus's ``entities.yaml`` declares, and what was wrong with it."""

    entity_lists: tuple[str, ...] = STANDARD_ENTITY_LISTS
    entities: list[EntityRecord] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def load_entities_file(corpus_root: Path) -> EntitiesFile:
    """Read ``entities.yaml`` at ``corpus_root``; a missing file declares nothing.

    A broken file is reported in ``problems`` and declares nothing more than
    what could be read, never raising: the corpus still opens.
    """
    path = corpus_root / ENTITIES_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return EntitiesFile()
    except (OSError, UnicodeDecodeError) as error:
        return EntitiesFile(problems=[f"{ENTITIES_FILE}: cannot read: {error}"])
    return parse_entities_yaml(text)


def parse_entities_yaml(text: str) -> EntitiesFile:
    """Parse the text of an ``entities.yaml``."""
    import yaml  # ~50 ms to import: paid only by a corpus that has the file

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        return EntitiesFile(problems=[f"{ENTITIES_FILE}: not valid YAML: {_first_line(error)}"])
    except RecursionError:
        return EntitiesFile(problems=[f"{ENTITIES_FILE}: nested too deeply to read"])
    if data is None:
        return EntitiesFile()
    if not isinstance(data, Mapping):
        return EntitiesFile(problems=[f"{ENTITIES_FILE}: expected a mapping at the top"])
    result = EntitiesFile(entity_lists=_entity_lists(data.get("entity_lists")))
    entries = data.get("entities") or []
    if not isinstance(entries, list):
        result.problems.append(f"{ENTITIES_FILE}: 'entities' should be a list")
        return result
    for number, entry in enumerate(entries, 1):
        record = EntityRecord.from_dict(entry)
        if record is None:
            result.problems.append(f"{ENTITIES_FILE}: entity {number} has no name; skipped")
        else:
            result.entities.append(record)
    return result


def _entity_lists(value: object) -> tuple[str, ...]:
    """The standard lists and the declared ones: names only, never a list spelled out
    (YAML aliases make a few lines stand for millions of items)."""
    declared = (
        [name for item in value if (name := as_name(item))] if isinstance(value, list) else []
    )
    return tuple(dict.fromkeys([*STANDARD_ENTITY_LISTS, *declared]))


def _first_line(error: Exception) -> str:
    return " ".join(str(error).split())[:200]
