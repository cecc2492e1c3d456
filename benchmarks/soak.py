"""Soak: mixed-tier traffic against the API for a long run, watching errors and memory growth.

    .venv/bin/python benchmarks/soak.py --minutes 10 --count 5000 --clients 8 --engine opensearch
    .venv/bin/python benchmarks/soak.py --minutes 10 --count 1000000 --job-posts 200000 \
        --engine opensearch

Standard, enterprise and relevance-engineer keys (one of each per load client, as in
benchmarks/api_load.py) search (with filters, the diversity filter, explain and ranking
overrides), and look up profiles, for `--minutes`. The API is a separate
process (`talent-search serve --demo-keys`); its RSS is sampled every `--sample-s` seconds.
The engine is started for the run (`--engine embedded|opensearch`, `--heap`), unless
`--backend-url` names a running cluster. The index gets `--count` demo profiles and
`--job-posts` demo job posts (the CLI's `index` and `index job-posts`) unless it holds them.

It prints the errors, the API's RSS over the run and its drift after the warm-up (every
distinct request once, then the first `--window-s` of load) to the end, target at most +5 %;
and the p99 latency of the last window against the second one (the first after the warm-up),
target at most 1.2x. Nothing is asserted.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter

import httpx
import typer
from api_load import (
    QUERIES,
    ClientKeys,
    LoadClient,
    Request,
    api_worker,
    console,
    ensure_indexed,
    free_port,
    request_mix,
    search_requests,
    start_api,
    stop_api,
)
from bench_engines import bench_engine, engine_name, rss_mb
from bench_load import ratio, rss_drift, run_load, window_p99s
from rich.table import Table


def soak_mix(profile_ids: list[str], seed: int = 11) -> list[Request]:
    rng = random.Random(seed)
    mix = search_requests(request_mix())
    for q in QUERIES:
        mix.append(("POST", "/v1/search", "demo-engineer-key", {"q": q, "explain": True}))
        overrides = {"badges": {"expert_vetted": round(rng.uniform(1, 2), 2)}}
        mix.append(
            ("POST", "/v1/search", "demo-engineer-key", {"q": q, "ranking_overrides": overrides})
        )
        mix.append(("GET", "/v1/search", "demo-standard-key", {"q": q, "page": rng.randint(2, 5)}))
    for profile_id in profile_ids:
        key = rng.choice(["demo-standard-key", "demo-enterprise-key"])
        mix.append(("GET", f"/v1/profiles/{profile_id}", key, {}))
    rng.shuffle(mix)
    return mix


def main(
    minutes: float = typer.Option(10.0, help="Duration of the soak."),
    count: int = typer.Option(5000, help="Profiles in the index (the demo corpus)."),
    job_posts: int = typer.Option(0, help="Demo job posts in the index (0: none)."),
    clients: int = typer.Option(8, help="Concurrent clients."),
    port: int = typer.Option(0, help="Port for the API process (0: a free one)."),
    sample_s: float = typer.Option(30.0, help="Seconds between RSS samples."),
    window_s: float = typer.Option(60.0, help="The warm-up window, and the p99 windows."),
    engine: str = typer.Option("embedded", help="embedded | opensearch (started for the run)."),
    heap: str = typer.Option("2g", help="JVM heap of the real engine."),
    backend_url: str | None = typer.Option(None, help="Measure a running cluster instead."),
) -> None:
    with bench_engine(engine_name(engine), heap, backend_url) as running:
        console.print(f"engine: {running.name} at {running.url}")
        ensure_indexed(running.url, count, job_posts)
        soak(running.url, running.name, minutes, clients, port, sample_s, window_s)
        engine_mb = rss_mb(running.pids)
    if running.pids:
        console.print(f"engine RSS at the end: {engine_mb:.0f} MB")


def soak(
    url: str,
    engine_label: str,
    minutes: float,
    clients: int,
    port: int,
    sample_s: float,
    window_s: float,
) -> None:
    port = port or free_port()
    keys = ClientKeys.create(clients)
    api = start_api(url, port, keys)
    http = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30)
    load_client = LoadClient(f"http://127.0.0.1:{port}", clients)
    samples: list[tuple[float, float]] = []
    stop = threading.Event()
    failures: Counter[str] = Counter()
    try:
        ids_page = http.get(
            "/v1/search", params={"size": 50}, headers={"X-API-Key": "demo-standard-key"}
        )
        mix = soak_mix([tile["id"] for tile in ids_page.json()["results"]])
        call = api_worker(load_client, mix, failures, keys)
        for i in range(len(mix)):  # warm-up: every distinct request once
            call(i)
        failures.clear()
        started = time.perf_counter()
        samples.append((0.0, rss_mb((api.pid,))))

        def sampler() -> None:
            while not stop.wait(sample_s):
                samples.append((time.perf_counter() - started, rss_mb((api.pid,))))

        threading.Thread(target=sampler, daemon=True).start()
        console.print(f"soaking: {clients} clients, {len(mix)} distinct requests, {minutes} min")
        result = run_load(call, clients, minutes * 60)
        stop.set()
        samples.append((result.seconds, rss_mb((api.pid,))))
    finally:
        stop.set()
        stop_api(api)

    rss_table = Table("t (s)", "API RSS (MB)", title=f"memory, engine {engine_label}")
    for t, mb in samples:
        rss_table.add_row(f"{t:.0f}", f"{mb:.0f}")
    console.print(rss_table)
    first_mb, end_mb, overall = rss_drift(samples, 0.0)
    warm_mb, _, drift = rss_drift(samples, window_s)
    second, last = window_p99s(result, window_s)
    console.print(
        f"engine: {engine_label}\n"
        f"requests {result.requests} in {result.seconds:.0f} s: {result.throughput:.1f}/s; "
        f"p50 {result.p50:.1f} ms, p99 {result.p99:.1f} ms; "
        f"errors {result.errors}" + (f" {dict(failures)}" if failures else "") + "\n"
        f"API RSS after the warm-up requests {first_mb:.0f} MB, at {window_s:.0f} s "
        f"{warm_mb:.0f} MB, at the end {end_mb:.0f} MB: drift after the warm-up "
        f"{drift:+.1f} % (target <= +5 %; from the warm-up requests {overall:+.1f} %)\n"
        f"p99 of the last {window_s:.0f} s {last:.1f} ms against the second window "
        f"({window_s:.0f}-{2 * window_s:.0f} s) {second:.1f} ms: "
        f"{ratio(last, second):.2f}x (target <= 1.2x)"
    )


if __name__ == "__main__":
    typer.run(main)
