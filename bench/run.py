"""Run every benchmark under bench/ and print one table: figure, bar, peer ratio.

    python bench/run.py [--quick] [--only startup,index,...] [--corpus DIR] [--log FILE]

The default run (about ten minutes on two cores) uses a 10,000-document,
100 MB corpus made once by ``make_corpus.py`` (kept in /tmp/kbtui-bench);
``--quick`` uses 1,000 documents and 10 MB and smaller inputs everywhere,
for a check in a minute or two. Peers run in the same run, so a ratio is
never against a figure from another day: a bare Textual app, a new process
that walks and stats the corpus, native OpenCC (``/tmp/nativecc``), stock
TinyDB, and reading and decoding the corpus. Every script's whole output
goes to the log (default ``bench/out/run.log``); the table is the summary.
A suite that fails is reported and the others still run; the exit status is
1 when a figure misses its bar or a suite fails.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

from suites import BENCH, Context, Figure, child_env
from suites_scale import SUITES


def corpus_for(quick: bool) -> Path:
    """The generated corpus of this run's size, made on first use."""
    files, megabytes = (1000, 10) if quick else (10_000, 100)
    root = Path(tempfile.gettempdir()) / "kbtui-bench" / f"corpus-{files}-{megabytes}"
    if not root.exists():
        print(f"making {root} ...", file=sys.stderr)
        subprocess.run(
            [
                sys.executable,
                str(BENCH / "make_corpus.py"),
                str(files),
                str(root),
                "--size-mb",
                str(megabytes),
            ],
            check=True,
        )
    return root


def cell(figure: Figure) -> tuple[str, str, str, str, str]:
    """A figure as the table's columns."""
    if figure.value is None:
        value = "not found"
    elif figure.unit == "x":
        value = f"{figure.value:.2f}x"
    else:
        value = f"{figure.value:,.1f} {figure.unit}".strip()
    return figure.name, value, figure.target, figure.verdict, figure.peer


def table(rows: list[tuple[str, list[Figure] | str]]) -> str:
    """The summary: one line per figure, grouped by suite; a failed suite in one line."""
    lines = []
    header = ("figure", "value", "bar", "", "peer (same run)")
    cells = [cell(f) for _, figures in rows if not isinstance(figures, str) for f in figures]
    widths = [max(len(c[i]) for c in [header, *cells]) for i in range(5)]

    def line(columns: tuple[str, ...]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip()

    lines.append(line(header))
    lines.append("  ".join("-" * w for w in widths))
    for suite, figures in rows:
        lines.append(f"[{suite}]")
        if isinstance(figures, str):
            lines.append(f"  FAILED: {figures}")
            continue
        lines.extend(line(cell(f)) for f in figures)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the suites and print the table; 1 when a bar is missed or a suite fails."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small inputs, a minute or two")
    parser.add_argument("--only", help="comma-separated suites: " + ",".join(SUITES))
    parser.add_argument("--corpus", type=Path, help="corpus folder (default: generated)")
    parser.add_argument("--log", type=Path, default=BENCH / "out" / "run.log")
    args = parser.parse_args(argv)
    names = args.only.split(",") if args.only else list(SUITES)
    unknown = set(names) - set(SUITES)
    if unknown:
        parser.error(f"unknown suites: {', '.join(sorted(unknown))}")
    args.log.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="kbtui-run-") as tmp, args.log.open("w") as log:

        def write(command: str, output: str) -> None:
            log.write(f"$ {command}\n{output}\n")
            log.flush()

        scratch = Path(tmp)
        corpus = args.corpus or corpus_for(args.quick)
        ctx = Context(args.quick, corpus, scratch, child_env(scratch), write)
        rows = [(name, run_suite(name, ctx)) for name in names]
    print(table(rows))
    print(f"\nfull output: {args.log}")
    missed = any(
        isinstance(figures, str) or any(f.verdict == "MISSED" for f in figures)
        for _, figures in rows
    )
    return 1 if missed else 0


def run_suite(name: str, ctx: Context) -> list[Figure] | str:
    """One suite's figures, or why it failed (the others still run)."""
    started = time.perf_counter()
    print(f"{name} ...", file=sys.stderr, flush=True)
    try:
        figures = SUITES[name](ctx)
    except (RuntimeError, subprocess.CalledProcessError, ValueError, TypeError) as error:
        ctx.log(f"{name} failed", traceback.format_exc())
        return str(error).strip().splitlines()[-1] if str(error).strip() else repr(error)
    print(f"{name}: {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    return figures


if __name__ == "__main__":
    sys.exit(main())
