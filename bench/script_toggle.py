"""Benchmark script toggling (``s`` / ``S``) on documents of about 1 MB, beside native OpenCC.

Run: ``python bench/script_toggle.py [--mb 1] [--lines 60] [--repeat 5] [--native PYTHON]``.

Builds a Simplified document (samples 000, 001, 003 repeated, read as
zh-Hans), a Traditional one (002, 004, zh-Hant) and a Taiwan one (the
Simplified one through native-equal ``s2twp``, zh-TW), renders each into its
reading view (:func:`kbtui.view.markdown.render`, so the view's map has the
blocks real Markdown gives), and prints, in milliseconds:

* the cold build of each OpenCC 1.4 configuration, each in a fresh interpreter;
* per view (source locale × variant, the chain :func:`chain_for` picks):
  the time from ``s`` to the visible page (:func:`convert_view` with
  ``region`` set to ``--lines`` lines in the middle of the document, map
  composition and view building included; *cold* in a fresh interpreter,
  converters built on the way; *warm* the median of later toggles; the bar
  is 100 ms, the goal 30 ms);
* the full conversion of the whole view (what the worker thread does), in
  ms and millions of characters per second, for kbtui's OpenCC 1.4 port with
  its map, for native OpenCC 1.4 on the same text in the same run (text
  only, in a subprocess of ``--native``, default ``/tmp/nativecc/bin/python``,
  skipped when missing) and for the opencc-python-reimplemented backend with
  its own chain (what kbtui did before).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from time import perf_counter

from kbtui.scripts.chains import Backend, Variant, chain_for
from kbtui.scripts.engine import CONFIG_NAMES, get_converter
from kbtui.scripts.locales import Locale
from kbtui.scripts.views import convert_view
from kbtui.view.markdown import render
from kbtui.view.textview import TextView

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
DOCS = {Locale.HANS: ("000", "001", "003"), Locale.HANT: ("002", "004")}
VARIANTS = (Variant.SIMPLIFIED, Variant.TRADITIONAL, Variant.TAIWAN, Variant.HONGKONG)

_NATIVE = """
import json, statistics, sys, time
import opencc
request = json.load(sys.stdin)
times = {}
for chain in request["chains"]:
    converters = [opencc.OpenCC(name) for name in chain]
    runs = []
    for _ in range(request["repeat"]):
        text, started = request["text"], time.perf_counter()
        for converter in converters:
            text = converter.convert(text)
        runs.append(time.perf_counter() - started)
    times["+".join(chain)] = statistics.median(runs)
json.dump(times, sys.stdout)
"""


def build_source(locale: Locale, megabytes: float) -> str:
    """The sample bodies of ``locale``, repeated up to ``megabytes`` of UTF-8 (zh-TW:
    the Simplified ones in Taiwan's standard)."""
    prefixes = DOCS.get(locale, DOCS[Locale.HANS])
    bodies = []
    for prefix in prefixes:
        text = next(CORPUS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")
        start = text.index("\n---\n", 4) + 5 if text.startswith("---\n") else 0
        bodies.append(text[start:])
    sample = "\n".join(bodies)
    if locale is Locale.TW:
        sample = get_converter("s2twp").convert(sample)[0]
    return sample * max(1, round(megabytes * 1_000_000 / len(sample.encode("utf-8"))))


def middle_region(text: str, lines: int) -> tuple[int, int]:
    """``lines`` whole lines in the middle of ``text``, as the reader would show them."""
    start = text.rfind("\n", 0, len(text) // 2) + 1
    end = start
    for _ in range(lines):
        end = text.find("\n", end) + 1 or len(text)
    return start, end


def ms(seconds: float | None) -> str:
    return "       –" if seconds is None else f"{seconds * 1000:8.1f}"


def timed(action: Callable[[], object], repeat: int = 1) -> float:
    """The median wall time of ``action()`` over ``repeat`` runs."""
    times = []
    for _ in range(repeat):
        started = perf_counter()
        action()
        times.append(perf_counter() - started)
    return statistics.median(times)


def child(argv: list[str]) -> None:
    """Measure one cold thing in this fresh interpreter and print seconds."""
    if argv[0] == "build":
        print(timed(lambda: get_converter(argv[1])))
        return
    locale, variant = Locale(argv[1]), Variant(argv[2])
    view = render(build_source(locale, float(argv[3])))
    region = middle_region(view.text, int(argv[4]))
    print(timed(lambda: convert_view(view, variant, locale, region=region)))


def run_child(*args: object) -> float:
    out = subprocess.run(
        [sys.executable, __file__, "--child", *map(str, args)],
        check=True,
        capture_output=True,
        text=True,
    )
    return float(out.stdout.split()[-1])


def native_times(
    text: str, chains: list[tuple[str, ...]], args: argparse.Namespace
) -> dict[str, float]:
    """Native OpenCC's median time per chain on ``text`` (empty when it is not there)."""
    if not Path(args.native).exists():
        return {}
    request = {"text": text, "chains": chains, "repeat": max(1, args.repeat // 2)}
    out = subprocess.run(
        [args.native, "-c", _NATIVE], input=json.dumps(request), capture_output=True, text=True
    )
    times: dict[str, float] = json.loads(out.stdout) if out.returncode == 0 else {}
    return times


def report_builds() -> None:
    print("cold build of each OpenCC 1.4 configuration (fresh interpreter), ms")
    for name in CONFIG_NAMES:
        print(f"  {name:6} {ms(run_child('build', name))}")


def report_document(locale: Locale, view: TextView, args: argparse.Namespace) -> None:
    region = middle_region(view.text, args.lines)
    print(
        f"\n{locale} document: {len(view.text):,} characters in the reading view, "
        f"{len(view.map):,} map segments; region of {args.lines} lines = "
        f"{region[1] - region[0]:,} characters"
    )
    variants = [v for v in VARIANTS if chain_for(locale, v)]
    native = native_times(view.text, [chain_for(locale, v) for v in variants], args)
    print(
        "  variant      chain         visible cold  visible warm"
        "  |  full kbtui  Mc/s   native  Mc/s  |  0.1.7 chain     full  Mc/s"
    )
    for variant in variants:
        report_variant(locale, view, variant, region, native, args)


def report_variant(
    locale: Locale,
    view: TextView,
    variant: Variant,
    region: tuple[int, int],
    native: dict[str, float],
    args: argparse.Namespace,
) -> None:
    chain = chain_for(locale, variant)
    old_chain = chain_for(locale, variant, Backend.REIMPLEMENTED)
    cold = run_child("toggle", locale, variant, args.mb, args.lines)
    warm = timed(lambda: convert_view(view, variant, locale, region=region), args.repeat)
    repeat = max(1, args.repeat // 2)
    full = timed(lambda: convert_view(view, variant, locale), repeat)
    old = timed(lambda: convert_view(view, variant, locale, backend=Backend.REIMPLEMENTED), repeat)
    theirs = native.get("+".join(chain))
    print(
        f"  {variant:11}  {'+'.join(chain):12} {ms(cold)}      {ms(warm)}"
        f"  | {ms(full)} {rate(view, full)} {ms(theirs)} {rate(view, theirs)}"
        f"  |  {'+'.join(old_chain):10} {ms(old)} {rate(view, old)}"
    )


def rate(view: TextView, seconds: float | None) -> str:
    return "    –" if not seconds else f"{len(view.text) / seconds / 1e6:5.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=1.0, help="document size in MB of UTF-8")
    parser.add_argument("--lines", type=int, default=60, help="lines in the visible region")
    parser.add_argument("--repeat", type=int, default=5, help="runs per warm figure")
    parser.add_argument(
        "--native", default="/tmp/nativecc/bin/python", help="native OpenCC's python"
    )
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    report_builds()
    for locale in (Locale.HANS, Locale.HANT, Locale.TW):
        report_document(locale, render(build_source(locale, args.mb)), args)


if __name__ == "__main__":
    main()
