"""The suites at scale: the document list at 100,000 rows, the full-text index, memory.

Apart from :mod:`suites`, which holds the helpers every suite shares and the
suites of one document or one process, and which was at its size limit. The
registry of every suite, in the order ``run.py`` runs them, is here.
"""

from __future__ import annotations

from collections.abc import Callable

from suites import (
    Context,
    Figure,
    adding,
    at_most,
    crash,
    export,
    find,
    index,
    killed,
    listing,
    lookup,
    reader,
    run,
    startup,
    toggle,
)


def doclist(ctx: Context) -> list[Figure]:
    """The document list at 100,000 rows: filling it, a filter keystroke, a cursor key."""
    rows = "20000" if ctx.quick else "100000"
    out = run(ctx, "doclist", "--rows", rows, "--keys", "10" if ctx.quick else "20")

    def mean_p95(name: str) -> tuple[float | None, float | None]:
        pattern = rf"{name}\s+([\d.]+) /\s+([\d.]+) /"
        return find(pattern, out), find(pattern, out, 2)

    filling, frame = mean_p95("set_rows")[0], mean_p95("first frame")[0]
    first, following = mean_p95("first key"), mean_p95("next keys")
    back, clear, down = mean_p95("backspace"), mean_p95("clearing"), mean_p95("down")
    frequent = mean_p95("frequent word next keys")
    n = f"{int(rows):,} rows"
    return [
        Figure(
            f"list filled, {n} (set_rows + first frame)",
            filling and frame and filling + frame,
            "ms",
        ),
        at_most(f"filter, first key, {n}", first[0], "ms", 16),
        at_most(f"filter, next keys, {n}, p95", following[1], "ms", 16),
        at_most(f"filter, backspace, {n}, p95", back[1], "ms", 16),
        at_most(f"filter, clearing, {n}", clear[0], "ms", 16),
        at_most(f"filter, a word most rows hold, next keys, {n}, p95", frequent[1], "ms", 16),
        at_most(f"cursor down, {n}, p95 (index made)", down[1], "ms", 16),
        Figure(
            f"cursor down while the index is made, {n}, p95",
            mean_p95("down, index being made")[1],
            "ms",
        ),
        Figure(f"filter index made after set_rows, {n}", mean_p95("index made")[0], "ms"),
        Figure(f"pairs indexed after set_rows, {n}", mean_p95("pairs indexed")[0], "ms"),
    ]


def searching(ctx: Context) -> list[Figure]:
    """The full-text index (bench/fts.py): built, searched warm as the app searches, updated."""
    cache = str(ctx.scratch / "fts-cache")
    out = run(ctx, "fts", str(ctx.corpus), "--cache", cache, "--scan-queries", "3")
    scan = find(r"search \(scan\): p50 ([\d.]+) ms", out)
    every = find(r"search \(index\): p50 ([\d.]+) ms", out)
    return [
        Figure(
            f"search index build, {ctx.corpus.name}", find(r"index build: ([\d.]+) s", out), "s"
        ),
        Figure(
            "search, warm index, p50 of 50 queries",
            every,
            "ms",
            peer=f"scan {scan:,.0f} ms (p50 of 3)" if scan else "",
        ),
        at_most(
            "search, first page, queries in > 100 documents, p95",
            find(
                r"first page \(index, queries in > 100 documents\): p50 [\d.]+ ms, p95 ([\d.]+)",
                out,
            ),
            "ms",
            200,
            1000,
        ),
        at_most(
            "search, warm index, queries in <= 100 documents, p50",
            find(r"search \(index, queries in <= 100 documents\): p50 ([\d.]+) ms", out),
            "ms",
            200,
        ),
        Figure(
            "search index update, per changed document", find(r"per document: ([\d.]+)", out), "ms"
        ),
    ]


def memory(ctx: Context) -> list[Figure]:
    """Resident size with the corpus listed and indexed, against its size on disk (the bar
    is for 10,000 documents: on --quick's 12 MB, Python's own 14 MB outweighs the corpus)."""
    out = run(ctx, "memory", str(ctx.corpus))
    ratio = find(r"= ([\d.]+)x the corpus", out)
    name = "resident size / corpus on disk"
    return [
        Figure("resident size, listed and indexed", find(r"resident ([\d.]+) MB", out), "MB"),
        Figure(name, ratio, "x") if ctx.quick else at_most(name, ratio, "x", 3),
    ]


SUITES: dict[str, Callable[[Context], list[Figure]]] = {
    "startup": startup,
    "load": listing,
    "doclist": doclist,
    "index": index,
    "memory": memory,
    "search": searching,
    "annotations": adding,
    "export": export,
    "reader": reader,
    "script_toggle": toggle,
    "lookup": lookup,
    "crash": crash,
    "kill": killed,
}
