"""Text through a chain of OpenCC configurations, with the map back, in safe pieces.

Both backends convert a text cut next to a separator exactly as they convert
the whole (:func:`kbtui.scripts.engine.safe_cut_before` and the legacy
:mod:`kbtui.scripts.conversion`'s), which lets kbtui

* convert only the visible part of a long view (:func:`widen` the region to
  safe cuts, then :func:`convert_range`),
* convert a long text chunk by chunk, checking between chunks whether the
  caller gave up (:data:`CHUNK_SIZE`), and
* leave Japanese sentences alone (:func:`kbtui.scripts.kana.japanese_runs`:
  each ends at a separator), converting only the Chinese between them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from kbtui.scripts import conversion, engine
from kbtui.scripts.chains import Backend
from kbtui.scripts.engine import is_identity
from kbtui.scripts.kana import japanese_runs
from kbtui.view.offsets import OffsetMap, OffsetMapBuilder

CHUNK_SIZE = 65_536
"""Full conversions go chunk by chunk, so a cancelled one stops soon."""


class ConversionCancelled(Exception):
    """A conversion was stopped by its caller (see ``cancelled`` arguments)."""


class _Converter(Protocol):
    def convert(self, text: str) -> tuple[str, OffsetMap]: ...


class _Cut(Protocol):
    def __call__(self, text: str, pos: int, window: int = ...) -> int | None: ...


def get_converter(name: str, backend: Backend) -> _Converter:
    """The converter for configuration ``name`` of ``backend`` (built on first use)."""
    if backend is Backend.REIMPLEMENTED:
        return conversion.get_converter(name)
    return engine.get_converter(name)


def _cuts(backend: Backend) -> tuple[_Cut, _Cut]:
    """The backend's ``safe_cut_before`` and ``safe_cut_after``."""
    if backend is Backend.REIMPLEMENTED:
        return conversion.safe_cut_before, conversion.safe_cut_after
    return engine.safe_cut_before, engine.safe_cut_after


def _cut_before(text: str, pos: int, backend: Backend) -> int:
    """The nearest safe cut at or before ``pos``, looking further when need be."""
    find = _cuts(backend)[0]
    cut = find(text, pos)
    if cut is None:
        cut = find(text, pos, window=pos)
    return 0 if cut is None else cut


def _cut_after(text: str, pos: int, backend: Backend) -> int:
    """The nearest safe cut at or after ``pos``, looking further when need be."""
    find = _cuts(backend)[1]
    cut = find(text, pos)
    if cut is None:
        cut = find(text, pos, window=len(text))
    return len(text) if cut is None else cut


def widen(text: str, region: tuple[int, int] | None, backend: Backend) -> tuple[int, int]:
    """The region widened to safe cuts (the whole text when there is no region)."""
    if region is None:
        return 0, len(text)
    start = min(max(region[0], 0), len(text))
    end = min(max(region[1], start), len(text))
    return _cut_before(text, start, backend), _cut_after(text, end, backend)


Cancelled = Callable[[], bool] | None


def convert_text(
    text: str, chain: Sequence[str], backend: Backend, cancelled: Cancelled = None
) -> tuple[str, OffsetMap]:
    """``text`` through ``chain``, Japanese sentences kept, with the map back to ``text``."""
    return convert_range(text, 0, len(text), chain, backend, cancelled)


def convert_range(
    text: str,
    start: int,
    end: int,
    chain: Sequence[str],
    backend: Backend,
    cancelled: Cancelled = None,
) -> tuple[str, OffsetMap]:
    """Convert ``text[start:end]`` (safe cuts) and leave the rest; map to ``text``.

    Japanese sentences are found in the whole text, so a part converts just
    as it does within a full conversion.
    """
    if not chain:
        return text, OffsetMap.identity(len(text))
    runs = japanese_runs(text, start, end)
    if not runs and (start, end) == (0, len(text)) and end <= CHUNK_SIZE:
        return convert_chain(text, chain, backend)
    builder = OffsetMapBuilder()
    parts = [text[:start]]
    builder.aligned(start)
    pos = start
    for run_start, run_end in runs:
        if run_end <= pos or run_start >= end:
            continue
        run_start, run_end = max(run_start, pos), min(run_end, end)
        parts.append(_convert_chunks(text, pos, run_start, chain, backend, cancelled, builder))
        parts.append(text[run_start:run_end])
        builder.aligned(run_end - run_start)
        pos = run_end
    parts.append(_convert_chunks(text, pos, end, chain, backend, cancelled, builder))
    parts.append(text[end:])
    builder.aligned(len(text) - end)
    return "".join(parts), builder.build()


def _convert_chunks(
    text: str,
    start: int,
    end: int,
    chain: Sequence[str],
    backend: Backend,
    cancelled: Cancelled,
    builder: OffsetMapBuilder,
) -> str:
    """Convert ``text[start:end]`` chunk by chunk, cut at safe cuts, checking
    ``cancelled`` between; the pieces' maps go onto ``builder``."""
    parts: list[str] = []
    while start < end:
        stop = end
        if end - start > CHUNK_SIZE:
            stop = min(end, _cut_after(text, start + CHUNK_SIZE, backend))
        if cancelled is not None and cancelled():
            raise ConversionCancelled
        part, part_map = convert_chain(text[start:stop], chain, backend)
        parts.append(part)
        append_map(builder, part_map)
        start = stop
    return "".join(parts)


def convert_chain(text: str, chain: Sequence[str], backend: Backend) -> tuple[str, OffsetMap]:
    """Run each configuration in turn, composing the maps back to ``text``."""
    result: OffsetMap | None = None
    for name in chain:
        text, step_map = get_converter(name, backend).convert(text)
        if not is_identity(step_map):
            result = step_map if result is None else step_map.then(result)
    return text, result if result is not None else OffsetMap.identity(len(text))


def append_map(builder: OffsetMapBuilder, piece: OffsetMap) -> None:
    """Add the segments of ``piece`` after what ``builder`` holds."""
    for seg in piece.segments():
        view_len = seg.view_end - seg.view_start
        if seg.aligned:
            builder.aligned(view_len)
        else:
            builder.block(view_len, seg.source_end - seg.source_start)
