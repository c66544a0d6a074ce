"""Japanese inside Chinese text: kana, and the sentences that hold them.

OpenCC would read a Japanese sentence as Traditional Chinese and "convert"
it (東京駅から → 东京駅から), so Japanese is told apart by its kana: a text
with many is Japanese (:data:`kbtui.scripts.hanzi.JAPANESE_KANA_SHARE`) and is
offered no Chinese views, and in a Chinese text each sentence that holds kana
is left as it is (:func:`japanese_runs`).

The katakana middle dot ``・`` (U+30FB) and the prolonged sound mark ``ー``
(U+30FC) are not counted: Chinese writes names with the first
(達里奧・阿莫代伊) and borrows the second.
"""

from __future__ import annotations

import re
from functools import cache

KANA = re.compile(
    "[\u3041-\u3096\u309d-\u309f\u30a1-\u30fa\u30fd-\u30ff\u31f0-\u31ff\uff66-\uff6f\uff71-\uff9d]"
)
"""Hiragana and katakana letters (full and half width), without ``・`` and ``ー``."""


@cache
def _han() -> re.Pattern[str]:
    """CJK ideographs (the unified blocks and the compatibility ideographs): compiled at
    first use: the astral range makes it cost ~10 ms of CPU, at start-up else."""
    return re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]")


SENTENCE_END = "\n。！？!?"
"""Where a run ends: every one is a separator of both converters, so a cut
next to it converts exactly as the whole text does."""

_SENTENCE_END = re.compile("[" + re.escape(SENTENCE_END) + "]")


def count_kana(text: str) -> int:
    """How many kana letters ``text`` holds."""
    return len(KANA.findall(text))


def count_han(text: str) -> int:
    """How many CJK ideographs ``text`` holds."""
    return len(_han().findall(text))


def japanese_runs(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """The ``(start, end)`` of every sentence of ``text`` that holds kana, in order.

    A sentence runs from just after one of :data:`SENTENCE_END` to just before
    the next (the ending itself is left out: it converts to itself). With
    ``start`` and ``end``, only the sentences that overlap ``text[start:end]``
    are looked at, so the visible part of a long text costs little.
    """
    end = len(text) if end is None else end
    pos = max(text.rfind(mark, 0, start) for mark in SENTENCE_END) + 1
    stop = _SENTENCE_END.search(text, end)
    limit = stop.start() if stop is not None else len(text)
    runs: list[tuple[int, int]] = []
    while (hit := KANA.search(text, pos, limit)) is not None:
        kana = hit.start()
        run_start = max(text.rfind(mark, pos, kana) for mark in SENTENCE_END) + 1
        after = _SENTENCE_END.search(text, kana)
        run_end = after.start() if after is not None else len(text)
        runs.append((max(run_start, pos), run_end))
        pos = run_end
    return runs
