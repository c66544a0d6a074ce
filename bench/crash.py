"""Kill processes writing to a kbtui database at random moments, and check it each time.

    python bench/crash.py [--kills 200] [--writers 1] [--dir DIR] [--seed N]

Each round starts ``--writers`` child processes that open the same database
and add, edit and delete annotations (and move a reading position) as fast
as they can, with a tiny compaction threshold so the main file is rewritten
every few dozen writes too. After a random delay (which may fall while a
child is still opening the database) every child is killed with SIGKILL.
Then the parent checks:

- the main file parses as JSON (old or new, never torn);
- the database opens (repairing a cut-off journal line if there is one);
- every change a child acknowledged (logged after the call returned) is
  there, and nothing else is: the one change in flight when a child died may
  have happened or not, and the check accepts either.

The database carries over from round to round, so it grows and the checks
cover rewrites of a database with history. Prints one line per problem and
a summary; exits 1 if there was any problem.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from kbtui.annotations.model import Annotation
from kbtui.annotations.store import DatabaseError, Store

DOCS = [f"doc{i}.md" for i in range(4)]
SOURCE = "这是一段用来做标注的文字，其中也有 English words 和标点。" * 20


# -- the child: write until killed -----------------------------------------------------


def child(db: Path, log: Path, name: str, seed: int) -> None:
    """Change the database forever, logging each change before and after it."""
    rng = random.Random(seed)
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    store = Store.open(db, compact_bytes=6_000)
    mine = [a.id for a in store.all_annotations() if a.note.startswith(name)]
    n = 0
    while True:
        n += 1
        op, aid, note = _choose(rng, mine, name, n)
        os.write(fd, f"begin {op} {aid} {note}\n".encode())
        _perform(store, op, aid, note, rng)
        os.write(fd, f"done {op} {aid} {note}\n".encode())
        if op == "add":
            mine.append(aid)
        elif op == "delete":
            mine.remove(aid)


def _choose(rng: random.Random, mine: list[str], name: str, n: int) -> tuple[str, str, str]:
    r = rng.random()
    note = f"{name}-{n}"
    if not mine or r < (0.55 if len(mine) < 400 else 0.3):  # grow, then hold steady
        return "add", f"{name}-{n}-{rng.getrandbits(32):08x}", note
    if r < 0.8:
        return "edit", rng.choice(mine), note
    if r < 0.95:
        return "delete", rng.choice(mine), note
    return "position", name, note


def _perform(store: Store, op: str, aid: str, note: str, rng: random.Random) -> None:
    if op == "add":
        start = rng.randrange(0, len(SOURCE) - 20)
        a = Annotation.from_source(rng.choice(DOCS), SOURCE, start, start + 12, id=aid, note=note)
        store.add(a)
    elif op == "edit":
        a = store.get(aid)
        assert a is not None
        a.note = note
        store.update(a)
    elif op == "delete":
        store.delete(aid)
    else:
        store.set_position(DOCS[0], int(note.rsplit("-", 1)[1]))


# -- the parent: kill and check --------------------------------------------------------


def expected_after(log: Path, notes: dict[str, str]) -> tuple[dict[str, str], tuple | None]:
    """The notes acknowledged in ``log`` applied to ``notes``, and the change in flight."""
    state = dict(notes)
    pending = None
    if not log.exists():
        return state, None
    for line in log.read_text().splitlines():
        kind, op, aid, note = line.split(" ", 3)
        if kind == "begin":
            pending = (op, aid, note)
            continue
        pending = None
        if op in ("add", "edit"):
            state[aid] = note
        elif op == "delete":
            state.pop(aid, None)
    return state, pending


def check(
    db: Path, expected: dict[str, str], pending: list[tuple]
) -> tuple[list[str], dict | None]:
    """Problems found, and the notes actually stored (the new expectation; ``None``
    when the database cannot be opened, which ends the run)."""
    problems = []
    if db.exists() and db.stat().st_size:
        try:
            json.loads(db.read_bytes())
        except ValueError as exc:
            problems.append(f"main file torn: {exc}")
    try:
        store = Store.open(db)  # not closed: closing would compact, hiding the journal
    except DatabaseError as exc:
        return [*problems, f"the database does not open: {exc}"], None
    actual = {a.id: a.note for a in store.all_annotations()}
    flight = {aid: (op, note) for op, aid, note in pending}
    for aid in expected.keys() | actual.keys():
        want, got = expected.get(aid), actual.get(aid)
        if want == got:
            continue
        op, note = flight.get(aid, (None, None))
        if (op in ("add", "edit") and got == note) or (op == "delete" and got is None):
            continue  # the change in flight happened
        problems.append(f"{aid}: expected {want!r}, found {got!r}")
    return problems, actual


def run_round(db: Path, workdir: Path, writers: int, rng: random.Random, notes: dict) -> tuple:
    logs = [workdir / f"log{w}" for w in range(writers)]
    for log in logs:
        log.unlink(missing_ok=True)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}
    children = [
        subprocess.Popen(
            [sys.executable, __file__, "--child", str(db), str(log), f"w{w}", str(rng.random())],
            env=env,
        )
        for w, log in enumerate(logs)
    ]
    time.sleep(rng.uniform(0.05, 1.2))  # imports take ~0.3 s: some kills land in the open
    for c in children:
        c.send_signal(signal.SIGKILL)
    early = [c.args[5] for c in children if c.wait() != -signal.SIGKILL]
    expected, pending = notes, []
    for log in logs:
        expected, in_flight = expected_after(log, expected)
        pending += [in_flight] if in_flight else []
    problems, stored = check(db, expected, pending)
    return [f"writer {name} stopped by itself" for name in early] + problems, stored


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=200)
    parser.add_argument("--writers", type=int, default=1)
    parser.add_argument("--dir", type=Path, default=None)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        db, log, name, seed = args.child
        child(Path(db), Path(log), name, int(float(seed) * 2**32))
        return 0
    workdir = args.dir or Path(tempfile.mkdtemp(prefix="kbtui-crash-"))
    db = workdir / "crash.json"
    rng = random.Random(args.seed)
    notes: dict[str, str] = {}
    problems = 0
    started = time.perf_counter()
    for round_ in range(1, args.kills + 1):
        found, notes = run_round(db, workdir, args.writers, rng, notes)
        for problem in found:
            print(f"round {round_}: {problem}")
        problems += len(found)
        if notes is None:
            break
    elapsed = time.perf_counter() - started
    size = db.stat().st_size if db.exists() else 0
    print(
        f"{args.kills} kills, {problems} problems "
        f"({args.writers} writer(s), {len(notes or {})} annotations at the end, "
        f"main file {size:,} bytes, {elapsed:.0f} s)"
    )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
