"""Source locales, the chains each view uses, their labels, and the ``s`` cycle."""

from __future__ import annotations

import pytest

from kbtui.scripts.chains import (
    Backend,
    Variant,
    chain_for,
    cycle_next,
    offers_chinese_views,
    parse_backend,
    parse_variant,
    source_locale,
    view_label,
)
from kbtui.scripts.hanzi import Script
from kbtui.scripts.locales import Locale, is_japanese_tag, locale_for, parse_locale

S, T, M, N, J = Script.SIMPLIFIED, Script.TRADITIONAL, Script.MIXED, Script.NONE, Script.JAPANESE
HANS, HANT, TW, HK = Locale.HANS, Locale.HANT, Locale.TW, Locale.HK


@pytest.mark.parametrize(
    ("tag", "locale"),
    [
        ("zh-CN", HANS),
        ("zh-SG", HANS),
        ("zh-Hans", HANS),
        ("zh-Hans-TW", HANS),  # the script decides
        ("zh_cn", HANS),
        ("zh-cmn-Hans-CN", HANS),
        ("zh-TW", TW),
        ("zh-Hant-TW", TW),
        (" ZH-hant-tw ", TW),
        ("zh-HK", HK),
        ("zh-MO", HK),
        ("zh-Hant-HK", HK),
        ("yue", HK),
        ("zh-Hant", HANT),
        ("zh-Hant-CN", HANT),
        ("zh", None),
        ("zh-Latn", None),
        ("ja", None),
        ("en-US", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_locale(tag: str | None, locale: Locale | None) -> None:
    assert parse_locale(tag) is locale


def test_locale_for_prefers_what_is_declared() -> None:
    assert locale_for(S) is HANS
    assert locale_for(T) is HANT
    assert locale_for(T, "zh-TW") is TW
    assert locale_for(S, "zh-Hant") is HANT  # the user or the author knows best
    assert locale_for(T, "zh") is HANT  # a tag that says nothing: detection decides
    for script in (M, N, J):
        assert locale_for(script) is None
    assert locale_for(M, "zh-HK") is HK
    assert [source_locale(s) for s in (S, HK, None)] == [HANS, HK, None]


CHAINS = {
    # (source, variant): chain; the original for the source's own variant
    (HANS, Variant.SIMPLIFIED): (),
    (HANS, Variant.TRADITIONAL): ("s2t",),
    (HANS, Variant.TAIWAN): ("s2twp",),
    (HANS, Variant.HONGKONG): ("s2hk",),
    (HANT, Variant.SIMPLIFIED): ("t2s",),
    (HANT, Variant.TRADITIONAL): (),
    (HANT, Variant.TAIWAN): ("t2tw",),
    (HANT, Variant.HONGKONG): ("t2hk",),
    (TW, Variant.SIMPLIFIED): ("tw2sp",),
    (TW, Variant.TRADITIONAL): ("tw2t",),
    (TW, Variant.TAIWAN): (),
    (TW, Variant.HONGKONG): ("tw2t", "t2hk"),
    (HK, Variant.SIMPLIFIED): ("hk2s",),
    (HK, Variant.TRADITIONAL): ("hk2t",),
    (HK, Variant.TAIWAN): ("hk2t", "t2tw"),
    (HK, Variant.HONGKONG): (),
    (None, Variant.SIMPLIFIED): ("t2s",),
    (None, Variant.TRADITIONAL): ("s2t",),
    (None, Variant.TAIWAN): ("s2twp",),
    (None, Variant.HONGKONG): ("s2hk",),
}


def test_chains_follow_opencc_configs() -> None:
    for (source, variant), chain in CHAINS.items():
        assert chain_for(source, variant) == chain, (source, variant)
        assert chain_for(source, Variant.ORIGINAL) == ()
    assert chain_for(S, Variant.TAIWAN) == ("s2twp",)  # a script stands for its locale
    assert chain_for(T, Variant.TAIWAN) == ("t2tw",)
    assert chain_for(M, Variant.TAIWAN) == chain_for(None, Variant.TAIWAN)


def test_labels_say_which_conversion_is_shown() -> None:
    assert view_label(HANS, Variant.TAIWAN) == "Taiwan · s2twp"
    assert view_label(TW, Variant.HONGKONG) == "Hong Kong · tw2t → t2hk"
    assert view_label(HANT, Variant.TRADITIONAL) == "Traditional · original"
    assert view_label(T, Variant.ORIGINAL) == "Original"
    old = view_label(T, Variant.TAIWAN, Backend.REIMPLEMENTED)
    assert old == "Taiwan · t2s → s2twp (opencc-python-reimplemented)"


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
    for locale in (TW, HK, HANT):
        assert cycle_next(Variant.SIMPLIFIED, locale) is Variant.ORIGINAL
    assert cycle_next(Variant.ORIGINAL, HANS) is Variant.TRADITIONAL
    assert cycle_next(Variant.ORIGINAL, None) is Variant.SIMPLIFIED


def test_japanese_documents_get_no_chinese_views() -> None:
    assert not offers_chinese_views(J)
    assert not offers_chinese_views(S, "ja-JP")
    assert offers_chinese_views(T) and offers_chinese_views(N, "zh-TW")
    assert is_japanese_tag("ja") and not is_japanese_tag("jv") and not is_japanese_tag(None)


def test_parse_variant_and_backend() -> None:
    assert parse_variant(" Taiwan ") is Variant.TAIWAN
    with pytest.raises(ValueError, match="choose one of original, simplified"):
        parse_variant("klingon")
    assert Variant.TAIWAN.display_name.startswith("Traditional, Taiwan")
    assert Variant.HONGKONG.short_name == "Hong Kong"
    assert parse_backend("OpenCC") is Backend.OPENCC
    assert parse_backend("opencc-python-reimplemented") is Backend.REIMPLEMENTED
    with pytest.raises(ValueError, match="choose one of opencc, opencc-python-reimplemented"):
        parse_backend("iconv")
    assert HK.display_name == "Traditional Chinese (Hong Kong)"
