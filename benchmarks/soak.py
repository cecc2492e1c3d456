"""Soak: mixed-tier traffic against the API for a long run, watching errors and memory growth.

    .venv/bin/python benchmarks/soak.py --minutes 10 --count 5000 --clients 8 --engine opensearch

Standard, enterprise and relevance-engineer keys search (with filters, the diversity filter,
explain and ranking overrides), and look up profiles, for `--minutes`. The API is a separate
process (`talent-search serve --demo-keys`); its RSS is sampled every `--sample-s` seconds.
The engine is started for the run (`--engine embedded|opensearch`, `--heap`), unless
`--backend-url` names a running cluster. Targets: zero errors, RSS growth under 10 % from the
end of the warm-up to the end of the run.
"""

from __future__ import annotations

import random
import signal
import statistics
import threading
import time
from typing import Any

import httpx
import typer
from api_load import (
    QUERIES,
    console,
    ensure_indexed,
    percentile,
    request_mix,
    rss_mb,
    run_load,
    start_api,
)
from bench_engines import bench_engine, engine_name
from rich.table import Table

Request = tuple[str, str, str, dict[str, Any]]  # method, path, key, params or body


def soak_mix(profile_ids: list[str], seed: int = 11) -> list[Request]:
    rng = random.Random(seed)
    mix: list[Request] = [("GET", "/v1/search", key, params) for key, params in request_mix()]
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
    clients: int = typer.Option(8, help="Concurrent clients."),
    port: int = typer.Option(8766, help="Port for the API process."),
    sample_s: float = typer.Option(30.0, help="Seconds between RSS samples."),
    engine: str = typer.Option("embedded", help="embedded | opensearch (started for the run)."),
    heap: str = typer.Option("2g", help="JVM heap of the real engine."),
    backend_url: str | None = typer.Option(None, help="Measure a running cluster instead."),
) -> None:
    with bench_engine(engine_name(engine), heap, backend_url) as running:
        console.print(f"engine: {running.name} at {running.url}")
        ensure_indexed(running.url, count)
        soak(running.url, running.name, minutes, clients, port, sample_s)


def soak(
    url: str, engine_label: str, minutes: float, clients: int, port: int, sample_s: float
) -> None:
    api = start_api(url, port)
    http = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30)
    samples: list[tuple[float, float]] = []
    stop = threading.Event()
    try:
        ids_page = http.get(
            "/v1/search", params={"size": 50}, headers={"X-API-Key": "demo-standard-key"}
        )
        mix = soak_mix([tile["id"] for tile in ids_page.json()["results"]])
        failures: dict[str, int] = {}

        def call(i: int) -> tuple[float, bool]:
            method, path, key, params = mix[i % len(mix)]
            started = time.perf_counter()
            try:
                if method == "GET":
                    response = http.get(path, params=params, headers={"X-API-Key": key})
                else:
                    response = http.post(path, json=params, headers={"X-API-Key": key})
                ok = response.status_code == 200
                label = f"{method} {path.split('/')[2]} {response.status_code}"
            except httpx.HTTPError as exc:
                ok, label = False, type(exc).__name__
            if not ok:
                failures[label] = failures.get(label, 0) + 1
            return (time.perf_counter() - started) * 1000, ok

        for i in range(len(mix)):  # warm-up: every distinct request once
            call(i)
        started = time.perf_counter()
        samples.append((0.0, rss_mb(api.pid)))

        def sampler() -> None:
            while not stop.wait(sample_s):
                samples.append((time.perf_counter() - started, rss_mb(api.pid)))

        threading.Thread(target=sampler, daemon=True).start()
        console.print(f"soaking: {clients} clients, {len(mix)} distinct requests, {minutes} min")
        latencies, errors, elapsed = run_load(call, clients, minutes * 60)
        stop.set()
        samples.append((elapsed, rss_mb(api.pid)))
    finally:
        stop.set()
        api.send_signal(signal.SIGTERM)
        api.wait(timeout=30)

    rss_table = Table("t (s)", "API RSS (MB)", title=f"memory, engine {engine_label}")
    for t, mb in samples:
        rss_table.add_row(f"{t:.0f}", f"{mb:.0f}")
    console.print(rss_table)
    start_mb, end_mb = samples[0][1], samples[-1][1]
    console.print(
        f"engine: {engine_label}\n"
        f"requests {len(latencies)} in {elapsed:.0f} s: {len(latencies) / elapsed:.1f}/s; "
        f"p50 {statistics.median(latencies):.1f} ms, p99 {percentile(latencies, 99):.1f} ms; "
        f"errors {errors}" + (f" {failures}" if failures else "") + "\n"
        f"RSS after warm-up {start_mb:.0f} MB, at the end {end_mb:.0f} MB: "
        f"growth {100 * (end_mb - start_mb) / start_mb:+.1f} %"
    )


if __name__ == "__main__":
    typer.run(main)
