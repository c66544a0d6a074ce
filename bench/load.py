"""Time listing a corpus: cold (no cache) and warm (cache from the cold run).

    python bench/load.py CORPUS [--cache-dir DIR]

The quality bar (DESIGN.md): a 10,000-document, 100 MB corpus lists in under
1 s after the first run. "Warm, new process" is what a user waits for when
starting kbtui again: interpreter start, imports, reading the cache, and a
stat of every file. The cache goes to a fresh temporary folder unless
``--cache-dir`` is given, so the cold run is really cold.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path


def timed_scan(root: Path) -> tuple[float, list]:  # type: ignore[type-arg]
    """Seconds to open the corpus and list every entry, and the entries."""
    from kbtui.documents.corpus import Corpus

    started = time.perf_counter()
    entries = Corpus(root).scan()
    return time.perf_counter() - started, entries


def cold(root: Path) -> None:
    """The first run, with a progress count like the UI's."""
    from kbtui.documents.corpus import Corpus

    reports = []
    started = time.perf_counter()
    entries = Corpus(root).scan(progress=lambda done, total: reports.append(done))
    elapsed = time.perf_counter() - started
    problems = Counter(p.split(":")[0] for e in entries for p in e.problems)
    scripts = Counter(str(e.script) for e in entries)
    encodings = Counter(e.encoding for e in entries)
    size = sum(e.size for e in entries) / 1024 / 1024
    print(f"entries:                {len(entries)} ({size:.1f} MB)")
    print(f"cold scan (no cache):   {elapsed:.2f} s, {len(reports)} progress reports")
    print(f"  scripts:   {dict(scripts)}")
    print(f"  encodings: {dict(encodings)}")
    print(f"  problems:  {dict(problems)}")


def warm_child(root: Path) -> None:
    """Run in a new process: print the in-process time of a warm scan."""
    elapsed, entries = timed_scan(root)
    print(f"{elapsed:.4f} {len(entries)}")


def warm_new_process(root: Path) -> tuple[float, float, int]:
    """Wall time of a new process that lists the corpus, and its own scan time."""
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, __file__, str(root), "--child"],
        check=True,
        capture_output=True,
        text=True,
        env=os.environ,
    ).stdout.split()
    wall = time.perf_counter() - started
    return wall, float(out[0]), int(out[1])


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--cache-dir", type=Path)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        warm_child(args.corpus)
        return 0
    cache = args.cache_dir or Path(tempfile.mkdtemp(prefix="kbtui-bench-cache-"))
    os.environ["KBTUI_CACHE_DIR"] = str(cache)
    cold(args.corpus)
    elapsed, entries = timed_scan(args.corpus)
    print(f"warm scan, same process: {elapsed:.3f} s ({len(entries)} entries)")
    wall, scan, count = warm_new_process(args.corpus)
    print(f"warm scan, new process:  {scan:.3f} s scan, {wall:.3f} s wall incl. start-up")
    cache_files = list((cache / "corpus").glob("*.json"))
    cache_mb = sum(p.stat().st_size for p in cache_files) / 1024 / 1024
    print(f"cache: {cache} ({cache_mb:.1f} MB)")
    return 0 if count == len(entries) else 1


if __name__ == "__main__":
    sys.exit(main())
