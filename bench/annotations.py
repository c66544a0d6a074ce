"""How the annotation store scales: add latency, size, open and load times.

    python bench/annotations.py [--sizes 1000,10000,50000] [--per-doc 500]
                                [--adds 50] [--baseline]

For each size it builds a database of that many annotations spread over
documents of ``--per-doc`` annotations each (one import transaction, then
close, which folds the journal into the main file), and prints:

- time to build it, and to compact it (a full atomic rewrite of the main
  file: paid on close, and rarely, when the journal passes its threshold);
- time to open it (``Store.open``: parse, check, migrate nothing);
- database size on disk;
- time to add one highlight to a document that already has ``--per-doc``
  annotations (median, 95th percentile and worst of ``--adds`` adds), and
  the first one to a new document;
- time to load the annotations of a document: as stored, re-anchored to an
  unchanged source (the usual case), and re-anchored after an edit at the
  top of the document moved every one of them (they are then stored);
- with ``--baseline``, one insert with TinyDB's stock JSONStorage on the
  same data, for comparison.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from tinydb import TinyDB

from kbtui.annotations.model import Annotation, Colour
from kbtui.annotations.store import Store
from kbtui.documents.model import source_hash

HAN = [chr(c) for c in range(0x4E00, 0x9FA6)]
LATIN = "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ ,.0123456789"


def make_source(rng: random.Random, n: int) -> str:
    """Mixed Han and Latin text with paragraph breaks."""
    out = []
    for i in range(n):
        out.append("\n" if i % 300 == 299 else rng.choice(HAN if rng.random() < 0.7 else LATIN))
    return "".join(out)


def make_annotations(rng: random.Random, source: str, doc_id: str, count: int) -> list[Annotation]:
    """``count`` highlights of 10 to 80 characters with notes and tags."""
    text_hash = source_hash(source)
    out = []
    for i in range(count):
        start = rng.randrange(0, len(source) - 100)
        end = start + rng.randint(10, 80)
        out.append(
            Annotation.from_source(
                doc_id,
                source,
                start,
                end,
                text_hash=text_hash,
                colour=rng.choice(list(Colour)),
                note=f"笔记 {i}：" + source[end : end + rng.randint(0, 60)],
                tags=rng.sample(["人物", "公司", "模型", "安全", "todo"], rng.randint(0, 2)),
            )
        )
    return out


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    """Seconds taken by ``fn`` and what it returned."""
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def bench_size(n: int, per_doc: int, adds: int, baseline: bool, source: str) -> None:
    rng = random.Random(n)
    folder = Path(tempfile.mkdtemp(prefix="kbtui-bench-"))
    path = folder / "kbtui.json"
    docs = max(1, n // per_doc)
    annotations = [
        a
        for d in range(docs)
        for a in make_annotations(rng, source, f"doc{d:05d}.md", min(per_doc, n - d * per_doc))
    ]
    store = Store.open(path)
    build, _ = timed(lambda: store.merge_import(annotations))
    store.close()
    size = path.stat().st_size
    opening, store = timed(lambda: Store.open(path))
    print(f"\n{n:,} annotations in {docs:,} document(s) of up to {per_doc:,}")
    print(f"  build (one import)     {ms(build)}")
    print(f"  open                   {ms(opening)}")
    print(f"  size on disk           {size / 1e6:8.1f} MB ({size / n:,.0f} bytes per annotation)")
    latencies = []
    for _ in range(adds):
        [a] = make_annotations(rng, source, "doc00000.md", 1)
        latencies.append(timed(lambda a=a: store.add(a))[0])
    latencies.sort()
    p95 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.95))]
    print(
        f"  add one highlight      {ms(statistics.median(latencies))} median,"
        f" {ms(p95).strip()} p95, {ms(latencies[-1]).strip()} worst ({adds} adds)"
    )
    [fresh] = make_annotations(rng, source, "new-document.md", 1)
    print(f"  add to a new document  {ms(timed(lambda: store.add(fresh))[0])}")
    bench_load(store, source)
    journal = path.with_name(path.name + ".journal").stat().st_size
    print(f"  journal after that     {journal / 1e3:8.1f} kB")
    print(f"  compact (full rewrite) {ms(timed(store.compact)[0])}")
    if baseline:
        bench_baseline(folder, path, n)
    store.close()


def bench_load(store: Store, source: str) -> None:
    doc = "doc00000.md"
    count = store.count(doc)
    as_stored, _ = timed(lambda: store.annotations_for(doc))
    unchanged, _ = timed(lambda: store.anchored_annotations(doc, source))
    edited = "新的开头。\n" + source
    moved, result = timed(lambda: store.anchored_annotations(doc, edited))
    placed = sum(1 for a in result if a.anchor != "orphan")  # type: ignore[union-attr]
    print(f"  load {count} annotations    {ms(as_stored)} as stored")
    print(f"    re-anchored, document unchanged {ms(unchanged)}")
    print(f"    re-anchored after an edit       {ms(moved)} ({placed} of {count} placed, stored)")


def bench_baseline(folder: Path, path: Path, n: int) -> None:
    """One insert with TinyDB's own JSONStorage, which rewrites the whole file."""
    data = json.loads(path.read_text("utf-8"))
    plain = folder / "plain.json"
    plain.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    db = TinyDB(plain)
    insert, _ = timed(lambda: db.table("plain").insert({"quote": "x" * 40}))
    db.close()
    print(f"  baseline: TinyDB JSONStorage insert {ms(insert)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,50000")
    parser.add_argument("--per-doc", type=int, default=500)
    parser.add_argument("--adds", type=int, default=50)
    parser.add_argument("--baseline", action="store_true")
    args = parser.parse_args()
    source = make_source(random.Random(0), 60_000)
    print(f"documents of {len(source):,} characters; annotations stored as kbtui stores them")
    for n in (int(s) for s in args.sizes.split(",")):
        bench_size(n, args.per_doc, args.adds, args.baseline, source)


if __name__ == "__main__":
    main()
