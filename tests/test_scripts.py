"""Script views: known conversions, the sample corpus, maps, regions, bad input.

The opencc-python-reimplemented backend's pinned output is in test_scripts_legacy.py;
the chains and labels in test_chains.py; equality with native OpenCC in test_opencc.py;
Japanese in test_japanese.py; the cache in test_conversion_cache.py.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kbtui.scripts import pipeline
from kbtui.scripts import views as scripts
from kbtui.scripts.chains import Backend, Source
from kbtui.scripts.hanzi import Script
from kbtui.scripts.locales import Locale
from kbtui.scripts.views import (
    PARTIAL_RANGE,
    ConversionCancelled,
    ConversionError,
    Variant,
    convert_text,
    convert_view,
    cycle_next,
    text_converter,
)
from kbtui.view.markdown import render
from kbtui.view.offsets import OffsetMap, OffsetMapBuilder
from kbtui.view.textview import Heading, Span, TextView

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
S, T, M, N = Script.SIMPLIFIED, Script.TRADITIONAL, Script.MIXED, Script.NONE


@cache
def source(prefix: str) -> str:
    return next(CORPUS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


def reading_view(text: str) -> TextView:
    """The reading view of a sample (its frontmatter hidden)."""
    body_start = text.index("\n---\n", 4) + 5 if text.startswith("---\n") else 0
    return render(text, body_start)


# -- known conversions (OpenCC 1.4) ------------------------------------------------

HANS, HANT, TW, HK = Locale.HANS, Locale.HANT, Locale.TW, Locale.HK

KNOWN = [
    # (source, variant, text, expected): the issue's examples, and the chains' edges
    (HANS, Variant.TRADITIONAL, "托着腮", "托着腮"),
    (HANS, Variant.TRADITIONAL, "胚胎发育和香蕉干", "胚胎發育和香蕉乾"),
    (HANS, Variant.TRADITIONAL, "想象", "想像"),
    (HANS, Variant.TRADITIONAL, "头发和发展", "頭髮和發展"),
    (HANS, Variant.TAIWAN, "托着腮", "托著腮"),
    (HANS, Variant.TAIWAN, "算法", "演算法"),
    (HANS, Variant.TAIWAN, "快闪存储器", "快閃記憶體"),
    (HANS, Variant.TAIWAN, "英伟达", "輝達"),
    (HANS, Variant.TAIWAN, "一致通过", "一致通過"),
    (HANS, Variant.TAIWAN, "新范式", "新範式"),
    (HANS, Variant.TAIWAN, "软件和信息", "軟體和資訊"),
    (HANS, Variant.TAIWAN, "互联网线程", "網際網路執行緒"),
    (HANS, Variant.HONGKONG, "为了里面说话", "為了裏面説話"),
    (HANT, Variant.TAIWAN, "擴展政策，良性循環，這只會", "擴展政策，良性循環，這只會"),
    (HANT, Variant.TAIWAN, "軟件與裏面", "軟件與裡面"),  # t2tw: characters only
    (HANT, Variant.SIMPLIFIED, "頭髮和發展", "头发和发展"),
    (HANT, Variant.HONGKONG, "說話", "説話"),
    (TW, Variant.SIMPLIFIED, "滑鼠、軟體、隨著", "鼠标、软件、随着"),
    (TW, Variant.TRADITIONAL, "裡面的群眾", "裏面的羣衆"),
    (TW, Variant.HONGKONG, "裡面的軟體", "裏面的軟體"),  # through tw2t: vocabulary kept
    (HK, Variant.SIMPLIFIED, "為了裏面説話", "为了里面说话"),
    (HK, Variant.TRADITIONAL, "為賦新詞強説愁", "爲賦新詞強說愁"),
    (HK, Variant.TAIWAN, "裏面説話", "裡面說話"),
    (None, Variant.TRADITIONAL, "头发與頭髮", "頭髮與頭髮"),
    (None, Variant.SIMPLIFIED, "头发與頭髮", "头发与头发"),
    (None, Variant.TAIWAN, "软件和軟件", "軟體和軟體"),
    (HANS, Variant.SIMPLIFIED, "诞生的軟件", "诞生的軟件"),  # the original
]


@pytest.mark.parametrize(("source", "variant", "text", "expected"), KNOWN)
def test_known_conversions(
    source: Locale | None, variant: Variant, text: str, expected: str
) -> None:
    converted, offset_map = convert_text(text, variant, source)
    assert converted == expected
    assert (offset_map.view_len, offset_map.source_len) == (len(expected), len(text))


def test_a_detected_script_stands_for_its_locale() -> None:
    assert convert_text("软件", Variant.TAIWAN, S)[0] == "軟體"
    assert convert_text("軟件", Variant.TAIWAN, T)[0] == "軟件"  # zh-Hant: t2tw
    assert convert_text("软件和軟件", Variant.TAIWAN, M)[0] == "軟體和軟體"


def test_text_converter_for_exports() -> None:
    assert text_converter(Variant.TAIWAN, S)("软件") == "軟體"
    assert text_converter(Variant.TAIWAN, T, Backend.REIMPLEMENTED)("軟件") == "軟體"


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


def test_taiwan_variant_of_004_is_t2tw() -> None:
    view = convert_view(reading_view(source("004")), Variant.TAIWAN, T)
    assert "軟件公司" in view.text  # the author's word: t2tw has no phrases
    assert "説" in view.text  # t2tw changes only the characters TWVariants lists
    as_taiwan = convert_view(reading_view(source("004")), Variant.TAIWAN, Locale.HANS)
    start = as_taiwan.text.index("軟體公司")  # read as Simplified: s2twp
    src_start, src_end = as_taiwan.map.range_to_source(start, start + 4)
    assert source("004")[src_start:src_end] == "軟件公司"


def test_simplified_samples_do_not_change_in_simplified() -> None:
    for prefix in ("000", "001", "003"):
        assert convert_text(source(prefix), Variant.SIMPLIFIED, S)[0] == source(prefix)


def test_traditional_of_a_traditional_sample_is_the_original() -> None:
    text = source("002")
    assert convert_text(text, Variant.TRADITIONAL, T)[0] == text
    converted, _ = convert_text(text, Variant.TRADITIONAL, None)  # read as mixed: s2t
    changed = {(a, b) for a, b in zip(text, converted, strict=True) if a != b}
    assert changed == {("群", "羣")}


def test_mixed_document_converts_as_a_whole() -> None:
    simplified, traditional = source("000"), source("002")
    converted, _ = convert_text(simplified + traditional, Variant.TRADITIONAL, M)
    assert converted[: len(simplified)] == convert_text(simplified, Variant.TRADITIONAL, S)[0]
    converted, _ = convert_text(simplified + traditional, Variant.SIMPLIFIED, M)
    assert converted[: len(simplified)] == simplified
    assert converted[len(simplified) :] == convert_text(traditional, Variant.SIMPLIFIED, T)[0]


# -- maps: random text with phrases that change length ---------------------------

PHRASES = ["软件", "信息", "互联网", "线程", "鼠标", "打印机", "头发", "发展", "视频", "质量"]
PHRASES += ["軟件", "資訊", "互聯網", "程序", "説", "群", "发明了", "一准保护", "了", "的"]
PHRASES += ["滑鼠", "軟體", "裡面", "演算法", "東京駅", "から", "です", "⿰木木"]
MARKS = ["a", "Z", "7", " ", "\n", "，", "。", "「", "」"]

phrase_text = st.lists(st.sampled_from(PHRASES + MARKS), max_size=30).map("".join)
any_variant = st.sampled_from(list(Variant))
any_source = st.sampled_from([*Locale, *Script, None])
any_backend = st.sampled_from(list(Backend))


def selections(length: int) -> st.SearchStrategy[tuple[int, int]]:
    return st.tuples(st.integers(0, length), st.integers(0, length)).map(sorted).map(tuple)


def covers(outer: tuple[int, int], inner: tuple[int, int]) -> bool:
    return outer[0] <= inner[0] and inner[1] <= outer[1]


@settings(max_examples=200, deadline=None)
@given(phrase_text, any_variant, any_source, any_backend, st.data())
def test_selections_map_to_source_and_back(
    text: str, variant: Variant, source: Source, backend: Backend, data: st.DataObject
) -> None:
    converted, offset_map = convert_text(text, variant, source, backend=backend)
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
@given(phrase_text, any_variant, any_source, any_backend, st.data())
def test_selections_inside_aligned_parts_are_exact(
    text: str, variant: Variant, source: Source, backend: Backend, data: st.DataObject
) -> None:
    _, offset_map = convert_text(text, variant, source, backend=backend)
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
@given(phrase_text, any_variant, any_source, any_backend, st.data())
def test_views_compose_with_a_random_reading_map(
    text: str, variant: Variant, source: Source, backend: Backend, data: st.DataObject
) -> None:
    inner = data.draw(random_maps(len(text)))
    view = TextView(text, inner)
    converted = convert_view(view, variant, source, backend=backend)
    conv_text, conv_map = convert_text(text, variant, source, backend=backend)
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
    built: list[tuple[str, Backend]] = []
    monkeypatch.setattr(pipeline, "get_converter", lambda *args: built.append(args))
    scripts.prepare(S)
    assert built == [("s2t", Backend.OPENCC)]
    scripts.prepare(T, [Variant.TAIWAN])
    assert built[1:] == [("t2tw", Backend.OPENCC)]
    scripts.prepare(Locale.TW, backend=Backend.REIMPLEMENTED)
    assert built[2:] == [("t2s", Backend.REIMPLEMENTED)]  # s: Simplified, then original
    scripts.prepare(None)
    assert built[3:] == [("t2s", Backend.OPENCC), ("s2t", Backend.OPENCC)]


def test_original_returns_the_view() -> None:
    view = TextView.plain("软件")
    assert convert_view(view, Variant.ORIGINAL, S) is view


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(["000", "002", "004"]),
    st.sampled_from(list(Variant)),
    st.sampled_from([Locale.HANS, Locale.TW, None]),
    any_backend,
    st.data(),
)
def test_a_region_converts_exactly_as_the_whole(
    prefix: str, variant: Variant, locale: Locale | None, backend: Backend, data: st.DataObject
) -> None:
    view = reading_view(source(prefix))
    script: Source = locale or (S if prefix == "000" else T)
    full_text, full_map = convert_text(view.text, variant, script, backend=backend)
    region = data.draw(selections(len(view.text)))
    partial = convert_view(view, variant, script, region=region, backend=backend)
    start, end = partial.extra.get(PARTIAL_RANGE, (0, len(partial.text)))
    view_end = end - (len(partial.text) - len(view.text))  # the range in the unconverted view
    assert start <= region[0] and region[1] <= view_end
    full_start, full_end = full_map.range_to_view(start, view_end)
    assert partial.text[start:end] == full_text[full_start:full_end]
    assert partial.text[:start] == view.text[:start]
    assert partial.text[end:] == view.text[view_end:]
    assert partial.text.count("\n") == view.text.count("\n")
    full = convert_view(view, variant, script, backend=backend)
    for pos in range(start, end):  # inside the range, the partial map is the full one
        assert full.map.to_source(full_start + pos - start) == partial.map.to_source(pos)


def test_a_region_stays_small_on_a_long_text() -> None:
    text = ("软件信息互联网。" * 50 + "\n") * 400
    view = TextView.plain(text)
    partial = convert_view(view, Variant.TAIWAN, S, region=(200_000, 200_100))
    start, end = partial.extra[PARTIAL_RANGE]
    assert end - start < 500
    assert partial.text[start:end] in convert_text(text, Variant.TAIWAN, S)[0]


@pytest.mark.parametrize("backend", list(Backend))
def test_long_texts_convert_in_chunks_that_can_be_cancelled(backend: Backend) -> None:
    text = source("002") * 14  # over one chunk
    assert len(text) > scripts.CHUNK_SIZE
    whole, whole_map = convert_text(text, Variant.TAIWAN, S, backend=backend)
    assert whole == pipeline.get_converter("s2twp", backend).convert(text)[0]
    assert whole_map.view_len == len(whole)
    with pytest.raises(ConversionCancelled):
        convert_text(text, Variant.TAIWAN, S, cancelled=lambda: True, backend=backend)


# -- bad input -----------------------------------------------------------------


@pytest.mark.parametrize("variant", list(Variant))
@pytest.mark.parametrize("text", ["", "no Chinese at all\n", "😀 한국어 𠮷 \x1b[31m"])
def test_empty_and_non_chinese_documents_toggle(text: str, variant: Variant) -> None:
    for source in [*Script, *Locale, None]:
        for backend in Backend:
            converted = convert_view(TextView.plain(text), variant, source, backend=backend)
            assert converted.text == text
            assert converted.label == variant.value


def test_a_failing_converter_raises_a_conversion_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(name: str, backend: Backend) -> None:
        raise OSError(f"{name}.json: no such file")

    monkeypatch.setattr(pipeline, "get_converter", broken)
    with pytest.raises(ConversionError, match=r"Traditional.*s2t\.json") as caught:
        convert_view(TextView.plain("软件"), Variant.TRADITIONAL, S)
    assert "\n" not in str(caught.value)


def test_links_and_footnotes_move_with_a_conversion_that_changes_length() -> None:
    from kbtui.scripts.locales import Locale
    from kbtui.view.markdown import render

    source = "用互联网的线程[看这里](https://example.org)和注释[^1]。\n\n[^1]: 注。\n"
    view = render(source)
    converted = convert_view(view, Variant.TAIWAN, Locale.HANS)
    assert len(converted.text) != len(view.text)  # 互联网 → 網際網路, 线程 → 執行緒
    [(start, end, url)] = converted.extra["links"]
    assert url == "https://example.org"
    assert converted.map.range_to_source(start, end) == view.map.range_to_source(
        *view.extra["links"][0][:2]
    )
    for (s, e, *_), (s0, e0, *_) in zip(
        converted.extra["footnotes"], view.extra["footnotes"], strict=True
    ):
        assert converted.map.range_to_source(s, e) == view.map.range_to_source(s0, e0)
