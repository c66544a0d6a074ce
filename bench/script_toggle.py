"""Benchmark script toggling (``s`` / ``S``) on a document of about 1 MB.

Run: ``python bench/script_toggle.py [--mb 1] [--lines 60] [--repeat 5]``.

Builds a Simplified document (samples 000, 001, 003 repeated) and a
Traditional one (002, 004 repeated), renders each into its reading view
(:func:`kbtui.view.markdown.render`, so the view's map has the blocks real Markdown
gives), and prints, in milliseconds:

* the cold build of each OpenCC configuration, each in a fresh interpreter;
* the time from ``s`` to the visible page: :func:`kbtui.scripts.views.convert_view`
  with ``region`` set to ``--lines`` lines in the middle of the document, map
  composition and view building included. *Cold* is the first toggle in a
  fresh interpreter (converters built on the way); *warm* is the median of
  later toggles. The target is under 100 ms;
* the full conversion of the whole view per variant (what the worker thread
  does), with characters per second, next to opencc-python-reimplemented's
  own ``convert`` on the same text (text only, no map).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path
from time import perf_counter

from opencc import OpenCC

from kbtui.scripts.conversion import CONFIG_NAMES, get_converter
from kbtui.scripts.hanzi import Script
from kbtui.scripts.views import Variant, chain_for, convert_view
from kbtui.view.markdown import render
from kbtui.view.textview import TextView

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
DOCS = {Script.SIMPLIFIED: ("000", "001", "003"), Script.TRADITIONAL: ("002", "004")}
VARIANTS = (Variant.SIMPLIFIED, Variant.TRADITIONAL, Variant.TAIWAN, Variant.HONGKONG)


def build_source(script: Script, megabytes: float) -> str:
    """The bodies of the samples in ``script``, repeated up to ``megabytes`` of UTF-8."""
    bodies = []
    for prefix in DOCS[script]:
        text = next(CORPUS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")
        start = text.index("\n---\n", 4) + 5 if text.startswith("---\n") else 0
        bodies.append(text[start:])
    sample = "\n".join(bodies)
    return sample * max(1, round(megabytes * 1_000_000 / len(sample.encode("utf-8"))))


def middle_region(text: str, lines: int) -> tuple[int, int]:
    """``lines`` whole lines in the middle of ``text``, as the reader would show them."""
    start = text.rfind("\n", 0, len(text) // 2) + 1
    end = start
    for _ in range(lines):
        end = text.find("\n", end) + 1 or len(text)
    return start, end


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f}"


def timed(action, repeat: int = 1) -> float:  # type: ignore[no-untyped-def]
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
    script, variant = Script(argv[1]), Variant(argv[2])
    view = render(build_source(script, float(argv[3])))
    region = middle_region(view.text, int(argv[4]))
    print(timed(lambda: convert_view(view, variant, script, region=region)))


def run_child(*args: object) -> float:
    out = subprocess.run(
        [sys.executable, __file__, "--child", *map(str, args)],
        check=True,
        capture_output=True,
        text=True,
    )
    return float(out.stdout.split()[-1])


def report_builds() -> None:
    print("cold build of each OpenCC configuration (fresh interpreter), ms")
    for name in CONFIG_NAMES:
        print(f"  {name:6} {ms(run_child('build', name))}")


def report_document(script: Script, view: TextView, args: argparse.Namespace) -> None:
    region = middle_region(view.text, args.lines)
    print(
        f"\n{script} document: {len(view.text):,} characters in the reading view, "
        f"{len(view.map):,} map segments; region of {args.lines} lines = "
        f"{region[1] - region[0]:,} characters"
    )
    print("  variant       chain          visible cold  visible warm     full   M chars/s  package")
    for variant in VARIANTS:
        report_variant(script, view, variant, region, args)


def report_variant(
    script: Script,
    view: TextView,
    variant: Variant,
    region: tuple[int, int],
    args: argparse.Namespace,
) -> None:
    chain = chain_for(script, variant)
    cold = run_child("toggle", script, variant, args.mb, args.lines)
    warm = timed(lambda: convert_view(view, variant, script, region=region), args.repeat)
    full = timed(lambda: convert_view(view, variant, script), max(1, args.repeat // 2))
    package = timed(lambda: _package_convert(view.text, chain))
    print(
        f"  {variant:12}  {'+'.join(chain):13} {ms(cold)}      {ms(warm)} {ms(full)}"
        f"  {len(view.text) / full / 1e6:9.2f} {ms(package)}"
    )


def _package_convert(text: str, chain: tuple[str, ...]) -> str:
    for name in chain:
        text = OpenCC(name).convert(text)
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=1.0, help="document size in MB of UTF-8")
    parser.add_argument("--lines", type=int, default=60, help="lines in the visible region")
    parser.add_argument("--repeat", type=int, default=5, help="runs per warm figure")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    report_builds()
    for script in DOCS:
        report_document(script, render(build_source(script, args.mb)), args)


if __name__ == "__main__":
    main()
