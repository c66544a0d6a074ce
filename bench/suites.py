"""Each benchmark under bench/ as a suite for ``bench/run.py``: how to run it, what to read back.

A suite runs its script in a new process (its own imports and caches, as a
user pays them), keeps the whole output for the log, and picks out the
figures that have a quality bar (DESIGN.md) or a peer measured in the same
run. The scripts stay what they were: readable on their own; this module is
only the glue that reads their lines, so a changed line format shows up here
as a missing figure ("not found"), never as a silently wrong one.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
NATIVE = Path("/tmp/nativecc/bin/python")


@dataclass(frozen=True)
class Figure:
    """One measured figure, its bar and, where a peer ran, the ratio to it."""

    name: str
    value: float | None
    unit: str
    target: str = ""
    verdict: str = ""
    """``ok``, ``over goal`` (past the bar, within the hard limit) or ``MISSED``."""
    peer: str = ""


@dataclass(frozen=True)
class Context:
    """What every suite needs: the run's size, its corpus and scratch folder, the env."""

    quick: bool
    corpus: Path
    scratch: Path
    env: dict[str, str]
    log: Callable[[str, str], None]


def run(ctx: Context, name: str, *args: str) -> str:
    """Run ``bench/<name>.py`` with ``args``; its stdout (logged with stderr)."""
    done = subprocess.run(
        [sys.executable, str(BENCH / f"{name}.py"), *args],
        capture_output=True,
        text=True,
        env=ctx.env,
        check=False,
    )
    ctx.log(f"{name} {' '.join(args)}", done.stdout + done.stderr)
    if done.returncode:
        raise RuntimeError(f"bench/{name}.py exited {done.returncode}: {done.stderr[-400:]}")
    return done.stdout


def find(pattern: str, text: str, group: int = 1) -> float | None:
    """The number ``pattern`` captures in ``text`` (first match), or None."""
    match = re.search(pattern, text, re.MULTILINE)
    return float(match.group(group).replace(",", "")) if match else None


def at_most(
    name: str, value: float | None, unit: str, bar: float, fail: float | None = None, peer: str = ""
) -> Figure:
    """A figure whose bar is an upper limit (``fail``, when given, is the hard limit)."""
    target = f"<= {bar:g} {unit}" + (f" (fails > {fail:g})" if fail is not None else "")
    if value is None:
        verdict = ""
    elif value <= bar:
        verdict = "ok"
    else:
        verdict = "over goal" if fail is not None and value <= fail else "MISSED"
    return Figure(name, value, unit, target, verdict, peer)


def startup(ctx: Context) -> list[Figure]:
    """Start-up on the sample corpus beside a bare Textual app; launch to list on the big one."""
    runs = "3" if ctx.quick else "7"
    out = run(ctx, "startup", "--runs", runs)
    bare = find(r"bare Textual app:\s+median\s+([\d.]+)", out)
    warm = find(r"list on screen:\s+median\s+([\d.]+)", out)
    ratio = warm / bare if warm and bare else None
    cpu_ratio = find(r"CPU, kbtui:.*\(([\d.]+)x bare\)", out)
    to_frame = find(r"to painted, kbtui:.*; ([\d.]+)x bare", out)
    big = run(ctx, "startup", "--corpus", str(ctx.corpus), "--runs", "3")
    # from the process's start to the list painted: its exit waits for the index worker
    painted = find(r"to painted, kbtui:\s+median\s+([\d.]+)", big)
    first = find(r"first run:\s+([\d.]+)", big)
    split = run(ctx, "startup", "--textual", "--runs", runs)

    def over_bare(part: str) -> float | None:
        return find(rf"{part}\s+[\d.]+\s+[\d.]+\s+(-?[\d.]+)", split)

    return [
        Figure("bare Textual app, one label (peer)", bare, "ms"),
        Figure("start-up, sample corpus, to exit", warm, "ms"),
        # the bar is on the first frame, what a user waits for: the bare app's exit after its
        # paint took 55-104 ms, 13-16 with gc.freeze() (kbtui freezes its objects: ~25 ms)
        at_most("start-up / bare Textual app, to the first frame", to_frame, "x", 1.2, 1.5),
        Figure("start-up / bare Textual app, to exit", ratio, "x"),
        Figure("start-up / bare Textual app, CPU time to exit", cpu_ratio, "x"),
        Figure("  UI-thread CPU over bare: imports", over_bare("imports"), "ms"),
        Figure("  UI-thread CPU over bare: run to painted", over_bare("run to painted"), "ms"),
        Figure(f"first run, {ctx.corpus.name} (no caches)", first, "ms"),
        at_most(f"launch to list painted, {ctx.corpus.name}, warm", painted, "ms", 500, 1000),
    ]


def listing(ctx: Context) -> list[Figure]:
    """``kbtui list --json`` warm against the floor (a new process that walks and
    stats), runs interleaved by bench/listing.py; and what a listing of one document costs."""
    out = run(ctx, "load", str(ctx.corpus), "--cache-dir", str(ctx.scratch / "load-cache"))
    cold = find(r"cold scan \(no cache\):\s+([\d.]+)", out)
    cache = str(ctx.scratch / "listing-cache")
    out = run(ctx, "listing", str(ctx.corpus), "--cache", cache, "--runs", "5")

    def median_wall(name: str) -> float | None:
        return find(rf"{re.escape(name)}: wall ([\d.]+) ms", out)

    floor, listed = median_wall("walk + stat floor"), median_wall("kbtui list --json, warm")
    ratio = listed / floor if listed and floor else None
    bare = median_wall("python -c pass (peer)")
    return [
        Figure(f"scan, no cache, {ctx.corpus.name}", cold and cold * 1000, "ms"),
        Figure("walk + stat floor, new process (peer)", floor, "ms"),
        Figure("kbtui list --json, warm", listed, "ms", peer=f"{ratio:.1f}x" if ratio else ""),
        at_most("kbtui list --json / walk + stat floor", ratio, "x", 5),
        Figure(
            "kbtui list --json, one document (fixed cost)",
            median_wall("kbtui list --json, one document (the fixed cost)"),
            "ms",
            peer=f"python -c pass {bare:.0f} ms" if bare else "",
        ),
    ]


def index(ctx: Context) -> list[Figure]:
    """The mention index built without a cache, against reading and decoding the corpus."""
    out = run(ctx, "index", str(ctx.corpus))
    read = find(r"read \+ decode every file\s+([\d.]+)", out)
    ratios = [float(x) for x in re.findall(r"=\s+([\d.]+)x read \+ decode", out)]
    threads, processes = ratios if len(ratios) == 2 else (None, None)
    figures = [Figure("read + decode every file (peer)", read and read * 1000, "ms")]
    for way, label, ratio in (
        ("threads", r"threads \(read \+ match\)", threads),
        ("processes, as the app", r"processes \(as the app\)", processes),
    ):
        build = find(rf"index build, no cache, {label}\s+([\d.]+)", out)
        peer = f"{ratio:.2f}x read+decode" if ratio else ""
        name = f"mention index, no cache, {way}"
        figures.append(Figure(name, build and build * 1000, "ms", peer=peer))
    return [
        *figures,
        at_most("mention index (as the app) / read + decode", processes, "x", 2),
        Figure(
            "mention index, cache warm",
            (v := find(r"cache warm \(second start\)\s+([\d.]+)", out)) and v * 1000,
            "ms",
        ),
    ]


def adding(ctx: Context) -> list[Figure]:
    """Adding a highlight: 50,000 stored over many documents, and all on one; beside TinyDB."""
    n = "5000" if ctx.quick else "50000"
    spread = run(ctx, "annotations", "--sizes", n, "--per-doc", "500", "--baseline")
    one = run(ctx, "annotations", "--sizes", n, "--per-doc", n, "--baseline")
    add = r"add one highlight\s+([\d.]+) ms median,\s+([\d.]+) ms p95"
    tiny = r"TinyDB JSONStorage insert\s+([\d.]+)"

    def vs(text: str) -> str:
        mine, theirs = find(add, text), find(tiny, text)
        return f"TinyDB {theirs:.1f} ms ({theirs / mine:.0f}x slower)" if mine and theirs else ""

    return [
        at_most(
            f"add, {int(n):,} stored (500 per doc), median",
            find(add, spread),
            "ms",
            50,
            peer=vs(spread),
        ),
        at_most(
            f"add, {int(n):,} on one document, median", find(add, one), "ms", 10, 50, peer=vs(one)
        ),
        Figure(f"add, {int(n):,} on one document, p95", find(add, one, 2), "ms"),
        Figure(f"open store, {int(n):,} on one document", find(r"open\s+([\d.]+) ms", one), "ms"),
    ]


def export(ctx: Context) -> list[Figure]:
    """Exporting 10,000 annotations, Markdown and W3C JSON."""
    out = run(
        ctx,
        "export",
        "--annotations",
        "10000",
        "--documents",
        "100",
        "--repeat",
        "1" if ctx.quick else "3",
    )
    return [
        at_most(
            "export 10,000, Markdown",
            find(r"Markdown, original script:\s+([\d.]+)", out),
            "ms",
            1000,
        ),
        at_most("export 10,000, W3C JSON", find(r"W3C JSON export:\s+([\d.]+)", out), "ms", 1000),
        Figure("import 10,000, W3C JSON", find(r"W3C JSON import:\s+([\d.]+)", out), "ms"),
    ]


def reader(ctx: Context) -> list[Figure]:
    """A 1 MB document to its first screen; keystrokes on a 5 MB one."""
    one = run(ctx, "reader", "--mb", "1", "--keys", "3")
    show = find(r"show\(\) ([\d.]+) ms; first frame", one)
    frame = find(r"first frame ([\d.]+) ms", one)
    big = run(
        ctx, "reader", "--mb", "2" if ctx.quick else "5", "--keys", "5" if ctx.quick else "20"
    )
    p95 = [float(m) for m in re.findall(r"total\s+[\d.]+/\s*([\d.]+)/", big)]
    cpu95 = [float(m) for m in re.findall(r"cpu\s+[\d.]+/\s*([\d.]+)/", big)]
    return [
        at_most("1 MB document to first screen", show and frame and show + frame, "ms", 300),
        at_most(
            f"reader keystroke, {'2' if ctx.quick else '5'} MB, worst key's p95",
            max(p95) if p95 else None,
            "ms",
            16,
        ),
        Figure("reader keystroke, worst key's p95, CPU time", max(cpu95) if cpu95 else None, "ms"),
    ]


TOGGLE_ROW = re.compile(
    r"^\s+(\w+)\s+(\S+)\s+([\d.]+)\s+([\d.]+)\s+\|\s+([\d.]+)\s+[\d.]+\s+([\d.]+|–)", re.MULTILINE
)


def toggle(ctx: Context) -> list[Figure]:
    """Script toggle to the visible page, and the full view beside native OpenCC."""
    out = run(
        ctx,
        "script_toggle",
        "--mb",
        "0.3" if ctx.quick else "1",
        "--repeat",
        "2" if ctx.quick else "5",
    )
    rows = TOGGLE_ROW.findall(out)
    warm = [float(r[3]) for r in rows]
    cold = [float(r[2]) for r in rows]
    ratios = [float(r[4]) / float(r[5]) for r in rows if r[5] not in ("–", "0.0")]
    peer = f"{statistics.median(ratios):.1f}x native (median)" if ratios else "native missing"
    return [
        at_most("script toggle to visible page, worst warm", max(warm, default=None), "ms", 100),
        Figure("script toggle to visible page, worst cold", max(cold, default=None), "ms"),
        Figure(
            "full view conversion, kbtui / native OpenCC",
            statistics.median(ratios) if ratios else None,
            "x",
            peer=peer,
        ),
    ]


def lookup(ctx: Context) -> list[Figure]:
    """The dictionary: first look-up in a process, after the app's imports."""
    out = run(ctx, "lookup", "--runs", "1" if ctx.quick else "3")
    first = (
        r"after the app's imports: ([\d.]+) ms .*? \+ importing kbtui.lookup.dictionary ([\d.]+)"
    )
    return [
        Figure("first look-up after the app's imports", find(first, out), "ms"),
        Figure(
            "warm look-up, median", find(r"warm, every position of 000: median ([\d.]+)", out), "ms"
        ),
    ]


def crash(ctx: Context) -> list[Figure]:
    """The store killed mid-write: nothing lost or broken."""
    kills = "10" if ctx.quick else "50"
    out = run(ctx, "crash", "--kills", kills)
    problems = find(r"kills, (\d+) problems", out)
    return [at_most(f"problems after {kills} kills", problems, "", 0)]


def killed(ctx: Context) -> list[Figure]:
    """Concurrent app sessions editing through stale copies, killed with SIGKILL at random
    (bench/kill.py): nothing acknowledged lost, no change reverted."""
    rounds = "10" if ctx.quick else "200"
    workdir = ctx.scratch / "kill"
    workdir.mkdir(parents=True, exist_ok=True)
    out = run(ctx, "kill", "--rounds", rounds, "--dir", str(workdir))
    problems = find(r"rounds, (\d+) problems", out)
    return [at_most(f"problems after {rounds} kill rounds", problems, "", 0)]


def child_env(scratch: Path) -> dict[str, str]:
    """The environment of every benchmark: this one's, with kbtui's folders in ``scratch``."""
    env = dict(os.environ)
    for name in ("DATA", "CACHE", "CONFIG"):
        env[f"KBTUI_{name}_DIR"] = str(scratch / name.lower())
    return env
