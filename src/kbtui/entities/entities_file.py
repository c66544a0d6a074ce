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

import contextlib
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from kbtui.atomic import atomic_write_bytes
from kbtui.documents.model import STANDARD_ENTITY_LISTS
from kbtui.entities.model import EntityRecord, parse_kind
from kbtui.entities.names import as_name
from kbtui.locations import corpus_cache_file

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
    key = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    cache = corpus_cache_file("entities-file", corpus_root)
    found = _cached(cache, key)
    if found is None:
        found = parse_entities_yaml(text)
        _keep(cache, key, found)
    return found


def _cached(cache: Path, key: str) -> EntitiesFile | None:
    """What ``entities.yaml`` with this content hash declared, as last parsed: start-up
    then neither imports nor runs the YAML parser (~50 ms, most of opening a session)."""
    try:
        data = json.loads(cache.read_bytes())
        if data["key"] != key:
            return None
        records = [EntityRecord(n, parse_kind(k), tuple(a)) for n, k, a in data["entities"]]
        return EntitiesFile(tuple(data["entity_lists"]), records, list(data["problems"]))
    except (OSError, ValueError, KeyError, TypeError):  # none yet, another kbtui's, damaged
        return None


def _keep(cache: Path, key: str, found: EntitiesFile) -> None:
    """Remember what ``found`` declared: only names, kinds and problems, which are bounded
    whatever the YAML did with aliases (its raw data is never written)."""
    entities = [[r.name, r.kind.value, list(r.aliases)] for r in found.entities]
    data = {"key": key, "entity_lists": list(found.entity_lists), "entities": entities}
    data["problems"] = found.problems
    with contextlib.suppress(OSError):  # a cache: the next start parses again
        cache.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(cache, json.dumps(data, ensure_ascii=False).encode("utf-8"))


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
