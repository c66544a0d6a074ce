"""The full-text index: build, size, search latency, updates, the crossover with the scan.

    python bench/fts.py [CORPUS] [--cache DIR] [--queries 50] [--scan-queries N]
                        [--engines] [--crossover] [--cli] [--no-updates]

CORPUS defaults to a 10,000-document, 120 MB corpus made by ``make_corpus.py``
in /tmp (``make_corpus.py 100000 DIR --size-mb 1200`` makes the 100,000-document
tier once; pass it here and reuse it). The index lives in ``--cache`` (default:
a folder beside the corpus), so a second run measures a warm index.

Queries: ``--queries`` drawn from the texts with a fixed seed (one to four
Chinese characters, Latin words) and a tenth that are selective (a title's
number, ``第123期``), as a reader looks up one document. Search is timed as
the app runs it (2,000 context lines, every hit counted, a page at a time:
to the first page, a screenful, and to the last), the scan on the same
queries for the ratio (``--scan-queries`` of them: the scan of 100,000
documents takes a minute a query). ``--no-updates`` leaves out the update
timing, which touches 100 files (not on a corpus others share).

``--engines`` builds SQLite FTS5 (trigram) and tantivy (n-grams of one to
three characters) over the same folded texts and times the candidate lookup
of each: the measurement the choice of engine rests on. ``--crossover`` times
scan and index on the corpus's sub-folders (100 and 1,000 documents) and on
the whole. ``--cli`` times ``kbtui search`` from process start to its first
line and to its exit.
"""

from __future__ import annotations

import argparse
import functools
import os
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from kbtui.documents.corpus import Corpus
from kbtui.search.scan import DocumentHits, fold_table, iter_search, search
from kbtui.search.tier import CorpusIndex
from kbtui.session.knowledge import searchable_texts
from kbtui.session.searching import search_pages

T = TypeVar("T")

BENCH = Path(__file__).resolve().parent
APP_HITS = 2000
"""Context lines a search in the app gets (``kbtui.session.session.SEARCH_HITS``)."""

CJK = re.compile("[\u4e00-\u9fff]{1,4}")
LATIN = re.compile("[A-Za-z]{4,}")


def main(argv: list[str] | None = None) -> int:
    """Parse the options and print every figure, one ``name: value`` per line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path)
    parser.add_argument("--cache", type=Path, help="cache folder (the index lives there)")
    parser.add_argument("--queries", type=int, default=50)
    parser.add_argument("--scan-queries", type=int, default=10)
    parser.add_argument("--engines", action="store_true", help="FTS5 against tantivy")
    parser.add_argument("--crossover", action="store_true", help="scan vs index by size")
    parser.add_argument("--cli", action="store_true", help="kbtui search, start to exit")
    parser.add_argument(
        "--no-updates", action="store_true", help="leave the files' mtimes (a shared corpus)"
    )
    args = parser.parse_args(argv)
    root = args.corpus or made_corpus(10_000, 120)
    cache = args.cache or root.parent / f"{root.name}-cache"
    os.environ["KBTUI_CACHE_DIR"] = str(cache)
    index = built_index(root)
    queries = drawn_queries(index, args.queries)
    latency(index, queries, args.scan_queries)
    if not args.no_updates:
        updates(index)
    if args.engines:
        engines(index, queries)
    if args.crossover:
        crossover(root, queries[:10])
    if args.cli:
        cli(root, cache, queries)
    return 0


def made_corpus(files: int, megabytes: int) -> Path:
    """The generated corpus of that size, made on first use."""
    root = Path(tempfile.gettempdir()) / "kbtui-bench" / f"fts-{files}-{megabytes}"
    if not root.exists():
        make = [sys.executable, str(BENCH / "make_corpus.py"), str(files), str(root)]
        subprocess.run([*make, "--size-mb", str(megabytes)], check=True)
    return root


def timed(work: Callable[[], object]) -> float:
    """Seconds ``work`` took."""
    return timed_value(work)[0]


def timed_value(work: Callable[[], T]) -> tuple[float, T]:
    """Seconds ``work`` took, and what it returned."""
    started = time.perf_counter()
    value = work()
    return time.perf_counter() - started, value


def built_index(root: Path) -> CorpusIndex:
    """The corpus scanned and its index brought up to date (timed: the build, or the
    warm check of a second run)."""
    corpus = Corpus(root)
    print(f"corpus scan: {timed(corpus.scan):.2f} s")
    readable = [e for e in corpus.entries() if e.readable]
    megabytes = sum(e.size for e in readable) / 2**20
    print(f"corpus: {len(readable)} documents, {megabytes:.1f} MB")
    index = CorpusIndex.open(corpus)
    changed, _ = index.stale()
    took = timed(index.sync)
    kind = "index build" if len(changed) > len(readable) // 2 else "index sync (warm)"
    print(f"{kind}: {took:.2f} s for {len(changed)} documents")
    size = sum(p.stat().st_size for p in index.index.path.parent.glob(index.index.path.name + "*"))
    print(f"index file: {size / 2**20:.1f} MB ({size / 2**20 / megabytes:.2f}x the corpus)")
    if not index.index.chars_complete:
        print(f"characters of an older index filled: {timed(index.fill_chars):.1f} s")
    print(f"index warm sync: {timed(index.sync) * 1000:.0f} ms")
    return index


def drawn_queries(index: CorpusIndex, count: int) -> list[str]:
    """``count`` queries drawn from the texts (a fixed seed), a tenth of them selective."""
    rng = random.Random(12)
    ids = [e.id for e in index.corpus.entries() if e.readable]
    queries: list[str] = []
    while len(queries) < count - count // 10:
        text = index.body(rng.choice(ids))
        pattern = LATIN if rng.random() < 0.25 else CJK
        found = pattern.findall(text, rng.randrange(len(text)))
        if found:
            word = found[0]
            queries.append(word[: rng.randint(1, 4)] if pattern is CJK else word)
    queries += [f"第{rng.randrange(len(ids))}{rng.choice('期篇')}" for _ in range(count // 10)]
    print(f"queries: {len(queries)} ({', '.join(queries[:8])}, ...)")
    return queries


def percentiles(seconds: list[float]) -> str:
    """``p50 X ms, p95 Y ms`` of ``seconds``."""
    ranked = sorted(seconds)
    p95 = ranked[min(len(ranked) - 1, round(0.95 * (len(ranked) - 1)))]
    return f"p50 {statistics.median(ranked) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms"


@dataclass(frozen=True)
class Run:
    """One search as the app runs it: seconds to its first page and to its last."""

    first: float
    complete: float
    first_cpu: float
    """CPU seconds to the first page (the machine's other load does not count in it)."""
    cpu: float
    """CPU seconds of the whole search (every thread: SQLite counts without the GIL)."""
    documents: int


def timed_run(stream: Callable[[], Iterable[DocumentHits]]) -> Run:
    """Time :func:`search_pages` over ``stream()``, as the app's search screen takes it."""
    started, cpu = time.perf_counter(), time.process_time()
    first: tuple[float, float] | None = None
    documents = 0
    for page in search_pages(stream(), str, APP_HITS):
        documents += len(page.groups)
        if first is None:
            first = (time.perf_counter() - started, time.process_time() - cpu)
    complete = (time.perf_counter() - started, time.process_time() - cpu)
    first = first or complete
    return Run(first[0], complete[0], first[1], complete[1], documents)


def latency(index: CorpusIndex, queries: list[str], scan_count: int) -> None:
    """Search as the app runs it, from the warm index and by the scan: to the first page
    and to the last, for selective queries (in at most 100 documents) and common ones."""
    index.search(queries[0], APP_HITS)  # the fold's inverse and the regional tables
    runs = [timed_run(functools.partial(index.iter_search, query, APP_HITS)) for query in queries]
    complete = [run.complete for run in runs]
    print(f"search (index): {percentiles(complete)} over {len(runs)} queries")
    report("index", runs)
    spread = [run.documents for run in runs]
    print(f"documents per query: median {statistics.median(spread):.0f}, max {max(spread)}")
    corpus = index.corpus
    picked = queries[:scan_count]
    scans = [timed_run(functools.partial(scanned, corpus, query)) for query in picked]
    print(f"search (scan): {percentiles([r.complete for r in scans])} over {len(scans)} queries")
    report("scan", scans)
    own = statistics.median(complete[: len(scans)])
    print(f"scan / index: {statistics.median(run.complete for run in scans) / own:.1f}x")


def report(engine: str, runs: list[Run]) -> None:
    """p50 and p95 to the first page and to the last, selective and common queries apart."""
    for name, kept in (
        ("queries in <= 100 documents", [run for run in runs if run.documents <= 100]),
        ("queries in > 100 documents", [run for run in runs if run.documents > 100]),
    ):
        if not kept:
            continue
        print(f"search ({engine}, {name}): {percentiles([run.complete for run in kept])}")
        print(f"first page ({engine}, {name}): {percentiles([run.first for run in kept])}")
        print(
            f"cpu ({engine}, {name}): first page {percentiles([run.first_cpu for run in kept])};"
            f" complete {percentiles([run.cpu for run in kept])}; over {len(kept)} queries"
        )


def scanned(corpus: Corpus, query: str) -> Iterable[DocumentHits]:
    """The scan's stream of ``query``, as the app asks it."""
    return iter_search(searchable_texts(corpus), query, max_hits=APP_HITS)


def scan_time(corpus: Corpus, query: str) -> float:
    """Seconds the scan takes to answer ``query`` as the app asks it."""
    return timed(lambda: search(searchable_texts(corpus), query, max_hits=APP_HITS))


def updates(index: CorpusIndex) -> None:
    """Touch 100 files, rescan, and time bringing the index up to date."""
    entries = [e for e in index.corpus.entries() if e.readable][:100]
    for entry in entries:
        os.utime(entry.path)
    index.corpus.scan()
    changed, removed = index.stale()
    took = timed(lambda: index.update(changed, removed))
    print(f"update: {took * 1000:.0f} ms for {len(changed)} changed documents")
    print(f"update per document: {took * 1000 / max(len(changed), 1):.1f} ms")


def engines(index: CorpusIndex, queries: list[str]) -> None:
    """FTS5 and tantivy built over the same folded texts; their candidate lookups timed."""
    fold = fold_table().fold
    ids = [e.id for e in index.corpus.entries() if e.readable]
    took, texts = timed_value(lambda: [fold(index.body(doc)) for doc in ids])
    print(f"engines: read and fold: {took:.1f} s")
    queries = [fold(query) for query in queries]  # as kbtui looks them up
    folder = Path(tempfile.mkdtemp(prefix="kbtui-engines-"))
    try:
        fts5_engine(folder / "fts5.sqlite", texts, queries)
        tantivy_engine(folder / "tantivy", texts, queries)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def fts5_engine(path: Path, texts: list[str], queries: list[str]) -> None:
    """SQLite FTS5, trigram tokenizer, text stored (as kbtui keeps it)."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(
        "CREATE VIRTUAL TABLE t USING fts5(x, tokenize='trigram case_sensitive 1', detail=none)"
    )

    def build() -> None:
        conn.execute("BEGIN")
        conn.executemany("INSERT INTO t(rowid, x) VALUES (?, ?)", enumerate(texts))
        conn.execute("COMMIT")

    took = timed(build)
    print(f"fts5 build: {took:.1f} s, {path.stat().st_size / 2**20:.1f} MB (text included)")
    lookups = []
    for query in queries:
        if len(query) >= 3:
            grams = " AND ".join(f'"{query[i : i + 3]}"' for i in range(len(query) - 2))
            lookups.append(timed(functools.partial(fts5_lookup, conn, grams)))
    print(f"fts5 lookup (3+ characters): {percentiles(lookups or [0.0])}")
    print("fts5 lookup (1-2 characters): no trigram, every document is a candidate")
    print(f"fts5 update 100: {timed(lambda: fts5_update(conn, texts)) * 1000:.0f} ms")
    conn.close()


def fts5_lookup(conn: sqlite3.Connection, match: str) -> list[tuple[int]]:
    """The rows an FTS5 query matches."""
    return conn.execute("SELECT rowid FROM t WHERE t MATCH ?", (match,)).fetchall()


def fts5_update(conn: sqlite3.Connection, texts: list[str]) -> None:
    """Replace the first 100 documents, as an incremental update does."""
    conn.execute("BEGIN")
    for n in range(100):
        conn.execute("DELETE FROM t WHERE rowid = ?", (n,))
        conn.execute("INSERT INTO t(rowid, x) VALUES (?, ?)", (n, texts[n]))
    conn.execute("COMMIT")


def tantivy_engine(path: Path, texts: list[str], queries: list[str]) -> None:
    """tantivy (official bindings), n-grams of 1 to 3 characters, text not stored."""
    import tantivy

    path.mkdir()
    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("n", stored=True, indexed=True, fast=True)
    builder.add_text_field("x", stored=False, tokenizer_name="ngram", index_option="basic")
    schema = builder.build()
    index = tantivy.Index(schema, path=str(path))
    ngrams = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.ngram(1, 3, False)).build()
    index.register_tokenizer("ngram", ngrams)

    def build() -> None:
        writer = index.writer(heap_size=400_000_000, num_threads=2)
        for n, text in enumerate(texts):
            writer.add_document(tantivy.Document(n=n, x=text))
        writer.commit()
        writer.wait_merging_threads()

    took = timed(build)
    size = sum(f.stat().st_size for f in path.iterdir())
    print(f"tantivy build: {took:.1f} s, {size / 2**20:.1f} MB (text not stored)")
    index.reload()
    searcher = index.searcher()
    long_: list[float] = []
    short: list[float] = []
    for query in queries:
        grams = [query] if len(query) <= 3 else [query[i : i + 3] for i in range(len(query) - 2)]
        terms = [(tantivy.Occur.Must, tantivy.Query.term_query(schema, "x", g)) for g in grams]
        look = tantivy.Query.boolean_query(terms)
        took = timed(functools.partial(searcher.search, look, limit=len(texts) + 1))
        (long_ if len(query) >= 3 else short).append(took)
    print(f"tantivy lookup (3+ characters): {percentiles(long_ or [0.0])}")
    print(f"tantivy lookup (1-2 characters): {percentiles(short or [0.0])}")


def crossover(root: Path, queries: list[str]) -> None:
    """Scan and index on sub-folders of the corpus: where the index starts to win."""
    for folder in (root / "00" / "0", root / "00", root):
        corpus = Corpus(folder)
        corpus.scan()
        CorpusIndex.open(corpus).sync()
        opened, index = timed_value(functools.partial(CorpusIndex.open, corpus))
        scan = [scan_time(corpus, query) for query in queries]
        own = [timed(functools.partial(index.search, query, APP_HITS)) for query in queries]
        count = len(corpus.entries())
        print(
            f"crossover {count} documents: scan {statistics.median(scan) * 1000:.0f} ms,"
            f" index {statistics.median(own) * 1000:.0f} ms (opening it: {opened * 1000:.0f} ms)"
        )


def cli(root: Path, cache: Path, queries: list[str]) -> None:
    """``kbtui search`` from process start to its first line of output and to its exit,
    on the warm index (the corpus's entries are read first: documents/ owns that part)."""
    env = {**os.environ, "KBTUI_CACHE_DIR": str(cache)}
    for query in (queries[-1], queries[0], queries[1]):
        argv = [sys.executable, "-m", "kbtui", "search", query, "--corpus", str(root)]
        runs = [first_line_and_exit(argv, env) for _ in range(3)]
        first = statistics.median(run[0] for run in runs) * 1000
        done = statistics.median(run[1] for run in runs) * 1000
        print(f"kbtui search {query!r}: first line {first:.0f} ms, {done:.0f} ms start to exit")


def first_line_and_exit(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Seconds from starting ``argv`` to its first line on standard output, and to its exit."""
    started = time.perf_counter()
    with subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL) as run:
        assert run.stdout is not None
        run.stdout.readline()
        first = time.perf_counter() - started
        run.stdout.read()
    return first, time.perf_counter() - started


if __name__ == "__main__":
    sys.exit(main())
