"""The source locale of a document: which Chinese it is written in, beyond its script.

OpenCC's configurations read from one standard each (``s2t`` from Simplified,
``t2tw`` from OpenCC's standard Traditional, ``tw2sp`` from Taiwan's usage),
so the right conversion depends on more than the script the characters are
in: a Taiwan article and an OpenCC-standard Traditional one look alike to
:func:`~kbtui.scripts.hanzi.detect_script` but need different chains. A
document's locale comes from its frontmatter (``lang`` or ``language``, a
BCP 47 tag), else from the detected script, and the user may set it.
"""

from __future__ import annotations

from enum import StrEnum

from kbtui.scripts.hanzi import Script


class Locale(StrEnum):
    """The Chinese standard a document is written in (the source of every view)."""

    HANS = "zh-Hans"
    """Simplified Chinese (mainland China, Singapore, Malaysia)."""
    HANT = "zh-Hant"
    """Traditional Chinese in OpenCC's standard forms, no region."""
    TW = "zh-TW"
    """Traditional Chinese as written in Taiwan (its characters and vocabulary)."""
    HK = "zh-HK"
    """Traditional Chinese as written in Hong Kong (and Macau)."""

    @property
    def display_name(self) -> str:
        """A name for menus and notices."""
        return _NAMES[self]


_NAMES = {
    Locale.HANS: "Simplified Chinese",
    Locale.HANT: "Traditional Chinese",
    Locale.TW: "Traditional Chinese (Taiwan)",
    Locale.HK: "Traditional Chinese (Hong Kong)",
}

_CHINESE = {"zh", "cmn", "yue", "wuu", "hak", "nan", "gan", "hsn", "cjy", "cdo", "cpx", "czh"}
"""BCP 47 language subtags of Chinese (macrolanguage ``zh`` and its members)."""

_REGIONS = {
    "cn": Locale.HANS,
    "sg": Locale.HANS,
    "my": Locale.HANS,
    "tw": Locale.TW,
    "hk": Locale.HK,
    "mo": Locale.HK,
}


def parse_locale(tag: str | None) -> Locale | None:
    """The locale a BCP 47 language tag names, or ``None`` when it names none.

    ``zh-CN``, ``zh-SG``, ``zh-Hans`` (with any region) → zh-Hans; ``zh-TW``,
    ``zh-Hant-TW`` → zh-TW; ``zh-HK``, ``zh-MO``, ``zh-Hant-HK`` → zh-HK;
    ``zh-Hant`` (or Hant with another region) → zh-Hant. Case and ``_`` for
    ``-`` are forgiven, extended language subtags (``zh-cmn-Hans``) skipped.
    A tag without script or region (``zh``), or not Chinese (``ja``, ``en``),
    names none: the caller then detects the script.
    """
    if not tag:
        return None
    subtags = tag.strip().lower().replace("_", "-").split("-")
    if subtags[0] not in _CHINESE:
        return None
    rest = subtags[1:]
    while rest and len(rest[0]) == 3 and rest[0].isalpha():  # extended language subtags
        rest = rest[1:]
    script = rest.pop(0) if rest and len(rest[0]) == 4 and rest[0].isalpha() else None
    region = _REGIONS.get(rest[0]) if rest else None
    if script == "hans":
        return Locale.HANS
    if script == "hant":
        return region if region in (Locale.TW, Locale.HK) else Locale.HANT
    if script is None and region is not None:
        return region
    return Locale.HK if script is None and subtags[0] == "yue" else None


def is_japanese_tag(tag: str | None) -> bool:
    """Whether a BCP 47 tag declares Japanese (``ja``, ``ja-JP``, ``ja-Jpan``...)."""
    if not tag:
        return False
    return tag.strip().lower().replace("_", "-").split("-")[0] == "ja"


def locale_for(script: Script, declared_tag: str | None = None) -> Locale | None:
    """A document's source locale: the declared one, else the one its script implies.

    ``None`` means no single locale: a mixed-script document, one with no
    Chinese, or Japanese. Views of such a document read it as mixed (see
    :func:`kbtui.scripts.chains.chain_for`).
    """
    declared = parse_locale(declared_tag)
    if declared is not None:
        return declared
    if script is Script.SIMPLIFIED:
        return Locale.HANS
    if script is Script.TRADITIONAL:
        return Locale.HANT
    return None
