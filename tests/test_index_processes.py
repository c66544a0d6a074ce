"""The mention index built on worker processes: the index threads give, whatever the files do."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import pytest

import kbtui.entities.indexing as indexing_module
import kbtui.entities.processes as processes
from kbtui.documents.corpus import Corpus
from kbtui.entities.entities_file import load_entities_file
from kbtui.entities.mentions import MentionIndex
from kbtui.entities.registry import EntityRegistry
from kbtui.session.knowledge import build_index

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


@pytest.fixture
def corpus(tmp_path: Path) -> Corpus:
    """The samples, each also under a second name (ten documents, frontmatter and all), scanned."""
    root = tmp_path / "corpus"
    shutil.copytree(CORPUS, root)
    for path in sorted(root.glob("*.txt")):
        shutil.copy(path, path.with_name("copy-" + path.name))
    found = Corpus(root)
    found.scan()
    return found


@pytest.fixture
def registry() -> EntityRegistry:
    return EntityRegistry.for_corpus(load_entities_file(CORPUS))


@pytest.fixture
def pools(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every build here takes processes (the names of the pools it made are kept)."""
    monkeypatch.setattr(indexing_module, "PROCESS_BYTES", 0)
    monkeypatch.setattr(indexing_module, "WORKERS", 2)
    made: list[str] = []
    real = indexing_module._processes

    def recorded(registry: EntityRegistry) -> Executor | None:
        pool = real(registry)
        made.append(type(pool).__name__)
        return pool

    monkeypatch.setattr(indexing_module, "_processes", recorded)
    return made


def _on_threads(corpus: Corpus, registry: EntityRegistry, monkeypatch: pytest.MonkeyPatch) -> Any:
    with monkeypatch.context() as patch:
        patch.setattr(indexing_module, "WORKERS", 1)  # one core: never processes
        return build_index(corpus, registry, cache=False)._docs


def test_processes_give_the_index_threads_give(
    corpus: Corpus, registry: EntityRegistry, pools: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    built = build_index(corpus, registry, cache=False)
    assert pools == ["ProcessPoolExecutor"]
    assert built._docs == _on_threads(corpus, registry, monkeypatch)
    doc = next(e for e in corpus.entries() if e.body_start > 0)
    assert min(built._docs[doc.id].hits[0::2]) >= doc.body_start  # offsets in the source


def test_files_changed_or_gone_since_the_scan_are_read_here(
    corpus: Corpus, registry: EntityRegistry, pools: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    changed, gone = corpus.entries()[0], corpus.entries()[1]
    changed.path.write_text("Anthropic 的 Claude。" + changed.path.read_text("utf-8"), "utf-8")
    gone.path.unlink()
    built = build_index(corpus, registry, cache=False)
    assert pools == ["ProcessPoolExecutor"]
    assert built._docs == _on_threads(corpus, registry, monkeypatch)
    assert len(built._docs[changed.id].hits) > 0 and len(built._docs[gone.id].hits) == 0


class _DyingPool(Executor):
    """A pool whose workers die after the first batch (killed, out of memory)."""

    def __init__(self) -> None:
        self.shut = False

    def map(self, fn: Callable[..., Any], *batches: Any, **_: Any) -> Iterator[Any]:
        for number, batch in enumerate(batches[0]):
            if number == 1:
                raise BrokenProcessPool("a worker died")
            yield fn(batch)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self.shut = True


def test_a_dead_worker_leaves_the_rest_to_this_process(
    corpus: Corpus, registry: EntityRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    pool = _DyingPool()
    monkeypatch.setattr(indexing_module, "PROCESS_BYTES", 0)
    monkeypatch.setattr(indexing_module, "WORKERS", 2)
    monkeypatch.setattr(indexing_module, "BATCH_DOCS", 2)
    monkeypatch.setattr(indexing_module, "_processes", lambda registry: pool)
    monkeypatch.setattr(indexing_module, "match_files", lambda files: [None] * len(files))
    built = build_index(corpus, registry, cache=False)
    assert pool.shut
    assert built._docs == _on_threads(corpus, registry, monkeypatch)


def test_no_processes_here_means_threads(
    corpus: Corpus, registry: EntityRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refused(registry: EntityRegistry, workers: int) -> Executor:
        raise OSError("no /dev/shm")

    monkeypatch.setattr(indexing_module, "PROCESS_BYTES", 0)
    monkeypatch.setattr(indexing_module, "WORKERS", 2)
    monkeypatch.setattr(indexing_module, "worker_pool", refused)
    built = build_index(corpus, registry, cache=False)
    assert built._docs == _on_threads(corpus, registry, monkeypatch) != {}


def test_a_small_build_stays_on_threads(
    corpus: Corpus, registry: EntityRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[object] = []
    monkeypatch.setattr(indexing_module, "WORKERS", 2)
    monkeypatch.setattr(indexing_module, "_processes", made.append)
    MentionIndex.build(registry, [], corpus.load_text, files={})
    build_index(corpus, registry, cache=False)
    assert made == []


def test_processes_start_under_a_textual_app_s_stderr(tmp_path: Path) -> None:
    """Textual replaces sys.stderr with a capture whose fileno is -1, which
    multiprocessing hands on to its resource tracker (in a fresh process: the
    tracker starts once per process)."""
    script = """
import sys
import threading
import time
from kbtui.entities.entities_file import load_entities_file
from kbtui.entities.processes import match_files, worker_pool
from kbtui.entities.registry import EntityRegistry
from kbtui.locations import bundled_corpus

class Capture:
    def write(self, text): return len(text)
    def flush(self): pass
    def fileno(self): return -1

if __name__ == "__main__":
    sys.stderr = Capture()
    registry = EntityRegistry.for_corpus(load_entities_file(bundled_corpus()))
    with worker_pool(registry, 1) as pool:
        print(pool.submit(match_files, [None]).result())
"""
    (tmp_path / "capture.py").write_text(script, "utf-8")
    done = subprocess.run(
        [sys.executable, str(tmp_path / "capture.py")], capture_output=True, text=True, timeout=60
    )
    assert (done.returncode, done.stdout) == (0, "[None]\n"), done.stderr


def test_workers_yield_the_cores_to_the_app(registry: EntityRegistry) -> None:
    with processes.worker_pool(registry, 1) as pool:
        assert pool.submit(os.nice, 0).result() == min(19, os.nice(0) + processes.NICENESS)


def _gone(pid: int) -> bool:
    """Whether process ``pid`` has ended (a zombie nobody reaped yet has)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text("utf-8")
    except OSError:
        return True
    return "\nState:\tZ" in status


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc")
def test_workers_end_when_the_app_is_killed(tmp_path: Path) -> None:
    script = """
import os, signal
from kbtui.entities.entities_file import load_entities_file
from kbtui.entities.processes import match_files, worker_pool
from kbtui.entities.registry import EntityRegistry
from kbtui.locations import bundled_corpus

if __name__ == "__main__":
    registry = EntityRegistry.for_corpus(load_entities_file(bundled_corpus()))
    pool = worker_pool(registry, 2)
    list(pool.map(match_files, [[None], [None]]))
    print(*pool._processes, flush=True)
    os.kill(os.getpid(), signal.SIGKILL)
"""
    (tmp_path / "killed.py").write_text(script, "utf-8")
    done = subprocess.run(
        [sys.executable, str(tmp_path / "killed.py")], capture_output=True, text=True, timeout=30
    )  # the workers hold its stdout: left behind, they would hold it to the timeout
    workers = [int(pid) for pid in done.stdout.split()]
    assert len(workers) == 2, done.stderr
    deadline = time.monotonic() + 5
    while not all(map(_gone, workers)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert all(map(_gone, workers))


def test_without_a_pidfd_a_worker_checks_the_app_is_there(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(processes, "POLL_SECONDS", 0.01)
    app = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(0.2)"])
    waiting = threading.Thread(target=processes._wait_for_end, args=(app.pid,))
    waiting.start()
    waiting.join(0.1)
    assert waiting.is_alive()
    app.wait()
    waiting.join(2)
    assert not waiting.is_alive()
