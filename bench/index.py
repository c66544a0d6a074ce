"""Time the entity index and search on a big corpus.

    python bench/index.py [CORPUS] [--files N] [--size-mb MB]

Without CORPUS, a corpus of N files (default 10,000) and about MB megabytes
(default 100) is generated once in /tmp from the five samples: each file is
the lines of the samples, taken round-robin from a different starting point
and cut to size, so every file differs and names every kind of entity.

Figures (DESIGN.md / issue 5 targets):

- read + decode: every file read and decoded as UTF-8, the floor any index
  pays (page cache warm: the best case for it, the worst for the ratio);
- index build, no cache: must stay within 2x of read + decode;
- index build, cache warm: a second start (nothing read but the cache);
- the plain (fold the whole text) matcher, for comparison;
- search over the corpus held in memory: must stay under 1 s;
- search reading every file from disk, for comparison.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from kbtui.entities.entities_file import load_entities_file
from kbtui.entities.matcher import Matcher
from kbtui.entities.mentions import DocStamp, MentionIndex
from kbtui.entities.registry import EntityRegistry
from kbtui.locations import bundled_corpus
from kbtui.search.scan import fold_table, search

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
    """Run ``action``, print and return its time."""
    started = time.perf_counter()
    result = action()
    elapsed = time.perf_counter() - started
    print(f"{label:<44} {elapsed:7.3f} s")
    return elapsed, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path)
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--size-mb", type=float, default=100.0)
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

    read_all = lambda: [read(s.id) for s in stamps]  # noqa: E731
    read_all()  # warm the page cache: the baseline is then pure read + decode
    read_time, texts = timed("read + decode every file", read_all)

    timed("fold table (once per process)", fold_table)
    _, registry = timed(
        "entity registry from entities.yaml",
        lambda: EntityRegistry.for_corpus(load_entities_file(bundled_corpus())),
    )
    matcher = Matcher.from_registry(registry)
    timed("automaton (once per registry)", lambda: matcher.scan("warm up"))
    cache_file = Path(os.environ["KBTUI_CACHE_DIR"]) / "mentions-bench.json"
    cache_file.unlink(missing_ok=True)
    reports: list[int] = []
    build_time, index = timed(
        "index build, no cache (read + match)",
        lambda: MentionIndex.build(
            registry, stamps, read, cache_file=cache_file, progress=lambda d, t: reports.append(d)
        ),
    )
    mentions = sum(len(index.mentions_in(s.id)) for s in stamps[:100]) * len(stamps) // 100
    print(
        f"  = {build_time / read_time:.2f}x read + decode (target <= 2x); "
        f"{megabytes / build_time:.0f} MB/s; {len(reports)} progress reports; "
        f"~{mentions} mentions; cache {cache_file.stat().st_size / 1e6:.1f} MB"
    )
    timed(
        "index build, cache warm (second start)",
        lambda: MentionIndex.build(registry, stamps, read, cache_file=cache_file),
    )
    timed("  of which: stat every file", lambda: stamps_of(root))
    match_time, _ = timed(
        "match only, in memory (fast path)", lambda: [matcher.find(t) for t in texts]
    )
    plain_time, _ = timed(
        "match only, in memory (fold every text)", lambda: [matcher.find_folded(t) for t in texts]
    )
    print(f"  fast path {megabytes / match_time:.0f} MB/s, plain {megabytes / plain_time:.0f} MB/s")
    timed("entity stats (M: all entities, counts)", index.stats)

    pairs = [(s.id, text) for s, text in zip(stamps, texts, strict=True)]
    for query in QUERIES:
        _, result = timed(f"search {query!r} (in memory)", lambda q=query: search(pairs, q))
        print(f"  {result.total} hits in {len(result.documents)} documents")
    timed(
        "search '創立' reading every file",
        lambda: search(((s.id, read(s.id)) for s in stamps), "創立"),
    )


if __name__ == "__main__":
    main()
