"""Scale under abuse (issue 13, item 8): one huge note, one huge single-line document.

Run: ``python bench/abuse.py [--note-mib 1.0] [--others 200] [--line-mb 50] [--profile]
[--import-mb 190]``.

Stores ``--others`` ordinary highlights over the bundled sample corpus and
one whose note is ``--note-mib`` MiB of mixed Han and Latin text (the note
cap, :data:`kbtui.annotations.limits.NOTE_MAX_BYTES`, by default: nothing
larger can be stored), opens the app headless (Textual's Pilot, 120×40) and
prints wall and CPU time for: the start until the document holding the note
is open (its sidebar lists the note), ``ctrl+n`` until the notebook is
filled, one key typed in its filter, quitting, and a Markdown and a JSON
export of everything. With ``--line-mb`` it then opens a corpus holding one
document of that many MB of Simplified text on a single line (the sample
documents' text, line breaks taken out) and times opening it (to its first frame,
then until every line is wrapped), ``s`` (until
the visible part is shown, then until the whole view is converted and
wrapped), then ``s`` again and ``q`` at once (until the app has ended);
``--profile`` prints cProfile's top kbtui functions of that run (the UI
thread's; the workers' threads are not profiled). With ``--import-mb`` it
writes a JSON backup of that many MB of highlights and times, each in its
own process (wall, CPU, peak memory): importing it into an empty database,
importing one more annotation into that, ``kbtui list`` and the app opening
the document (until its first screen), recolouring one annotation and
quitting. Timings are printed, never asserted: the machine is shared, so
compare runs of two trees side by side, e.g. ``PYTHONPATH=OLD/src python
bench/abuse.py; PYTHONPATH=NEW/src python bench/abuse.py``.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import multiprocessing
import os
import pstats
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import AsyncExitStack, contextmanager, suppress
from pathlib import Path

from textual import events

from kbtui.annotations.limits import NOTE_MAX_BYTES
from kbtui.annotations.model import Annotation
from kbtui.annotations.store import Store
from kbtui.ui.app import KbtuiApp, make_app

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
DOC = "000_7aa956d427ec0c4c.txt"
HAN = [chr(c) for c in range(0x4E00, 0x9FA6)]


@contextmanager
def timed(what: str) -> Iterator[None]:
    """Prints the wall and CPU time the block took."""
    wall, cpu = time.perf_counter(), time.process_time()
    yield
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"  {what:<34} {wall * 1000:9.1f} ms wall {cpu * 1000:9.1f} ms CPU")


def huge_note(size: int) -> str:
    """About ``size`` UTF-8 bytes of Han words and Latin words, with line breaks."""
    rng = random.Random(13)
    words: list[str] = []
    total = 0
    while total < size - 64:
        word = "".join(rng.choices(HAN, k=3)) if rng.random() < 0.6 else "word"
        words.append(word + ("\n" if rng.random() < 0.02 else " "))
        total += len(words[-1].encode())
    return "".join(words)


def fill_store(db: Path, note_bytes: int, others: int) -> None:
    """The ordinary highlights and the one with the huge note, in one import."""
    source = (CORPUS / DOC).read_text(encoding="utf-8")
    made = [Annotation.from_source(DOC, source, i * 7, i * 7 + 4) for i in range(others)]
    made.append(Annotation.from_source(DOC, source, 10, 30, note=huge_note(note_bytes)))
    with Store.open(db) as store:
        store.merge_import(made)


async def until(app: KbtuiApp, condition: Callable[[], object]) -> None:
    """Let the app run until ``condition()`` holds (at most a minute)."""
    deadline = time.monotonic() + 60
    while not condition() and time.monotonic() < deadline:
        await asyncio.sleep(0.005)
    await app.workers.wait_for_complete()


async def drive(app: KbtuiApp) -> None:
    """The app's part: start, notebook, filter, quit."""
    async with app.run_test(size=(120, 40)) as pilot:
        with timed("start, first document open"):
            await until(app, lambda: app.pane.annotations)
            await pilot.pause()
        with timed("ctrl+n: the notebook filled"):
            await pilot.press("ctrl+n")
            await until(app, lambda: app.screen.query("#notebook-table"))
            await pilot.pause()
        with timed("one key in the notebook's filter"):
            await pilot.press("slash", "w")
            await pilot.pause()
        await pilot.press("escape", "escape")
        await pilot.pause()
        with timed("quit"):
            await pilot.press("q")


def exports(db: Path, out: Path) -> None:
    """Markdown and JSON exports through the CLI's code, as ``kbtui export`` runs them."""
    from kbtui.cli.dispatch import main as cli

    for fmt in ("markdown", "json"):
        argv = ["--corpus", str(CORPUS), "--db", str(db), "export", "--format", fmt]
        with timed(f"kbtui export --format {fmt}"), suppress(SystemExit):
            cli([*argv, "--out", str(out / f"all.{fmt}")])


def one_line_document(tmp: Path, size_mb: float, profile: bool) -> None:
    """The single-line document's part (see the module docstring)."""
    corpus = tmp / "line-corpus"
    corpus.mkdir()
    sample = "".join(
        (CORPUS / name).read_text(encoding="utf-8").replace("\n", "")
        for name in ("000_7aa956d427ec0c4c.txt", "001_a7702332fec17ca5.txt")
    )
    data = sample.encode() * (int(size_mb * 1e6) // len(sample.encode()) + 1)
    (corpus / "line.txt").write_bytes(data[: int(size_mb * 1e6)].decode(errors="ignore").encode())
    print(f"one document of {size_mb:g} MB on one line:")
    app, _ = make_app(corpus, tmp / "line.json", open_target="line.txt")
    profiler = cProfile.Profile() if profile else None
    if profiler:
        profiler.enable()
    asyncio.run(drive_line(app))
    if profiler:
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats("kbtui", 40)


async def drive_line(app: KbtuiApp) -> None:
    """Open, ``s``, ``s`` and quit.

    Keys are posted as the terminal driver posts them, not by ``pilot.press``:
    a press waits until the process looks idle (up to a second, twice), which
    it never does while a conversion thread or the layout pass runs, so it
    timed the harness. "Shown" is the new view's first frame painted.
    """
    async with AsyncExitStack() as stack:
        pilot = await stack.enter_async_context(app.run_test(size=(120, 40)))
        with timed("start, the document shown"):
            while app.pane is None or app.pane.view is None:
                await asyncio.sleep(0.005)
            app.screen._on_timer_update()
        with timed("every line wrapped (background)"):
            await app.workers.wait_for_complete()
        with timed("s: the visible part shown"):
            shown = app.pane.reader.view
            app.post_message(events.Key("s", "s"))
            while app.pane.reader.view is shown:
                await asyncio.sleep(0.001)
            app.screen._on_timer_update()
        with timed("s: the whole view converted, wrapped"):
            await app.workers.wait_for_complete()
            await pilot.pause()
        with timed("s again, q at once: the app ended"):
            app.post_message(events.Key("s", "s"))
            app.post_message(events.Key("q", "q"))
            while app._running:  # q seen: the app is shutting down
                await asyncio.sleep(0.001)
            await stack.aclose()


def big_import(tmp: Path, size_mb: float) -> None:
    """A JSON backup of about ``size_mb`` MB imported into an empty database, then
    one annotation imported into it and the app opened on it; each ``kbtui``
    command in its own process (its CPU time and peak memory are the child's)."""
    made, db, backup = tmp / "made.json", tmp / "big.json", tmp / "backup.json"
    source = (CORPUS / DOC).read_text(encoding="utf-8")
    count = int(size_mb * 1e6 / 1085)  # an exported highlight with a short note: ~1.1 kB
    maker = multiprocessing.get_context("spawn").Process(target=make_store, args=(made, count))
    maker.start()  # in a child: a forked command's peak memory starts at its parent's
    maker.join()
    kbtui("export", "--format", "json", "--out", str(backup), db=made)
    print(f"import of {backup.stat().st_size / 1e6:.0f} MB ({count} annotations):")
    kbtui("import", str(backup), db=db)
    one = tmp / "one.json"
    with Store.open(tmp / "one-db.json") as store:
        store.add(Annotation.from_source(DOC, source, 5, 9, note="one more"))
    kbtui("export", "--format", "json", "--out", str(one), db=tmp / "one-db.json")
    kbtui("import", str(one), db=db)
    kbtui("list", db=db)
    child("the app: open, recolour, quit", APP_STEPS, [str(CORPUS), str(db), DOC])


APP_STEPS = """import asyncio, sys, time
started = time.perf_counter()  # the first screen is timed from here, the store's opening in it
from pathlib import Path
from kbtui.ui.app import make_app
def step(what, wall, cpu):
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"    {what:<32} {wall * 1000:9.1f} ms wall {cpu * 1000:9.1f} ms CPU", file=sys.stderr)
    return time.perf_counter(), time.process_time()
app, _ = make_app(Path(sys.argv[1]), Path(sys.argv[2]), open_target=sys.argv[3])
async def go():
    clock = started, 0.0  # CPU time: the process's, from its start
    async with app.run_test(size=(120, 40)) as pilot:
        while not app.pane.annotations: await asyncio.sleep(0.01)
        await pilot.pause()
        clock = step("first screen (from the start)", *clock)
        await app.workers.wait_for_complete(); await pilot.pause()
        app.pane.reader.move_to_source(100); await pilot.pause()
        clock = time.perf_counter(), time.process_time()
        await pilot.press("c"); await pilot.pause()
        clock = step("c: one recoloured, redrawn", *clock)
        await pilot.press("q")
    step("q: quit", *clock)
asyncio.run(go())
"""
"""The app's part of ``--import-mb``, in a child: each step's figures (its ``stderr``)."""


def make_store(db: Path, count: int) -> None:
    """``count`` highlights with short notes, all in one document, stored in ``db``."""
    source = (CORPUS / DOC).read_text(encoding="utf-8")
    with Store.open(db) as store:
        store.merge_import(
            Annotation.from_source(DOC, source, i % 900, i % 900 + 8, note=f"note {i} 笔记")
            for i in range(count)
        )


def kbtui(*argv: str, db: Path) -> None:
    """One ``kbtui`` command over the sample corpus and ``db``, timed."""
    code = "import runpy; runpy.run_module('kbtui', run_name='__main__', alter_sys=True)"
    child(f"kbtui {argv[0]}", code, ["--corpus", str(CORPUS), "--db", str(db), *argv])


PEAK = """import atexit, os
def _peak():
    with open('/proc/self/status') as status:
        line = next(line for line in status if line.startswith('VmHWM'))
    with open(os.environ['ABUSE_PEAK'], 'w') as out:
        out.write(line.split()[1])
atexit.register(_peak)
"""
"""Run first in each child: its peak memory (the wait's ``ru_maxrss`` starts at the
parent's size when it forked, so only the child's own count, VmHWM, says it)."""


def child(what: str, code: str, argv: list[str]) -> None:
    """``python -c code argv`` in a child process: its wall and CPU time and peak memory."""
    with tempfile.NamedTemporaryFile() as peak:
        wall = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-c", PEAK + code, *argv],
            stdout=subprocess.DEVNULL,
            env={**os.environ, "ABUSE_PEAK": peak.name},
        )
        _pid, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - wall
        kib = int(Path(peak.name).read_text() or 0)
    failed = " FAILED" if os.waitstatus_to_exitcode(status) else ""
    cpu = usage.ru_utime + usage.ru_stime
    print(f"  {what:<34} {wall * 1000:9.1f} ms wall {cpu * 1000:9.1f} ms CPU {kib / 1024:7.0f} MB"
          f" peak{failed}")  # fmt: skip


def main() -> None:
    """Builds the store once, then times the app and the exports."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--note-mib", type=float, default=NOTE_MAX_BYTES / 2**20)
    parser.add_argument("--others", type=int, default=200)
    parser.add_argument("--line-mb", type=float, default=0.0)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--import-mb", type=float, default=0.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "db.json"
        fill_store(db, int(args.note_mib * 2**20), args.others)
        print(f"one note of {args.note_mib:.2f} MiB beside {args.others} highlights:")
        app, _ = make_app(CORPUS, db, open_target=DOC)
        asyncio.run(drive(app))
        exports(db, Path(tmp))
        if args.line_mb:
            one_line_document(Path(tmp), args.line_mb, args.profile)
        if args.import_mb:
            big_import(Path(tmp), args.import_mb)


if __name__ == "__main__":
    main()
