"""Script variants of a view: Simplified, Traditional, Taiwan, Hong Kong, with exact maps.

The reader shows a document in its original script or converted to another;
annotations stay in source offsets, so every converted view carries a map all
the way back to the source (:func:`convert_view` composes the conversion's
map with the reading view's). Conversion is OpenCC's, through the pinned
opencc-python-reimplemented 0.1.7 and :mod:`kbtui.scripts.conversion`, which gives
its exact output plus the map.

Which OpenCC configurations make each variant (:func:`chain_for`), decided on
the sample corpus:

* Simplified: ``t2s`` from any source. On the three Simplified samples it
  changes nothing, so it only normalises stray Traditional characters.
* Traditional (OpenCC standard): ``s2t`` from any source. On a Traditional
  text it converts the stray Simplified characters (004: 背后 → 背後,
  用户 → 用戶) and keeps the author's Traditional ones, apart from OpenCC's
  standard forms (002: 群 → 羣, four times) and the odd phrase read across a
  word (004: 發明了 → 發明瞭, from 明了 → 明瞭). A mixed text converts as a whole.
* Taiwan: ``s2twp`` from a Simplified source; from any other source
  ``t2s`` then ``s2twp``. Taiwan's phrase table is keyed by OpenCC-standard
  Traditional, which a Traditional author's text often is not (發布 for
  發佈, 説, 閲, 勛), so the text goes through Simplified first: on 004 that gives
  23 說 for 説 and keeps 發明了, at the cost of one ambiguity read wrongly
  on 002 (只會 → 隻會). ``t2tw`` alone has no phrases (軟件 stays 軟件).
* Hong Kong: ``s2hk``, from a non-Simplified source through ``t2s`` likewise.

What the pinned package does differently from native OpenCC 1.4 (documented
because the tests pin its output):

* Older dictionaries: 想象 stays 想象 (native s2t writes 想像). s2t writes
  爲, 裏, 着 (为了 → 爲了, 里面 → 裏面, 看着 → 看着); s2tw/s2twp write
  為, 裡, 著; s2hk writes 為, 裏, 着 and 説.
* Another segmentation. Within a clause (text between separators) it takes
  the longest dictionary key found anywhere first, then works on the text to
  either side; native OpenCC matches the longest key at each position from
  left to right. They differ where phrases overlap: in 一准保护 the
  three-character key 准保护 → 准保護 wins here (一准保護), where matching
  from the left takes 一准 → 一準 first (一準保護).
* Each stage of a chain converts the whole clause again, so a Taiwan phrase
  may span two words of the first stage; native converts stage by stage
  inside the first segmentation.
* Multi-valued entries use their first value (as native does).

Only Taiwan's phrase tables change lengths (``TWPhrases``: 软件 → 軟體 keeps
two characters, 信息 → 資訊 too, but 互联网 → 網際網路 and 线程 → 執行緒 do
not); s2t, t2s and the Hong Kong variant never do.

Speed (pure Python, see ``bench/script_toggle.py``): the largest table loads
in about 75 ms on first use (:func:`prepare` does it ahead, off the UI
thread), then a visible page converts in a few milliseconds.
:func:`convert_view` with a ``region`` converts only the text around it (cut
next to a separator, so the result equals that part of a full conversion); a
worker thread then converts the whole view, and :class:`ConversionCache`
keeps it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from enum import StrEnum
from typing import NamedTuple

from kbtui.scripts.conversion import get_converter, safe_cut_after, safe_cut_before
from kbtui.scripts.hanzi import Script
from kbtui.view.offsets import OffsetMap, OffsetMapBuilder
from kbtui.view.textview import Heading, Span, TextView


class Variant(StrEnum):
    """A script the reader can show a document in."""

    ORIGINAL = "original"
    SIMPLIFIED = "simplified"
    TRADITIONAL = "traditional"
    TAIWAN = "taiwan"
    HONGKONG = "hongkong"

    @property
    def display_name(self) -> str:
        """A name for menus and notices."""
        return _TITLES[self]


_TITLES = {
    Variant.ORIGINAL: "Original",
    Variant.SIMPLIFIED: "Simplified",
    Variant.TRADITIONAL: "Traditional (OpenCC standard)",
    Variant.TAIWAN: "Traditional, Taiwan (with Taiwan phrases)",
    Variant.HONGKONG: "Traditional, Hong Kong",
}

PARTIAL_RANGE = "script_partial_range"
"""Key of :attr:`TextView.extra` in a view only partly converted: the
``(start, end)`` of the converted text, in that view's offsets."""

CHUNK_SIZE = 65_536
"""Full conversions go chunk by chunk, so a cancelled one stops soon."""


class ConversionError(Exception):
    """A view could not be converted; the reader keeps the original and says so."""


class ConversionCancelled(Exception):
    """A conversion was stopped by its caller (see ``cancelled`` arguments)."""


def parse_variant(name: str) -> Variant:
    """The variant called ``name`` (as the CLI's ``--script`` takes it)."""
    try:
        return Variant(name.strip().lower())
    except ValueError:
        choices = ", ".join(v.value for v in Variant)
        raise ValueError(f"unknown script {name!r}: choose one of {choices}") from None


_CYCLE = (Variant.ORIGINAL, Variant.SIMPLIFIED, Variant.TRADITIONAL)
_SAME_AS_SOURCE = {Script.SIMPLIFIED: Variant.SIMPLIFIED, Script.TRADITIONAL: Variant.TRADITIONAL}


def cycle_next(current: Variant, source_script: Script = Script.MIXED) -> Variant:
    """The variant ``s`` moves to: original → Simplified → Traditional → original.

    The step that would show a document in its own script is skipped (it
    would look unchanged), so ``s`` on a Simplified document shows
    Traditional at once. Taiwan and Hong Kong count as Traditional.
    """
    position = _CYCLE.index(current) if current in _CYCLE else _CYCLE.index(Variant.TRADITIONAL)
    skipped = _SAME_AS_SOURCE.get(source_script)
    for step in (1, 2):
        candidate = _CYCLE[(position + step) % len(_CYCLE)]
        if candidate is not skipped:
            return candidate
    return Variant.ORIGINAL


def chain_for(source_script: Script, variant: Variant) -> tuple[str, ...]:
    """The OpenCC configurations that make ``variant`` from a text in ``source_script``.

    See the module docstring for why each chain was chosen.
    """
    if variant is Variant.ORIGINAL:
        return ()
    if variant is Variant.SIMPLIFIED:
        return ("t2s",)
    if variant is Variant.TRADITIONAL:
        return ("s2t",)
    config = "s2twp" if variant is Variant.TAIWAN else "s2hk"
    return (config,) if source_script is Script.SIMPLIFIED else ("t2s", config)


def prepare(source_script: Script, variants: Iterable[Variant] | None = None) -> None:
    """Build the converters ``variants`` need for a text in ``source_script``.

    Converters are built on first use, and the large phrase table takes
    about 75 ms to load: a reader that calls this from a worker thread when a
    document opens makes the first ``s`` fast. By default it prepares the
    variants ``s`` cycles through for that script.
    """
    if variants is None:
        skipped = _SAME_AS_SOURCE.get(source_script)
        variants = [v for v in (Variant.SIMPLIFIED, Variant.TRADITIONAL) if v is not skipped]
    for variant in variants:
        with _errors_as(variant):
            for name in chain_for(source_script, variant):
                get_converter(name)


def convert_text(
    text: str,
    variant: Variant,
    source_script: Script,
    cancelled: Callable[[], bool] | None = None,
) -> tuple[str, OffsetMap]:
    """``text`` in ``variant``, with the map from the result back to ``text``.

    Raises :class:`ConversionError` when the converter fails (its dictionaries
    cannot be read, for instance) and :class:`ConversionCancelled` when
    ``cancelled()`` turns true between chunks.
    """
    chain = chain_for(source_script, variant)
    with _errors_as(variant):
        return _convert_chunks(text, chain, cancelled)


def text_converter(variant: Variant, source_script: Script) -> Callable[[str], str]:
    """A function that converts short texts (titles, quotes) to ``variant``.

    For exports, which convert text taken from one document; it raises
    :class:`ConversionError` like :func:`convert_text`.
    """

    def convert(text: str) -> str:
        return convert_text(text, variant, source_script)[0]

    return convert


def convert_view(
    view: TextView,
    variant: Variant,
    source_script: Script,
    region: tuple[int, int] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> TextView:
    """``view`` in ``variant``, its map composed down to the source text.

    With ``region`` (view offsets, say the visible lines) only the text
    around it is converted, widened to the nearest separators (line breaks,
    punctuation) so the result is exactly what a full conversion shows
    there; the rest stays as it was and the view's ``extra`` holds
    :data:`PARTIAL_RANGE`. Conversion never adds or removes a line break, so
    line numbers stay valid across views. Spans and headings move with the
    text; heading titles are converted too.
    """
    chain = chain_for(source_script, variant)
    if not chain:
        return view if view.label == variant.value else replace(view, label=variant.value)
    with _errors_as(variant):
        start, end = _widen(view.text, region)
        text, conv_map = _convert_range(view.text, start, end, chain, cancelled)
        moved = _Moved(conv_map, start, end, len(text) - len(view.text))
        headings = moved.headings(view.headings, chain)
    extra = dict(view.extra)
    extra.pop(PARTIAL_RANGE, None)
    if (start, end) != (0, len(view.text)):
        extra[PARTIAL_RANGE] = (start, end + moved.delta)
    offset_map = view.map if moved.identity else conv_map.then(view.map)
    spans = moved.spans(view.spans)
    return TextView(text, offset_map, spans, headings, variant.value, extra)


@contextmanager
def _errors_as(variant: Variant) -> Iterator[None]:
    """Turn a converter's failure into a :class:`ConversionError` naming the variant."""
    try:
        yield
    except (OSError, ValueError, LookupError, MemoryError, RecursionError) as exc:
        message = f"cannot show this document in {variant.display_name}: {exc}"
        raise ConversionError(message) from exc


def _widen(text: str, region: tuple[int, int] | None) -> tuple[int, int]:
    """The region widened to safe cuts (the whole text when there is no region)."""
    if region is None:
        return 0, len(text)
    start = min(max(region[0], 0), len(text))
    end = min(max(region[1], start), len(text))
    return _cut_before(text, start), _cut_after(text, end)


def _cut_before(text: str, pos: int) -> int:
    """The nearest safe cut at or before ``pos``, looking further when need be."""
    cut = safe_cut_before(text, pos)
    if cut is None:
        cut = safe_cut_before(text, pos, window=pos)
    return 0 if cut is None else cut


def _cut_after(text: str, pos: int) -> int:
    """The nearest safe cut at or after ``pos``, looking further when need be."""
    cut = safe_cut_after(text, pos)
    if cut is None:
        cut = safe_cut_after(text, pos, window=len(text))
    return len(text) if cut is None else cut


def _convert_range(
    text: str,
    start: int,
    end: int,
    chain: Sequence[str],
    cancelled: Callable[[], bool] | None,
) -> tuple[str, OffsetMap]:
    """Convert ``text[start:end]`` and leave the rest; map to ``text``."""
    middle, middle_map = _convert_chunks(text[start:end], chain, cancelled)
    if start == 0 and end == len(text):
        return middle, middle_map
    builder = OffsetMapBuilder()
    builder.aligned(start)
    _append(builder, middle_map)
    builder.aligned(len(text) - end)
    return text[:start] + middle + text[end:], builder.build()


def _convert_chunks(
    text: str, chain: Sequence[str], cancelled: Callable[[], bool] | None
) -> tuple[str, OffsetMap]:
    """Convert chunk by chunk, cut at separators, checking ``cancelled`` between."""
    if not chain or len(text) <= CHUNK_SIZE:
        return _convert_chain(text, chain)
    parts: list[str] = []
    builder = OffsetMapBuilder()
    for start, end in _chunks(text):
        if cancelled is not None and cancelled():
            raise ConversionCancelled
        part, part_map = _convert_chain(text[start:end], chain)
        parts.append(part)
        _append(builder, part_map)
    return "".join(parts), builder.build()


def _chunks(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` pieces of about :data:`CHUNK_SIZE`, each ending at a safe cut."""
    bounds = []
    start = 0
    while start < len(text):
        end = _cut_after(text, start + CHUNK_SIZE)
        bounds.append((start, end))
        start = end
    return bounds


def _convert_chain(text: str, chain: Sequence[str]) -> tuple[str, OffsetMap]:
    """Run each configuration in turn, composing the maps back to ``text``."""
    result = OffsetMap.identity(len(text))
    for name in chain:
        text, step_map = get_converter(name).convert(text)
        result = step_map if _is_identity(result) else step_map.then(result)
    return text, result


def _append(builder: OffsetMapBuilder, piece: OffsetMap) -> None:
    """Add the segments of ``piece`` after what ``builder`` holds."""
    for seg in piece.segments():
        view_len = seg.view_end - seg.view_start
        if seg.aligned:
            builder.aligned(view_len)
        else:
            builder.block(view_len, seg.source_end - seg.source_start)


def _is_identity(offset_map: OffsetMap) -> bool:
    """Whether the map is one aligned run (every offset maps to itself)."""
    if offset_map.view_len != offset_map.source_len:
        return False
    return len(offset_map) == 0 or (len(offset_map) == 1 and offset_map.segments()[0].aligned)


def _convert_titles(titles: list[str], chain: Sequence[str]) -> list[str]:
    """Convert heading titles in one call (a line break is a separator)."""
    if not titles or any("\n" in title for title in titles):
        return [_convert_chain(title, chain)[0] for title in titles]
    return _convert_chain("\n".join(titles), chain)[0].split("\n")


class _Moved:
    """Moves spans and headings from a view to its converted copy.

    Only ``[start, end)`` of the view was converted; what lies before it
    keeps its offsets and what lies after moves by ``delta``, so a partial
    conversion of a long view costs little more than its region.
    """

    def __init__(self, conv_map: OffsetMap, start: int, end: int, delta: int) -> None:
        self.conv_map = conv_map
        self.start, self.end, self.delta = start, end, delta
        self.identity = _is_identity(conv_map)
        """Whether nothing changed length (s2t, t2s): offsets all stay."""

    def spans(self, spans: tuple[Span, ...]) -> tuple[Span, ...]:
        """Spans at their new offsets (a span over a replaced phrase covers all of it)."""
        if self.identity:
            return spans
        return tuple(self._span(span) for span in spans)

    def _span(self, span: Span) -> Span:
        if span.end <= self.start:
            return span
        if span.start >= self.end:
            return Span(span.start + self.delta, span.end + self.delta, span.style)
        start, end = self.conv_map.range_to_view(span.start, span.end)
        return Span(start, end, span.style)

    def headings(self, headings: tuple[Heading, ...], chain: Sequence[str]) -> tuple[Heading, ...]:
        """Headings at their new offsets; titles inside the converted range converted."""
        inside = [i for i, h in enumerate(headings) if self.start <= h.start < self.end]
        converted = _convert_titles([headings[i].title for i in inside], chain)
        titles = dict(zip(inside, converted, strict=True))
        return tuple(
            Heading(h.level, self._position(h.start), titles.get(i, h.title))
            for i, h in enumerate(headings)
        )

    def _position(self, pos: int) -> int:
        if self.identity or pos < self.start:
            return pos
        return pos + self.delta if pos >= self.end else self.conv_map.to_view(pos)


class CacheKey(NamedTuple):
    """What a converted view depends on: the document, its text, the variant."""

    doc_id: str
    text_hash: str
    variant: Variant


class ConversionCache:
    """Fully converted views, least recently used dropped first (thread-safe).

    Bounded both by the number of views and by their total length, so a few
    huge documents cannot hold on to much memory.
    """

    def __init__(self, max_views: int = 16, max_chars: int = 16_000_000) -> None:
        self._views: OrderedDict[CacheKey, TextView] = OrderedDict()
        self._lock = threading.Lock()
        self._max_views = max_views
        self._max_chars = max_chars
        self._chars = 0

    def __len__(self) -> int:
        with self._lock:
            return len(self._views)

    def get(self, key: CacheKey) -> TextView | None:
        """The cached view for ``key``, or ``None``."""
        with self._lock:
            view = self._views.get(key)
            if view is not None:
                self._views.move_to_end(key)
            return view

    def put(self, key: CacheKey, view: TextView) -> None:
        """Keep a fully converted view (a partial one would be shown as complete)."""
        if PARTIAL_RANGE in view.extra:
            raise ValueError("only fully converted views can be cached")
        with self._lock:
            old = self._views.pop(key, None)
            if old is not None:
                self._chars -= len(old.text)
            self._views[key] = view
            self._chars += len(view.text)
            self._evict()

    def get_or_convert(
        self,
        key: CacheKey,
        view: TextView,
        source_script: Script,
        cancelled: Callable[[], bool] | None = None,
    ) -> TextView:
        """The cached view, or ``view`` fully converted to ``key.variant`` and kept.

        Converts outside the lock, so call it from a worker thread.
        """
        cached = self.get(key)
        if cached is not None:
            return cached
        converted = convert_view(view, key.variant, source_script, cancelled=cancelled)
        self.put(key, converted)
        return converted

    def forget(self, doc_id: str) -> None:
        """Drop every view of one document (it changed on disk, say)."""
        with self._lock:
            for key in [k for k in self._views if k.doc_id == doc_id]:
                self._chars -= len(self._views.pop(key).text)

    def clear(self) -> None:
        """Drop everything."""
        with self._lock:
            self._views.clear()
            self._chars = 0

    def _evict(self) -> None:
        while len(self._views) > 1 and (
            len(self._views) > self._max_views or self._chars > self._max_chars
        ):
            _, dropped = self._views.popitem(last=False)
            self._chars -= len(dropped.text)
