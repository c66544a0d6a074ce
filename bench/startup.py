"""Start-up time: kbtui on a corpus against a bare Textual app, in fresh processes.

Each run is a new Python process (imports included, as a user pays them)
that starts the app headless and exits as soon as the document list is on
screen; a bare ``App`` that exits on mount is the yardstick.

    python bench/startup.py [--corpus DIR] [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BARE = """
from textual.app import App
class Bare(App):
    def on_mount(self):
        self.exit()
Bare().run(headless=True)
"""

KBTUI = """
import sys
from pathlib import Path
from kbtui.ui.app import make_app
app, _ = make_app(Path(sys.argv[1]), Path(sys.argv[2]))
original = app._scanned
def scanned(rows):
    original(rows)
    app.call_after_refresh(app.exit)
app._scanned = scanned
app.run(headless=True)
"""


def timed(code: str, *args: str, env: dict[str, str]) -> tuple[float, float]:
    """Seconds from process start to exit, and the CPU seconds (user + system) it took.

    On a shared machine the CPU time is the steadier figure: waiting for a core
    counts in the wall time only.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, *args], check=True, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", default=str(Path(__file__).resolve().parents[1] / "corpus"))
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            "KBTUI_DATA_DIR": f"{tmp}/data",
            "KBTUI_CACHE_DIR": f"{tmp}/cache",
            "KBTUI_CONFIG_DIR": f"{tmp}/config",
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": os.environ.get("PYTHONPATH", ""),
        }
        db = f"{tmp}/db.json"
        first, _ = timed(KBTUI, args.corpus, db, env=env)
        bare: list[tuple[float, float]] = []
        warm: list[tuple[float, float]] = []
        for _ in range(args.runs):  # side by side, so a busy moment slows both
            bare.append(timed(BARE, env=env))
            warm.append(timed(KBTUI, args.corpus, db, env=env))
    print(f"corpus: {args.corpus}")
    bare_ms, warm_ms = (statistics.median(w for w, _ in runs) * 1000 for runs in (bare, warm))
    bare_cpu, warm_cpu = (statistics.median(c for _, c in runs) * 1000 for runs in (bare, warm))
    print(f"bare Textual app:        median {bare_ms:6.0f} ms")
    print(f"kbtui, first run:               {first * 1000:6.0f} ms (no caches)")
    print(f"kbtui, list on screen:   median {warm_ms:6.0f} ms")
    print(f"overhead over bare app:  median {warm_ms - bare_ms:6.0f} ms")
    print(f"CPU, bare Textual app:   median {bare_cpu:6.0f} ms")
    print(f"CPU, kbtui:              median {warm_cpu:6.0f} ms ({warm_cpu / bare_cpu:.2f}x bare)")


if __name__ == "__main__":
    main()
