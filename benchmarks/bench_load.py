"""Load and latency helpers shared by the benchmarks: concurrent load phases, interleaving,
pooling and percentiles; and what a report records about its run (the command line, the
commit, the load averages).

`run_load` drives `clients` threads calling a worker for some seconds and keeps, per call, its
latency and when it ended (seconds since the phase began); `warm_up` makes each of its calls
once first. `interleave` alternates two or more
kinds of load in short phases (A B, then B A, ...), so that a drift in the machine's load lands
on every side alike, and pools each kind's phases. Nothing here asserts a timing.
"""

from __future__ import annotations

import shlex
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

Worker = Callable[[int], tuple[float, bool]]  # call i -> (latency ms, ok)


def percentile(values: list[float], p: float) -> float:
    """The `p`-th percentile (nearest rank on the sorted values; NaN when there are none)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def p50_p99(values: list[float]) -> tuple[float, float]:
    """The median (interpolated) and the 99th percentile."""
    if not values:
        return float("nan"), float("nan")
    return statistics.median(values), percentile(values, 99)


def ratio(a: float, b: float) -> float:
    return a / b if b else float("nan")


@dataclass
class LoadResult:
    """One phase (or several, pooled): per call its latency in ms and its end, in seconds since
    its phase began (a pooled result lays its phases end to end)."""

    latencies_ms: list[float] = field(default_factory=list)
    ended_s: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0
    phases: int = 1

    @property
    def requests(self) -> int:
        return len(self.latencies_ms)

    @property
    def throughput(self) -> float:
        return ratio(self.requests, self.seconds)

    @property
    def p50(self) -> float:
        return p50_p99(self.latencies_ms)[0]

    @property
    def p99(self) -> float:
        return p50_p99(self.latencies_ms)[1]

    def between(self, start_s: float, end_s: float) -> list[float]:
        """Latencies of the calls that ended in [start_s, end_s)."""
        return [
            ms
            for ms, ended in zip(self.latencies_ms, self.ended_s, strict=True)
            if start_s <= ended < end_s
        ]


def pooled(results: list[LoadResult]) -> LoadResult:
    """Several phases of one kind as one: their calls together, their durations summed."""
    out = LoadResult(phases=len(results))
    offset = 0.0
    for r in results:
        out.latencies_ms += r.latencies_ms
        out.ended_s += [offset + t for t in r.ended_s]
        out.errors += r.errors
        out.seconds += r.seconds
        offset += r.seconds
    return out


def run_load(worker: Worker, clients: int, seconds: float) -> LoadResult:
    """`clients` threads call worker(i) in a loop for `seconds`; client n calls i = n, n +
    clients, n + 2 * clients, ... (so together they walk a mix in order)."""
    result = LoadResult()
    lock = threading.Lock()
    started = time.perf_counter()
    deadline = started + seconds

    def loop(offset: int) -> None:
        i = offset
        while time.perf_counter() < deadline:
            ms, ok = worker(i)
            ended = time.perf_counter() - started
            with lock:
                result.latencies_ms.append(ms)
                result.ended_s.append(ended)
                result.errors += 0 if ok else 1
            i += clients

    threads = [threading.Thread(target=loop, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    result.seconds = time.perf_counter() - started
    return result


def warm_up(worker: Worker, clients: int, calls: int) -> None:
    """Calls 0 .. calls - 1 once each, by `clients` threads split as `run_load` splits them
    (client n makes n, n + clients, ...): with `calls` the period of the load's pattern, every
    call the load will make has been made once, by the client that will make it."""

    def loop(offset: int) -> None:
        for i in range(offset, calls, clients):
            worker(i)

    threads = [threading.Thread(target=loop, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def phase_order(names: list[str], rounds: int) -> list[str]:
    """The phases of `interleave`: each round runs every kind once, the order reversed every
    other round (A B, B A, A B, ...), so neither kind always follows the other."""
    order: list[str] = []
    for r in range(rounds):
        order += names if r % 2 == 0 else names[::-1]
    return order


def interleave(
    workers: Mapping[str, Worker],
    clients: int,
    seconds: float,
    rounds: int,
    on_phase: Callable[[str, int, int], None] | None = None,
) -> dict[str, LoadResult]:
    """Each kind of load for `seconds` in all, in `rounds` phases of `seconds / rounds`,
    interleaved (`phase_order`); each kind's phases pooled. `on_phase(name, n, total)` is told
    before each phase starts."""
    phases: dict[str, list[LoadResult]] = {name: [] for name in workers}
    order = phase_order(list(workers), rounds)
    for n, name in enumerate(order):
        if on_phase is not None:
            on_phase(name, n, len(order))
        phases[name].append(run_load(workers[name], clients, seconds / rounds))
    return {name: pooled(results) for name, results in phases.items()}


def rss_drift(samples: list[tuple[float, float]], after_s: float) -> tuple[float, float, float]:
    """(RSS at the first sample at or after `after_s`, at the end, growth in %)."""
    start = next((mb for t, mb in samples if t >= after_s), samples[-1][1])
    end = samples[-1][1]
    return start, end, 100 * (end - start) / start


def window_p99s(result: LoadResult, window_s: float) -> tuple[float, float]:
    """p99 of the calls that ended in the second window and in the last one."""
    second = result.between(window_s, 2 * window_s)
    last = result.between(result.seconds - window_s, result.seconds + 1)
    return percentile(second, 99), percentile(last, 99)


def command_line() -> str:
    """The command that runs this script, to paste (the interpreter relative to the cwd)."""
    python = Path(sys.executable)
    try:
        shown = str(python.relative_to(Path.cwd()))
    except ValueError:
        shown = str(python)
    return shlex.join([shown, *sys.argv])


def git_commit() -> str:
    """The checkout's commit, and whether tracked files differ from it."""
    repo = Path(__file__).resolve().parent

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], capture_output=True, text=True, check=True, cwd=repo)
        return done.stdout.strip()

    try:
        head = git("rev-parse", "--short", "HEAD")
        dirty = git("status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + (" (with uncommitted changes)" if dirty else "")


def load_averages() -> str:
    """`uptime`'s line (load averages over 1, 5 and 15 minutes), for the record."""
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "uptime unavailable"
