"""A short run of ``bench/kill.py``: concurrent sessions killed at random lose nothing.

The benchmark's deep run is 200 rounds (``python bench/kill.py``); here 10,
with two writers, so the suite stays fast.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_ten_rounds_of_kill_9_lose_no_acknowledged_write(tmp_path: Path) -> None:
    command = [sys.executable, str(REPO / "bench" / "kill.py"), "--rounds", "10", "--writers", "2"]
    done = subprocess.run(
        [*command, "--dir", str(tmp_path), "--seed", "7"],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(REPO / "src")},  # the test's own kbtui folders
    )
    assert done.returncode == 0, done.stdout + done.stderr
    summary = done.stdout.splitlines()[-1]
    assert summary.startswith("10 rounds, 0 problems"), summary
    acknowledged = int(summary.split(", ")[2].split()[0].lstrip("("))
    assert acknowledged > 20, summary  # the writers did write before they were killed
