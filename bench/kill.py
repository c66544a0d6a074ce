"""Kill concurrent kbtui sessions at random moments, and check nothing acknowledged was lost.

    python bench/kill.py [--rounds 200] [--writers 3] [--dir DIR] [--seed N]

Where ``bench/crash.py`` kills writers of the store, this kills what the app
does: each round starts ``--writers`` processes that open a
:class:`~kbtui.session.session.Session` on the sample corpus and one shared
database, and change it as the app does, through *copies* of the annotations
that go stale (refreshed every few changes): every writer adds annotations,
and writer ``w`` also changes one field (note, colour or tags, by ``w``) of
any writer's annotations, so the store's compare-and-set merges
(:mod:`kbtui.annotations.versions`) run all the time. A tiny compaction
threshold makes the main file be rewritten every few dozen writes too. After
a random delay every writer is killed with SIGKILL; then the database must:

- have a main file that parses as JSON (old or new, never torn);
- open read-only, and then for writing (repairing a cut-off journal line);
- hold every annotation a writer acknowledged (logged after the call
  returned), and for each field the value its one writer acknowledged last
  (or the one in flight when it died): a stale copy that reverted another
  writer's change would show here.

The database carries over from round to round. Prints one line per problem
and a summary; exits 1 if there was any problem.
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
from collections.abc import Callable
from functools import partial
from pathlib import Path

from kbtui.annotations.model import Annotation, Colour
from kbtui.annotations.storage import JournalStorage
from kbtui.annotations.store import DatabaseError, StaleAnnotation, Store
from kbtui.locations import bundled_corpus
from kbtui.session.session import Session

FIELDS = ("note", "colour", "tags")
"""The field writer ``w`` changes: ``FIELDS[w % 3]``."""

REFRESH = 5
"""Changes a writer makes with its copies before it reads them again."""


# -- a writer: change the database until killed ----------------------------------------


def writer(db: Path, log: Path, w: int, seed: int) -> None:
    """Add annotations and change field ``FIELDS[w % 3]`` of anyone's, logging each."""
    rng = random.Random(seed)
    session = Session.open(bundled_corpus(), db)
    store, corpus = session.store, session.corpus
    storage = store._storage
    assert isinstance(storage, JournalStorage)
    storage.compact_bytes = 6_000  # a rewrite every few dozen writes, as in crash.py
    docs = [corpus.load(entry.id) for entry in corpus.entries()]
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    copies: list[Annotation] = []
    for n in range(1, 1_000_000):
        if n % REFRESH == 1:
            copies = store.all_annotations()
        doc = rng.choice(docs)
        if not copies or rng.random() < 0.4:
            start = rng.randrange(0, len(doc.source) - 12)
            a = Annotation.from_source(
                doc.id,
                doc.source,
                start,
                start + 8,
                id=f"w{w}-{n}-{rng.getrandbits(32):08x}",
                text_hash=doc.text_hash,
            )
            _logged(fd, "add", a.id, "-", partial(store.add, a))
            continue
        copy = rng.choice(copies)
        field = FIELDS[w % len(FIELDS)]
        value = _new_value(field, w, n, copy)
        _logged(fd, field, copy.id, value, partial(_change, store, copy, field, value))


def _new_value(field: str, w: int, n: int, a: Annotation) -> str:
    if field == "colour":
        return a.colour.next().value
    return f"w{w}-{n}"


def _change(store: Store, copy: Annotation, field: str, value: str) -> None:
    """Change ``field`` of the copy, as the app does; a refused change is made again on
    the stored version (as the user would, having been told)."""
    if field == "colour":
        copy.colour = Colour(value)
    elif field == "tags":
        copy.tags = [value]
    else:
        copy.note = value
    try:
        store.update(copy)
    except StaleAnnotation:
        fresh = store.get(copy.id)
        assert fresh is not None
        _change(store, fresh, field, value)


def _logged(fd: int, op: str, aid: str, value: str, change: Callable[[], object]) -> None:
    os.write(fd, f"begin {op} {aid} {value}\n".encode())
    change()
    os.write(fd, f"done {op} {aid} {value}\n".encode())


# -- the parent: kill and check --------------------------------------------------------

Expected = dict[str, dict[str, str]]
"""Annotation id -> field -> the value last acknowledged (``"-"``: just added)."""


def replay(log: Path, expected: Expected) -> list[tuple[str, str, str]]:
    """Apply ``log``'s acknowledged changes to ``expected``; return the one in flight."""
    begun = None
    if not log.exists():
        return []
    for line in log.read_text().splitlines():
        kind, op, aid, value = line.split(" ", 3)
        if kind == "begin":
            begun = (op, aid, value)
            continue
        begun = None
        fields = expected.setdefault(aid, {})
        if op != "add":
            fields[op] = value
    return [begun] if begun else []


def stored_value(a: Annotation, field: str) -> str:
    """``a``'s ``field`` as the log writes it."""
    if field == "colour":
        return a.colour.value
    if field == "tags":
        return a.tags[0] if a.tags else ""
    return a.note


def check(db: Path, expected: Expected, in_flight: list[tuple[str, str, str]]) -> list[str]:
    """What is wrong with the database after the kill (nothing, one hopes)."""
    problems = []
    if db.exists() and db.stat().st_size:
        try:
            json.loads(db.read_bytes())
        except ValueError as exc:
            problems.append(f"main file torn: {exc}")
    try:
        Store.open(db, read_only=True).all_annotations()
        store = Store.open(db)  # not closed: closing would compact, hiding the journal
    except DatabaseError as exc:
        return [*problems, f"the database does not open: {exc}"]
    actual = {a.id: a for a in store.all_annotations()}
    flying = {(aid, op): value for op, aid, value in in_flight}
    for aid, fields in expected.items():
        if aid not in actual:
            if (aid, "add") not in flying:
                problems.append(f"{aid}: acknowledged, missing")
            continue
        for field, want in fields.items():
            got = stored_value(actual[aid], field)
            if got != want and got != flying.get((aid, field)):
                problems.append(f"{aid}: {field} {got!r}, acknowledged {want!r}")
    return problems


def run_round(
    db: Path, workdir: Path, writers: int, rng: random.Random, expected: Expected
) -> list[str]:
    """Start the writers, kill them after a random delay, check the database."""
    logs = [workdir / f"log{w}" for w in range(writers)]
    for log in logs:
        log.unlink(missing_ok=True)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}
    children = [
        subprocess.Popen(
            [sys.executable, __file__, "--writer", str(db), str(log), str(w), str(rng.random())],
            env=env,
        )
        for w, log in enumerate(logs)
    ]
    if rng.random() < 0.2:  # a kill while the session opens
        time.sleep(rng.uniform(0.05, 1.0))
    else:  # a kill while every writer writes
        _wait_for(logs, children)
        time.sleep(rng.uniform(0.0, 1.0))
    for child in children:
        child.send_signal(signal.SIGKILL)
    early = [w for w, child in enumerate(children) if child.wait() != -signal.SIGKILL]
    in_flight = [begun for log in logs for begun in replay(log, expected)]
    problems = check(db, expected, in_flight)
    for op, aid, _value in in_flight:  # what the database decided is what counts from now on
        if op != "add":
            stored = Store.open(db, read_only=True).get(aid)
            if stored is not None:
                expected.setdefault(aid, {})[op] = stored_value(stored, op)
        elif Store.open(db, read_only=True).get(aid) is not None:
            expected.setdefault(aid, {})
    return [f"writer {w} stopped by itself" for w in early] + problems


def _wait_for(logs: list[Path], children: list[subprocess.Popen[bytes]]) -> None:
    """Until every writer has logged a change (or stopped, or 30 s passed)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(child.poll() is None for child in children):
        if all(log.exists() and log.stat().st_size for log in logs):
            return
        time.sleep(0.01)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--writers", type=int, default=3)
    parser.add_argument("--dir", type=Path, default=None)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--writer", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.writer:
        db, log, w, seed = args.writer
        writer(Path(db), Path(log), int(w), int(float(seed) * 2**32))
        return 0
    workdir = args.dir or Path(tempfile.mkdtemp(prefix="kbtui-kill-"))
    db = workdir / "kill.json"
    rng = random.Random(args.seed)
    expected: Expected = {}
    problems = changes = 0
    started = time.perf_counter()
    for round_ in range(1, args.rounds + 1):
        found = run_round(db, workdir, args.writers, rng, expected)
        changes += sum(
            1
            for log in workdir.glob("log*")
            for line in log.read_text().splitlines()
            if line.startswith("done")
        )
        for problem in found:
            print(f"round {round_}: {problem}")
        problems += len(found)
    elapsed = time.perf_counter() - started
    print(
        f"{args.rounds} rounds, {problems} problems ({args.writers} writers killed each round, "
        f"{changes} acknowledged changes, {len(expected)} annotations at the end, {elapsed:.0f} s)"
    )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
