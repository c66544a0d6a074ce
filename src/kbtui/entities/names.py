"""Names: when two spellings are one name.

Two spellings are the same name when their *keys* are equal (see
:func:`name_key`): NFKC, white space collapsed, Traditional folded to
Simplified, every name separator (``·`` ``・`` ``•`` ``‧``) made ``·``, Latin
lower-cased. So 達里奧·阿莫代伊 = 达里奥·阿莫代伊 and ``dario amodei`` = ``Dario
Amodei``; 輝達 and 英伟达 are different keys, joined only by an alias.

Apart from the registry because everything that compares names needs this one
rule and nothing else of it: the records read from files and the database,
the registry, and the UI asking whether a selection is already a name.
"""

from __future__ import annotations

import unicodedata

from kbtui.scripts.hanzi import fold


def clean_name(name: str) -> str:
    """A name as written, with NFKC applied and white space collapsed, for display."""
    return " ".join(unicodedata.normalize("NFKC", name).split())


def name_key(name: str) -> str:
    """The key two spellings of one name share (empty for a blank name)."""
    return fold(clean_name(name))


def as_name(value: object) -> str:
    """A name from a value read from YAML or the database: a string or a
    number, cleaned; anything else (a list, a mapping, a boolean) is no name."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return ""
    return clean_name(str(value))


def as_names(value: object) -> list[str]:
    """The names in a list of such values (or in one value), blanks left out."""
    items = value if isinstance(value, list | tuple) else [value]
    return [name for item in items if (name := as_name(item))]
