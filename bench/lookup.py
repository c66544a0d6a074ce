"""Dictionary look-up and pinyin search: first-ever, first-per-process and warm times.

Each "first" figure is a new Python process (imports included, as the user
pays them) with its own cache folder:

* parse: what parsing CC-CEDICT at first use would cost (the reason for the cache);
* first-ever: no cache yet, so the first look-up builds it;
* first-per-process: the cache exists; import, open and the first look-up;
* warm: every position of a sample looked up in one process;
* pinyin search: building a :class:`PinyinText` and finding queries, on the
  samples and on a 1 MB text made of them, in a new process (so the first
  includes importing pypinyin).

    python bench/lookup.py [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[1] / "corpus"

PARSE = """
import json, time
t = time.perf_counter()
from kbtui.lookup import cedict
entries = {}
for entry in cedict.parse(cedict.read_text()):
    entries.setdefault(entry.simplified, []).append(entry)
    entries.setdefault(entry.traditional, []).append(entry)
print(json.dumps({"parse": time.perf_counter() - t}))
"""

FIRST = """
import json, sys, time
if sys.argv[1:] == ["app"]:
    import kbtui.ui.app  # what the reader has loaded before its first look-up
t, cpu = time.perf_counter(), time.process_time()
from kbtui.lookup.dictionary import Dictionary
imported, imported_cpu = time.perf_counter(), time.process_time()
result = Dictionary().lookup_at("我们的安全很重要", 3)
done, done_cpu = time.perf_counter(), time.process_time()
assert result is not None and result.pinyin == "ān quán", result
print(json.dumps({"import": imported - t, "lookup": done - imported,
                  "import_cpu": imported_cpu - cpu, "lookup_cpu": done_cpu - imported_cpu}))
"""

WARM = """
import json, sys, time
from pathlib import Path
from kbtui.lookup.dictionary import Dictionary
text = Path(sys.argv[1]).read_text(encoding="utf-8")
d = Dictionary()
d.lookup("安全")
times, words = [], 0
for pos in range(len(text)):
    t = time.perf_counter()
    found = d.lookup_at(text, pos)
    times.append(time.perf_counter() - t)
    words += found is not None
times.sort()
t = time.perf_counter()
found, steps = d.lookup_at(text, 0) or d.next_word(text, 0), 0
while found is not None:
    found, steps = d.next_word(text, found.start), steps + 1
step = (time.perf_counter() - t) / max(steps, 1)
print(json.dumps({"positions": len(text), "words": words, "median": times[len(times) // 2],
                  "p99": times[int(len(times) * 0.99)], "max": times[-1], "step": step}))
"""

SEARCH = """
import json, sys, time
from pathlib import Path
t = time.perf_counter()
from kbtui.lookup.pinyin_search import PinyinText
text = Path(sys.argv[1]).read_text(encoding="utf-8")
t0 = time.perf_counter()
first = PinyinText(text)
first_build = time.perf_counter() - t0
t0 = time.perf_counter()
index = PinyinText(text)
build = time.perf_counter() - t0
found = {}
for query in ("anquan", "an quan", "moxing", "xian", "rengongzhineng"):
    t0 = time.perf_counter()
    spans = index.find(query)
    found[query] = (len(spans), time.perf_counter() - t0)
print(json.dumps({"chars": len(text), "first_build": first_build, "build": build, "found": found}))
"""


def run(code: str, *args: str, cache: Path) -> dict[str, object]:
    env = {**os.environ, "KBTUI_CACHE_DIR": str(cache)}
    done = subprocess.run(
        [sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, check=True
    )
    result: dict[str, object] = json.loads(done.stdout)
    return result


def ms(seconds: object) -> str:
    return f"{float(str(seconds)) * 1000:.1f} ms"


def median_of(runs: list[dict[str, object]], key: str) -> float:
    return statistics.median(float(str(r[key])) for r in runs)


def bench_lookup(runs: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        cache = Path(folder)
        parse = [run(PARSE, cache=cache) for _ in range(runs)]
        print(f"parse CC-CEDICT at first use (no cache): {ms(median_of(parse, 'parse'))}")
        ever = run(FIRST, cache=cache)
        print(f"first-ever look-up (builds the cache):   {ms(ever['lookup'])}")
        size = sum(p.stat().st_size for p in cache.rglob("*.sqlite"))
        print(f"cache file:                              {size / 1e6:.1f} MB")
        for where, args in (("bare process", ()), ("after the app's imports", ("app",))):
            first = [run(FIRST, *args, cache=cache) for _ in range(runs)]
            print(
                f"first-per-process look-up, {where}: {ms(median_of(first, 'lookup'))}"
                f" (CPU {ms(median_of(first, 'lookup_cpu'))}) + importing kbtui.lookup.dictionary"
                f" {ms(median_of(first, 'import'))} (CPU {ms(median_of(first, 'import_cpu'))})"
            )
        for sample in sorted(CORPUS.glob("00[0-4]_*.txt"))[:2]:
            warm = run(WARM, str(sample), cache=cache)
            print(
                f"warm, every position of {sample.name[:3]}: median {ms(warm['median'])},"
                f" p99 {ms(warm['p99'])}, max {ms(warm['max'])};"
                f" next word {ms(warm['step'])} ({warm['positions']} positions)"
            )


def bench_search() -> None:
    samples = sorted(CORPUS.glob("00[0-4]_*.txt"))
    with tempfile.TemporaryDirectory() as folder:
        big = Path(folder) / "big.txt"
        texts = [p.read_text(encoding="utf-8") for p in samples]
        joined = "\n".join(texts)
        big.write_text(joined * (1_000_000 // len(joined) + 1), encoding="utf-8")
        for path in [*samples, big]:
            result = run(SEARCH, str(path), cache=Path(folder))
            found = result["found"]
            assert isinstance(found, dict)
            queries = ", ".join(f"{q} {n} in {ms(t)}" for q, (n, t) in found.items())
            name = path.name[:3] if path != big else "1 MB"
            print(
                f"pinyin search {name} ({result['chars']} chars): first index"
                f" {ms(result['first_build'])} (pypinyin's import and table), again"
                f" {ms(result['build'])}; {queries}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    bench_lookup(args.runs)
    bench_search()


if __name__ == "__main__":
    main()
