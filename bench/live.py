"""Time the live corpus: a change on disk to the list updated, and an incremental update
against a full rescan.

    python bench/live.py [--files N] [--size-mb MB] [--samples K]

A corpus of N files (default 10,000, about MB megabytes, default 100) is
generated once into /tmp by ``bench/make_corpus.py`` (and reused: the bench
changes one file of it and puts it back); the caches go to a temporary
folder. Figures (issue 12 bar: a change shows up within a second):

- write to list updated, in the app (Pilot, headless), over the sample corpus
  and over the big one: a new file is written and the clock stops when its
  row is in the list; median and worst of K (default 20);
- one document changed, at N documents: ``Corpus.refresh`` of it against a
  warm full ``Corpus.scan``; the whole session update (``apply_batch``: the
  entry, the row, a mention index copy with the document matched again)
  against a warm rescan plus a cached index build.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_corpus import build as make_corpus

from kbtui.documents.watching import Batch
from kbtui.locations import bundled_corpus
from kbtui.session import Session
from kbtui.session.knowledge import build_index, build_registry
from kbtui.session.live import apply_batch


def median_ms(run: Callable[[], object], times: int) -> tuple[float, float]:
    """The median and the worst of ``times`` runs, in milliseconds."""
    spent = []
    for _ in range(times):
        started = time.perf_counter()
        run()
        spent.append((time.perf_counter() - started) * 1000)
    return statistics.median(spent), max(spent)


def touch(path: Path, text: str) -> None:
    """Rewrite a file with a new modification time (a real edit)."""
    old = path.stat().st_mtime_ns
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(old + 10**9, old + 10**9))


def incremental(root: Path, db: Path, samples: int) -> None:
    """One document changed: its refresh and session update against a full rescan."""
    session = Session.open(root, db)
    session.corpus.scan()  # the cache is warm from here on
    entries = session.corpus.entries()
    entry = entries[len(entries) // 2]
    text = entry.path.read_text("utf-8")
    registry = build_registry(session.entities_file, entries, [])
    index = build_index(session.corpus, registry)

    def refresh() -> None:
        touch(entry.path, text)
        session.corpus.refresh([entry.id])

    def update() -> None:
        touch(entry.path, text)
        apply_batch(session, Batch(documents=frozenset({entry.id})), index)

    def rescan() -> None:
        touch(entry.path, text)
        session.corpus.scan()

    def rescan_and_index() -> None:
        rescan()
        build_index(session.corpus, registry)

    figures = [
        ("Corpus.refresh, one document", median_ms(refresh, samples)),
        ("Corpus.scan (warm), the same change", median_ms(rescan, max(3, samples // 4))),
        ("apply_batch: entry, row, index copy", median_ms(update, samples)),
        ("scan + cached index build, the same", median_ms(rescan_and_index, 3)),
    ]
    print(f"\nOne document changed among {len(entries)} (median / worst, ms)")
    for label, (middle, worst) in figures:
        print(f"  {label:<40} {middle:9.1f} {worst:9.1f}")
    refresh_ms, scan_ms = figures[0][1][0], figures[1][1][0]
    update_ms, full_ms = figures[2][1][0], figures[3][1][0]
    print(f"  refresh is {scan_ms / refresh_ms:.0f}x cheaper than a rescan; ", end="")
    print(f"the session's update {full_ms / update_ms:.0f}x cheaper than rescan + index")
    session.close()


async def latency(root: Path, tmp: Path, samples: int) -> list[float]:
    """Seconds from a new file written to its row in the app's list, ``samples`` times."""
    from kbtui.ui.app import make_app

    app, _ = make_app(root, tmp / "latency.json")
    spent: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        while not app.doc_list.rows():  # the first scan is done
            await pilot.pause(0.05)
        await pilot.pause(1.0)  # the watcher is set up after the first scan
        for number in range(samples):
            doc_id = f"live-bench-{number}.md"
            started = time.perf_counter()
            (root / doc_id).write_text(f"# 第{number}篇\n\n正文", encoding="utf-8")
            while app.doc_list.row(doc_id) is None:
                if time.perf_counter() - started > 10:
                    raise SystemExit(f"{doc_id} did not show in 10 s")
                await pilot.pause(0.005)
            spent.append(time.perf_counter() - started)
            await pilot.pause(0.2)
    for number in range(samples):
        (root / f"live-bench-{number}.md").unlink()
    return spent


def show_latency(label: str, spent: list[float]) -> None:
    middle, worst = statistics.median(spent) * 1000, max(spent) * 1000
    print(f"  {label:<40} {middle:9.0f} {worst:9.0f}   (bar: 1000)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--size-mb", type=float, default=100.0)
    parser.add_argument("--samples", type=int, default=20)
    args = parser.parse_args()
    big = Path(tempfile.gettempdir()) / f"kbtui-live-bench-{args.files}"
    if not (big / "00").is_dir():
        make_corpus(args.files, big, args.size_mb, seed=1)
    with tempfile.TemporaryDirectory(prefix="kbtui-live-") as scratch:
        tmp = Path(scratch)
        os.environ["KBTUI_CACHE_DIR"] = str(tmp / "cache")
        os.environ["KBTUI_DATA_DIR"] = str(tmp / "data")
        os.environ["KBTUI_CONFIG_DIR"] = str(tmp / "config")
        sample = tmp / "sample"
        shutil.copytree(bundled_corpus(), sample)
        print(f"Write to list updated, in the app (median / worst of {args.samples}, ms)")
        show_latency("sample corpus (5 documents)", asyncio.run(latency(sample, tmp, args.samples)))
        count = len(list(big.rglob("*.*")))
        show_latency(f"{count} documents", asyncio.run(latency(big, tmp, args.samples)))
        incremental(big, tmp / "bench.json", args.samples)


if __name__ == "__main__":
    main()
