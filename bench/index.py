"""Time the entity index and search on a big corpus.

    python bench/index.py [CORPUS] [--files N] [--size-mb MB]

Without CORPUS, a corpus of N files (default 10,000) and about MB megabytes
(default 100) is generated once in /tmp from the five samples: each file is
the lines of the samples, taken round-robin from a different starting point
and cut to size, so every file differs and names every kind of entity.

Figures (DESIGN.md / issue 5 targets):

- read + decode: every file read and decoded as UTF-8, the floor any index
  pays (page cache warm: the best case for it, the worst for the ratio);
- index build, no cache: must stay within 2x of read + decode; the two are
  run in turns (--repeats, default 3) and their medians compared, wall and
  CPU (on a shared machine the CPU ratio is the steadier);
- index build, cache warm: a second start (nothing read but the cache);
- the plain (fold the whole text) matcher, for comparison;
- the passages of one entity with their context lines, what
  ``kbtui mentions ENTITY`` prints (no target yet; most of it is the
  context lines);
- search over the corpus held in memory: must stay under 1 s;
- search reading every file from disk, for comparison.

``--phases`` first prints where a build's CPU goes, one thread, best of
--repeats: reading, decoding, lower-casing, the Rust automaton (its call
UTF-8 encodes the text and builds a table of every byte's character offset,
both under the GIL, before the GIL-free pass), the per-hit Python loop, the
coreference contexts, the cache write.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from kbtui.entities.cache import write_cache
from kbtui.entities.entities_file import load_entities_file
from kbtui.entities.matcher import Matcher
from kbtui.entities.mentions import DocStamp, MentionIndex
from kbtui.entities.passages import EntityMentions, entity_mentions
from kbtui.entities.registry import EntityRegistry
from kbtui.locations import bundled_corpus
from kbtui.search.scan import SearchResult, fold_table, search

QUERIES = ("創立", "多雲", "Anthropic", "达里奥·阿莫代伊", "Dario Amodei", "不存在的词语")


def generate(root: Path, files: int, size_mb: float) -> None:
    """Write ``files`` documents of about ``size_mb`` MB in all under ``root``."""
    samples = sorted(bundled_corpus().glob("*.txt"))
    lines = [line for path in samples for line in path.read_text("utf-8").splitlines(True)]
    target = int(size_mb * 1024 * 1024 / files)
    root.mkdir(parents=True, exist_ok=True)
    step = max(1, len(lines) // files) or 1
    for number in range(files):
        folder = root / f"{number // 1000:02d}"
        folder.mkdir(exist_ok=True)
        chunk, size, at = [f"# 文档 {number}\n"], 0, (number * step) % len(lines)
        while size < target:
            line = lines[at % len(lines)]
            chunk.append(line)
            size += len(line.encode("utf-8"))
            at += 1
        (folder / f"doc{number:05d}.md").write_text("".join(chunk), "utf-8")


def stamps_of(root: Path) -> tuple[list[DocStamp], dict[str, Path]]:
    """Every file's stamp and path, by document id."""
    stamps, paths = [], {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix in {".md", ".txt"}:
            stat = path.stat()
            doc_id = path.relative_to(root).as_posix()
            stamps.append(DocStamp(doc_id, stat.st_size, stat.st_mtime))
            paths[doc_id] = path
    return stamps, paths


def timed(label: str, action: Callable[[], object]) -> tuple[float, object]:
    """Run ``action``, print its wall and CPU time, return the wall time and its result."""
    wall, cpu, result = measured(action)
    print(f"{label:<44} {wall:7.3f} s  (cpu {cpu:.3f} s)")
    return wall, result


def measured(action: Callable[[], object]) -> tuple[float, float, object]:
    """Wall and CPU time of ``action`` (CPU: every thread's, and children's):
    on a machine shared with other work the CPU time is the steadier figure."""
    started, cpu = time.perf_counter(), _cpu()
    result = action()
    return time.perf_counter() - started, _cpu() - cpu, result


def _cpu() -> float:
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


@dataclass
class Runs:
    """Repeated wall and CPU times of one action, reported as medians."""

    label: str
    walls: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)

    def add(self, action: Callable[[], object]) -> object:
        wall, cpu, result = measured(action)
        self.walls.append(wall)
        self.cpus.append(cpu)
        return result

    @property
    def wall(self) -> float:
        return statistics.median(self.walls)

    @property
    def cpu(self) -> float:
        return statistics.median(self.cpus)

    def show(self) -> None:
        print(
            f"{self.label:<44} {self.wall:7.3f} s  (cpu {self.cpu:.3f} s; "
            f"median of {len(self.walls)}: {' '.join(f'{w:.2f}' for w in self.walls)})"
        )


def build_against_read(
    registry: EntityRegistry,
    stamps: list[DocStamp],
    read: Callable[[str], str],
    cache_file: Path,
    repeats: int,
    files: dict[str, tuple[Path, int]],
) -> MentionIndex:
    """Read + decode and the index build without a cache, on threads and on
    processes (as the app builds it, ``files`` given), run in turns
    ``repeats`` times so all see the same load; prints their medians and
    ratios, wall and CPU (on processes, only this process's CPU: the workers
    are the fork server's children, not this one's)."""
    reading = Runs("read + decode every file")
    builds = {
        "threads": Runs("index build, no cache, threads (read + match)"),
        "processes": Runs("index build, no cache, processes (as the app)"),
    }
    reports: list[int] = []
    index: object = None
    for _ in range(repeats):
        reading.add(lambda: [read(s.id) for s in stamps])
        for way, runs in builds.items():
            cache_file.unlink(missing_ok=True)
            reports.clear()
            index = runs.add(
                partial(
                    MentionIndex.build,
                    registry,
                    stamps,
                    read,
                    cache_file=cache_file,
                    progress=lambda d, t: reports.append(d),
                    files=files if way == "processes" else None,
                )
            )
    reading.show()
    megabytes = sum(s.size for s in stamps) / 1e6
    for building in builds.values():
        building.show()
        print(
            f"  = {building.wall / reading.wall:.2f}x read + decode (target <= 2x), "
            f"cpu {building.cpu / reading.cpu:.2f}x; {megabytes / building.wall:.0f} MB/s"
        )
    assert isinstance(index, MentionIndex)
    mentions = sum(len(index.mentions_in(s.id)) for s in stamps[:100]) * len(stamps) // 100
    print(
        f"  {len(reports)} progress reports; ~{mentions} mentions; "
        f"cache {cache_file.stat().st_size / 1e6:.1f} MB"
    )
    return index


def best_cpu(action: Callable[[], object], repeats: int) -> float:
    """The least CPU time of ``repeats`` runs of ``action`` (the least disturbed one)."""
    return min(measured(action)[1] for _ in range(repeats))


def phases(registry: EntityRegistry, paths: list[Path], repeats: int) -> None:
    """Where one thread's CPU goes in a build, phase by phase (each phase alone,
    best of ``repeats``; a phase given as a difference is the line above it
    minus the lines it includes)."""
    index = MentionIndex(registry)
    matcher = index.matcher
    matcher.prepare()
    automaton = matcher._variants.fast  # the fast path's Rust automaton
    assert automaton is not None
    raw = [path.read_bytes() for path in paths]
    texts = [data.decode("utf-8", "replace") for data in raw]
    lowered = [text.lower() for text in texts]
    stamps = [DocStamp(str(n), 0, 0.0) for n in range(len(texts))]
    figures = {
        "read": best_cpu(lambda: [path.read_bytes() for path in paths], repeats),
        "decode": best_cpu(lambda: [data.decode("utf-8", "replace") for data in raw], repeats),
        "lower": best_cpu(lambda: [text.lower() for text in texts], repeats),
        "utf-8 encode (inside the automaton's call)": best_cpu(
            lambda: [text.encode("utf-8", "replace") for text in lowered], repeats
        ),
        "automaton call": best_cpu(
            lambda: [automaton.find_matches_as_indexes(text) for text in lowered], repeats
        ),
        "scan (lower, automaton, per-hit loop, slow paths)": best_cpu(
            lambda: [matcher.scan(text) for text in texts], repeats
        ),
        "document hits (scan and coreference contexts)": best_cpu(
            lambda: [index._doc_hits(s, t) for s, t in zip(stamps, texts, strict=True)], repeats
        ),
    }
    index._docs = {s.id: index._doc_hits(s, t) for s, t in zip(stamps, texts, strict=True)}
    with tempfile.TemporaryDirectory() as folder:
        cache = Path(folder) / "mentions.json"
        figures["cache write"] = best_cpu(
            lambda: write_cache(cache, index._cache_key(), index._docs), repeats
        )
    scan = figures["scan (lower, automaton, per-hit loop, slow paths)"]
    loop = scan - figures["lower"] - figures["automaton call"]
    figures["  per-hit loop and slow paths (scan - lower - automaton)"] = loop
    doc_hits = figures["document hits (scan and coreference contexts)"]
    figures["  coreference contexts (document hits - scan)"] = doc_hits - scan
    for label, seconds in figures.items():
        print(f"phase: {label:<58} cpu {seconds:6.3f} s")


def matching(matcher: Matcher, texts: list[str], megabytes: float) -> None:
    """The matcher alone over texts in memory, the fast way and the plain way."""
    match_time, _ = timed(
        "match only, in memory (fast path)", lambda: [matcher.find(t) for t in texts]
    )
    plain_time, _ = timed(
        "match only, in memory (fold every text)", lambda: [matcher.find_folded(t) for t in texts]
    )
    print(f"  fast path {megabytes / match_time:.0f} MB/s, plain {megabytes / plain_time:.0f} MB/s")


def searching(stamps: list[DocStamp], texts: list[str], read: Callable[[str], str]) -> None:
    """Search over the corpus in memory, and reading every file."""
    pairs = [(s.id, text) for s, text in zip(stamps, texts, strict=True)]
    for query in QUERIES:
        _, result = timed(f"search {query!r} (in memory)", partial(search, pairs, query))
        assert isinstance(result, SearchResult)
        print(f"  {result.total} hits in {len(result.documents)} documents")
    timed(
        "search '創立' reading every file",
        lambda: search(((s.id, read(s.id)) for s in stamps), "創立"),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path)
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--size-mb", type=float, default=100.0)
    parser.add_argument("--repeats", type=int, default=3, help="runs of read and build (3)")
    parser.add_argument("--phases", action="store_true", help="first, where the CPU goes")
    args = parser.parse_args()
    root = args.corpus or Path(tempfile.gettempdir()) / f"kbtui-bench-{args.files}-{args.size_mb:g}"
    if args.corpus is None and not root.exists():
        timed(f"generate {root}", lambda: generate(root, args.files, args.size_mb))
    os.environ.setdefault("KBTUI_CACHE_DIR", tempfile.mkdtemp(prefix="kbtui-bench-cache-"))

    stamps, paths = stamps_of(root)
    megabytes = sum(s.size for s in stamps) / 1e6
    print(f"corpus: {root}  {len(stamps)} files, {megabytes:.1f} MB")

    def read(doc_id: str) -> str:
        return paths[doc_id].read_bytes().decode("utf-8", "replace")

    texts = [read(s.id) for s in stamps]  # warm the page cache: the baseline is pure read + decode
    timed("fold table (once per process)", fold_table)
    _, registry = timed(
        "entity registry from entities.yaml",
        lambda: EntityRegistry.for_corpus(load_entities_file(bundled_corpus())),
    )
    assert isinstance(registry, EntityRegistry)
    if args.phases:
        phases(registry, [paths[s.id] for s in stamps], max(1, args.repeats))
    matcher = Matcher.from_registry(registry)
    timed("automaton (once per registry)", lambda: matcher.scan("warm up"))
    cache_file = Path(os.environ["KBTUI_CACHE_DIR"]) / "mentions-bench.json"
    files = {doc_id: (path, 0) for doc_id, path in paths.items()}
    index = build_against_read(registry, stamps, read, cache_file, max(1, args.repeats), files)
    timed(
        "index build, cache warm (second start)",
        lambda: MentionIndex.build(registry, stamps, read, cache_file=cache_file),
    )
    timed("  of which: stat every file", lambda: stamps_of(root))
    matching(matcher, texts, megabytes)
    timed("entity stats (M: all entities, counts)", index.stats)
    _, found = timed(
        "passages of Dario Amodei, with context lines",
        lambda: entity_mentions(index, "dario amodei", read),
    )
    assert isinstance(found, EntityMentions)
    print(f"  {found.count} passages in {len(found.documents)} documents (kbtui mentions ENTITY)")
    searching(stamps, texts, read)


if __name__ == "__main__":
    main()
