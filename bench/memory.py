"""Resident size of a session with a corpus open, listed and indexed, against the corpus on disk.

    python bench/memory.py [CORPUS] [--cache-warm] [--search] [--trace N]

DESIGN.md / issue 12: "resident size with 10,000 documents open and indexed
under 3x the corpus size on disk". One process does what the app does on
opening (the session and its store, every list row, the mention index built
in the background) and prints after each step the current and the peak
resident size (``VmRSS`` and ``VmHWM`` from /proc/self/status; the peak also
from ``getrusage``) beside the corpus's size on disk (``du``). The full-text
search index is not part of opening (the app builds it when the find box
first opens); ``--search`` runs one search too, to see what it adds.

Without ``--cache-warm`` the mention index is built from the documents
(a cold first start, the worst case) into a fresh cache folder; with it, a
first build fills the cache and the measured one is the second start's.
``--trace N`` also prints the N biggest allocation sites (tracemalloc; it
slows everything down and its own bookkeeping adds to the resident size).
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import tempfile
import time
import tracemalloc
from pathlib import Path

DEFAULT_CORPUS = Path("/tmp/kbtui-bench/corpus-10000-100")
TARGET = 3.0
"""Resident size at most this many times the corpus on disk."""


def status_kb(field: str) -> int:
    """One ``kB`` field of /proc/self/status (``VmRSS``, ``VmHWM``)."""
    text = Path("/proc/self/status").read_text()
    found = re.search(rf"^{field}:\s+(\d+) kB", text, re.MULTILINE)
    return int(found.group(1)) if found else 0


def disk_bytes(root: Path) -> int:
    """The corpus's size on disk as ``du`` counts it (blocks, not file lengths)."""
    out = subprocess.run(["du", "-sk", str(root)], capture_output=True, text=True, check=True)
    return int(out.stdout.split()[0]) * 1024


def report(step: str, disk: int, started: float) -> float:
    """Print the resident sizes after ``step``; returns the current one in MB."""
    rss, hwm = status_kb("VmRSS") / 1024, status_kb("VmHWM") / 1024
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{step:<34} rss {rss:7.1f} MB ({rss * 2**20 / disk:4.2f}x disk)  "
        f"peak {hwm:7.1f} MB ({hwm * 2**20 / disk:4.2f}x; getrusage {maxrss:.1f} MB)  "
        f"at {time.perf_counter() - started:6.2f} s"
    )
    return rss


def top_allocations(count: int) -> None:
    """The ``count`` biggest live allocation sites, by line."""
    snapshot = tracemalloc.take_snapshot()
    for stat in snapshot.statistics("lineno")[:count]:
        where = stat.traceback[0]
        size = stat.size / 2**20
        print(f"  {size:8.1f} MB {stat.count:9d} blocks  {where.filename}:{where.lineno}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--cache-warm", action="store_true", help="measure a second start")
    parser.add_argument("--search", action="store_true", help="also run one corpus search")
    parser.add_argument("--trace", type=int, default=0, help="print the N biggest allocations")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="kbtui-bench-memory-"))
    os.environ["KBTUI_CACHE_DIR"] = str(scratch / "cache")  # never the user's cache
    if args.trace:
        tracemalloc.start()
    disk = disk_bytes(args.corpus)
    print(f"corpus: {args.corpus}  {disk / 2**20:.1f} MB on disk (du); target rss <= {TARGET}x")
    started = time.perf_counter()
    report("python, nothing imported", disk, started)

    from kbtui.session.session import Session

    session = Session.open(args.corpus, scratch / "store.db")
    session.open_all()
    report("session open (store, settings)", disk, started)
    rows = session.scan_rows()
    report(f"list: {len(rows)} rows", disk, started)
    if args.cache_warm:
        session.index_mentions(session.user_records())
        report("mention index, first build (cache)", disk, started)
    built = session.index_mentions(session.user_records())
    session.mention_index = built.index
    built.index.stats()  # what the entity browser asks first: every document resolved
    rss = report("mention index built, stats asked", disk, started)
    if args.search:
        result = session.search_corpus("Anthropic")
        rss = report(f"search: {result.total} hits", disk, started)
    if args.trace:
        top_allocations(args.trace)
    ratio = rss * 2**20 / disk
    print(f"resident {rss:.1f} MB = {ratio:.2f}x the corpus on disk (target <= {TARGET}x)")


if __name__ == "__main__":
    main()
