"""Scale under abuse (issue 13, item 8): one huge note, shown where notes are listed.

Run: ``python bench/abuse.py [--note-mib 1.0] [--others 200]``.

Stores ``--others`` ordinary highlights over the bundled sample corpus and
one whose note is ``--note-mib`` MiB of mixed Han and Latin text (the note
cap, :data:`kbtui.annotations.limits.NOTE_MAX_BYTES`, by default: nothing
larger can be stored), opens the app headless (Textual's Pilot, 120×40) and
prints wall and CPU time for: the start until the document holding the
note is open (its sidebar lists the note), ``ctrl+n`` until the notebook is
filled, one key typed in its filter, quitting, and a Markdown and a JSON
export of everything. Timings are printed, never asserted: the machine
is shared, so compare runs of two trees side by side, e.g.
``PYTHONPATH=OLD/src python bench/abuse.py; PYTHONPATH=NEW/src python bench/abuse.py``.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

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


def main() -> None:
    """Builds the store once, then times the app and the exports."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--note-mib", type=float, default=NOTE_MAX_BYTES / 2**20)
    parser.add_argument("--others", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "db.json"
        fill_store(db, int(args.note_mib * 2**20), args.others)
        print(f"one note of {args.note_mib:.2f} MiB beside {args.others} highlights:")
        app, _ = make_app(CORPUS, db, open_target=DOC)
        asyncio.run(drive(app))
        exports(db, Path(tmp))


if __name__ == "__main__":
    main()
