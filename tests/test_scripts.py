"""Script variants: chains, known conversions, the sample corpus, maps, regions, cache."""

from __future__ import annotations

import threading
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kbtui.scripts import views as scripts
from kbtui.scripts.hanzi import Script
from kbtui.scripts.views import (
    PARTIAL_RANGE,
    CacheKey,
    ConversionCache,
    ConversionCancelled,
    ConversionError,
    Variant,
    chain_for,
    convert_text,
    convert_view,
    cycle_next,
    parse_variant,
    text_converter,
)
from kbtui.view.offsets import OffsetMap, OffsetMapBuilder
from kbtui.view.textview import Heading, Span, TextView

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
S, T, M, N = Script.SIMPLIFIED, Script.TRADITIONAL, Script.MIXED, Script.NONE


@cache
def source(prefix: str) -> str:
    return next(CORPUS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


def reading_view(text: str) -> TextView:
    """The reading view when kbtui.view.markdown exists, else the body after frontmatter."""
    body_start = text.index("\n---\n", 4) + 5 if text.startswith("---\n") else 0
    try:
        from kbtui.view.markdown import render
    except ImportError:
        body = text[body_start:]
        builder = OffsetMapBuilder()
        builder.block(0, body_start)
        builder.aligned(len(body))
        return TextView(body, builder.build())
    return render(text, body_start)


# -- variants, cycling, chains --------------------------------------------------


def test_cycle_skips_the_documents_own_script() -> None:
    assert cycle_next(Variant.ORIGINAL, M) is Variant.SIMPLIFIED
    assert cycle_next(Variant.SIMPLIFIED, M) is Variant.TRADITIONAL
    assert cycle_next(Variant.TRADITIONAL, M) is Variant.ORIGINAL
    assert cycle_next(Variant.ORIGINAL) is Variant.SIMPLIFIED
    assert cycle_next(Variant.ORIGINAL, S) is Variant.TRADITIONAL
    assert cycle_next(Variant.TRADITIONAL, S) is Variant.ORIGINAL
    assert cycle_next(Variant.ORIGINAL, T) is Variant.SIMPLIFIED
    assert cycle_next(Variant.SIMPLIFIED, T) is Variant.ORIGINAL
    assert cycle_next(Variant.TAIWAN, S) is Variant.ORIGINAL
    assert cycle_next(Variant.HONGKONG, N) is Variant.ORIGINAL


def test_chains() -> None:
    for script in Script:
        assert chain_for(script, Variant.ORIGINAL) == ()
        assert chain_for(script, Variant.SIMPLIFIED) == ("t2s",)
        assert chain_for(script, Variant.TRADITIONAL) == ("s2t",)
    assert chain_for(S, Variant.TAIWAN) == ("s2twp",)
    assert chain_for(S, Variant.HONGKONG) == ("s2hk",)
    for script in (T, M, N):
        assert chain_for(script, Variant.TAIWAN) == ("t2s", "s2twp")
        assert chain_for(script, Variant.HONGKONG) == ("t2s", "s2hk")


def test_parse_variant() -> None:
    assert parse_variant(" Taiwan ") is Variant.TAIWAN
    with pytest.raises(ValueError, match="choose one of original, simplified"):
        parse_variant("klingon")
    assert Variant.TAIWAN.display_name.startswith("Traditional, Taiwan")


# -- known conversions ----------------------------------------------------------

KNOWN = [
    # (source script, variant, text, expected)
    (T, Variant.SIMPLIFIED, "誕生", "诞生"),
    (T, Variant.SIMPLIFIED, "頭髮和發展", "头发和发展"),
    (T, Variant.SIMPLIFIED, "軟體與資訊", "软体与资讯"),  # t2s has no Taiwan phrases
    (T, Variant.SIMPLIFIED, "裡面、裏面、説話、爲了", "里面、里面、说话、为了"),
    (S, Variant.SIMPLIFIED, "诞生的软件", "诞生的软件"),
    (S, Variant.TRADITIONAL, "头发", "頭髮"),
    (S, Variant.TRADITIONAL, "发展", "發展"),
    (S, Variant.TRADITIONAL, "软件和信息", "軟件和信息"),
    (S, Variant.TRADITIONAL, "为了里面看着", "爲了裏面看着"),  # older dictionaries
    (S, Variant.TRADITIONAL, "想象", "想象"),  # native OpenCC 1.4 writes 想像
    (S, Variant.TRADITIONAL, "干净的一只后来", "乾淨的一隻後來"),
    (S, Variant.TAIWAN, "软件", "軟體"),
    (S, Variant.TAIWAN, "信息", "資訊"),
    (S, Variant.TAIWAN, "头发的发展", "頭髮的發展"),
    (S, Variant.TAIWAN, "互联网线程", "網際網路執行緒"),
    (S, Variant.TAIWAN, "鼠标数据视频", "滑鼠資料影片"),
    (S, Variant.TAIWAN, "为了里面看着", "為了裡面看著"),
    (T, Variant.TAIWAN, "軟件公司的信息", "軟體公司的資訊"),
    (T, Variant.TAIWAN, "説話", "說話"),
    (M, Variant.TAIWAN, "软件和軟件", "軟體和軟體"),
    (S, Variant.HONGKONG, "为了里面说话", "為了裏面説話"),
    (S, Variant.HONGKONG, "台湾的软件", "台灣的軟件"),
    (T, Variant.HONGKONG, "說話", "説話"),
    (M, Variant.TRADITIONAL, "头发與頭髮", "頭髮與頭髮"),
    (M, Variant.SIMPLIFIED, "头发與頭髮", "头发与头发"),
]


@pytest.mark.parametrize(("script", "variant", "text", "expected"), KNOWN)
def test_known_conversions(script: Script, variant: Variant, text: str, expected: str) -> None:
    converted, offset_map = convert_text(text, variant, script)
    assert converted == expected
    assert (offset_map.view_len, offset_map.source_len) == (len(expected), len(text))


def test_text_converter_for_exports() -> None:
    assert text_converter(Variant.TAIWAN, S)("软件") == "軟體"


# -- the sample corpus ----------------------------------------------------------


def test_s_on_002_shows_simplified() -> None:
    variant = cycle_next(Variant.ORIGINAL, T)
    view = convert_view(reading_view(source("002")), variant, T)
    assert "偶然聚集的天才团队" in view.text
    assert view.label == "simplified"


def test_s_on_000_shows_traditional() -> None:
    variant = cycle_next(Variant.ORIGINAL, S)
    view = convert_view(reading_view(source("000")), variant, S)
    assert "誕生" in view.text
    assert view.label == "traditional"


def test_taiwan_variant_of_004() -> None:
    view = convert_view(reading_view(source("004")), Variant.TAIWAN, T)
    assert "軟體公司" in view.text
    assert "説" not in view.text  # through Simplified: Taiwan's 說 everywhere
    start = view.text.index("軟體公司")
    src_start, src_end = view.map.range_to_source(start, start + 4)
    assert source("004")[src_start:src_end] == "軟件公司"


def test_simplified_samples_do_not_change_in_simplified() -> None:
    for prefix in ("000", "001", "003"):
        assert convert_text(source(prefix), Variant.SIMPLIFIED, S)[0] == source(prefix)


def test_traditional_of_a_traditional_sample_keeps_its_characters() -> None:
    text = source("002")
    converted, _ = convert_text(text, Variant.TRADITIONAL, T)
    changed = {(a, b) for a, b in zip(text, converted, strict=True) if a != b}
    assert changed == {("群", "羣")}


def test_mixed_document_converts_as_a_whole() -> None:
    simplified, traditional = source("000"), source("002")
    converted, _ = convert_text(simplified + traditional, Variant.TRADITIONAL, M)
    assert converted[: len(simplified)] == convert_text(simplified, Variant.TRADITIONAL, S)[0]
    rest = converted[len(simplified) :]
    assert rest == traditional.replace("群", "羣")
    converted, _ = convert_text(simplified + traditional, Variant.SIMPLIFIED, M)
    assert converted[len(simplified) :] == convert_text(traditional, Variant.SIMPLIFIED, T)[0]


# -- maps: random text with phrases that change length ---------------------------

PHRASES = ["软件", "信息", "互联网", "线程", "鼠标", "打印机", "头发", "发展", "视频", "质量"]
PHRASES += ["軟件", "資訊", "互聯網", "程序", "説", "群", "发明了", "一准保护", "了", "的"]
MARKS = ["a", "Z", "7", " ", "\n", "，", "。", "「", "」"]

phrase_text = st.lists(st.sampled_from(PHRASES + MARKS), max_size=30).map("".join)
any_variant = st.sampled_from(list(Variant))
any_script = st.sampled_from(list(Script))


def selections(length: int) -> st.SearchStrategy[tuple[int, int]]:
    return st.tuples(st.integers(0, length), st.integers(0, length)).map(sorted).map(tuple)


def covers(outer: tuple[int, int], inner: tuple[int, int]) -> bool:
    return outer[0] <= inner[0] and inner[1] <= outer[1]


@settings(max_examples=200, deadline=None)
@given(phrase_text, any_variant, any_script, st.data())
def test_selections_map_to_source_and_back(
    text: str, variant: Variant, script: Script, data: st.DataObject
) -> None:
    converted, offset_map = convert_text(text, variant, script)
    assert (offset_map.view_len, offset_map.source_len) == (len(converted), len(text))
    x = data.draw(selections(len(text)))
    there = offset_map.range_to_view(*x)
    if x[0] < x[1]:
        assert covers(offset_map.range_to_source(*there), x)
    y = data.draw(selections(len(converted)))
    back = offset_map.range_to_source(*y)
    if y[0] < y[1]:
        assert covers(offset_map.range_to_view(*back), y)
    for i, char in enumerate(text):
        if char in "aZ7，。「」":
            assert converted[offset_map.to_view(i)] == char
            assert offset_map.to_source(offset_map.to_view(i)) == i


@settings(max_examples=200, deadline=None)
@given(phrase_text, any_variant, any_script, st.data())
def test_selections_inside_aligned_parts_are_exact(
    text: str, variant: Variant, script: Script, data: st.DataObject
) -> None:
    _, offset_map = convert_text(text, variant, script)
    aligned = [s for s in offset_map.segments() if s.aligned and s.view_end > s.view_start]
    if not aligned:
        return
    seg = data.draw(st.sampled_from(aligned))
    y = data.draw(selections(seg.view_end - seg.view_start))
    y = (seg.view_start + y[0], seg.view_start + y[1])
    x = offset_map.range_to_source(*y)
    assert x[1] - x[0] == y[1] - y[0]
    assert offset_map.range_to_view(*x) == y


@st.composite
def random_maps(draw: st.DrawFn, length: int, fixed: str = "view") -> OffsetMap:
    """A map of aligned runs and blocks whose ``fixed`` side has ``length`` characters.

    Blocks may be empty on either side (dropped markup, inserted placeholders).
    """
    builder = OffsetMapBuilder()

    def block(fixed_len: int, other_len: int) -> None:
        if fixed == "view":
            builder.block(fixed_len, other_len)
        else:
            builder.block(other_len, fixed_len)

    left = length
    while left > 0:
        if draw(st.integers(0, 4)) == 0:
            block(0, draw(st.integers(1, 5)))
        size = draw(st.integers(1, left))
        if draw(st.booleans()):
            builder.aligned(size)
        else:
            block(size, draw(st.integers(0, 5)))
        left -= size
    if draw(st.booleans()):
        block(0, draw(st.integers(1, 5)))
    return builder.build()


@settings(max_examples=150, deadline=None)
@given(phrase_text, any_variant, any_script, st.data())
def test_views_compose_with_a_random_reading_map(
    text: str, variant: Variant, script: Script, data: st.DataObject
) -> None:
    inner = data.draw(random_maps(len(text)))
    view = TextView(text, inner)
    converted = convert_view(view, variant, script)
    conv_text, conv_map = convert_text(text, variant, script)
    assert converted.text == conv_text
    assert (converted.map.view_len, converted.map.source_len) == (len(conv_text), inner.source_len)
    y = data.draw(selections(len(conv_text)))
    direct = converted.map.range_to_source(*y)
    stepwise = inner.range_to_source(*conv_map.range_to_source(*y))
    assert covers(direct, stepwise)
    x = data.draw(selections(inner.source_len))
    seen = converted.map.range_to_view(*x)
    if seen[0] < seen[1]:
        assert covers(
            converted.map.range_to_source(*seen), inner.range_to_source(*inner.range_to_view(*x))
        )
    outer = data.draw(random_maps(len(conv_text), fixed="source"))
    through = outer.then(converted.map)
    assert (through.view_len, through.source_len) == (outer.view_len, inner.source_len)


# -- views: spans, headings, regions ---------------------------------------------


def test_spans_and_headings_follow_the_text() -> None:
    text = "互联网\n线程很重要，软件"
    view = TextView(
        text,
        OffsetMap.identity(len(text)),
        spans=(Span(0, 3, "heading1"), Span(4, 6, "strong"), Span(10, 12, "link")),
        headings=(Heading(1, 0, "互联网"), Heading(2, 4, "线程")),
    )
    converted = convert_view(view, Variant.TAIWAN, S)
    assert converted.text == "網際網路\n執行緒很重要，軟體"
    assert [converted.text[s.start : s.end] for s in converted.spans] == [
        "網際網路",
        "執行緒",
        "軟體",
    ]
    assert [(h.start, h.title) for h in converted.headings] == [(0, "網際網路"), (5, "執行緒")]
    assert converted.label == "taiwan"
    assert converted.map.range_to_source(5, 8) == (4, 6)


def test_a_partial_view_moves_what_follows_the_region() -> None:
    text = "互联网\n" * 3 + "线程\n" * 3
    view = TextView(
        text,
        OffsetMap.identity(len(text)),
        spans=(Span(0, 3, "strong"), Span(4, 7, "strong"), Span(12, 14, "link")),
        headings=(Heading(1, 0, "互联网"), Heading(1, 4, "互联网"), Heading(2, 15, "线程")),
    )
    partial = convert_view(view, Variant.TAIWAN, S, region=(5, 6))
    assert partial.extra[PARTIAL_RANGE] == (4, 8)
    assert partial.text == "互联网\n網際網路\n互联网\n" + "线程\n" * 3
    assert [partial.text[s.start : s.end] for s in partial.spans] == ["互联网", "網際網路", "线程"]
    assert [(h.start, h.title) for h in partial.headings] == [
        (0, "互联网"),
        (4, "網際網路"),
        (16, "线程"),
    ]


def test_prepare_builds_what_s_needs(monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[str] = []
    monkeypatch.setattr(scripts, "get_converter", built.append)
    scripts.prepare(S)
    assert built == ["s2t"]
    scripts.prepare(T, [Variant.TAIWAN])
    assert built == ["s2t", "t2s", "s2twp"]


def test_original_returns_the_view() -> None:
    view = TextView.plain("软件")
    assert convert_view(view, Variant.ORIGINAL, S) is view


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(["000", "002", "004"]),
    st.sampled_from([Variant.TAIWAN, Variant.SIMPLIFIED, Variant.TRADITIONAL]),
    st.data(),
)
def test_a_region_converts_exactly_as_the_whole(
    prefix: str, variant: Variant, data: st.DataObject
) -> None:
    view = reading_view(source(prefix))
    script = S if prefix == "000" else T
    full_text, full_map = convert_text(view.text, variant, script)
    region = data.draw(selections(len(view.text)))
    partial = convert_view(view, variant, script, region=region)
    start, end = partial.extra.get(PARTIAL_RANGE, (0, len(partial.text)))
    view_end = end - (len(partial.text) - len(view.text))  # the range in the unconverted view
    assert start <= region[0] and region[1] <= view_end
    full_start, full_end = full_map.range_to_view(start, view_end)
    assert partial.text[start:end] == full_text[full_start:full_end]
    assert partial.text[:start] == view.text[:start]
    assert partial.text[end:] == view.text[view_end:]
    assert partial.text.count("\n") == view.text.count("\n")
    full = convert_view(view, variant, script)
    for pos in range(start, end):  # inside the range, the partial map is the full one
        assert full.map.to_source(full_start + pos - start) == partial.map.to_source(pos)


def test_a_region_stays_small_on_a_long_text() -> None:
    text = ("软件信息互联网。" * 50 + "\n") * 400
    view = TextView.plain(text)
    partial = convert_view(view, Variant.TAIWAN, S, region=(200_000, 200_100))
    start, end = partial.extra[PARTIAL_RANGE]
    assert end - start < 500
    assert partial.text[start:end] in convert_text(text, Variant.TAIWAN, S)[0]


def test_long_texts_convert_in_chunks_that_can_be_cancelled() -> None:
    text = source("002") * 14  # over one chunk
    assert len(text) > scripts.CHUNK_SIZE
    whole, whole_map = convert_text(text, Variant.TAIWAN, S)
    from kbtui.scripts.conversion import get_converter

    assert whole == get_converter("s2twp").convert(text)[0]
    assert whole_map.view_len == len(whole)
    with pytest.raises(ConversionCancelled):
        convert_text(text, Variant.TAIWAN, S, cancelled=lambda: True)


# -- bad input -----------------------------------------------------------------


@pytest.mark.parametrize("variant", list(Variant))
@pytest.mark.parametrize("text", ["", "no Chinese at all\n", "😀 한국어 𠮷 \x1b[31m"])
def test_empty_and_non_chinese_documents_toggle(text: str, variant: Variant) -> None:
    for script in Script:
        converted = convert_view(TextView.plain(text), variant, script)
        assert converted.text == text
        assert converted.label == variant.value


def test_a_failing_converter_raises_a_conversion_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(name: str) -> None:
        raise OSError(f"{name}.json: no such file")

    monkeypatch.setattr(scripts, "get_converter", broken)
    with pytest.raises(ConversionError, match=r"Traditional.*s2t\.json") as caught:
        convert_view(TextView.plain("软件"), Variant.TRADITIONAL, S)
    assert "\n" not in str(caught.value)


# -- cache ---------------------------------------------------------------------


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
