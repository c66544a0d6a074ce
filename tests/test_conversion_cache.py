"""The cache of fully converted views: bounded, least recently used first, thread-safe."""

from __future__ import annotations

import threading

import pytest

from kbtui.scripts.chains import Backend
from kbtui.scripts.hanzi import Script
from kbtui.scripts.views import CacheKey, ConversionCache, Variant, convert_view
from kbtui.view.textview import TextView

S, T = Script.SIMPLIFIED, Script.TRADITIONAL


def test_cache_is_least_recently_used_and_bounded() -> None:
    cache_ = ConversionCache(max_views=2, max_chars=10)
    keys = [CacheKey(f"d{i}", "h", Variant.TAIWAN) for i in range(3)]
    for key in keys[:2]:
        cache_.put(key, TextView.plain("abc"))
    assert cache_.get(keys[0]) is not None  # now the most recent
    cache_.put(keys[2], TextView.plain("abc"))
    assert cache_.get(keys[1]) is None and len(cache_) == 2
    cache_.put(keys[1], TextView.plain("x" * 9))  # over max_chars: the oldest go
    assert len(cache_) == 1 and cache_.get(keys[1]) is not None
    cache_.forget("d1")
    assert len(cache_) == 0
    assert cache_.get(("d1", "h", Variant.TAIWAN)) is None  # plain tuples work as keys


def test_cache_refuses_partial_views_and_converts_on_a_miss() -> None:
    cache_ = ConversionCache()
    view = TextView.plain("软件。" * 10)
    partial = convert_view(view, Variant.TAIWAN, S, region=(0, 2))
    with pytest.raises(ValueError, match="fully converted"):
        cache_.put(CacheKey("d", "h", Variant.TAIWAN), partial)
    key = CacheKey("d", "h", Variant.TAIWAN)
    first = cache_.get_or_convert(key, view, S)
    assert first.text == "軟體。" * 10
    assert cache_.get_or_convert(key, view, S) is first
    old = CacheKey("d", "h", Variant.TAIWAN, T, Backend.REIMPLEMENTED)
    assert cache_.get_or_convert(old, TextView.plain("軟件"), T).text == "軟體"  # t2s, s2twp


def test_cache_from_many_threads() -> None:
    cache_ = ConversionCache(max_views=4)
    view = TextView.plain("软件")

    def work(i: int) -> None:
        for j in range(200):
            key = CacheKey(f"d{(i + j) % 6}", "h", Variant.TAIWAN)
            if cache_.get(key) is None:
                cache_.put(key, view)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(cache_) == 4
