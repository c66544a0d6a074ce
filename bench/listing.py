"""``kbtui list`` and ``kbtui search`` warm, beside a walk+stat of the same corpus.

    python bench/listing.py CORPUS [--cache DIR] [--runs 5] [--search QUERY] [--phases]

Every figure is a new process, as a user starts it, and is given as the
median wall time and the median CPU time (user + system, from the child's
resource usage): the machine is shared, and CPU time says what kbtui itself
spent where wall time also counts the others. The runs alternate between
the commands, so a busy moment hurts them alike. ``kbtui list --json`` of a
corpus of one document, beside ``python -c pass``, is the cost every listing
pays before its first document (the interpreter and the imports). The first
run of each fills the caches (the corpus cache, and with ``--search`` the full-text index);
``--cache`` is the cache folder to use (``KBTUI_CACHE_DIR``), by default a
fresh one under the temporary folder, removed after. A warm 100,000-document
cache takes minutes to build, so pass a copy of one that exists.
``--phases`` also prints where ``kbtui list`` spends its CPU, phase by phase, in
a new process (the median of ``--runs``): what to look at when it is slow.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PHASES = """
import gc, sys, time
from pathlib import Path
marks = [("start", time.process_time())]
def mark(name): marks.append((name, time.process_time()))
gc.disable()  # as kbtui list runs
from kbtui.cli import dispatch
mark("imports: the command line")
from kbtui.cli.listed import columns_json
from kbtui.cli.listing import columns_of, table_lines
from kbtui.documents import cache, walk
from kbtui.session.opening import existing_store, open_corpus
mark("imports: the listing's")
corpus, _ = open_corpus(sys.argv[1])
mark("open the corpus (entities.yaml)")
found, _ = walk.walk(corpus.root)
mark("walk + stat")
cached = corpus._cache.read()
mark("cache read + decode")
cache.fresh_entries(cached, found)
mark("entries from the cache")
entries = corpus.scan()
mark("the whole scan again (the three above, and its own steps)")
del found, cached
mark("freeing the pieces (the bench's own)")
store = existing_store(Path(sys.argv[2]))
mark("store (import, open), when the database exists")
columns = columns_of(entries, store)
mark("columns (store counts, tags)")
lines = table_lines(columns, None)
mark("table")
text = "".join(line + "\\n" for line in lines)
mark("table text")
text = columns_json(columns, shown=True)
mark("JSON, invisible code points escaped")
del lines, text, columns, entries
corpus._entries = corpus._records = None
mark("freeing what the listing made (its process's exit)")
for (_, before), (name, after) in zip(marks, marks[1:]):
    print(f"{name}\t{(after - before) * 1000:.1f}")
"""

WALK = """
import os, sys
for folder, _, files in os.walk(sys.argv[1]):
    for name in files:
        os.stat(os.path.join(folder, name))
"""


def timed(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one run of ``argv``, output discarded."""
    started = time.perf_counter()
    child = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    if status:
        raise RuntimeError(f"{' '.join(argv)} exited with status {status}")
    return time.perf_counter() - started, usage.ru_utime + usage.ru_stime


def measure(args: argparse.Namespace, scratch: Path) -> dict[str, list[tuple[float, float]]]:
    """Each command's (wall, CPU) runs, alternating, after one run of each fills the caches."""
    env = {**os.environ, "KBTUI_CACHE_DIR": str(args.cache or scratch / "cache")}
    env.update(KBTUI_DATA_DIR=str(scratch / "data"), KBTUI_CONFIG_DIR=str(scratch / "config"))
    kbtui = [sys.executable, "-m", "kbtui", "--corpus", str(args.corpus)]
    kbtui += ["--db", str(scratch / "list.json")]
    one = scratch / "one"  # a corpus of one document: what every listing pays before its first
    one.mkdir()
    (one / "a.md").write_text("---\ntitle: one\n---\ntext\n", encoding="utf-8")
    commands = {
        "walk + stat floor": [sys.executable, "-c", WALK, str(args.corpus)],
        "kbtui list --json, warm": [*kbtui, "list", "--json"],
        "kbtui list, warm": [*kbtui, "list"],
        "python -c pass (peer)": [sys.executable, "-c", "pass"],
        "kbtui list --json, one document (the fixed cost)": [
            *kbtui[:3],
            "--corpus",
            str(one),
            *kbtui[5:],
            "list",
            "--json",
        ],
    }
    if args.search:
        commands[f"kbtui search {args.search!r}, warm"] = [*kbtui, "search", args.search]
    for command in commands.values():
        timed(command, env)  # fills the caches
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(args.runs):
        for name, command in commands.items():
            runs[name].append(timed(command, env))
    return runs


def print_phases(args: argparse.Namespace, scratch: Path) -> None:
    """``phase: cpu C ms`` for each phase of ``kbtui list``, the median of ``--runs`` processes."""
    env = {**os.environ, "KBTUI_CACHE_DIR": str(args.cache or scratch / "cache")}
    env.update(KBTUI_DATA_DIR=str(scratch / "data"), KBTUI_CONFIG_DIR=str(scratch / "config"))
    argv = [sys.executable, "-c", PHASES, str(args.corpus), str(scratch / "list.json")]
    phases: dict[str, list[float]] = {}
    for _ in range(args.runs):
        out = subprocess.run(argv, env=env, capture_output=True, text=True, check=True).stdout
        for line in out.splitlines():
            name, cpu = line.split("\t")
            phases.setdefault(name, []).append(float(cpu))
    for name, cpus in phases.items():
        print(f"  list phase {name}: cpu {statistics.median(cpus):.0f} ms")


def main(argv: list[str] | None = None) -> int:
    """Time each command ``--runs`` times and print ``name: wall W ms, cpu C ms`` lines."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--cache", type=Path, help="the cache folder (default: a new one)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--search", help="also time kbtui search QUERY")
    parser.add_argument("--phases", action="store_true", help="CPU of each phase of kbtui list")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="kbtui-listing-") as folder:
        runs = measure(args, Path(folder))
        print_runs(runs)
        if args.phases:
            print_phases(args, Path(folder))
    return 0


def print_runs(runs: dict[str, list[tuple[float, float]]]) -> None:
    """``name: wall W ms, cpu C ms, R x floor`` for each command, medians."""
    floor = statistics.median(wall for wall, _ in runs["walk + stat floor"])
    for name, times in runs.items():
        wall = statistics.median(w for w, _ in times)
        cpu = statistics.median(c for _, c in times)
        ratio = f"{wall / floor:.1f}x floor"
        print(f"{name}: wall {wall * 1000:.0f} ms, cpu {cpu * 1000:.0f} ms, {ratio}")


if __name__ == "__main__":
    sys.exit(main())
