"""Start-up time: kbtui on a corpus against a bare Textual app, in fresh processes.

Each run is a new Python process (imports included, as a user pays them)
that starts the app headless and exits as soon as the document list is on
screen; a bare ``App`` showing one label is the yardstick. Both also write the
moment they are painted, so the time to the first frame (to the list, for
kbtui) is printed beside the time to exit (which joins kbtui's workers: the
mention index starts after the list is painted). ``--phases`` also
splits kbtui's warm runs into where the time goes, from process start to the
list painted (medians). The scan runs in a worker beside the first frame, so
its phase ends when the UI thread takes the rows; the worker's own CPU time is
printed apart (it is inside the phases' CPU, not added to it). ``--textual``
instead splits the UI thread's CPU time of both apps, from process start to
painted, into the imports and Textual's parts (stylesheet parse and apply,
compose, mount, layout, compositor, the widgets' lines;
bench/framesplit.py), side by side: where kbtui's start-up costs more.

Every app runs in an 80×24 terminal, given: headless without a terminal,
Textual sized the screen 80×24 from the console and then 80×25 from the
driver's default, and the two resizes repainted a whole frame twice (a real
terminal gives both the same size; kbtui paid ~12 ms CPU for them, the bare
label next to nothing).

    python bench/startup.py [--corpus DIR] [--runs 5] [--phases | --textual]
"""

from __future__ import annotations

import argparse
import ast
import itertools
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BARE_APP = """
class Bare(App):
    def compose(self):
        yield Label("kbtui")
    def on_mount(self):
        self.call_after_refresh(self.painted)
    def painted(self):
        mark()
        self.exit()
"""
"""The yardstick: a bare app showing one label, exiting once it is painted (as kbtui
exits once its list is); ``mark()`` notes the moment. Shared by the wall-time runs
(:data:`BARE`) and the CPU split (:data:`SPLIT`)."""

BARE = (
    """
import sys, time
from textual.app import App
from textual.widgets import Label
def mark():
    if len(sys.argv) > 1:
        with open(sys.argv[1], "w") as out:
            out.write(repr(time.time()))
"""
    + BARE_APP
    + "Bare().run(headless=True, size=(80, 24))\n"
)
"""The bare app's wall-time run: it writes the moment it is painted to ``argv[1]``."""

UNPAINTED = """
from textual.app import App
class Bare(App):
    def on_mount(self):
        self.exit()
Bare().run(headless=True, size=(80, 24))
"""
"""The yardstick before 2026-12-02: it exited on mount, before its first frame."""

KBTUI = """
import gc, sys, time
marks = [("python started", time.time(), time.process_time())]
def mark(name):
    marks.append((name, time.time(), time.process_time()))
gc.disable()  # as kbtui.cli.app does before it imports the app
from pathlib import Path
from kbtui.ui.app import make_app
mark("imports")
app, _ = make_app(Path(sys.argv[1]), Path(sys.argv[2]))
mark("Session.open, App()")
class Timed(type(app)):
    def on_mount(self):  # Textual runs every class's handler: this one, then the app's
        mark("App.run to mount")
        self.call_after_refresh(mark, "first frame")
app.__class__ = Timed
scan_rows, scan_cpu = app.session.scan_rows, []
def timed_scan(progress=None):
    started = time.thread_time()
    rows = scan_rows(progress)
    scan_cpu.append(time.thread_time() - started)
    return rows
app.session.scan_rows = timed_scan
original = app._scanned
def scanned(rows):
    mark("scan done, on the UI thread")
    # Asked first, so it runs first after the refresh that paints the list: kbtui's own
    # after-refresh work (the entity index's start) comes after the paint, as on screen.
    def painted():
        mark("list painted")
        app.exit()
    app.call_after_refresh(painted)
    original(rows)
    mark("list fill")
app._scanned = scanned
app.run(headless=True, size=(80, 24))
if len(sys.argv) > 3:
    with open(sys.argv[3], "w") as out:
        out.write(repr((marks, scan_cpu)))
"""


SPLIT = """
import json, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from framesplit import Split
which, out, painted = sys.argv[2], sys.argv[3], []
if which == "bare":
    from textual.app import App
    from textual.widgets import Label
else:
    import gc
    gc.disable()  # as kbtui.cli.app does before it imports the app
    from kbtui.ui.app import make_app
imported = time.thread_time()
import textual.app, textual.widget
from textual.css.stylesheet import Stylesheet
from textual.screen import Screen
PARTS = [
    (Stylesheet, "parse", "css parse"),
    (Stylesheet, "_parse_rules", "css parse"),
    (Stylesheet, "apply", "css apply"),
    (Stylesheet, "update_nodes", "css apply"),
    (textual.app, "compose", "compose"),
    (textual.widget, "compose", "compose"),
    (textual.app.App, "_register", "mount"),
    (Screen, "_refresh_layout", "layout"),
    (Screen, "_compositor_refresh", "compositor"),
    (textual.widget.Widget, "render_lines", "widget lines"),
]
def mark():
    painted.append(time.thread_time())
with Split(PARTS) as parts:
    if which == "bare":
        exec(BARE_APP)
        app = Bare()
    else:
        app, _ = make_app(Path(sys.argv[4]), Path(sys.argv[5]))
        scanned = app._scanned
        def timed_scanned(rows):
            app.call_after_refresh(lambda: (mark(), app.exit()))
            scanned(rows)
        app._scanned = timed_scanned
    app.run(headless=True, size=(80, 24))
times = {"imports": imported, "run to painted": painted[0] - imported}
times.update(parts.times)
times["other"] = times["run to painted"] - sum(parts.times.values())
Path(out).write_text(json.dumps(times))
""".replace("BARE_APP", repr(BARE_APP))
"""Each app's UI-thread CPU seconds by part, from process start to painted (``--textual``):
the imports, then Textual's parts of the run (each exclusive of the others) and the rest."""


def textual_split(args: argparse.Namespace, tmp: str, env: dict[str, str]) -> None:
    """Print the median CPU ms of each part for the bare app and kbtui, runs alternating."""
    bench, out, db = str(Path(__file__).parent), f"{tmp}/split.json", f"{tmp}/db.json"
    timed(KBTUI, args.corpus, db, env=env)  # the caches filled, as for the warm runs
    runs: dict[str, list[dict[str, float]]] = {"bare": [], "kbtui": []}
    for _ in range(args.runs):
        for which, extra in (("bare", ()), ("kbtui", (args.corpus, db))):
            timed(SPLIT, bench, which, out, *extra, env=env)
            runs[which].append(json.loads(Path(out).read_text()))
    labels = dict.fromkeys(label for run in runs["kbtui"] + runs["bare"] for label in run)
    print(f"corpus: {args.corpus}")
    print("UI thread CPU ms, median of each part (the run's parts exclude each other)")
    print(f"  {'part':16} {'bare':>8} {'kbtui':>8} {'kbtui - bare':>13}")
    for label in labels:
        bare, kbtui = (statistics.median(run.get(label, 0.0) for run in runs[w]) for w in runs)
        print(f"  {label:16} {bare * 1000:8.1f} {kbtui * 1000:8.1f} {(kbtui - bare) * 1000:13.1f}")


Phase = tuple[float, float]
"""Wall and CPU seconds."""


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


def phases(spawned: float, run: tuple[float, float], marks_file: str) -> dict[str, Phase]:
    """Each phase of one warm run (``run``: its wall and CPU seconds): wall and CPU
    seconds since the mark before it; the last is the exit, workers joined."""
    marks, scan_cpu = ast.literal_eval(Path(marks_file).read_text())
    result = {"process start": (marks[0][1] - spawned, marks[0][2])}
    for (_, wall_before, cpu_before), (name, wall, cpu) in itertools.pairwise(marks):
        result[name] = (wall - wall_before, cpu - cpu_before)
    _, last_wall, last_cpu = marks[-1]
    result["exit (workers joined)"] = (spawned + run[0] - last_wall, run[1] - last_cpu)
    result["(corpus load: the scan thread's own CPU)"] = (0.0, scan_cpu[0])
    return result


def measure(args: argparse.Namespace, tmp: str, env: dict[str, str]) -> dict[str, list[Any]]:
    """The first run, then the bare apps and kbtui in turn (so a busy moment slows all)."""
    db, marks_file = f"{tmp}/db.json", f"{tmp}/marks"
    runs: dict[str, list[Any]] = {"first": [timed(KBTUI, args.corpus, db, env=env)]}
    for _ in range(args.runs):
        spawned = time.time()
        runs.setdefault("bare", []).append(timed(BARE, marks_file, env=env))
        painted = ast.literal_eval(Path(marks_file).read_text())
        runs.setdefault("bare painted", []).append((painted - spawned, 0.0))
        runs.setdefault("unpainted", []).append(timed(UNPAINTED, env=env))
        spawned = time.time()
        warm = timed(KBTUI, args.corpus, db, marks_file, env=env)
        runs.setdefault("warm", []).append(warm)
        split = phases(spawned, warm, marks_file)
        runs.setdefault("warm painted", []).append((sum_until(split, "list painted"), 0.0))
        if args.phases:
            runs.setdefault("phases", []).append(split)
    return runs


def sum_until(split: dict[str, Phase], last: str) -> float:
    """Wall seconds from the process's start to the end of phase ``last``."""
    total = 0.0
    for name, (wall, _cpu) in split.items():
        total += wall
        if name == last:
            break
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", default=str(Path(__file__).resolve().parents[1] / "corpus"))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--phases", action="store_true", help="split kbtui's warm runs")
    parser.add_argument("--textual", action="store_true", help="Textual's parts, both apps")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            "KBTUI_DATA_DIR": f"{tmp}/data",
            "KBTUI_CACHE_DIR": f"{tmp}/cache",
            "KBTUI_CONFIG_DIR": f"{tmp}/config",
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": os.environ.get("PYTHONPATH", ""),
        }
        if args.textual:
            textual_split(args, tmp, env)
            return
        runs = measure(args, tmp, env)
    print(f"corpus: {args.corpus}")
    wall_ms, cpu_ms = (
        {k: statistics.median(r[i] for r in v) * 1000 for k, v in runs.items() if k != "phases"}
        for i in (0, 1)
    )
    bare, warm = wall_ms["bare"], wall_ms["warm"]
    print(f"bare Textual app:        median {bare:6.0f} ms (one label, painted)")
    print(f"bare app, exit on mount: median {wall_ms['unpainted']:6.0f} ms (the old yardstick)")
    print(f"kbtui, first run:               {wall_ms['first']:6.0f} ms (no caches)")
    print(f"kbtui, list on screen:   median {warm:6.0f} ms")
    print(f"overhead over bare app:  median {warm - bare:6.0f} ms")
    painted_bare, painted = wall_ms["bare painted"], wall_ms["warm painted"]
    print(f"to painted, bare app:    median {painted_bare:6.0f} ms (process start to first frame)")
    print(
        f"to painted, kbtui:       median {painted:6.0f} ms (to the list painted; "
        f"{painted / painted_bare:.2f}x bare; the exit's worker joins not counted)"
    )
    print(f"CPU, bare Textual app:   median {cpu_ms['bare']:6.0f} ms")
    print(
        f"CPU, kbtui:              median {cpu_ms['warm']:6.0f} ms "
        f"({cpu_ms['warm'] / cpu_ms['bare']:.2f}x bare)"
    )
    for name in runs.get("phases", [{}])[0]:
        wall = statistics.median(run[name][0] for run in runs["phases"]) * 1000
        cpu = statistics.median(run[name][1] for run in runs["phases"]) * 1000
        print(f"  phase {name + ':':30} median {wall:6.0f} ms wall, {cpu:6.0f} ms CPU")


if __name__ == "__main__":
    main()
