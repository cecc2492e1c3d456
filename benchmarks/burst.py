"""Burst: one key floods the API with expensive searches; does anyone else still get served?

    TALENT_SEARCH_STATE_DIR=$(mktemp -d) .venv/bin/python benchmarks/burst.py \
        --count 2000 --burst 60 --seconds 20

Key A (`demo-standard-key`) sends `--burst` concurrent expensive searches (a 256-character `q`
of 64 comma-separated parts plus 20 long skills) for `--seconds`. Meanwhile key B
(`demo-enterprise-key`, another client) searches one ordinary query at a time, and one loop
asks `/healthz`, another `/readyz`. It prints, for each of the four, the status counts and the
latency median, p95 and maximum, and the ratio of each median to the same calls' median in a
quiet phase measured first in the same run (no flood, `--quiet-seconds`). Loopback only,
bounded in time and in clients. The API is a separate process (`talent-search serve
--demo-keys`) on an engine started for the run; run the same command with PYTHONPATH at another
checkout to compare two versions of the code.
"""

from __future__ import annotations

import multiprocessing
import statistics
import threading
import time
from collections import Counter
from multiprocessing.queues import Queue
from typing import Any

import httpx
import typer
from api_load import console, ensure_indexed, start_api
from bench_engines import bench_engine, engine_name
from bench_load import percentile
from rich.table import Table

# 64 comma-separated parts in 256 characters, and 20 skills of 100 characters.
EXPENSIVE_Q = ",".join(f"s{i:02d}" for i in range(85))[:256]
EXPENSIVE_SKILLS = [f"{'x' * 90} skill {i:02d}" for i in range(20)]
ORDINARY = ["react developer", "python django", "bookkeeping", "logo design", "golang"]


Call = tuple[float, int]  # latency s, HTTP status (-1: no answer)


class Log:
    """(latency s, status) per call of one kind; status -1 means no answer (timeout, reset)."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self._lock = threading.Lock()

    def call(self, http: httpx.Client, method: str, path: str, **kwargs: Any) -> None:
        began = time.perf_counter()
        try:
            status = http.request(method, path, **kwargs).status_code
        except httpx.HTTPError:
            status = -1
        with self._lock:
            self.calls.append((time.perf_counter() - began, status))


def flood(base_url: str, burst: int, seconds: float, results: Queue[list[Call]]) -> None:
    """Key A's `burst` concurrent loops of expensive searches (in a process of their own)."""
    log, stop = Log(), threading.Event()
    body = {"q": EXPENSIVE_Q, "skills": EXPENSIVE_SKILLS}
    headers = {"X-API-Key": "demo-standard-key"}

    def loop() -> None:
        with httpx.Client(base_url=base_url, timeout=120) as http:
            while not stop.is_set():
                log.call(http, "POST", "/v1/search", json=body, headers=headers)

    threads = [threading.Thread(target=loop, daemon=True) for _ in range(burst)]
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join(timeout=180)
    results.put(log.calls)


def run_burst(base_url: str, burst: int, seconds: float) -> dict[str, list[Call]]:
    """Key B and the probes for `seconds`, during a flood of `burst` loops (none: quiet).

    The flood runs in another process, so that its threads never delay the timed calls."""
    logs = {name: Log() for name in ("B ordinary", "/healthz", "/readyz")}
    stop = threading.Event()

    def ordinary() -> None:
        with httpx.Client(base_url=base_url, timeout=120) as http:
            i = 0
            while not stop.is_set():
                params = {"q": ORDINARY[i % len(ORDINARY)]}
                headers = {"X-API-Key": "demo-enterprise-key"}
                logs["B ordinary"].call(http, "GET", "/v1/search", params=params, headers=headers)
                i += 1

    def probe(path: str) -> None:
        with httpx.Client(base_url=base_url, timeout=120) as http:
            while not stop.is_set():
                logs[path].call(http, "GET", path)
                time.sleep(0.2)

    results: Queue[list[Call]] = multiprocessing.Queue()
    flooder = multiprocessing.Process(target=flood, args=(base_url, burst, seconds, results))
    if burst:
        flooder.start()
    threads = [threading.Thread(target=ordinary, daemon=True)]
    for path in ("/healthz", "/readyz"):
        threads.append(threading.Thread(target=probe, args=(path,), daemon=True))
    for thread in threads:
        thread.start()
    if burst:
        flooded = results.get(timeout=seconds + 300)
        flooder.join(timeout=30)
    else:
        time.sleep(seconds)
        flooded = []
    stop.set()
    for thread in threads:
        thread.join(timeout=180)
    return {"A expensive": flooded} | {name: log.calls for name, log in logs.items()}


def print_table(title: str, logs: dict[str, list[Call]], quiet: dict[str, list[Call]]) -> None:
    table = Table(title=title)
    for column in ("calls", "statuses", "median s", "p95 s", "max s", "median / quiet"):
        table.add_column(column)
    table.add_column("what", justify="left")
    for name, calls in logs.items():
        if not calls:
            continue
        latencies = [latency for latency, _ in calls]
        baseline = [latency for latency, _ in quiet.get(name, [])]
        ratio = statistics.median(latencies) / statistics.median(baseline) if baseline else None
        statuses = ", ".join(f"{s}: {n}" for s, n in sorted(Counter(s for _, s in calls).items()))
        table.add_row(
            str(len(calls)),
            statuses,
            f"{statistics.median(latencies):.3f}",
            f"{percentile(latencies, 95):.3f}",
            f"{max(latencies):.3f}",
            f"{ratio:.1f}" if ratio is not None else "",
            name,
        )
    console.print(table)


def main(
    count: int = typer.Option(2000, help="Profiles in the index (the demo corpus)."),
    burst: int = typer.Option(60, help="Concurrent expensive searches from key A."),
    seconds: float = typer.Option(15.0, help="How long key A floods."),
    quiet_seconds: float = typer.Option(10.0, help="The baseline first: no flood, this long."),
    port: int = typer.Option(8771, help="The API's port on 127.0.0.1."),
    engine: str = typer.Option("embedded", help="embedded or opensearch."),
) -> None:
    with bench_engine(engine_name(engine)) as bench:
        ensure_indexed(bench.url, count)
        api = start_api(bench.url, port)
        try:
            base_url = f"http://127.0.0.1:{port}"
            with httpx.Client(base_url=base_url, timeout=120) as http:  # warm each client's path
                for key in ("demo-standard-key", "demo-enterprise-key"):
                    http.get("/v1/search", params={"q": "python"}, headers={"X-API-Key": key})
            quiet = run_burst(base_url, 0, quiet_seconds)
            logs = run_burst(base_url, burst, seconds)
        finally:
            api.terminate()
            api.wait(timeout=30)
    print_table(f"quiet: no flood, {quiet_seconds:g} s", quiet, {})
    print_table(f"burst of {burst} expensive searches from key A for {seconds:g} s", logs, quiet)


if __name__ == "__main__":
    typer.run(main)
