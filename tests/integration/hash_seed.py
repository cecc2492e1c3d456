"""Running a snippet in a fresh interpreter under another PYTHONHASHSEED (order-leak checks)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_with_another_hash_seed(script: str, *args: str | Path, hash_seed: int = 12345) -> None:
    """`python -c script args...` from the repository root, with PYTHONHASHSEED=hash_seed."""
    env = {**os.environ, "PYTHONHASHSEED": str(hash_seed), "PYTHONPATH": str(ROOT)}
    argv = [sys.executable, "-c", script, *map(str, args)]
    subprocess.run(argv, check=True, env=env, cwd=ROOT)
